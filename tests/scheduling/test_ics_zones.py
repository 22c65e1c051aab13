"""Reading busy time from .ics files (hiring/scheduling/ics.py): times and zones."""

import pytest

from hiring.scheduling.ics import BusyEvent
from tests.factories import BERLIN_VTIMEZONE, ics, read, spans, utc

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
