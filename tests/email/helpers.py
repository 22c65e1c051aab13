"""Interviews booked the way the app books them, for the email tests."""

from datetime import UTC, datetime, timedelta

from hiring.scheduling import booking
from hiring.tasks import send_session_invites
from tests.factories import nine_to_five, team_fit_panel

MONDAY = datetime(2030, 3, 4, tzinfo=UTC)
START = MONDAY.replace(hour=9)  # where the first option of the panels below falls
END = START + timedelta(hours=1)


def booked_panel(application, interviewers, by):
    """A team-fit panel with `interviewers`, booked at START."""
    nine_to_five(*interviewers)
    panel = team_fit_panel(application, interviewers, by)
    [option, *_] = booking.find_options(panel, MONDAY, MONDAY + timedelta(days=1))
    booking.book(panel, option, by)
    assert panel.sessions.get().start == START
    return panel


def rebook(panel, by):
    """Move the panel's session to the next day: its first reschedule, SEQUENCE 1."""
    tuesday = MONDAY + timedelta(days=1)
    [option, *_] = booking.find_options(panel, tuesday, tuesday + timedelta(days=1))
    booking.book(panel, option, by)
    return panel.sessions.get()


def send_invites(panel):
    """Send the invites of the panel's sessions, as their tasks do once a booking commits: its
    people told of their starts."""
    for session in panel.sessions.all():
        send_session_invites(session.pk, session.sequence)
