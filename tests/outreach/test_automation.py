"""Stage changes write to the candidate: a template chosen for the new stage goes out after the
undo delay (the team's before the organisation's), and a rejection waits for a recruiter."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hiring.debrief import decisions
from hiring.models import CandidateEmail, Decision, EmailTemplate, User
from hiring.outreach import automation, editing, messages
from hiring.pipeline import applications
from tests.factories import (
    SKILLS,
    TEAM_FIT,
    Stage,
    TeamFactory,
    UserFactory,
    submitted,
)

Kind = EmailTemplate.Kind
Status = CandidateEmail.Status


def on_panel(team, by, subject):
    return editing.save(
        team,
        Kind.MESSAGE,
        by,
        name=f"Panel news {subject}",
        subject=subject,
        body="Hello {first_name}, the {team_name} team would like to meet you.",
        send_on_stage=Stage.PANEL,
    )


def due_now(email):
    CandidateEmail.objects.filter(pk=email.pk).update(
        send_after=timezone.now() - timedelta(seconds=1)
    )


def test_a_move_sends_the_teams_template_before_the_organisations_after_the_delay(
    application, team, member, recruiter, mailoutbox, django_capture_on_commit_callbacks
):
    on_panel(None, recruiter, "From the organisation")
    on_panel(team, member, "From the team")
    with django_capture_on_commit_callbacks(execute=True):
        applications.move_stage(application, Stage.PANEL, member)

    [email] = CandidateEmail.objects.all()
    assert (email.subject, email.status, email.created_by) == (
        "From the team",
        Status.SCHEDULED,
        None,
    )
    assert email.send_after > timezone.now() + timedelta(minutes=5)
    assert mailoutbox == []
    due_now(email)
    assert messages.send_due() == 1
    assert mailoutbox[0].subject == "From the team"
    assert mailoutbox[0].body.startswith("Hello Nina")


def test_another_teams_override_does_not_apply(
    application, member, recruiter, django_capture_on_commit_callbacks
):
    on_panel(None, recruiter, "From the organisation")
    on_panel(TeamFactory(), recruiter, "From another team")
    applications.move_stage(application, Stage.PANEL, member)

    assert list(CandidateEmail.objects.values_list("subject", flat=True)) == [
        "From the organisation"
    ]


def test_a_move_to_a_stage_without_a_template_writes_nothing(application, member, recruiter):
    on_panel(None, recruiter, "Panel")
    applications.move_stage(application, Stage.SCREEN, member)

    assert not CandidateEmail.objects.exists()


@pytest.fixture
def no_hire(application, member, teammate, mailoutbox, django_capture_on_commit_callbacks):
    """The team decides no hire, as its rule recommends (a strong no vetoes)."""
    UserFactory(email="rita@example.com", role=User.Role.RECRUITER)
    application.stage = Stage.PANEL
    application.save()
    submitted(application, member, SKILLS, "yes")
    submitted(application, teammate, TEAM_FIT, "strong_no")
    with django_capture_on_commit_callbacks(execute=True):
        decisions.record_decision(application, member, Decision.Outcome.NO_HIRE)
    application.refresh_from_db()
    assert application.stage == Stage.REJECTED
    return application


def test_a_no_hire_queues_the_rejection_awaiting_a_recruiter_and_tells_them(no_hire, mailoutbox):
    [email] = CandidateEmail.objects.all()
    assert (email.kind, email.status) == (
        Kind.REJECTED_AFTER_INTERVIEWS,
        Status.AWAITING_CONFIRMATION,
    )
    assert email.subject == "Your interviews for SRE"
    [notice] = mailoutbox
    assert notice.to == ["rita@example.com"]
    assert "A rejection email to the candidate awaits your confirmation" in notice.body
    assert "kindly" not in notice.body
    due_now(email)
    assert messages.send_due() == 0


def test_the_recruiters_confirmation_sends_it_once_after_the_delay(no_hire, recruiter, mailoutbox):
    mailoutbox.clear()
    email = CandidateEmail.objects.get()

    assert messages.confirm(email) is True
    assert messages.send_due() == 0
    due_now(email)
    assert messages.send_due() == 1
    assert messages.send_due() == 0
    assert messages.send(email.pk) is False
    [sent] = mailoutbox
    assert sent.to == ["nina@candidates.example"]
    assert sent.subject == "Your interviews for SRE"


def test_the_teams_rejection_text_is_the_one_that_waits(
    application, team, member, teammate, recruiter, django_capture_on_commit_callbacks
):
    editing.save(
        team,
        Kind.REJECTED_AFTER_INTERVIEWS,
        member,
        subject="From {team_name}",
        body="Thank you, {first_name}.",
    )
    application.stage = Stage.PANEL
    application.save()
    submitted(application, member, SKILLS, "yes")
    submitted(application, teammate, TEAM_FIT, "strong_no")
    decisions.record_decision(application, member, Decision.Outcome.NO_HIRE)

    email = CandidateEmail.objects.get()
    assert email.subject == f"From {team.name}"
    assert email.status == Status.AWAITING_CONFIRMATION


def test_a_hire_sends_the_template_chosen_for_the_offer_stage(
    application, member, teammate, recruiter
):
    editing.save(
        None,
        Kind.MESSAGE,
        recruiter,
        name="Good news",
        subject="Good news about {opening_title}",
        body="Hello {first_name}, an offer is on its way.",
        send_on_stage=Stage.OFFER,
    )
    application.stage = Stage.PANEL
    application.save()
    submitted(application, member, SKILLS, "yes")
    submitted(application, teammate, TEAM_FIT, "strong_yes")
    decisions.record_decision(application, member, Decision.Outcome.HIRE)

    email = CandidateEmail.objects.get()
    assert (email.subject, email.status) == ("Good news about SRE", Status.SCHEDULED)


@pytest.mark.parametrize(
    ("from_stage", "kind"),
    [
        (Stage.APPLIED, Kind.REJECTED_AFTER_SCREEN),
        (Stage.SCREEN, Kind.REJECTED_AFTER_SCREEN),
        (Stage.PANEL, Kind.REJECTED_AFTER_INTERVIEWS),
    ],
)
def test_a_rejection_by_hand_waits_too_and_says_how_far_they_came(application, from_stage, kind):
    """No manual move rejects today (Application.MANUAL_STAGES); one that does is covered."""
    application.stage = Stage.REJECTED

    email = automation.after_move(application, from_stage)

    assert (email.kind, email.status) == (kind, Status.AWAITING_CONFIRMATION)
