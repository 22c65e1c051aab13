"""Writing interview invites (hiring/scheduling/ics.py): iTIP requests and cancellations."""

from datetime import UTC, datetime, timedelta

import icalendar
import pytest

from hiring.scheduling.ics import Person, invite, invite_attachment_content_type
from tests.factories import BERLIN, utc

# Invites ------------------------------------------------------------------------------------

ORGANIZER = Person("Rita Recruiter", "rita@teamfit.example")
PANEL = [Person("Doe, Jane", "jane@teamfit.example"), Person("Candidate Carl", "carl@example.org")]


def make_invite(**changes) -> bytes:
    arguments = {
        "method": "REQUEST",
        "uid": "session-42@teamfit.example",
        "sequence": 0,
        "start": datetime(2025, 4, 1, 9, 0, tzinfo=BERLIN),
        "end": datetime(2025, 4, 1, 10, 0, tzinfo=BERLIN),
        "summary": "Team-fit peer panel: Carl",
        "description": "Focus: team fit.\nPlease submit your scorecard afterwards.",
        "organizer": ORGANIZER,
        "attendees": PANEL,
        "location": "Room 3, Platform floor",
    }
    return invite(**{**arguments, **changes})


def parse(data: bytes) -> tuple[icalendar.Calendar, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(data)
    [event] = calendar.walk("VEVENT")
    return calendar, event


@pytest.mark.parametrize(("method", "status"), [("REQUEST", "CONFIRMED"), ("CANCEL", "CANCELLED")])
def test_an_invite_is_a_valid_itip_message(method, status):
    data = make_invite(method=method, sequence=2)
    calendar, event = parse(data)

    assert b"\r\n" in data
    assert calendar["PRODID"] == "-//Teamfit//Interviews//EN"
    assert calendar["VERSION"] == "2.0"
    assert calendar["METHOD"] == method
    assert event["UID"] == "session-42@teamfit.example"
    assert event["SEQUENCE"] == 2
    assert event["STATUS"] == status
    assert event["SUMMARY"] == "Team-fit peer panel: Carl"
    assert event["DESCRIPTION"] == "Focus: team fit.\nPlease submit your scorecard afterwards."
    assert event["LOCATION"] == "Room 3, Platform floor"
    # 09:00 in Berlin on 1 April (summer time) is 07:00 UTC, written with a Z.
    assert b"DTSTART:20250401T070000Z" in data
    assert event["DTSTART"].dt == utc(2025, 4, 1, 7)
    assert event["DTEND"].dt == utc(2025, 4, 1, 8)
    assert event["DTSTART"].dt.utcoffset() == timedelta(0)
    assert abs(event["DTSTAMP"].dt - datetime.now(UTC)) < timedelta(minutes=1)

    organizer = event["ORGANIZER"]
    assert str(organizer) == "mailto:rita@teamfit.example"
    assert organizer.params["CN"] == "Rita Recruiter"
    attendees = event["ATTENDEE"]
    assert [str(attendee) for attendee in attendees] == [
        "mailto:jane@teamfit.example",
        "mailto:carl@example.org",
    ]
    assert [dict(attendee.params) for attendee in attendees] == [
        {
            "CN": name,
            "ROLE": "REQ-PARTICIPANT",
            "PARTSTAT": "NEEDS-ACTION",
            "RSVP": "TRUE",
        }
        for name in ("Doe, Jane", "Candidate Carl")
    ]


def test_a_reschedule_keeps_the_uid_and_raises_the_sequence():
    first = parse(make_invite(sequence=0))[1]
    moved = parse(
        make_invite(
            sequence=1,
            start=utc(2025, 4, 2, 13),
            end=utc(2025, 4, 2, 14),
        )
    )[1]

    assert moved["UID"] == first["UID"]
    assert moved["SEQUENCE"] > first["SEQUENCE"]
    assert moved["DTSTART"].dt == utc(2025, 4, 2, 13)


def test_an_invite_without_location_has_no_location():
    _, event = parse(make_invite(location=""))

    assert "LOCATION" not in event


def test_an_invite_refuses_other_methods_and_bad_times():
    with pytest.raises(ValueError, match="REQUEST or CANCEL"):
        make_invite(method="PUBLISH")
    with pytest.raises(ValueError, match="aware"):
        make_invite(start=datetime(2025, 4, 1, 9))
    with pytest.raises(ValueError, match="after start"):
        make_invite(end=datetime(2025, 4, 1, 8, tzinfo=BERLIN))


def test_the_attachment_content_type_names_the_method():
    assert invite_attachment_content_type("REQUEST") == ("text/calendar; method=REQUEST")
    assert invite_attachment_content_type("CANCEL") == ("text/calendar; method=CANCEL")
    with pytest.raises(ValueError, match="REQUEST or CANCEL"):
        invite_attachment_content_type("REPLY")
