"""Interview invites say when an interview moved: from its first reschedule (SEQUENCE 1) on."""

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

    assert session.sequence == 0
    assert {m.subject for m in mailoutbox} == {
        "Interview with Cora Candidate, Mon 4 Mar, 09:00 London time",  # the interviewer
        "Interview with Cora Candidate, Mon 4 Mar, 09:00 UTC",  # the candidate, zone unknown
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
    assert {m.subject for m in mailoutbox} == {
        "Updated: Interview with Cora Candidate, Tue 5 Mar, 09:00 London time",
        "Updated: Interview with Cora Candidate, Tue 5 Mar, 09:00 UTC",
    }
    assert all("The interview has moved." in m.body for m in mailoutbox)


def test_only_the_candidates_copy_carries_their_status_link(panel, member, mailoutbox):
    session = panel.sessions.get()

    send_session_invites.delay(session.pk, session.sequence)

    by_person = {message.to[0]: message.body for message in mailoutbox}
    link = panel.application.status_url()
    assert by_person[panel.application.candidate.email].endswith(
        f"Where your application stands: {settings.SITE_URL}{link}\n"
    )
    assert "/status/" not in by_person[member.email]
