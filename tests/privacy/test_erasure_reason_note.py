"""A closing reason's note is the candidate's data, emptied by erasure; the reason is a number
the reports count, kept."""

from hiring.models import Application, StageChange
from hiring.pipeline import applications
from hiring.privacy import erasure
from tests.factories import ApplicationFactory, fresh


def test_erasure_empties_the_note_and_keeps_the_reason(
    team, recruiter, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(opening__team=team, stage=Application.Stage.SCREEN)
    applications.move_stage(
        application,
        Application.Stage.WITHDRAWN,
        recruiter,
        reason="other",
        reason_note="Nina Park moved to Lima",
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert erasure.erase(fresh(application).candidate, by=recruiter)

    change = StageChange.objects.get(application=application, to_stage="withdrawn")
    assert (change.reason, change.reason_note) == ("other", "")


def test_an_erasure_withdraws_an_open_application_without_saying_why(
    team, recruiter, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(opening__team=team, stage=Application.Stage.PANEL)

    with django_capture_on_commit_callbacks(execute=True):
        erasure.erase(application.candidate, by=recruiter)

    change = StageChange.objects.get(application=application, to_stage="withdrawn")
    assert (change.reason, change.reason_note) == ("", "")
