"""iCalendar in and out: busy time from uploaded `.ics` files, and interview invites.

Plain data in, plain data out (no ORM), so the slot finder and the booking code can use it
and tests can feed it strings.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
import recurring_ical_events

# A dependency of recurring_ical_events: used directly because the X-WR-TIMEZONE conversion
# has to happen before _skip_ahead() moves DTSTART (see _standard_time_zones()).
import x_wr_timezone


class CalendarError(ValueError):
    """A message fit to show the person who uploaded the file."""


MAX_ICS_BYTES = 2 * 1024 * 1024

# How often one event may repeat within the window (or from its DTSTART on, for rules that
# cannot be skipped ahead). A week of a minutely rule (10,080) still fits; a secondly rule,
# which would build hundreds of thousands of occurrences, does not.
MAX_REPETITIONS = 50_000

# How many occurrences a whole file may have within the window: about ten seconds of work.
# Several times what a busy person's calendar has over a quarter of a year.
MAX_OCCURRENCES = 100_000

# What icalendar, dateutil and recurring_ical_events raise on bad input. RecursionError: the
# parser and walk() recurse into nested components, and a small file can nest thousands deep.
_LIBRARY_ERRORS = (
    ValueError,
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
    OverflowError,
    ZeroDivisionError,
    RecursionError,
)

# The properties that decide when an event happens. A broken one of these means we cannot
# know the person's busy time, so the whole file is refused rather than silently half-read.
_TIME_PROPERTIES = ("DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID")

# Rule frequencies of a fixed length in wall-clock time, which _skip_ahead() can step by.
_PERIOD_SECONDS = {
    "SECONDLY": 1,
    "MINUTELY": 60,
    "HOURLY": 60 * 60,
    "DAILY": 24 * 60 * 60,
    "WEEKLY": 7 * 24 * 60 * 60,
}

# BY... parts that multiply the repetitions of a rule within one of its periods (RFC 5545,
# 3.3.10: they "expand" at these frequencies instead of filtering).
_EXPANDING_TIME_PARTS = {
    "SECONDLY": (),
    "MINUTELY": ("BYSECOND",),
    "HOURLY": ("BYMINUTE", "BYSECOND"),
}
_DAY_OR_LONGER_EXPANDING_TIME_PARTS = ("BYHOUR", "BYMINUTE", "BYSECOND")

# _skip_ahead() stops this far before the window, so the difference between wall-clock and
# absolute time (a daylight-saving shift of an hour or two) cannot lose a repetition.
_SKIP_AHEAD_MARGIN = timedelta(days=1)


@dataclass(frozen=True)
class BusyEvent:
    start: datetime  # aware, UTC
    end: datetime  # aware, UTC
    summary: str
    uid: str


def busy_events(data: bytes, *, start: datetime, end: datetime, time_zone: str) -> list[BusyEvent]:
    """The busy time in an `.ics` file within [start, end), sorted by start, in UTC.

    Recurring events are expanded (RRULE, RDATE, EXDATE, RECURRENCE-ID overrides). Floating
    times and all-day events are read in `time_zone`, the uploader's own zone. Transparent
    ("free") and cancelled events do not block time. Raises CalendarError for a file that is
    too large or cannot be read; ValueError for bad arguments.
    """
    zone = _zone(time_zone)
    start = _utc(start, "start")
    end = _utc(end, "end")
    calendars = _parse(data)
    if end <= start:
        return []
    events = []
    for calendar in calendars:
        events.extend(_expand(calendar, start, end, zone, MAX_OCCURRENCES - len(events)))
    return sorted(events, key=lambda event: (event.start, event.end, event.uid, event.summary))


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as error:
        raise ValueError(f"Unknown time zone: {name!r}") from error


def _utc(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime")
    return moment.astimezone(UTC)


def _parse(data: bytes) -> list[icalendar.Calendar]:
    if isinstance(data, str):
        data = data.encode()
    # Always hand icalendar bytes: a str without line breaks is read as a file path by it.
    data = bytes(data)
    if len(data) > MAX_ICS_BYTES:
        raise CalendarError("The calendar file is too large (at most 2 MB).")
    text_start = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text_start:
        raise CalendarError("The calendar file is empty.")
    if text_start.startswith(b"<"):
        # Typically a feed URL that answered with a sign-in or error page.
        raise CalendarError("This is a web page (HTML), not an iCalendar (.ics) file.")
    try:
        components = icalendar.Calendar.from_ical(data, multiple=True)
    except _LIBRARY_ERRORS as error:
        raise CalendarError("This is not a valid iCalendar (.ics) file.") from error
    calendars = [component for component in components if component.name == "VCALENDAR"]
    if not calendars:
        raise CalendarError(
            "This is not an iCalendar (.ics) file: it has no BEGIN:VCALENDAR ... END:VCALENDAR."
        )
    return calendars


def _expand(
    calendar: icalendar.Calendar, start: datetime, end: datetime, zone: ZoneInfo, limit: int
) -> list[BusyEvent]:
    """The busy events of one VCALENDAR, from at most `limit` occurrences."""
    try:
        calendar = _standard_time_zones(calendar)
        # An event without DTSTART has no time to block; recurring_ical_events would fail on it.
        calendar.subcomponents = [
            component
            for component in calendar.subcomponents
            if component.name != "VEVENT" or "DTSTART" in component
        ]
        for event in calendar.walk("VEVENT"):
            _refuse_broken_times(event)
            _skip_ahead(event, start, zone)
            _guard_repetitions(event, start, end, zone)
        # The window in the uploader's zone: recurring_ical_events gives floating and all-day
        # values the window's zone, so they are selected by their local time.
        window = (start.astimezone(zone), end.astimezone(zone))
        query = recurring_ical_events.CalendarQuery(calendar)
        busy = []
        # What CalendarQuery.between() does, series by series, so that a file with very many
        # events stops at the limit instead of building all of them first.
        for series in query.series:
            for occurrence in series.between(*window):
                if len(busy) >= limit:
                    raise CalendarError(
                        "The calendar has too many events in this period to import "
                        f"(more than {MAX_OCCURRENCES:,})."
                    )
                busy.append(_busy(occurrence.as_component(False), zone))
        return [_clipped(event, start, end) for event in busy if _overlaps(event, start, end)]
    except CalendarError:
        raise
    except recurring_ical_events.InvalidCalendar as error:
        raise CalendarError(f"The calendar file could not be read: {error.message}") from error
    except _LIBRARY_ERRORS as error:
        raise CalendarError("The calendar file has events that could not be read.") from error


def _standard_time_zones(calendar: icalendar.Calendar) -> icalendar.Calendar:
    """Apply X-WR-TIMEZONE (Google's calendar-wide zone) as recurring_ical_events.of() would.

    It makes UTC and floating times local to that zone, so their repetitions keep their
    local time across daylight saving, and it must happen before _skip_ahead() steps
    DTSTART in the event's wall-clock time.
    """
    name = calendar.get("X-WR-TIMEZONE")
    if name is None:
        return calendar
    try:
        zone = ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        return calendar  # an unknown zone name tells us nothing: read the times as written
    return x_wr_timezone.to_standard(calendar, timezone=zone)


def _refuse_broken_times(event: icalendar.Event) -> None:
    # icalendar keeps unparseable values as vBroken and lists them in .errors.
    for name, message in event.errors:
        if name in _TIME_PROPERTIES:
            raise CalendarError(f"The event “{_title(event)}” has an invalid {name}: {message}")


def _title(event: icalendar.Event) -> str:
    return str(event.get("SUMMARY", "")) or "(no title)"


def _rules(event: icalendar.Event) -> list[icalendar.vRecur]:
    rules = event.get("RRULE", [])
    return rules if isinstance(rules, list) else [rules]


def _first(rule: icalendar.vRecur, part: str, default):
    values = rule.get(part)
    return values[0] if values else default


def _frequency(rule: icalendar.vRecur) -> str:
    return str(_first(rule, "FREQ", "")).upper()


def _interval(rule: icalendar.vRecur) -> int:
    return int(_first(rule, "INTERVAL", 1))


def _same_kind(moment: datetime, like: date, zone: tzinfo) -> date:
    """`moment` (aware) as the same kind of value as `like`, to subtract one from the other."""
    if isinstance(like, datetime):
        if like.tzinfo is not None:
            return moment
        return moment.astimezone(zone).replace(tzinfo=None)
    return moment.astimezone(zone).date()


def _skip_ahead(event: icalendar.Event, window_start: datetime, zone: ZoneInfo) -> None:
    """Move the DTSTART of an old rule to just before the window, by whole rule periods.

    dateutil walks every repetition from DTSTART on, so a minutely rule that started years
    ago would take minutes to reach the window. Repetitions of a rule with a fixed period
    are DTSTART plus whole periods in wall-clock time, and BY... parts only filter or expand
    within each period, so starting a whole number of periods later gives the same
    repetitions from there on. Not done for COUNT (it counts from DTSTART) nor for monthly
    and yearly rules (no fixed length; they repeat at most daily without BYHOUR and such).
    """
    rules = _rules(event)
    if not rules or any("COUNT" in rule for rule in rules):
        return
    periods = []
    for rule in rules:
        seconds = _PERIOD_SECONDS.get(_frequency(rule))
        if seconds is None or _interval(rule) < 1:
            return
        periods.append(seconds * _interval(rule))
    period = timedelta(seconds=math.lcm(*periods))
    dtstart = event["DTSTART"].dt
    if not isinstance(dtstart, datetime) and period % timedelta(days=1):
        return  # an all-day event on an hourly rule: leave that oddity to the library
    duration = recurring_ical_events.EventAdapter(event).duration
    lead = _same_kind(window_start, dtstart, zone) - dtstart - duration - _SKIP_AHEAD_MARGIN
    periods_to_skip = lead // period
    if periods_to_skip <= 0:
        return
    shift = periods_to_skip * period
    # Setting .dt keeps the TZID parameter; datetime + timedelta is wall-clock arithmetic,
    # as dateutil's own stepping is.
    event["DTSTART"].dt = dtstart + shift
    if "DTEND" in event:
        event["DTEND"].dt = event["DTEND"].dt + shift


def _guard_repetitions(
    event: icalendar.Event, window_start: datetime, window_end: datetime, zone: ZoneInfo
) -> None:
    """Refuse a rule that would repeat more than MAX_REPETITIONS times before the window ends.

    An upper estimate, made before expanding, since the expansion itself is what takes long.
    """
    dtstart = event["DTSTART"].dt
    for rule in _rules(event):
        frequency = _frequency(rule)
        interval = _interval(rule)
        if interval < 1:
            # dateutil would step by nothing, forever.
            raise CalendarError(
                f"The event “{_title(event)}” has an invalid RRULE: INTERVAL={interval}"
            )
        if frequency in _EXPANDING_TIME_PARTS:
            per_day = 24 * 60 * 60 / (_PERIOD_SECONDS[frequency] * interval)
            expanding_parts = _EXPANDING_TIME_PARTS[frequency]
        else:
            # At most one day's worth per day, times how many times of day it lists.
            per_day = 1
            expanding_parts = _DAY_OR_LONGER_EXPANDING_TIME_PARTS
        for part in expanding_parts:
            per_day *= len(rule.get(part) or [None])
        if per_day <= 1:
            continue  # daily or rarer: harmless over any span a calendar can have
        # dateutil walks from DTSTART. For fixed periods that is near the window by now
        # (_skip_ahead), or the walk is bounded by COUNT. Monthly and yearly rules are counted
        # within the window only: their walk passes just the days their BY... parts pick.
        counted_from = dtstart
        if frequency not in _PERIOD_SECONDS:
            counted_from = max(dtstart, _same_kind(window_start, dtstart, zone))
        days = (_same_kind(window_end, dtstart, zone) - counted_from).days + 1
        repetitions = per_day * max(days, 0)
        if "COUNT" in rule:
            repetitions = min(repetitions, int(_first(rule, "COUNT", 0)))
        if repetitions > MAX_REPETITIONS:
            raise CalendarError(
                f"The event “{_title(event)}” repeats too often to import "
                f"(more than {MAX_REPETITIONS:,} times)."
            )


def _busy(occurrence: icalendar.Event, zone: ZoneInfo) -> BusyEvent | None:
    if str(occurrence.get("TRANSP", "")).upper() == "TRANSPARENT":
        return None  # shown as "free" in the person's calendar
    if str(occurrence.get("STATUS", "")).upper() == "CANCELLED":
        return None
    start = _to_utc(occurrence["DTSTART"].dt, zone)
    # recurring_ical_events always sets DTEND: from DURATION, or DTSTART (datetimes) or the
    # next day (dates) when there is neither.
    end = _to_utc(occurrence["DTEND"].dt, zone)
    if end <= start:
        return None  # a zero-length event (a reminder, a deadline) blocks no time
    return BusyEvent(
        start=start,
        end=end,
        summary=str(occurrence.get("SUMMARY", "")),
        uid=str(occurrence.get("UID", "")),
    )


def _to_utc(value: date, zone: ZoneInfo) -> datetime:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=zone)  # floating: the uploader's local time
        return value.astimezone(UTC)
    # An all-day value means the whole local day, from its midnight.
    return datetime.combine(value, time(), tzinfo=zone).astimezone(UTC)


def _overlaps(event: BusyEvent | None, start: datetime, end: datetime) -> bool:
    return event is not None and event.start < end and event.end > start


def _clipped(event: BusyEvent, start: datetime, end: datetime) -> BusyEvent:
    return BusyEvent(
        start=max(event.start, start),
        end=min(event.end, end),
        summary=event.summary,
        uid=event.uid,
    )


# Invites ----------------------------------------------------------------------------------

PRODID = "-//Teamfit//Interviews//EN"

# RFC 5546: an organizer's REQUEST creates or updates the event, CANCEL removes it.
_STATUS_FOR_METHOD = {"REQUEST": "CONFIRMED", "CANCEL": "CANCELLED"}


@dataclass(frozen=True)
class Person:
    name: str
    email: str


def invite(
    *,
    method: str,
    uid: str,
    sequence: int,
    start: datetime,
    end: datetime,
    summary: str,
    description: str,
    organizer: Person,
    attendees: Sequence[Person],
    location: str = "",
) -> bytes:
    """An iTIP invite (RFC 5545/5546) for one interview session, as `.ics` bytes.

    Keep `uid` stable for the session and raise `sequence` on every reschedule, so calendar
    apps update (or, with CANCEL, remove) the event they already have instead of adding one.
    """
    status = _STATUS_FOR_METHOD.get(method)
    if status is None:
        raise ValueError(f"Unsupported iTIP method {method!r}: use REQUEST or CANCEL.")
    start = _utc(start, "start")
    end = _utc(end, "end")
    if end <= start:
        raise ValueError("end must be after start")
    if sequence < 0:
        raise ValueError("sequence must not be negative")

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)

    event = icalendar.Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", datetime.now(UTC))
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", summary)
    event.add("description", description)
    if location:
        event.add("location", location)
    event.add("status", status)
    event.add("organizer", _address(organizer))
    for person in attendees:
        attendee = _address(person)
        attendee.params["ROLE"] = "REQ-PARTICIPANT"
        attendee.params["PARTSTAT"] = "NEEDS-ACTION"
        attendee.params["RSVP"] = "TRUE"
        event.add("attendee", attendee)
    calendar.add_component(event)
    return calendar.to_ical()


def _address(person: Person) -> icalendar.vCalAddress:
    # vCalAddress refuses line breaks in the address, and the CN parameter is quoted and
    # escaped by icalendar, so names and addresses cannot inject content lines.
    address = icalendar.vCalAddress(f"mailto:{person.email}")
    if person.name:
        address.params["CN"] = person.name
    return address


def invite_attachment_content_type(method: str) -> str:
    """The MIME type of an invite attachment; mail clients act on the method parameter."""
    if method not in _STATUS_FOR_METHOD:
        raise ValueError(f"Unsupported iTIP method {method!r}: use REQUEST or CANCEL.")
    return f'text/calendar; charset="utf-8"; method={method}'
