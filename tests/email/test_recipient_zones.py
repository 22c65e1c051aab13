"""Every email reads in its recipient's zone, named: an interviewer's from their profile, the
candidate's from their record; the calendar invite itself stays in UTC."""

from datetime import timedelta

import icalendar
import pytest

from hiring.email.reminders import send_due
from hiring.models import User
from hiring.tasks import send_session_invites
from tests.email.helpers import START, booked_panel
from tests.factories import ApplicationFactory


@pytest.fixture
def session(team, member, recruiter):
    """Booked at 09:00 UTC on Monday 4 March 2030 with Ana, who then moved to Singapore;
    the candidate lives in New York."""
    application = ApplicationFactory(
        opening__team=team,
        candidate__name="Nina Park",
        candidate__email="nina@candidates.example",
        candidate__time_zone="America/New_York",
    )
    session = booked_panel(application, [member], recruiter).sessions.get()
    User.objects.filter(pk=member.pk).update(time_zone="Asia/Singapore")
    return session


def test_each_invite_reads_in_its_recipients_zone(session, member, mailoutbox):
    send_session_invites.delay(session.pk, session.sequence)

    mail = {message.to[0]: message for message in mailoutbox}
    ana, nina = mail[member.email], mail["nina@candidates.example"]
    assert ana.subject.endswith(", Mon 4 Mar, 17:00 Singapore time")
    assert "When: Monday 4 March 2030, 17:00 to 18:00 Singapore time" in ana.body
    assert nina.subject.endswith(", Mon 4 Mar, 04:00 New York time")
    assert "When: Monday 4 March 2030, 04:00 to 05:00 New York time" in nina.body
    for message in (ana, nina):
        [event] = icalendar.Calendar.from_ical(message.attachments[0][1]).walk("VEVENT")
        assert event["DTSTART"].to_ical() == b"20300304T090000Z"


def test_each_reminder_reads_in_its_recipients_zone(session, member, mailoutbox):
    assert send_due(now=START - timedelta(hours=2)) == 2

    mail = {message.to[0]: message for message in mailoutbox}
    ana, nina = mail[member.email], mail["nina@candidates.example"]
    assert ana.subject == "Reminder: interview with Nina Park, Mon 4 Mar, 17:00 Singapore time"
    assert "on Monday 4 March, 17:00 Singapore time." in ana.body
    assert nina.subject.endswith(", Mon 4 Mar, 04:00 New York time")
    assert "Monday 4 March 2030, 04:00 to 05:00 New York time" in nina.body
