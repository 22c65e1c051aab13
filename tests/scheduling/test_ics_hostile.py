"""Reading busy time from .ics files (hiring/scheduling/ics.py): files made to be slow.

Each limit refuses a file by counting, before the slow work, so these tests assert what is
refused and what is still read, never how long it took.
"""

import re

import pytest

from hiring.scheduling import ics
from hiring.scheduling.ics import CalendarError
from tests.factories import ics as calendar
from tests.factories import read, spans, utc

pytestmark = pytest.mark.plain_data

WINDOW = {"start": utc(2025, 3, 3), "end": utc(2025, 3, 10)}


def event(rule="", start="20250304T100000Z", uid="x", summary="Review", extra=""):
    lines = [f"UID:{uid}", f"SUMMARY:{summary}", "DURATION:PT1H"]
    if start:
        lines.append(f"DTSTART:{start}")
    if rule:
        lines.append(f"RRULE:{rule}")
    if extra:
        lines.append(extra)
    return "BEGIN:VEVENT\n" + "\n".join(lines) + "\nEND:VEVENT"


def time_zone(tzid, rule, start_year="1970"):
    """A VTIMEZONE switching between +01:00 and +02:00, both ways repeating by `rule`."""
    return f"""
        BEGIN:VTIMEZONE
        TZID:{tzid}
        BEGIN:DAYLIGHT
        DTSTART:{start_year}0329T020000
        {rule}
        TZOFFSETFROM:+0100
        TZOFFSETTO:+0200
        END:DAYLIGHT
        BEGIN:STANDARD
        DTSTART:{start_year}1025T030000
        {rule}
        TZOFFSETFROM:+0200
        TZOFFSETTO:+0100
        END:STANDARD
        END:VTIMEZONE
    """


# Time zones -----------------------------------------------------------------------------------


@pytest.mark.parametrize("frequency", ["MINUTELY", "HOURLY", "DAILY", "MONTHLY"])
def test_a_time_zone_changing_more_often_than_yearly_is_refused(frequency):
    # 436 bytes like this one used to take a worker 45 seconds and 447 MB, and growing.
    data = calendar(
        time_zone("Evil", f"RRULE:FREQ={frequency}"),
        event(start="", extra="DTSTART;TZID=Evil:20250304T100000"),
    )

    with pytest.raises(CalendarError, match=f"“Evil” .* more often than once a year .*{frequency}"):
        read(data, **WINDOW)


def test_a_yearly_time_zone_rule_with_thousands_of_changes_is_refused():
    every_hour = "RRULE:FREQ=YEARLY;BYMONTH=1,2,3,4,5,6,7,8,9,10,11,12;BYHOUR=0,6,12,18"
    data = calendar(
        time_zone("Evil", every_hour), event(start="", extra="DTSTART;TZID=Evil:20250304T100000")
    )

    with pytest.raises(CalendarError, match="“Evil” in the calendar changes its offset too often"):
        read(data, **WINDOW)


def test_a_time_zone_no_event_uses_is_not_worked_out():
    data = calendar(time_zone("Evil", "RRULE:FREQ=SECONDLY"), event())

    assert spans(read(data, **WINDOW)) == [(utc(2025, 3, 4, 10), utc(2025, 3, 4, 11))]


def test_a_time_zone_rule_matching_no_date_leaves_its_first_changes():
    # 30 February: dateutil would look for it until the year 9999.
    data = calendar(
        time_zone("Odd", "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"),
        event(start="", extra="DTSTART;TZID=Odd:20250304T100000"),
    )

    # The last change, in October 1970, was to +01:00.
    assert spans(read(data, **WINDOW)) == [(utc(2025, 3, 4, 9), utc(2025, 3, 4, 10))]


def test_a_time_zone_from_the_year_1_is_read():
    data = calendar(
        time_zone("Old", "RRULE:FREQ=YEARLY", start_year="0001"),
        event(start="", extra="DTSTART;TZID=Old:20250304T100000"),
        event(start="", extra="DTSTART;TZID=Old:20250404T100000", uid="summer"),
    )

    assert spans(read(data)) == [
        (utc(2025, 3, 4, 9), utc(2025, 3, 4, 10)),
        (utc(2025, 4, 4, 8), utc(2025, 4, 4, 9)),
    ]


def test_a_tzid_too_long_for_a_file_name_is_an_unknown_zone():
    tzid = "Z" * 5000
    data = calendar(event(start="", extra=f"DTSTART;TZID={tzid}:20250304T100000"))

    assert spans(read(data, time_zone="Europe/Berlin", **WINDOW)) == [
        (utc(2025, 3, 4, 9), utc(2025, 3, 4, 10))
    ]


def test_an_x_wr_timezone_too_long_for_a_file_name_is_ignored():
    data = calendar(event(), header="X-WR-TIMEZONE:" + "Z" * 5000)

    assert spans(read(data, **WINDOW)) == [(utc(2025, 3, 4, 10), utc(2025, 3, 4, 11))]


# Counts -------------------------------------------------------------------------------------


def many_events(count, day="20250304"):
    return [event(uid=str(n), start=f"{day}T100000Z") for n in range(count)]


@pytest.mark.parametrize(
    ("blocks", "message"),
    [
        pytest.param(
            lambda: many_events(ics.MAX_EVENTS + 1),
            "too many events to import (more than 2,000 that repeat or are in this period)",
            id="events",
        ),
        pytest.param(
            lambda: [
                event(
                    rule="FREQ=DAILY",
                    extra="EXDATE:" + ",".join(["20240101T100000Z"] * (ics.MAX_DATES + 1)),
                )
            ],
            "too many dates in EXDATE and RDATE to import (more than 10,000)",
            id="EXDATE values",
        ),
        pytest.param(
            lambda: [event(extra="RDATE:20250305T100000Z\nRDATE:20250306T100000Z\n" * 5_001)],
            "too many dates in EXDATE and RDATE",
            id="RDATE lines",
        ),
        pytest.param(
            lambda: [
                event(
                    start="",
                    extra="DTSTART" + ";X-P=1" * (ics.MAX_PARAMETERS + 1) + ":20250304T100000Z",
                )
            ],
            "too many property parameters to import (more than 10,000)",
            id="parameters",
        ),
        pytest.param(
            lambda: [event(extra="SUMMARY:again\n" * ics.MAX_LINES)],
            "too much in it to import (more than 30,000 lines",
            id="lines",
        ),
        pytest.param(
            lambda: [
                time_zone(f"Z{n}", "RRULE:FREQ=YEARLY") for n in range(ics.MAX_TIME_ZONES + 1)
            ],
            "defines too many time zones (more than 100)",
            id="time zones",
        ),
    ],
)
def test_a_file_over_a_limit_is_refused(blocks, message):
    with pytest.raises(CalendarError, match=re.escape(message)):
        read(calendar(*blocks()), **WINDOW)


def test_events_far_from_the_window_are_not_counted_nor_read():
    past = many_events(3 * ics.MAX_EVENTS, day="20200304")
    data = calendar(*past, event(uid="now"))

    assert [busy.uid for busy in read(data, **WINDOW)] == ["now"]


def test_what_is_not_busy_time_is_not_counted():
    # Descriptions, attendees, alarms and custom properties are dropped before parsing.
    noise = (
        "DESCRIPTION;X-A=1;X-B=2:"
        + "x" * 1000
        + "\nATTENDEE;CN=A;ROLE=REQ-PARTICIPANT:mailto:a@example.org" * 20
        + "\nBEGIN:VALARM\nTRIGGER:-PT10M\nACTION:DISPLAY\nEND:VALARM"
        + "\nX-CUSTOM;P=1;Q=2:value"
    )
    data = calendar(*(event(uid=str(n), extra=noise) for n in range(200)))

    assert len(read(data, **WINDOW)) == 200


def test_an_event_with_unreadable_days_is_read_and_refused():
    data = calendar(*many_events(10, day="20200304"), event(start="tomorrow"))

    with pytest.raises(CalendarError, match="“Review” has an invalid DTSTART"):
        read(data, **WINDOW)


# Repeat rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rule",
    [
        pytest.param("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", id="30 February yearly"),
        pytest.param("FREQ=MONTHLY;BYMONTH=4;BYMONTHDAY=31", id="31 April monthly"),
        # Seconds of walking day by day to the year 9999.
        pytest.param("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", id="30 February daily"),
        # 3 March 2025 is a Monday: every seventh day is one too.
        pytest.param("FREQ=DAILY;INTERVAL=7;BYDAY=TU", id="Tuesdays in steps from a Monday"),
        pytest.param("FREQ=MONTHLY;BYDAY=1MO;BYMONTHDAY=15", id="a first Monday on the 15th"),
        pytest.param("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=6", id="a sixth of four or five Mondays"),
    ],
)
def test_a_rule_that_matches_no_date_is_refused(rule):
    data = calendar(event(rule=rule, start="20250303T100000Z"))

    with pytest.raises(CalendarError, match="“Review” has a repeat rule .* matches no date"):
        read(data, **WINDOW)


@pytest.mark.parametrize("part", ["BYMONTH=2", "BYMONTHDAY=30", "BYYEARDAY=100", "BYSETPOS=1"])
def test_an_hourly_rule_picking_days_of_the_year_is_refused(part):
    data = calendar(event(rule=f"FREQ=HOURLY;{part}"))

    with pytest.raises(CalendarError, match=f"cannot be imported: FREQ=HOURLY with {part[:6]}"):
        read(data, **WINDOW)


@pytest.mark.parametrize(
    ("rule", "start", "window", "expected"),
    [
        pytest.param(
            "FREQ=YEARLY",
            "19600229T100000Z",
            (utc(2028, 2, 1), utc(2028, 3, 1)),
            utc(2028, 2, 29, 10),
            id="29 February, from 1960",
        ),
        pytest.param(
            "FREQ=MONTHLY;BYDAY=5MO;BYMONTH=2",
            "19040201T100000Z",
            (utc(2044, 1, 1), utc(2045, 1, 1)),
            utc(2044, 2, 29, 10),
            id="a fifth Monday in February, every 28 years or so",
        ),
        pytest.param(
            "FREQ=MONTHLY;BYMONTHDAY=31",
            "00011231T100000Z",
            (utc(2025, 3, 1), utc(2025, 4, 1)),
            utc(2025, 3, 31, 10),
            id="the 31st, from the year 1",
        ),
    ],
)
def test_a_rule_repeating_rarely_or_from_long_ago_is_read(rule, start, window, expected):
    data = calendar(event(rule=rule, start=start))

    assert [busy.start for busy in read(data, start=window[0], end=window[1])] == [expected]


def test_a_count_walked_from_long_ago_is_refused():
    # COUNT counts from DTSTART, so dateutil would walk 740,000 days to the window.
    data = calendar(event(rule="FREQ=DAILY;COUNT=1000000", start="00010101T100000Z"))

    with pytest.raises(CalendarError, match="repeating events take too long to work out"):
        read(data, **WINDOW)


def test_the_walks_of_all_rules_share_one_budget():
    # Each yearly rule is cheap; two thousand of them are not.
    yearly = [
        event(uid=str(n), rule="FREQ=YEARLY", start=f"19{n % 90 + 10}0304T100000Z")
        for n in range(ics.MAX_EVENTS)
    ]

    with pytest.raises(CalendarError, match="repeating events take too long to work out"):
        read(calendar(*yearly), **WINDOW)
