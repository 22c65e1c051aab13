"""The email chosen for a move to a stage goes out however the application gets there: booked
into the panel, or at the debrief once the panel has scored."""

from datetime import UTC, datetime, timedelta

from hiring.debrief import decisions
from hiring.models import CandidateEmail, EmailTemplate
from hiring.outreach import editing
from hiring.scheduling import booking
from tests.factories import SKILLS, TEAM_FIT, Stage, nine_to_five, submitted, team_fit_panel

Kind = EmailTemplate.Kind
MONDAY = datetime(2030, 3, 4, tzinfo=UTC)


def news_on(stage, recruiter):
    """The organisation's message "News: <stage>" on a move to `stage`."""
    editing.save(
        None,
        Kind.MESSAGE,
        recruiter,
        name=f"On {stage}",
        subject=f"News: {stage}",
        body="Hello {first_name}.",
        send_on_stage=stage,
    )


def scored_by_the_panel(application, member, teammate):
    """At the panel, both scorecards submitted: the debrief may open."""
    application.stage = Stage.PANEL
    application.save()
    submitted(application, member, SKILLS, "yes")
    submitted(application, teammate, TEAM_FIT, "yes")


def test_the_debrief_opening_sends_the_debriefs_email(application, member, teammate, recruiter):
    news_on(Stage.DEBRIEF, recruiter)
    scored_by_the_panel(application, member, teammate)

    decisions.maybe_open_debrief(application, member)

    email = CandidateEmail.objects.get()
    assert (email.subject, email.status) == ("News: debrief", CandidateEmail.Status.SCHEDULED)


def test_booking_the_panel_sends_the_panels_email(application, member, teammate, recruiter):
    news_on(Stage.PANEL, recruiter)
    nine_to_five(member, teammate)
    panel = team_fit_panel(application, [member, teammate], recruiter)
    [option, *_] = booking.find_options(panel, MONDAY, MONDAY + timedelta(days=1))

    booking.book(panel, option, recruiter)

    email = CandidateEmail.objects.get(kind=Kind.MESSAGE)
    assert (email.subject, email.status) == ("News: panel", CandidateEmail.Status.SCHEDULED)


def test_a_hold_taken_back_within_the_undo_delay_sends_nothing(
    application, member, teammate, recruiter
):
    """The hold moved it to Decided and queued that stage's email; taken back, the application
    is at the debrief again, as the candidate last heard."""
    news_on(Stage.DECIDED, recruiter)
    scored_by_the_panel(application, member, teammate)
    decisions.maybe_open_debrief(application, member)
    record = decisions.record_decision(application, member, "hold", "Budget.")
    decisions.confirm_decision(record, teammate)
    assert CandidateEmail.objects.get().status == CandidateEmail.Status.SCHEDULED

    decisions.withdraw_decision(record, member, "The budget came through.")

    assert [email.status for email in CandidateEmail.objects.all()] == [
        CandidateEmail.Status.CANCELLED
    ]
