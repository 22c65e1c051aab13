"""A hire whose data is erased is no longer told from their colleagues by an address, so
their check-ins end: nobody rates them, the hire least of all."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from hiring.checkins import checkins
from hiring.debrief.decisions import panel_feedback
from hiring.models import Application
from hiring.privacy import erasure
from scorecards.access import reads_panel_feedback
from scorecards.models import CheckIn, CheckInReview
from tests.checkins.helpers import first, review


def erase(application, by, capture):
    with capture(execute=True):
        assert erasure.erase(application.candidate, by=by)


def test_nobody_rates_an_erased_hire_the_hire_least_of_all(
    application, sara, member, recruiter, signed_in, django_capture_on_commit_callbacks
):
    due = first(application)
    assert list(checkins.to_fill(member, timezone.now())) == [due]
    assert list(checkins.to_fill(sara, timezone.now())) == []

    erase(application, recruiter, django_capture_on_commit_callbacks)

    for person in (sara, member):
        assert list(checkins.to_fill(person, timezone.now())) == []
        assert signed_in(person).get(reverse("check_in_detail", args=[due.pk])).status_code == 404
    # Nobody had submitted any: they held nothing but the hire's name and drafts.
    assert not CheckIn.objects.filter(application=application).exists()


def test_a_check_in_with_submitted_reviews_closes_and_keeps_them(
    application, sara, teammate, recruiter, signed_in, django_capture_on_commit_callbacks
):
    due = first(application)
    review(due, teammate, score=4, would="strong_yes", notes="Sara shipped the pager rota")

    erase(application, recruiter, django_capture_on_commit_callbacks)

    assert [check_in.day for check_in in application.check_ins.all()] == [due.day]
    due.refresh_from_db()
    assert checkins.is_closed(due)
    with pytest.raises(ValidationError, match="closed"):
        review(due, sara)
    [kept] = CheckInReview.objects.all()
    assert (kept.rater, kept.would_hire_again, kept.notes) == (teammate, "strong_yes", "")
    # The hire, no longer known by an address, could read what colleagues said of her: the
    # check-in of an erased hire opens for nobody.
    for person in (sara, teammate):
        assert signed_in(person).get(reverse("check_in_detail", args=[due.pk])).status_code == 404


def test_nobody_reads_the_panels_feedback_on_an_erased_hire(
    application, sara, member, teammate, recruiter, django_capture_on_commit_callbacks
):
    """Known by no address once erased, the hire would read what the panel said of her."""
    panel = panel_feedback(application)
    assert panel
    assert not reads_panel_feedback(sara, application, panel)
    assert reads_panel_feedback(member, application, panel)  # the panelist who wrote it

    erase(application, recruiter, django_capture_on_commit_callbacks)
    application = Application.objects.select_related("candidate", "opening__team").get(
        pk=application.pk
    )

    for person in (sara, teammate, member):
        assert not reads_panel_feedback(person, application, panel_feedback(application))
