"""Reading busy time from .ics files (hiring/scheduling/ics.py): recurring events.

With the performance guard: a rule from long ago skips ahead to the window, and a rule or a file
with too many events in it is refused.
"""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events

from hiring.scheduling.ics import CalendarError, busy_events
from tests.factories import BERLIN, BERLIN_VTIMEZONE, ics, read, spans, utc

pytestmark = pytest.mark.plain_data

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

    events = read(data, start=utc(2025, 3, 3), end=utc(2025, 3, 5))

    assert len(events) == 2 * 24 * 60
    assert events[0].start == utc(2025, 3, 3)
    assert events[-1].end == utc(2025, 3, 5)


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
    start, end = utc(2025, 3, 20), utc(2025, 4, 10)  # across a daylight-saving change
    assert_same_as_a_full_expansion(rule, start, end)


@pytest.mark.parametrize(
    "rule",
    [
        "DTSTART:19900131T083000Z\nRRULE:FREQ=MONTHLY",
        "DTSTART;TZID=Europe/Berlin:19960329T083000\nRRULE:FREQ=MONTHLY;INTERVAL=5;BYDAY=-1FR",
        "DTSTART:20010105T083000\nRRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
        "DTSTART;TZID=America/New_York:19800229T083000\nRRULE:FREQ=YEARLY",
        "DTSTART:19700320T083000Z\nRRULE:FREQ=YEARLY;INTERVAL=3;BYMONTH=3,4;BYDAY=-1SU,1MO",
        "DTSTART;VALUE=DATE:19500402\nRRULE:FREQ=YEARLY;BYWEEKNO=14;BYDAY=TH",
    ],
)
def test_skipping_ahead_by_months_finds_what_a_full_expansion_finds(rule):
    assert_same_as_a_full_expansion(rule, utc(2025, 1, 1), utc(2033, 1, 1))


def assert_same_as_a_full_expansion(rule, start, end):
    data = ics(f"BEGIN:VEVENT\nUID:rule\n{rule}\nDURATION:PT20M\nEND:VEVENT")

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


# Events sharing a UID -------------------------------------------------------------------------


def test_events_sharing_a_uid_are_all_busy_time():
    data = ics("""
        BEGIN:VEVENT
        UID:copied@example.com
        SUMMARY:Planning
        DTSTART:20250312T090000Z
        DTEND:20250312T100000Z
        END:VEVENT
        BEGIN:VEVENT
        UID:copied@example.com
        SUMMARY:Planning, part two
        SEQUENCE:3
        DTSTART:20250313T090000Z
        DTEND:20250313T100000Z
        END:VEVENT
    """)

    assert [(event.start, event.summary, event.uid) for event in read(data)] == [
        (utc(2025, 3, 12, 9), "Planning", "copied@example.com"),
        (utc(2025, 3, 13, 9), "Planning, part two", "copied@example.com"),
    ]


def test_a_changed_repetition_belongs_to_the_first_event_with_its_uid():
    data = ics("""
        BEGIN:VEVENT
        UID:weekly
        SUMMARY:Sync
        DTSTART:20250303T090000Z
        DURATION:PT30M
        RRULE:FREQ=WEEKLY;COUNT=2
        END:VEVENT
        BEGIN:VEVENT
        UID:weekly
        SUMMARY:Sync (moved)
        RECURRENCE-ID:20250310T090000Z
        DTSTART:20250311T150000Z
        DURATION:PT30M
        END:VEVENT
        BEGIN:VEVENT
        UID:weekly
        SUMMARY:Other
        DTSTART:20250310T090000Z
        DURATION:PT30M
        END:VEVENT
    """)

    assert [(event.start, event.summary) for event in read(data)] == [
        (utc(2025, 3, 3, 9), "Sync"),
        (utc(2025, 3, 10, 9), "Other"),
        (utc(2025, 3, 11, 15), "Sync (moved)"),
    ]
