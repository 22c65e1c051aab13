"""Interview invites say when an interview moved: from its first reschedule (SEQUENCE 1) on."""

import icalendar
import pytest
from django.conf import settings

from hiring.tasks import send_session_invites
from tests.email.helpers import booked_panel, rebook
from tests.factories import ApplicationFactory


@pytest.fixture
def panel(team, member, recruiter):
    application = ApplicationFactory(opening__team=team, candidate__name="Cora Candidate")
    return booked_panel(application, [member], recruiter)


def test_the_first_booking_is_not_a_move(panel, mailoutbox):
    session = panel.sessions.get()

    send_session_invites.delay(session.pk, session.sequence)

    title = panel.application.opening.title
    assert session.sequence == 0
    assert {m.subject for m in mailoutbox} == {
        "Interview with Cora Candidate, Mon 4 Mar, 09:00 London time",  # the interviewer
        # The candidate, zone unknown, reads of their interview for the job.
        f"Your team fit interview for {title}, Mon 4 Mar, 09:00 UTC",
    }
    assert not any("moved" in m.body for m in mailoutbox)


def test_the_first_reschedule_is_announced_as_a_move(
    panel, member, recruiter, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        session = rebook(panel, recruiter)

    assert session.sequence == 1
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [member.email, panel.application.candidate.email]
    )
    title = panel.application.opening.title
    assert {m.subject for m in mailoutbox} == {
        "Updated: Interview with Cora Candidate, Tue 5 Mar, 09:00 London time",
        f"Updated: Your team fit interview for {title}, Tue 5 Mar, 09:00 UTC",
    }
    by_person = {message.to[0]: message.body for message in mailoutbox}
    assert by_person[member.email].startswith(
        "Hello Ana Member,\n\nThe interview has moved from Monday 4 March 2030, 09:00 to "
        "Tuesday 5 March 2030, 09:00 London time.\n\nTeam fit interview with Cora Candidate"
    )
    assert (
        "The interview has moved from Monday 4 March 2030, 09:00 to Tuesday 5 March 2030, "
        f"09:00 UTC.\n\nYour team fit interview for {title} with the Platform team."
    ) in by_person[panel.application.candidate.email]


def test_the_candidate_is_not_invited_to_an_interview_with_themselves(panel, mailoutbox):
    session = panel.sessions.get()

    send_session_invites.delay(session.pk, session.sequence)

    [message] = [m for m in mailoutbox if m.to == [panel.application.candidate.email]]
    assert "Cora Candidate" not in message.subject
    assert "interview with Cora Candidate" not in message.body
    assert message.body.startswith("Hello Cora Candidate,")
    [event] = icalendar.Calendar.from_ical(message.attachments[0][1]).walk("VEVENT")
    title = panel.application.opening.title
    assert event["SUMMARY"] == f"Team fit interview: {title} (Platform)"


def test_only_the_candidates_copy_carries_their_status_link(panel, member, mailoutbox):
    session = panel.sessions.get()

    send_session_invites.delay(session.pk, session.sequence)

    by_person = {message.to[0]: message.body for message in mailoutbox}
    link = panel.application.status_url()
    assert by_person[panel.application.candidate.email].endswith(
        f"Where your application stands: {settings.SITE_URL}{link}\n"
    )
    assert "/status/" not in by_person[member.email]
