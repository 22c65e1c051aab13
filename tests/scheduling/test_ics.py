"""Reading busy time from .ics files and writing interview invites (hiring/scheduling/ics.py)."""

from datetime import UTC, datetime, time, timedelta
from textwrap import dedent
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events

from hiring.scheduling.ics import (
    MAX_ICS_BYTES,
    BusyEvent,
    CalendarError,
    Person,
    busy_events,
    invite,
    invite_attachment_content_type,
)

BERLIN = ZoneInfo("Europe/Berlin")

BERLIN_VTIMEZONE = """
BEGIN:VTIMEZONE
TZID:{tzid}
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
"""


def ics(*blocks: str, header: str = "") -> bytes:
    """A calendar around the given blocks, with the CRLF line ends of RFC 5545."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Tests//EN"]
    if header:
        lines.append(header)
    for block in blocks:
        lines.extend(line for line in dedent(block).strip().splitlines())
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def spans(events: list[BusyEvent]) -> list[tuple[datetime, datetime]]:
    return [(event.start, event.end) for event in events]


YEAR_START, YEAR_END = utc(2025, 1, 1), utc(2026, 1, 1)


def read(data: bytes, start=YEAR_START, end=YEAR_END, time_zone="UTC"):
    return busy_events(data, start=start, end=end, time_zone=time_zone)


# Times and zones ----------------------------------------------------------------------------


def test_a_utc_event_is_kept_as_it_is():
    data = ics("""
        BEGIN:VEVENT
        UID:standup@example.com
        SUMMARY:Stand-up
        DTSTART:20250312T090000Z
        DTEND:20250312T091500Z
        END:VEVENT
    """)

    assert read(data, time_zone="Asia/Tokyo") == [
        BusyEvent(utc(2025, 3, 12, 9), utc(2025, 3, 12, 9, 15), "Stand-up", "standup@example.com")
    ]


@pytest.mark.parametrize(
    ("tzid", "vtimezone"),
    [
        pytest.param("Europe/Berlin", "", id="IANA name without VTIMEZONE"),
        pytest.param("Europe/Berlin", BERLIN_VTIMEZONE, id="IANA name with VTIMEZONE"),
        pytest.param("Custom Berlin", BERLIN_VTIMEZONE, id="own name defined by VTIMEZONE"),
    ],
)
def test_a_tzid_event_is_converted_to_utc(tzid, vtimezone):
    data = ics(
        vtimezone.format(tzid=tzid),
        f"""
        BEGIN:VEVENT
        UID:winter
        DTSTART;TZID={tzid}:20250115T100000
        DTEND;TZID={tzid}:20250115T110000
        END:VEVENT
        BEGIN:VEVENT
        UID:summer
        DTSTART;TZID={tzid}:20250715T100000
        DTEND;TZID={tzid}:20250715T110000
        END:VEVENT
        """,
    )

    assert spans(read(data, time_zone="America/New_York")) == [
        (utc(2025, 1, 15, 9), utc(2025, 1, 15, 10)),  # CET, UTC+1
        (utc(2025, 7, 15, 8), utc(2025, 7, 15, 9)),  # CEST, UTC+2
    ]


def test_a_floating_event_is_in_the_uploaders_time_zone():
    data = ics("""
        BEGIN:VEVENT
        UID:floating
        DTSTART:20250115T090000
        DTEND:20250115T100000
        END:VEVENT
    """)

    assert spans(read(data, time_zone="America/New_York")) == [
        (utc(2025, 1, 15, 14), utc(2025, 1, 15, 15))
    ]
    assert spans(read(data, time_zone="Asia/Kolkata")) == [
        (utc(2025, 1, 15, 3, 30), utc(2025, 1, 15, 4, 30))
    ]


def test_an_unknown_tzid_without_vtimezone_is_read_as_local_time():
    data = ics("""
        BEGIN:VEVENT
        UID:odd
        DTSTART;TZID=Somewhere/Else:20250115T090000
        DTEND;TZID=Somewhere/Else:20250115T100000
        END:VEVENT
    """)

    assert spans(read(data, time_zone="Europe/Berlin")) == [
        (utc(2025, 1, 15, 8), utc(2025, 1, 15, 9))
    ]


def test_an_all_day_event_blocks_the_local_day():
    data = ics("""
        BEGIN:VEVENT
        UID:offsite
        SUMMARY:Offsite
        DTSTART;VALUE=DATE:20250115
        DTEND;VALUE=DATE:20250116
        END:VEVENT
    """)

    # New York is UTC-5 in January: the local day runs from 05:00 to 05:00 UTC.
    assert spans(read(data, time_zone="America/New_York")) == [
        (utc(2025, 1, 15, 5), utc(2025, 1, 16, 5))
    ]


def test_all_day_events_end_exclusive_and_default_to_one_day():
    data = ics("""
        BEGIN:VEVENT
        UID:holiday
        DTSTART;VALUE=DATE:20250704
        DTEND;VALUE=DATE:20250707
        END:VEVENT
        BEGIN:VEVENT
        UID:no-end
        DTSTART;VALUE=DATE:20250801
        END:VEVENT
    """)

    # New York is UTC-4 in summer.
    assert spans(read(data, time_zone="America/New_York")) == [
        (utc(2025, 7, 4, 4), utc(2025, 7, 7, 4)),
        (utc(2025, 8, 1, 4), utc(2025, 8, 2, 4)),
    ]


def test_missing_dtend_uses_duration_and_a_bare_moment_blocks_nothing():
    data = ics("""
        BEGIN:VEVENT
        UID:with-duration
        DTSTART:20250312T090000Z
        DURATION:PT45M
        END:VEVENT
        BEGIN:VEVENT
        UID:deadline
        DTSTART:20250312T120000Z
        END:VEVENT
    """)

    assert spans(read(data)) == [(utc(2025, 3, 12, 9), utc(2025, 3, 12, 9, 45))]


def test_events_are_sorted_and_clipped_to_the_window():
    data = ics("""
        BEGIN:VEVENT
        UID:late
        DTSTART:20250312T150000Z
        DTEND:20250312T190000Z
        END:VEVENT
        BEGIN:VEVENT
        UID:early
        DTSTART:20250312T070000Z
        DTEND:20250312T100000Z
        END:VEVENT
        BEGIN:VEVENT
        UID:outside
        DTSTART:20250313T070000Z
        DTEND:20250313T100000Z
        END:VEVENT
        BEGIN:VEVENT
        UID:ends-at-window-start
        DTSTART:20250312T060000Z
        DTEND:20250312T080000Z
        END:VEVENT
    """)

    events = read(data, start=utc(2025, 3, 12, 8), end=utc(2025, 3, 12, 18))

    assert [(event.uid, event.start, event.end) for event in events] == [
        ("early", utc(2025, 3, 12, 8), utc(2025, 3, 12, 10)),
        ("late", utc(2025, 3, 12, 15), utc(2025, 3, 12, 18)),
    ]


def test_free_and_cancelled_events_block_nothing():
    data = ics("""
        BEGIN:VEVENT
        UID:free
        DTSTART:20250312T090000Z
        DTEND:20250312T100000Z
        TRANSP:TRANSPARENT
        END:VEVENT
        BEGIN:VEVENT
        UID:cancelled
        DTSTART:20250312T110000Z
        DTEND:20250312T120000Z
        STATUS:CANCELLED
        END:VEVENT
        BEGIN:VEVENT
        UID:busy
        DTSTART:20250312T130000Z
        DTEND:20250312T140000Z
        TRANSP:OPAQUE
        STATUS:CONFIRMED
        END:VEVENT
    """)

    assert [event.uid for event in read(data)] == ["busy"]


# Recurring events -----------------------------------------------------------------------------


def test_weekly_rule_with_exdate_rdate_and_overrides():
    data = ics("""
        BEGIN:VEVENT
        UID:one-on-one
        SUMMARY:1:1
        DTSTART;TZID=Europe/Berlin:20250106T100000
        DTEND;TZID=Europe/Berlin:20250106T103000
        RRULE:FREQ=WEEKLY;BYDAY=MO
        EXDATE;TZID=Europe/Berlin:20250113T100000
        RDATE;TZID=Europe/Berlin:20250129T160000
        END:VEVENT
        BEGIN:VEVENT
        UID:one-on-one
        SUMMARY:1:1 (moved)
        RECURRENCE-ID;TZID=Europe/Berlin:20250120T100000
        DTSTART;TZID=Europe/Berlin:20250121T140000
        DTEND;TZID=Europe/Berlin:20250121T150000
        END:VEVENT
        BEGIN:VEVENT
        UID:one-on-one
        SUMMARY:1:1
        RECURRENCE-ID;TZID=Europe/Berlin:20250203T100000
        DTSTART;TZID=Europe/Berlin:20250203T100000
        DTEND;TZID=Europe/Berlin:20250203T103000
        STATUS:CANCELLED
        END:VEVENT
    """)

    events = read(data, start=utc(2025, 1, 1), end=utc(2025, 2, 12))

    assert [(event.start, event.end, event.summary) for event in events] == [
        (utc(2025, 1, 6, 9), utc(2025, 1, 6, 9, 30), "1:1"),
        # 13 January is excluded, 20 January moved to Tuesday 21st.
        (utc(2025, 1, 21, 13), utc(2025, 1, 21, 14), "1:1 (moved)"),
        (utc(2025, 1, 27, 9), utc(2025, 1, 27, 9, 30), "1:1"),
        (utc(2025, 1, 29, 15), utc(2025, 1, 29, 15, 30), "1:1"),  # the RDATE
        # 3 February is cancelled.
        (utc(2025, 2, 10, 9), utc(2025, 2, 10, 9, 30), "1:1"),
    ]
    assert {event.uid for event in events} == {"one-on-one"}


@pytest.mark.parametrize(
    ("tzid", "vtimezone"),
    [
        pytest.param("Europe/Berlin", "", id="IANA name"),
        pytest.param("Custom Berlin", BERLIN_VTIMEZONE, id="VTIMEZONE"),
    ],
)
def test_a_recurring_event_keeps_its_local_time_across_daylight_saving(tzid, vtimezone):
    data = ics(
        vtimezone.format(tzid=tzid),
        f"""
        BEGIN:VEVENT
        UID:weekly
        DTSTART;TZID={tzid}:20250314T090000
        DTEND;TZID={tzid}:20250314T100000
        RRULE:FREQ=WEEKLY
        END:VEVENT
        """,
    )

    events = read(data, start=utc(2025, 3, 10), end=utc(2025, 4, 6))

    # Berlin moves to summer time on 30 March: 09:00 local is 08:00 UTC before, 07:00 after.
    assert [event.start for event in events] == [
        utc(2025, 3, 14, 8),
        utc(2025, 3, 21, 8),
        utc(2025, 3, 28, 8),
        utc(2025, 4, 4, 7),
    ]


def test_google_x_wr_timezone_makes_utc_repetitions_keep_local_time():
    data = ics(
        """
        BEGIN:VEVENT
        UID:weekly
        DTSTART:20250314T080000Z
        DTEND:20250314T090000Z
        RRULE:FREQ=WEEKLY
        END:VEVENT
        """,
        header="X-WR-TIMEZONE:Europe/Berlin",
    )

    events = read(data, start=utc(2025, 3, 27), end=utc(2025, 4, 6))

    assert [event.start for event in events] == [utc(2025, 3, 28, 8), utc(2025, 4, 4, 7)]


def test_a_recurring_all_day_event():
    data = ics("""
        BEGIN:VEVENT
        UID:gym
        DTSTART;VALUE=DATE:20250101
        RRULE:FREQ=WEEKLY;BYDAY=FR
        END:VEVENT
    """)

    events = read(data, start=utc(2025, 3, 3), end=utc(2025, 3, 17), time_zone="Asia/Tokyo")

    assert spans(events) == [
        (utc(2025, 3, 6, 15), utc(2025, 3, 7, 15)),
        (utc(2025, 3, 13, 15), utc(2025, 3, 14, 15)),
    ]


# The performance guard ----------------------------------------------------------------------


def test_an_unbounded_minutely_rule_from_long_ago_is_bounded_by_the_window():
    data = ics("""
        BEGIN:VEVENT
        UID:every-minute
        DTSTART:20000101T000000Z
        DURATION:PT1M
        RRULE:FREQ=MINUTELY
        END:VEVENT
    """)

    events = read(data, start=utc(2025, 3, 3), end=utc(2025, 3, 10))

    assert len(events) == 7 * 24 * 60
    assert events[0].start == utc(2025, 3, 3)
    assert events[-1].end == utc(2025, 3, 10)


def test_skipping_ahead_keeps_the_rules_own_rhythm():
    # Every 7 minutes from an odd start: the repetitions in the window stay on that grid.
    # (One second long, so none overlaps the window's start and gets clipped.)
    data = ics("""
        BEGIN:VEVENT
        UID:odd-rhythm
        DTSTART:20010203T040506Z
        DURATION:PT1S
        RRULE:FREQ=MINUTELY;INTERVAL=7
        END:VEVENT
    """)
    first = utc(2001, 2, 3, 4, 5, 6)
    window_start, window_end = utc(2025, 3, 3), utc(2025, 3, 4)

    events = read(data, start=window_start, end=window_end)

    step = timedelta(minutes=7)
    expected_first = first + -((first - window_start) // step) * step
    assert events[0].start == expected_first
    assert all(b.start - a.start == step for a, b in zip(events, events[1:], strict=False))
    assert all((event.start - first) % step == timedelta(0) for event in events)


def test_skipping_ahead_a_daily_rule_from_long_ago_keeps_local_times():
    data = ics("""
        BEGIN:VEVENT
        UID:twice-a-day
        DTSTART;TZID=Europe/Berlin:19900101T090000
        DURATION:PT30M
        RRULE:FREQ=DAILY;BYHOUR=9,17
        END:VEVENT
        BEGIN:VEVENT
        UID:fortnightly
        DTSTART;TZID=Europe/Berlin:20010105T120000
        DURATION:PT1H
        RRULE:FREQ=WEEKLY;INTERVAL=2
        END:VEVENT
    """)

    events = read(data, start=utc(2025, 3, 29), end=utc(2025, 4, 1))

    local = [(e.uid, e.start.astimezone(BERLIN).strftime("%a %d %H:%M")) for e in events]
    assert local == [
        ("twice-a-day", "Sat 29 09:00"),
        ("twice-a-day", "Sat 29 17:00"),
        ("twice-a-day", "Sun 30 09:00"),  # summer time from here
        ("twice-a-day", "Sun 30 17:00"),
        ("twice-a-day", "Mon 31 09:00"),
        ("twice-a-day", "Mon 31 17:00"),
    ]
    # Fortnights from Friday 5 January 2001 fall on 28 March and 11 April 2025.
    fortnightly = read(data, start=utc(2025, 3, 17), end=utc(2025, 4, 14))
    assert [event.start for event in fortnightly if event.uid == "fortnightly"] == [
        utc(2025, 3, 28, 11),
        utc(2025, 4, 11, 10),
    ]


@pytest.mark.parametrize(
    "rule",
    [
        "DTSTART;TZID=America/New_York:20240105T083000\nRRULE:FREQ=HOURLY;INTERVAL=5",
        "DTSTART;TZID=Europe/Berlin:20240105T083000\nRRULE:FREQ=MINUTELY;INTERVAL=13;BYHOUR=9,10",
        "DTSTART:20230105T083000\nRRULE:FREQ=WEEKLY;INTERVAL=3;BYDAY=MO,TH;WKST=SU",
        "DTSTART:20230105T083000Z\nRRULE:FREQ=DAILY;BYHOUR=8,20;BYMINUTE=0,45;UNTIL=20300101T000000Z",
        "DTSTART;VALUE=DATE:20220105\nRRULE:FREQ=WEEKLY;INTERVAL=2",
    ],
)
def test_skipping_ahead_finds_what_a_full_expansion_finds(rule):
    data = ics(f"BEGIN:VEVENT\nUID:rule\n{rule}\nDURATION:PT20M\nEND:VEVENT")
    start, end = utc(2025, 3, 20), utc(2025, 4, 10)  # across a daylight-saving change

    # The library on its own, walking every repetition from DTSTART.
    calendar = icalendar.Calendar.from_ical(data)
    zone = ZoneInfo("Asia/Tokyo")
    occurrences = recurring_ical_events.of(calendar).between(
        start.astimezone(zone), end.astimezone(zone)
    )
    expected = []
    for occurrence in occurrences:
        first = occurrence["DTSTART"].dt
        if not isinstance(first, datetime):
            first = datetime.combine(first, time(), tzinfo=zone)
        elif first.tzinfo is None:
            first = first.replace(tzinfo=zone)
        expected.append(max(first.astimezone(UTC), start))

    events = busy_events(data, start=start, end=end, time_zone="Asia/Tokyo")

    assert len(events) >= 2
    assert [event.start for event in events] == sorted(expected)


@pytest.mark.parametrize(
    "rule",
    [
        pytest.param("DTSTART:20250301T000000Z\nRRULE:FREQ=SECONDLY", id="every second"),
        # COUNT rules cannot be skipped ahead: dateutil would walk 25 years of minutes.
        pytest.param(
            "DTSTART:20000301T000000Z\nRRULE:FREQ=MINUTELY;COUNT=100000000", id="huge COUNT"
        ),
    ],
)
def test_a_rule_repeating_too_often_is_refused(rule):
    data = ics(f"BEGIN:VEVENT\nUID:spam\nSUMMARY:Spam\n{rule}\nDURATION:PT1S\nEND:VEVENT")

    with pytest.raises(CalendarError, match="“Spam” repeats too often"):
        read(data, start=utc(2025, 3, 3), end=utc(2025, 3, 10))


def test_a_file_with_too_many_events_in_the_window_is_refused(monkeypatch):
    monkeypatch.setattr("hiring.scheduling.ics.MAX_OCCURRENCES", 20)
    daily = (
        "BEGIN:VEVENT\nUID:d\nDTSTART:20250301T100000Z\nDURATION:PT1H\nRRULE:FREQ=DAILY\nEND:VEVENT"
    )
    single = "BEGIN:VEVENT\nUID:{n}\nDTSTART:2025030{n}T090000Z\nDURATION:PT1H\nEND:VEVENT"

    assert len(read(ics(daily), start=utc(2025, 3, 1), end=utc(2025, 3, 21))) == 20
    with pytest.raises(CalendarError, match="too many events in this period"):
        read(ics(daily), start=utc(2025, 3, 1), end=utc(2025, 3, 22))
    many = ics(daily, *(single.format(n=n) for n in range(1, 10)))
    assert len(read(many, start=utc(2025, 3, 1), end=utc(2025, 3, 12))) == 20
    with pytest.raises(CalendarError, match="too many events in this period"):
        read(many, start=utc(2025, 3, 1), end=utc(2025, 3, 13))


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
    assert invite_attachment_content_type("REQUEST") == (
        'text/calendar; charset="utf-8"; method=REQUEST'
    )
    assert invite_attachment_content_type("CANCEL") == (
        'text/calendar; charset="utf-8"; method=CANCEL'
    )
    with pytest.raises(ValueError, match="REQUEST or CANCEL"):
        invite_attachment_content_type("REPLY")
