"""Reading busy time from .ics files (hiring/scheduling/ics.py): times and zones."""

import icalendar
import pytest

from hiring.scheduling.ics import BusyEvent
from tests.factories import BERLIN_VTIMEZONE, ics, read, spans, utc

pytestmark = pytest.mark.plain_data

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


# Each file its own time zones -------------------------------------------------------------------

FIXED_ZONE = """
    BEGIN:VTIMEZONE
    TZID:{tzid}
    BEGIN:STANDARD
    DTSTART:19700101T000000
    TZOFFSETFROM:{offset}
    TZOFFSETTO:{offset}
    END:STANDARD
    END:VTIMEZONE
"""

AT_TEN = """
    BEGIN:VEVENT
    UID:ten
    DTSTART;TZID={tzid}:20250115T100000
    DTEND;TZID={tzid}:20250115T110000
    END:VEVENT
"""


def at_ten(tzid, offset=None):
    """A calendar with an event at 10:00 in `tzid`, which it defines if given an `offset`."""
    zone = FIXED_ZONE.format(tzid=tzid, offset=offset) if offset else ""
    return ics(zone, AT_TEN.format(tzid=tzid))


def test_a_time_zone_one_file_defines_does_not_apply_to_the_next():
    assert spans(read(at_ten("Custom/Zone", "+0500"))) == [
        (utc(2025, 1, 15, 5), utc(2025, 1, 15, 6))
    ]
    # Undefined here, so unknown: read in the uploader's own zone, Berlin at +01:00 in winter.
    assert spans(read(at_ten("Custom/Zone"), time_zone="Europe/Berlin")) == [
        (utc(2025, 1, 15, 9), utc(2025, 1, 15, 10))
    ]
    assert spans(read(at_ten("Custom/Zone", "+0300"))) == [
        (utc(2025, 1, 15, 7), utc(2025, 1, 15, 8))
    ]


def test_time_zones_icalendar_parsed_elsewhere_do_not_apply():
    # Anything else parsing a calendar with icalendar fills its process-wide cache of zones.
    icalendar.Calendar.from_ical(at_ten("Elsewhere/Zone", "+0500"))

    assert spans(read(at_ten("Elsewhere/Zone"), time_zone="Europe/Berlin")) == [
        (utc(2025, 1, 15, 9), utc(2025, 1, 15, 10))
    ]


def test_a_tzid_used_before_its_vtimezone_is_read_with_it():
    data = ics(
        AT_TEN.format(tzid="Later/Zone"), FIXED_ZONE.format(tzid="Later/Zone", offset="-0300")
    )

    assert spans(read(data)) == [(utc(2025, 1, 15, 13), utc(2025, 1, 15, 14))]
