"""Names stored with line breaks or control characters still make single-line headers and
calendar names, so no email fails with BadHeaderError."""

from datetime import timedelta

import icalendar
import pytest

from hiring.email.reminders import send_due
from hiring.models import single_line
from hiring.tasks import send_session_invites
from tests.email.helpers import START, booked_panel
from tests.factories import ApplicationFactory


@pytest.fixture
def broken_names(team, member):
    """A candidate and an interviewer whose names were stored before forms refused them."""
    member.display_name = "Ana\r\nMember"
    member.save(update_fields=["display_name"])
    return ApplicationFactory(opening__team=team, candidate__name="Cora\nCandi\x1bdate\u2028Jr")


def test_single_line_collapses_whitespace_and_control_characters():
    assert single_line("  Cora\r\n\tCandi\x00\x1bdate\u2028Jr \x85 ") == "Cora Candi date Jr"
    assert single_line("Zoë O'Brien") == "Zoë O'Brien"


def test_every_invite_of_the_panel_goes_out(broken_names, member, teammate, recruiter, mailoutbox):
    session = booked_panel(broken_names, [member, teammate], recruiter).sessions.get()

    assert send_session_invites.delay(session.pk, session.sequence).get() == 3

    # Each in its recipient's zone: the interviewers' London, the candidate's UTC (unknown).
    assert {m.subject for m in mailoutbox} == {
        "Interview with Cora Candi date Jr, Mon 4 Mar, 09:00 London time",
        f"Your team fit interview for {broken_names.opening.title}, Mon 4 Mar, 09:00 UTC",
    }
    [event] = icalendar.Calendar.from_ical(mailoutbox[0].attachments[0][1]).walk("VEVENT")
    names = sorted(attendee.params["CN"] for attendee in event["ATTENDEE"])
    assert names == ["Ana Member", "Ben Teammate", "Cora Candi date Jr"]
    assert event["SUMMARY"] == "Interview: Cora Candi date Jr (Team fit)"


def test_reminders_go_out(broken_names, member, recruiter, mailoutbox):
    booked_panel(broken_names, [member], recruiter)

    assert send_due(now=START - timedelta(hours=2)) == 2  # the interviewer's, the candidate's

    subjects = {m.to[0]: m.subject for m in mailoutbox}
    assert (
        subjects[member.email]
        == "Reminder: interview with Cora Candi date Jr, Mon 4 Mar, 09:00 London time"
    )


def test_the_invite_names_its_charset_once(broken_names, member, recruiter, mailoutbox):
    session = booked_panel(broken_names, [member], recruiter).sessions.get()

    send_session_invites.delay(session.pk, session.sequence)

    for message in mailoutbox:
        raw = message.message().as_bytes()
        [header] = [line for line in raw.splitlines() if line.startswith(b"Content-Type: text/cal")]
        assert header == b'Content-Type: text/calendar; method="REQUEST"; charset="utf-8"'
