"""What a busy block keeps of an imported event's text: one clean line, and nothing of
Teamfit's own invites, which name the candidate."""

from datetime import UTC, datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from hiring.email.notifications import session_invite
from hiring.models import BusyBlock
from hiring.scheduling.ics import Person
from hiring.tasks import session_attendees
from tests.factories import ics


def next_monday_at(hour):
    monday = timezone.now().date() + timedelta(days=7 - timezone.now().weekday())
    return datetime.combine(monday, time(hour), tzinfo=UTC)


def uploaded(client, user, data):
    client.force_login(user)
    response = client.post(
        reverse("ics_upload"),
        {"calendar": SimpleUploadedFile("calendar.ics", data, content_type="text/calendar")},
    )
    assert response.status_code == 302
    return list(user.busy_blocks.filter(source=BusyBlock.Source.UPLOAD))


def test_teamfits_own_invite_keeps_its_time_and_not_the_candidates_name(client, panel, member):
    session = panel.sessions.get()
    session.start = next_monday_at(10)
    session.end = session.start + timedelta(hours=1)
    session.save()
    ana = Person(member.display_name, member.email)
    invite = session_invite(session, ana, session_attendees(session))
    calendar = next(a.content for a in invite.attachments if a.filename == "invite.ics")
    name = panel.application.candidate.name
    assert f"Interview: {name}" in calendar

    [block] = uploaded(client, member, calendar.encode())

    assert (block.start, block.end, block.summary) == (session.start, session.end, "")


def test_a_summary_is_stored_on_one_line_without_control_characters(client, member):
    start = next_monday_at(9)
    data = ics(f"""
        BEGIN:VEVENT
        UID:dentist@example.com
        DTSTART:{start:%Y%m%dT%H%M%SZ}
        DURATION:PT1H
        SUMMARY:Dentist\x00 \x07 check-up\x00
        END:VEVENT
    """)

    [block] = uploaded(client, member, data)

    assert block.summary == "Dentist check-up"
    page = client.get(reverse("availability")).text
    assert "Dentist check-up" in page
    assert "\x00" not in page
