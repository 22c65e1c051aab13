"""Reading busy time from .ics files (hiring/scheduling/ics.py): bad files are refused."""

from datetime import datetime

import pytest

from hiring.scheduling.ics import MAX_ICS_BYTES, CalendarError, busy_events
from tests.factories import ics, read, utc

pytestmark = pytest.mark.plain_data

# Bad files ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(b"", "The calendar file is empty.", id="empty"),
        pytest.param(b"\r\n  \r\n", "The calendar file is empty.", id="blank"),
        pytest.param(
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\xff\xfe",
            "This is not a valid iCalendar (.ics) file.",
            id="garbage bytes",
        ),
        pytest.param(
            b"Hello, this is a letter.\nRegards",
            "This is not a valid iCalendar (.ics) file.",
            id="plain text",
        ),
        pytest.param(
            b"<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body></body></html>",
            "This is a web page (HTML), not an iCalendar (.ics) file.",
            id="HTML",
        ),
        pytest.param(
            b"BEGIN:VEVENT\r\nUID:x\r\nDTSTART:20250101T100000Z\r\nEND:VEVENT\r\n",
            "it has no BEGIN:VCALENDAR",
            id="no VCALENDAR",
        ),
        pytest.param(
            b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\n",
            "it has no BEGIN:VCALENDAR",
            id="cut off",
        ),
    ],
)
def test_a_file_that_is_no_calendar_is_refused_clearly(data, message):
    with pytest.raises(CalendarError) as raised:
        read(data)

    assert message in str(raised.value)


def test_a_too_large_file_is_refused():
    event = "BEGIN:VEVENT\nUID:{n}\nDTSTART:20250101T100000Z\nDURATION:PT1H\nEND:VEVENT\n"
    data = ics(*(event.format(n=n) for n in range(MAX_ICS_BYTES // 60)))
    assert len(data) > MAX_ICS_BYTES

    with pytest.raises(CalendarError, match=r"^The calendar file is too large \(at most 2 MB\)\.$"):
        read(data)


@pytest.mark.parametrize(
    ("event", "message"),
    [
        pytest.param(
            "DTSTART:2025XX01T100000Z\nDTEND:20250101T110000Z",
            "The event “Review” has an invalid DTSTART",
            id="bad DTSTART",
        ),
        pytest.param(
            "DTSTART:20250101T100000Z\nDTEND:20250101T110000Z\nRRULE:FREQ=SOMETIMES",
            "The event “Review” has an invalid RRULE",
            id="bad RRULE",
        ),
        pytest.param(
            # dateutil would loop forever on this one.
            "DTSTART:20250101T100000Z\nDTEND:20250101T110000Z\nRRULE:FREQ=DAILY;INTERVAL=0",
            "The event “Review” has an invalid RRULE: INTERVAL=0",
            id="RRULE without a step",
        ),
    ],
)
def test_an_event_with_unreadable_times_is_refused(event, message):
    data = ics(f"BEGIN:VEVENT\nUID:x\nSUMMARY:Review\n{event}\nEND:VEVENT")

    with pytest.raises(CalendarError, match=message):
        read(data)


@pytest.mark.parametrize(
    ("event", "name"),
    [
        pytest.param("DTSTART:20250310T150000Z\nDTEND:20250310T090000Z", "DTEND", id="DTEND"),
        pytest.param("DTSTART:20250310T150000Z\nDURATION:-PT6H", "DURATION", id="DURATION"),
        pytest.param(
            "DTSTART;VALUE=DATE:20250310\nDTEND;VALUE=DATE:20250308", "DTEND", id="all-day"
        ),
        pytest.param(
            # 16:00 in Berlin is 15:00 UTC: before the start, though later on the clock.
            "DTSTART:20250310T153000Z\nDTEND;TZID=Europe/Berlin:20250310T160000",
            "DTEND",
            id="in another zone",
        ),
        pytest.param(
            "DTSTART:20250310T150000Z\nDURATION:-PT6H\nRRULE:FREQ=DAILY;COUNT=3",
            "DURATION",
            id="repeating",
        ),
        pytest.param(
            "DTSTART:20250310T150000Z\nDURATION:PT1H\n"
            "RDATE;VALUE=PERIOD:20250311T150000Z/20250311T090000Z",
            "RDATE",
            id="RDATE period's end",
        ),
        pytest.param(
            "DTSTART:20250310T150000Z\nDURATION:PT1H\n"
            "RDATE;VALUE=PERIOD:20250311T090000Z/PT1H,20250312T150000Z/-PT2H",
            "RDATE",
            id="RDATE period's duration",
        ),
    ],
)
def test_an_event_that_ends_before_it_starts_is_refused(event, name):
    # Read as the span between its times, it made the person busy when they are not.
    data = ics(f"BEGIN:VEVENT\nUID:x\nSUMMARY:Review\n{event}\nEND:VEVENT")

    with pytest.raises(CalendarError) as raised:
        read(data)

    assert str(raised.value) == f"The event “Review” ends before it starts: see its {name}."


def test_a_changed_repetition_that_ends_before_it_starts_is_refused():
    data = ics("""
        BEGIN:VEVENT
        UID:standup
        SUMMARY:Standup
        DTSTART:20250310T090000Z
        DURATION:PT15M
        RRULE:FREQ=DAILY;COUNT=5
        END:VEVENT
        BEGIN:VEVENT
        UID:standup
        SUMMARY:Standup moved
        RECURRENCE-ID:20250311T090000Z
        DTSTART:20250311T140000Z
        DTEND:20250311T100000Z
        END:VEVENT
    """)

    with pytest.raises(CalendarError, match="“Standup moved” ends before it starts"):
        read(data)


def test_an_unsupported_calendar_scale_is_refused():
    data = ics(
        "BEGIN:VEVENT\nUID:x\nDTSTART:20250101T100000Z\nDURATION:PT1H\nEND:VEVENT",
        header="CALSCALE:CHINESE",
    )

    with pytest.raises(CalendarError, match="Gregorian"):
        read(data)


def test_an_event_without_dtstart_is_ignored():
    data = ics("""
        BEGIN:VEVENT
        UID:broken
        SUMMARY:No start
        END:VEVENT
        BEGIN:VEVENT
        UID:fine
        DTSTART:20250312T090000Z
        DTEND:20250312T100000Z
        END:VEVENT
    """)

    assert [event.uid for event in read(data)] == ["fine"]


def test_bad_arguments_are_programming_errors_not_calendar_errors():
    data = ics()
    with pytest.raises(ValueError, match="aware") as raised:
        busy_events(data, start=datetime(2025, 1, 1), end=utc(2025, 2, 1), time_zone="UTC")
    assert not isinstance(raised.value, CalendarError)
    with pytest.raises(ValueError, match="Unknown time zone") as raised:
        busy_events(data, start=utc(2025, 1, 1), end=utc(2025, 2, 1), time_zone="Mars/Olympus")
    assert not isinstance(raised.value, CalendarError)
