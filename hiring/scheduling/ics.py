"""iCalendar in and out: busy time from uploaded `.ics` files, and interview invites.

Plain data in, plain data out (no ORM), so the slot finder and the booking code can use it
and tests can feed it strings.

Files come from anyone, so reading one is bounded: only the lines busy time depends on
reach the parser (_essentials), every count that makes parsing slow has a limit, and every
repeat rule's walk through the calendar is bounded and paid for from one budget per file
(_Work), so a worst-case file within MAX_ICS_BYTES reads in about a second.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
import recurring_ical_events

# A dependency of recurring_ical_events: used directly because the X-WR-TIMEZONE conversion
# has to happen before _skip_ahead() moves DTSTART (see _standard_time_zones()).
import x_wr_timezone
from dateutil.rrule import rrulestr
from django.utils.translation import gettext
from icalendar.parser.content_line import Contentline
from icalendar.parser.ical.calendar import CalendarIcalParser
from icalendar.timezone import tzp


class CalendarError(ValueError):
    """A message fit to show the person who uploaded the file."""


MAX_ICS_BYTES = 2 * 1024 * 1024

# Counts of what is read (see _essentials), each several times what a busy person's calendar
# has around a four-month window. Together they keep the slowest file within MAX_ICS_BYTES to
# about a second on a small two-core server, where icalendar and recurring_ical_events take
# some 250 microseconds an event.
MAX_EVENTS = 2_000  # that repeat, or begin or end within two days of the window
MAX_LINES = 30_000  # lines read, in events and time zones
MAX_PARAMETERS = 10_000  # such as TZID=Europe/Berlin, on the lines read
MAX_DATES = 10_000  # values of EXDATE and RDATE, which recurring_ical_events all looks up
MAX_TIME_ZONES = 100  # VTIMEZONE definitions

# How often one event may repeat before the window ends, counted from where dateutil starts
# walking it (near the window, or DTSTART for a COUNT). A secondly rule would build hundreds
# of thousands of repetitions.
MAX_REPETITIONS = 50_000

# How many occurrences a whole file may have within the window, some 70 microseconds each.
MAX_OCCURRENCES = 4_000

# How many steps dateutil may take through the calendar for all the repeat rules of a file,
# counted in days of a daily rule (see _STEP_COST), some 1.5 microseconds each.
MAX_RULE_STEPS = 150_000

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

_MONTHS_PER_PERIOD = {"MONTHLY": 1, "YEARLY": 12}

# BY... parts that multiply the repetitions of a rule within one of its periods (RFC 5545,
# 3.3.10: they "expand" at these frequencies instead of filtering).
_EXPANDING_TIME_PARTS = {
    "SECONDLY": (),
    "MINUTELY": ("BYSECOND",),
    "HOURLY": ("BYMINUTE", "BYSECOND"),
}
_DAY_OR_LONGER_EXPANDING_TIME_PARTS = ("BYHOUR", "BYMINUTE", "BYSECOND")

# BY... parts that pick days by their place in the month or year.
_DAY_FILTERS = ("BYMONTH", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYSETPOS")

# What one step of dateutil's walk costs, in daily steps (measured on rules that match no
# date, where the walk is all there is): a yearly step builds a whole year's day tables.
_STEP_COST = {"YEARLY": 50, "MONTHLY": 5, "WEEKLY": 2}
# Steps paid for each rule besides its walk: recurring_ical_events walks every rule twice
# (with its RDATEs and on its own) and from one repetition before the window.
_STEPS_PER_RULE = 4

# _skip_ahead() stops this far before the window, so the difference between wall-clock and
# absolute time (a daylight-saving shift of an hour or two) cannot lose a repetition.
_SKIP_AHEAD_MARGIN = timedelta(days=1)

# The Gregorian calendar repeats itself every 400 years, to the weekday. dateutil looks for
# a rule's next repetition until the year 9999, so for a rule that matches no date it walks
# for seconds; asked the same question a multiple of 400 years later, it stops by itself.
_CALENDAR_CYCLE_YEARS = 400
_LAST_YEAR = 9999


@dataclass(frozen=True)
class BusyEvent:
    start: datetime  # aware, UTC
    end: datetime  # aware, UTC
    summary: str
    uid: str


def busy_events(data: bytes, *, start: datetime, end: datetime, time_zone: str) -> list[BusyEvent]:
    """The busy time in an `.ics` file within [start, end), sorted by start, in UTC.

    Recurring events are expanded (RRULE, RDATE, EXDATE, RECURRENCE-ID overrides). Floating
    times and all-day events are read in `time_zone`, the uploader's own zone, and so are
    TZIDs that are neither a known zone nor defined by a VTIMEZONE in the same file.
    Transparent ("free") and cancelled events do not block time. Raises CalendarError for a
    file that is too large or cannot be read; ValueError for bad arguments.
    """
    zone = _zone(time_zone)
    start = _utc(start, "start")
    end = _utc(end, "end")
    essentials = _essentials(_bytes(data), start, end)
    work = _Work()
    file_zones = _FileZones(essentials.time_zones, start, end, work)
    calendars = _calendars(essentials.calendar_lines, file_zones)
    if end <= start:
        return []
    events = []
    for calendar in calendars:
        events.extend(_expand(calendar, start, end, zone, MAX_OCCURRENCES - len(events), work))
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


def _bytes(data: bytes | str) -> bytes:
    if isinstance(data, str):
        data = data.encode()
    data = bytes(data)
    if len(data) > MAX_ICS_BYTES:
        raise CalendarError(gettext("The calendar file is too large (at most 2 MB)."))
    return data


class _Work:
    """The steps through the calendar left for one file's repeat rules (MAX_RULE_STEPS)."""

    def __init__(self):
        self.steps = 0

    def pay(self, frequency: str, steps: int) -> None:
        self.steps += steps * _STEP_COST.get(frequency, 1)
        if self.steps > MAX_RULE_STEPS:
            raise CalendarError(
                gettext(
                    "The calendar's repeating events take too long to work out: they start too "
                    "long ago, repeat too rarely or are too many."
                )
            )


# Reading the file ---------------------------------------------------------------------------

# What is read of a file: these components, each inside its parent, and in each the
# properties busy time depends on. Everything else (descriptions, attendees, alarms, to-dos,
# custom X- data) is dropped before icalendar parses the file, so it cannot make reading slow
# and the limits count only what is read. EXRULE too: RFC 5545 deprecates it and
# recurring_ical_events ignores it.
_OBSERVANCE_PROPERTIES = {"DTSTART", "TZOFFSETFROM", "TZOFFSETTO", "TZNAME", "RRULE", "RDATE"}
_READ = {
    "VCALENDAR": (None, {"CALSCALE", "X-WR-TIMEZONE"}),
    "VEVENT": ("VCALENDAR", {"UID", "SEQUENCE", "SUMMARY", "STATUS", "TRANSP", *_TIME_PROPERTIES}),
    "VTIMEZONE": ("VCALENDAR", {"TZID"}),
    "STANDARD": ("VTIMEZONE", _OBSERVANCE_PROPERTIES),
    "DAYLIGHT": ("VTIMEZONE", _OBSERVANCE_PROPERTIES),
}
# Values that change nothing (RFC 5545, 3.8.2.7 and 3.8.1.11: events are busy by default).
_DEFAULT_VALUES = {"TRANSP": {"OPAQUE"}, "STATUS": {"CONFIRMED", "TENTATIVE"}}
_READ_NAMES = {"BEGIN", "END"}.union(*(properties for _, properties in _READ.values()))
# The start of each line that may be read, found by the regular expression engine so that
# the lines dropped cost no Python code each.
_READ_LINE = re.compile(
    rf"^({'|'.join(sorted(map(re.escape, _READ_NAMES)))})(?=[;:])", re.IGNORECASE | re.MULTILINE
)
_FIRST_LINE = re.compile(r"BEGIN[;:]", re.IGNORECASE)


@dataclass
class _Essentials:
    """The lines of a file that are read, counted against the limits as they are added."""

    calendar_lines: list[str] = field(default_factory=list)
    time_zones: list[str] = field(default_factory=list)  # the VTIMEZONE components
    events: int = 0
    parameters: int = 0
    dates: int = 0
    zones: int = 0

    def add(self, name: str, line: str, in_time_zone: bool) -> None:
        if name == "BEGIN":
            self._begin(line.partition(":")[2].upper())
        elif name != "END":
            self._count(name, line)
        lines = self.time_zones if in_time_zone else self.calendar_lines
        lines.append(line)
        if len(self.time_zones) + len(self.calendar_lines) > MAX_LINES:
            raise CalendarError(
                gettext(
                    "The calendar has too much in it to import (more than %(count)s lines "
                    "about its events and time zones)."
                )
                % {"count": f"{MAX_LINES:,}"}
            )

    def _begin(self, component: str) -> None:
        if component == "VEVENT":
            self.events += 1
            if self.events > MAX_EVENTS:
                raise CalendarError(
                    gettext(
                        "The calendar has too many events to import (more than %(count)s "
                        "that repeat or are in this period)."
                    )
                    % {"count": f"{MAX_EVENTS:,}"}
                )
        elif component == "VTIMEZONE":
            self.zones += 1
            if self.zones > MAX_TIME_ZONES:
                raise CalendarError(
                    gettext("The calendar defines too many time zones (more than %(count)s).")
                    % {"count": f"{MAX_TIME_ZONES:,}"}
                )

    def _count(self, name: str, line: str) -> None:
        self.parameters += _head_and_value(line)[0].count(";")
        if self.parameters > MAX_PARAMETERS:
            raise CalendarError(
                gettext(
                    "The calendar has too many property parameters to import (more than %(count)s)."
                )
                % {"count": f"{MAX_PARAMETERS:,}"}
            )
        if name in ("EXDATE", "RDATE"):
            self.dates += line.count(",") + 1
            if self.dates > MAX_DATES:
                raise CalendarError(
                    gettext(
                        "The calendar has too many dates in EXDATE and RDATE to import "
                        "(more than %(count)s)."
                    )
                    % {"count": f"{MAX_DATES:,}"}
                )


@dataclass
class _EventLines:
    """A VEVENT's lines, held until its END shows whether it can be busy in the window."""

    lines: list[tuple[str, str]] = field(default_factory=list)  # (name, line)
    values: dict[str, str] = field(default_factory=dict)  # of DTSTART, DTEND, DURATION

    def add(self, name: str, line: str) -> None:
        self.lines.append((name, line))
        if name in ("DTSTART", "DTEND", "DURATION"):
            self.values[name] = _head_and_value(line)[1]

    def needed(self) -> list[tuple[str, str]]:
        """The lines but those that say what is so anyway: an event is busy (TRANSP:OPAQUE)
        unless cancelled, and SEQUENCE only ranks changes of the same repetition."""
        changes_one = any(name == "RECURRENCE-ID" for name, _ in self.lines)
        return [
            (name, line)
            for name, line in self.lines
            if not (name == "SEQUENCE" and not changes_one)
            and not (
                name in _DEFAULT_VALUES
                and _head_and_value(line)[1].upper() in _DEFAULT_VALUES[name]
            )
        ]

    def may_be_busy(self, first_day: date, last_day: date) -> bool:
        """Whether the event may be busy from `first_day` to `last_day` (which have a day's
        margin for any time zone). A repeating event and a change of one repetition always
        may; so may one whose days cannot be read, to be refused."""
        if {name for name, _ in self.lines} & {"RRULE", "RDATE", "RECURRENCE-ID"}:
            return True
        start = _day(self.values.get("DTSTART", ""))
        end = _day(self.values["DTEND"]) if "DTEND" in self.values else self._end_by_duration(start)
        return start is None or end is None or (start <= last_day and end >= first_day)

    def _end_by_duration(self, start: date | None) -> date | None:
        if start is None or "DURATION" not in self.values:
            return start
        try:
            return start + abs(icalendar.vDuration.from_ical(self.values["DURATION"]))
        except (ValueError, OverflowError):
            return None


def _essentials(data: bytes, start: datetime, end: datetime) -> _Essentials:
    """The lines of the file to read (see _READ), refusing a file over the limits.

    Events that begin and end days away from the window are left out, however many: a
    calendar export holds years of them.
    """
    text = _text(data)
    first_day, last_day = (start - timedelta(days=2)).date(), (end + timedelta(days=2)).date()
    essentials = _Essentials()
    event = _EventLines()
    # The components open at this line; "" for one that is not read, as all inside it.
    # Only read components are ever looked through, and they nest three deep at most.
    stack: list[str] = []
    for found in _READ_LINE.finditer(text):
        name = found[1].upper()
        line = text[found.start() : _line_end(text, found.end())]
        if name == "BEGIN":
            component = line.partition(":")[2].upper()
            parent = stack[-1] if stack else None
            read = component in _READ and _READ[component][0] == parent
            stack.append(component if read else "")
        elif name == "END":
            component = stack.pop() if stack else ""
            read = bool(component)
        else:
            component = stack[-1] if stack else ""
            read = bool(component) and name in _READ[component][1]
        if not read:
            continue
        if component == "VEVENT":
            event.add(name, line)
            if name == "END":
                if event.may_be_busy(first_day, last_day):
                    for event_name, event_line in event.needed():
                        essentials.add(event_name, event_line, in_time_zone=False)
                event = _EventLines()
        else:
            essentials.add(name, line, "VTIMEZONE" in stack or component == "VTIMEZONE")
    return essentials


def _text(data: bytes) -> str:
    """The file as unfolded text: one content line a line (RFC 5545, 3.1)."""
    text = data.decode("utf-8-sig", errors="replace")
    start = text.lstrip()
    if not start:
        raise CalendarError(gettext("The calendar file is empty."))
    if start.startswith("<"):
        # Typically a feed URL that answered with a sign-in or error page.
        raise CalendarError(gettext("This is a web page (HTML), not an iCalendar (.ics) file."))
    if not _FIRST_LINE.match(start):
        raise CalendarError(gettext("This is not a valid iCalendar (.ics) file."))
    return text.replace("\r\n", "\n").replace("\n ", "").replace("\n\t", "")


def _line_end(text: str, position: int) -> int:
    end = text.find("\n", position)
    return len(text) if end == -1 else end


def _head_and_value(line: str) -> tuple[str, str]:
    """A content line's name and parameters, and its value: the first ":" outside a quoted
    parameter value separates them (RFC 5545, 3.1)."""
    head, _, value = line.partition(":")
    if '"' not in head:
        return head, value
    pieces = line.split('"')
    for index in range(0, len(pieces), 2):
        before, colon, after = pieces[index].partition(":")
        if colon:
            return '"'.join([*pieces[:index], before]), '"'.join([after, *pieces[index + 1 :]])
    return line, ""


def _day(value: str) -> date | None:
    """The day a DATE or DATE-TIME value is on, as written; None if it is none."""
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        return None


def _calendars(lines: list[str], zone_for) -> list[icalendar.Calendar]:
    try:
        components = _FileParser(lines, zone_for).parse()
    except CalendarError:
        raise
    except _LIBRARY_ERRORS as error:
        raise CalendarError(gettext("This is not a valid iCalendar (.ics) file.")) from error
    calendars = [component for component in components if component.name == "VCALENDAR"]
    if not calendars:
        raise CalendarError(
            gettext(
                "This is not an iCalendar (.ics) file: it has no BEGIN:VCALENDAR ... END:VCALENDAR."
            )
        )
    return calendars


class _FileParser(CalendarIcalParser):
    """icalendar's parser, reading the TZIDs of a file with its own VTIMEZONEs only.

    icalendar keeps every VTIMEZONE it parses in a process-wide cache and reads later TZIDs
    with it, so one upload's "Custom/Zone" would decide how everyone's later uploads are read.
    Here a TZID is a zone icalendar knows by name (IANA, Windows), else one that `zone_for`
    makes from the same file, else unknown: floating time, read in the uploader's zone.
    """

    def __init__(self, lines: list[str], zone_for):
        super().__init__(
            [Contentline(line) for line in lines],
            icalendar.Calendar._get_component_factory(),
            icalendar.Calendar.types_factory,
        )
        self._zone_for = zone_for
        self._known = {}

    def handle_end_component(self, vals: str) -> None:
        # icalendar's, without putting the VTIMEZONE into its cache.
        if not self._stack:
            raise ValueError("END encountered without an accompanying BEGIN!")
        component = self._stack.pop()
        if self._stack:
            self._stack[-1].add_component(component)
        else:
            self._components.append(component)

    def prepare_components(self) -> None:
        pass  # icalendar parses again here, for TZIDs used before their VTIMEZONE, from its cache

    def parse_and_add_property(self, name, params, val, tzid, line) -> None:
        if not tzid or self._is_known(tzid):
            super().parse_and_add_property(name, params, val, tzid, line)
            return
        factory = self.get_factory_for_property(name, params)
        try:
            value = factory.from_ical(val)
        except (ValueError, TypeError) as error:
            self.handle_property_parse_error(error, name, params, val, line)
            return
        zone = self._zone_for(tzid)
        parsed = factory(value if zone is None else _in_zone(value, zone))
        parsed.params = params
        self.component.add(name, parsed, encode=False)

    def _is_known(self, tzid: str) -> bool:
        if tzid not in self._known:
            try:
                # Anything but a ZoneInfo came from the cache of VTIMEZONEs parsed elsewhere.
                self._known[tzid] = isinstance(tzp.timezone(tzid), ZoneInfo)
            except OSError:  # a name too long for a file name
                self._known[tzid] = False
        return self._known[tzid]


def _in_zone(value, zone: tzinfo):
    """A parsed date-time value, list of them or period, with floating times put in `zone`."""
    if isinstance(value, (list, tuple)):
        return type(value)(_in_zone(part, zone) for part in value)
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=zone)
    return value


# Time zones defined in the file -------------------------------------------------------------

# How far around the window a VTIMEZONE's yearly rules are worked out. Beyond, the zone keeps
# the offsets of its DTSTARTs and RDATEs only: the busy time read is all within the window,
# and what lies further away needs no more than which side of the window it is on.
_ZONE_RULES_REACH = timedelta(days=2 * 366)

_EARLIEST = datetime.min + timedelta(days=1)

# How many changes of offset one rule of a time zone may make within that reach: a real zone
# changes twice a year, a few four times.
_MAX_ZONE_RULE_CHANGES = 100


class _FileZones:
    """The VTIMEZONEs of one file, each made a tzinfo when an event first uses it."""

    def __init__(self, lines: list[str], start: datetime, end: datetime, work: _Work):
        try:
            components = _FileParser(lines, lambda tzid: None).parse()
        except _LIBRARY_ERRORS as error:
            message = gettext("The calendar has a time zone that could not be read.")
            raise CalendarError(message) from error
        self._definitions = {}
        for component in components:
            # The first definition of a TZID counts, as in icalendar.
            self._definitions.setdefault(str(component.get("TZID", "")), component)
        self._reach = (
            _naive(start - _ZONE_RULES_REACH),
            _naive(end + _ZONE_RULES_REACH),
        )
        self._work = work
        self._zones = {}

    def __call__(self, tzid: str) -> tzinfo | None:
        if tzid not in self._zones:
            definition = self._definitions.get(tzid)
            self._zones[tzid] = (
                None if definition is None else _file_zone(definition, *self._reach, self._work)
            )
        return self._zones[tzid]


class _FileZone(tzinfo):
    """A time zone a file defines (VTIMEZONE), as the offsets between its changes.

    Made of plain lists rather than dateutil's tzical, which walks a rule from its DTSTART
    on every lookup and keeps every change it passes.
    """

    def __init__(self, name: str, changes: list[tuple[datetime, timedelta, timedelta]]):
        # changes: (naive UTC moment, offset before, offset after), sorted.
        self._name = name
        self._utc = [moment for moment, _, _ in changes]
        self._local = [moment + before for moment, before, _ in changes]
        self._offsets = [changes[0][1]] + [after for _, _, after in changes]

    def utcoffset(self, moment: datetime | None) -> timedelta | None:
        if moment is None:
            return None
        # Changes are placed by the clock before them: a local time in the gap after a change
        # reads with the new offset, one that comes twice with the old (its first time).
        return self._offsets[bisect.bisect_right(self._local, moment.replace(tzinfo=None))]

    def dst(self, moment: datetime | None) -> None:
        return None  # a VTIMEZONE does not say by how much daylight saving moves its clocks

    def tzname(self, moment: datetime | None) -> str:
        return self._name

    def fromutc(self, moment: datetime) -> datetime:
        return moment + self._offsets[bisect.bisect_right(self._utc, moment.replace(tzinfo=None))]

    def __repr__(self) -> str:
        return f"<time zone {self._name!r} defined in the calendar file>"


def _file_zone(
    definition: icalendar.Timezone, first: datetime, last: datetime, work: _Work
) -> _FileZone | None:
    """The zone of a VTIMEZONE, its yearly rules worked out from `first` to `last`."""
    name = str(definition["TZID"])
    try:
        changes = []
        for observance in definition.subcomponents:  # STANDARD and DAYLIGHT (see _READ)
            before = _offset(observance, "TZOFFSETFROM", name)
            after = _offset(observance, "TZOFFSETTO", name)
            for onset in _onsets(observance, name, first, last, work):
                # No change can be before the first day datetime knows.
                changes.append((max(onset, _EARLIEST) - before, before, after))
    except CalendarError:
        raise
    except _LIBRARY_ERRORS as error:
        raise CalendarError(
            gettext("The time zone “%(zone)s” in the calendar could not be read.") % {"zone": name}
        ) from error
    return _FileZone(name, sorted(changes)) if changes else None


def _offset(observance: icalendar.Component, name: str, zone: str) -> timedelta:
    offset = observance[name].td
    if abs(offset) >= timedelta(hours=24):
        raise CalendarError(
            gettext("The time zone “%(zone)s” in the calendar has an invalid %(name)s.")
            % {"zone": zone, "name": name}
        )
    return offset


def _onsets(
    observance: icalendar.Component, zone: str, first: datetime, last: datetime, work: _Work
) -> list[datetime]:
    """When a STANDARD or DAYLIGHT part of a zone begins, in local time before it.

    Its DTSTART and RDATEs, and its rule's repetitions from `first` to `last`.
    """
    start = _naive(observance["DTSTART"].dt)
    onsets = [start, *(_naive(value) for value in _dates(observance, "RDATE"))]
    for rule in _rules(observance):
        frequency = _frequency(rule)
        if frequency != "YEARLY":
            raise CalendarError(
                gettext(
                    "The time zone “%(zone)s” in the calendar changes its offset more often than "
                    "once a year (RRULE FREQ=%(frequency)s), which no real time zone does."
                )
                % {"zone": zone, "frequency": frequency}
            )
        if _interval(rule) < 1:
            raise CalendarError(
                gettext("The time zone “%(zone)s” in the calendar has an invalid RRULE.")
                % {"zone": zone}
            )
        repetitions = _zone_rule_repetitions(rule, start, first, last, work)
        if repetitions is None:
            raise CalendarError(
                gettext("The time zone “%(zone)s” in the calendar changes its offset too often.")
                % {"zone": zone}
            )
        onsets.extend(_within_rule_end(rule, repetitions, first))
    return onsets


def _zone_rule_repetitions(
    rule: icalendar.vRecur, start: datetime, first: datetime, last: datetime, work: _Work
) -> list[datetime] | None:
    """The repetitions of a zone's rule up to `last`, from `first` on if it can skip ahead,
    or None if they are too many."""
    count = max(int(_first(rule, "COUNT", 0)), 0) if "COUNT" in rule else None
    if count is None:
        walk_from, most = _naive(_moved_ahead([rule], start, first)), _MAX_ZONE_RULE_CHANGES
    else:
        # COUNT counts from DTSTART, so the walk does too, as far as it may.
        walk_from, most = start, min(count, 10 * _MAX_ZONE_RULE_CHANGES)
    walked = _walk(rule, walk_from, last, most=most)
    work.pay("YEARLY", _steps("YEARLY", _interval(rule), walk_from, walked.end))
    if len(walked.repetitions) > most and (count is None or most < count):
        return None
    return walked.repetitions if count is None else walked.repetitions[:count]


def _within_rule_end(rule: icalendar.vRecur, repetitions: list[datetime], first: datetime):
    """The repetitions up to the rule's UNTIL, from `first` on."""
    if "UNTIL" in rule:
        until = _naive(_first(rule, "UNTIL", None))
        repetitions = [moment for moment in repetitions if moment <= until]
    return [moment for moment in repetitions if moment >= first]


def _values(component: icalendar.Component, name: str) -> list:
    """The values of an RDATE or EXDATE property, which may be given several times: dates,
    times and PERIODs, (start, end or duration)."""
    values = component.get(name, [])
    lists = values if isinstance(values, list) else [values]
    return [value.dt for dates in lists for value in dates.dts]


def _dates(component: icalendar.Component, name: str) -> list[date]:
    """The dates and times of an RDATE or EXDATE property: a PERIOD's start."""
    return [value[0] if isinstance(value, tuple) else value for value in _values(component, name)]


def _naive(value: date) -> datetime:
    """A date or time as a naive datetime of its own wall clock, in which rules are walked."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return datetime.combine(value, time())


# Expanding events ---------------------------------------------------------------------------


def _expand(
    calendar: icalendar.Calendar,
    start: datetime,
    end: datetime,
    zone: ZoneInfo,
    limit: int,
    work: _Work,
) -> list[BusyEvent]:
    """The busy events of one VCALENDAR, from at most `limit` occurrences."""
    try:
        calendar = _standard_time_zones(calendar)
        # An event without DTSTART has no time to block; recurring_ical_events would fail on it.
        events = [
            component
            for component in calendar.subcomponents
            if component.name == "VEVENT" and "DTSTART" in component
        ]
        calendar.subcomponents = events
        for event in events:
            _refuse_broken_times(event)
            _refuse_reversed_times(event, zone)
            _skip_ahead(event, start, zone)
            _guard_repetitions(event, start, end, zone)
            _pay_for_walks(event, end, zone, work)
        original_uids = _separate_same_uids(events)
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
                        gettext(
                            "The calendar has too many events in this period to import "
                            "(more than %(count)s)."
                        )
                        % {"count": f"{MAX_OCCURRENCES:,}"}
                    )
                busy.append(_busy(occurrence.as_component(False), zone, original_uids))
        return [_clipped(event, start, end) for event in busy if _overlaps(event, start, end)]
    except CalendarError:
        raise
    except recurring_ical_events.InvalidCalendar as error:
        raise CalendarError(
            gettext("The calendar file could not be read: %(reason)s") % {"reason": error.message}
        ) from error
    except _LIBRARY_ERRORS as error:
        message = gettext("The calendar file has events that could not be read.")
        raise CalendarError(message) from error


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
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return calendar  # an unknown zone name tells us nothing: read the times as written
    return x_wr_timezone.to_standard(calendar, timezone=zone)


def _refuse_broken_times(event: icalendar.Event) -> None:
    # icalendar keeps unparseable values as vBroken and lists them in .errors.
    for name, message in event.errors:
        if name in _TIME_PROPERTIES:
            raise CalendarError(
                gettext("The event “%(title)s” has an invalid %(name)s: %(reason)s")
                % {"title": _title(event), "name": name, "reason": message}
            )


def _refuse_reversed_times(event: icalendar.Event, zone: ZoneInfo) -> None:
    # recurring_ical_events would read an end before the start as the span between them:
    # busy time the person never entered. A reversed RDATE period it refuses, in English.
    start = _to_utc(event["DTSTART"].dt, zone)
    if "DTEND" in event and _to_utc(event["DTEND"].dt, zone) < start:
        name = "DTEND"
    elif "DURATION" in event and event["DURATION"].dt < timedelta(0):
        name = "DURATION"
    elif any(_reversed_period(value, zone) for value in _values(event, "RDATE")):
        name = "RDATE"
    else:
        return
    raise CalendarError(
        gettext("The event “%(title)s” ends before it starts: see its %(name)s.")
        % {"title": _title(event), "name": name}
    )


def _reversed_period(value, zone: ZoneInfo) -> bool:
    """Whether an RDATE value is a PERIOD that ends before it starts."""
    if not isinstance(value, tuple):
        return False
    start, end = value
    if isinstance(end, timedelta):
        return end < timedelta(0)
    return _to_utc(end, zone) < _to_utc(start, zone)


def _title(event: icalendar.Event) -> str:
    return str(event.get("SUMMARY", "")) or gettext("(no title)")


def _separate_same_uids(events: list[icalendar.Event]) -> dict[str, str]:
    """Give each event whose UID an earlier one has (neither with RECURRENCE-ID) its own UID.

    recurring_ical_events takes them for versions of one event and keeps the highest
    SEQUENCE; in a calendar file each is busy time. Changed occurrences (RECURRENCE-ID) stay
    with the first. Returns the original UID of each new one.
    """
    seen = set()
    originals = {}
    for index, event in enumerate(events):
        if "UID" not in event or "RECURRENCE-ID" in event:
            continue
        uid = str(event["UID"])
        if uid in seen:
            # RFC 5545 allows no NUL in a value, so no proper UID ends like this.
            event["UID"] = f"{uid}\0{index}"
            originals[event["UID"]] = uid
        seen.add(uid)
    return originals


# Repeat rules -------------------------------------------------------------------------------


def _rules(component: icalendar.Component) -> list[icalendar.vRecur]:
    rules = component.get("RRULE", [])
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
    ago would take minutes to reach the window. Repetitions of a rule are DTSTART plus
    whole periods in wall-clock time, and BY... parts only filter or expand within each
    period, so starting a whole number of periods later, on the same wall-clock time and
    day of the month, gives the same repetitions from there on. Not done for COUNT (it
    counts from DTSTART).
    """
    rules = _rules(event)
    if not rules or any("COUNT" in rule or _interval(rule) < 1 for rule in rules):
        return
    dtstart = event["DTSTART"].dt
    duration = recurring_ical_events.EventAdapter(event).duration
    target = _same_kind(window_start, dtstart, zone) - duration - _SKIP_AHEAD_MARGIN
    moved = _moved_ahead(rules, dtstart, target)
    if moved == dtstart:
        return
    # Setting .dt keeps the TZID parameter; DTEND keeps its wall-clock distance.
    if "DTEND" in event:
        event["DTEND"].dt = moved + (event["DTEND"].dt - dtstart)
    event["DTSTART"].dt = moved


def _moved_ahead(rules: list[icalendar.vRecur], dtstart: date, target: date) -> date:
    """The latest start of the same repetitions as from `dtstart`, at or before `target`."""
    frequencies = {_frequency(rule) for rule in rules}
    if frequencies <= _PERIOD_SECONDS.keys():
        period = timedelta(
            seconds=math.lcm(*(_PERIOD_SECONDS[_frequency(r)] * _interval(r) for r in rules))
        )
        if not isinstance(dtstart, datetime) and period % timedelta(days=1):
            return dtstart  # an all-day event on an hourly rule: leave that oddity to the library
        # datetime + timedelta is wall-clock arithmetic, as dateutil's own stepping is.
        return dtstart + max((target - dtstart) // period, 0) * period
    if frequencies <= {"MONTHLY", "YEARLY"}:
        months = math.lcm(*(_MONTHS_PER_PERIOD[_frequency(r)] * _interval(r) for r in rules))
        return _months_ahead(dtstart, months, target)
    return dtstart


def _months_ahead(start: date, months: int, target: date) -> date:
    """The latest of `start` plus whole multiples of `months` at or before `target`."""
    if start.day > 28:
        # Only on a day every such month has: the same month of the year, a leap year.
        months = math.lcm(months, 48 if (start.month, start.day) == (2, 29) else 12)
    steps = ((target.year - start.year) * 12 + target.month - start.month) // months
    while steps > 0:
        moved = _months_later(start, steps * months)
        if moved is not None and moved <= target:
            return moved
        steps -= 1  # later in its month than `target`, or 29 February of a year like 2100
    return start


def _months_later(moment: date, months: int) -> date | None:
    year, month = divmod(moment.month - 1 + months, 12)
    try:
        return moment.replace(year=moment.year + year, month=month + 1)
    except ValueError:
        return None


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
                gettext("The event “%(title)s” has an invalid RRULE: INTERVAL=%(interval)s")
                % {"title": _title(event), "interval": interval}
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
            continue  # daily or rarer: _pay_for_walks() counts the steps to get there
        # dateutil walks from DTSTART, which is near the window by now (_skip_ahead) or
        # bounded by COUNT. Monthly and yearly rules are counted within the window only:
        # their walk passes just the days their BY... parts pick.
        counted_from = dtstart
        if frequency not in _PERIOD_SECONDS:
            counted_from = max(dtstart, _same_kind(window_start, dtstart, zone))
        days = (_same_kind(window_end, dtstart, zone) - counted_from).days + 1
        repetitions = per_day * max(days, 0)
        if "COUNT" in rule:
            repetitions = min(repetitions, int(_first(rule, "COUNT", 0)))
        if repetitions > MAX_REPETITIONS:
            raise _repeats_too_often(event)


def _repeats_too_often(event: icalendar.Event) -> CalendarError:
    return CalendarError(
        gettext("The event “%(title)s” repeats too often to import (more than %(count)s times).")
        % {"title": _title(event), "count": f"{MAX_REPETITIONS:,}"}
    )


def _pay_for_walks(event: icalendar.Event, window_end: datetime, zone: tzinfo, work: _Work):
    """Pay for dateutil's walk through each rule of the event, from DTSTART past the window.

    The walk ends at the first repetition after the window. For a rule whose BY... parts
    (or day of the month) some periods miss, that may be years away, or never: then
    dateutil walks to the year 9999, seconds for a daily rule. So such a rule's next
    repetition is looked for first, in a walk that ends by itself (_walk), and a rule that
    matches no date is refused.
    """
    dtstart = _naive(event["DTSTART"].dt)
    last = _naive(_same_kind(window_end, event["DTSTART"].dt, zone))
    for rule in _rules(event):
        frequency, interval = _frequency(rule), _interval(rule)
        walk_to = last
        if _may_miss_periods(rule, dtstart):
            _refuse_day_filters_in_short_periods(event, rule)
            walk_from = _naive(_moved_ahead([rule], dtstart, last))
            walked = _walk(rule, walk_from, last, most=MAX_REPETITIONS)
            if len(walked.repetitions) > MAX_REPETITIONS:
                raise _repeats_too_often(event)
            if walked.following is None:
                raise CalendarError(
                    gettext("The event “%(title)s” has a repeat rule (RRULE) that matches no date.")
                    % {"title": _title(event)}
                )
            work.pay(frequency, _steps(frequency, interval, walk_from, walked.end))
            walk_to = walked.following
        steps = _steps(frequency, interval, dtstart, walk_to)
        if "COUNT" in rule and not _may_miss_periods(rule, dtstart):
            steps = min(steps, max(int(_first(rule, "COUNT", 0)), 0))
        work.pay(frequency, steps + _STEPS_PER_RULE)


def _may_miss_periods(rule: icalendar.vRecur, dtstart: datetime) -> bool:
    """Whether some periods of the rule may have no repetition: it has BY... parts, which
    filter, or repeats monthly or yearly on a day that not every month has."""
    monthly = _frequency(rule) in _MONTHS_PER_PERIOD
    return any(part.startswith("BY") for part in rule) or (monthly and dtstart.day > 28)


def _refuse_day_filters_in_short_periods(event: icalendar.Event, rule: icalendar.vRecur):
    # An hourly rule that picks days of the month or year is no calendar app's, and looking
    # for its next repetition hour by hour could take a second.
    frequency = _frequency(rule)
    if frequency not in _EXPANDING_TIME_PARTS:
        return
    for part in _DAY_FILTERS:
        if part in rule:
            raise CalendarError(
                gettext(
                    "The event “%(title)s” has a repeat rule (RRULE) that cannot be "
                    "imported: FREQ=%(frequency)s with %(part)s."
                )
                % {"title": _title(event), "frequency": frequency, "part": part}
            )


class _Walked(NamedTuple):
    repetitions: list[datetime]  # up to `last`, at most `most` + 1 of them
    following: datetime | None  # the first repetition after `last`, None if there is none
    end: datetime  # where the walk stopped


def _walk(rule: icalendar.vRecur, first: datetime, last: datetime, *, most: int) -> _Walked:
    """dateutil's walk through `rule` without its UNTIL and COUNT, from `first` (naive).

    The walk is made a multiple of 400 years later, where the calendar is the same and the
    year 9999, at which dateutil stops looking, is 400 to 800 years after `last`: longer
    than any rule can go without a repetition.
    """
    latest = max(first, last)
    cycles = (_LAST_YEAR - _CALENDAR_CYCLE_YEARS - latest.year) // _CALENDAR_CYCLE_YEARS
    years = max(cycles, 0) * _CALENDAR_CYCLE_YEARS
    endless = icalendar.vRecur(
        {part: rule[part] for part in rule if part not in ("UNTIL", "COUNT")}
    )
    repetitions = []
    for moment in rrulestr(endless.to_ical().decode(), dtstart=_years_later(first, years)):
        moment = _years_later(moment, -years)
        if moment > last:
            return _Walked(repetitions, moment, moment)
        repetitions.append(moment)
        if len(repetitions) > most:
            return _Walked(repetitions, None, moment)
    return _Walked(repetitions, None, datetime(_LAST_YEAR - years, 12, 31))


def _years_later(moment: datetime, years: int) -> datetime:
    # By multiples of 400 years: 29 February stays in a leap year.
    return moment.replace(year=moment.year + years)


def _steps(frequency: str, interval: int, first: datetime, last: datetime) -> int:
    """How many steps dateutil takes from `first` to `last` through a rule."""
    if frequency in _PERIOD_SECONDS:
        period = timedelta(seconds=_PERIOD_SECONDS[frequency] * interval)
        return max((last - first) // period, 0) + 1
    months = (last.year - first.year) * 12 + last.month - first.month
    return max(months // (_MONTHS_PER_PERIOD.get(frequency, 12) * interval), 0) + 1


def _busy(
    occurrence: icalendar.Event, zone: ZoneInfo, original_uids: dict[str, str]
) -> BusyEvent | None:
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
    uid = str(occurrence.get("UID", ""))
    return BusyEvent(
        start=start,
        end=end,
        summary=str(occurrence.get("SUMMARY", "")),
        uid=original_uids.get(uid, uid),
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
    event = _event(uid, sequence, start, end, summary, description, location)
    event.add("status", status)
    event.add("organizer", _address(organizer))
    for person in attendees:
        attendee = _address(person)
        attendee.params["ROLE"] = "REQ-PARTICIPANT"
        attendee.params["PARTSTAT"] = "NEEDS-ACTION"
        attendee.params["RSVP"] = "TRUE"
        event.add("attendee", attendee)
    return _calendar(method, [event])


@dataclass(frozen=True)
class Meeting:
    uid: str
    sequence: int
    start: datetime
    end: datetime
    summary: str
    description: str = ""


def published(meetings: Sequence[Meeting]) -> bytes:
    """A calendar file of `meetings` to add by hand (METHOD:PUBLISH, RFC 5546): with the UIDs
    and SEQUENCEs of their invites, so a later update by email changes the same events."""
    events = []
    for meeting in meetings:
        event = _event(
            meeting.uid,
            meeting.sequence,
            meeting.start,
            meeting.end,
            meeting.summary,
            meeting.description,
        )
        event.add("status", "CONFIRMED")
        events.append(event)
    return _calendar("PUBLISH", events)


def _event(uid, sequence, start, end, summary, description, location=""):
    start = _utc(start, "start")
    end = _utc(end, "end")
    if end <= start:
        raise ValueError("end must be after start")
    if sequence < 0:
        raise ValueError("sequence must not be negative")
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
    return event


def _calendar(method, events) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    for event in events:
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
    """The MIME type of an invite attachment; mail clients act on the method parameter. No
    charset: Django adds the message's own to every text attachment."""
    if method not in _STATUS_FOR_METHOD:
        raise ValueError(f"Unsupported iTIP method {method!r}: use REQUEST or CANCEL.")
    return f"text/calendar; method={method}"
