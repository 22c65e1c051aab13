"""The slot finder: plain Python on plain data, every instant in UTC.

Each interviewer's free time is a sorted list of half-open (start, end) spans: working hours
expanded in their own time zone, minus busy blocks, buffered interviews and full weeks. The
spans of a session's people are intersected into the starts it allows, and those starts are
swept in time order; nothing walks a minute grid over the horizon.
"""

import heapq
import itertools
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext, ngettext

from ..accounts import zones

Span = tuple[datetime, datetime]
Week = tuple[int, int]

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DAY = timedelta(days=1)
WEEK = timedelta(days=7)
# Datetimes are discrete at a microsecond, so the closed range of allowed starts [first, last]
# is exactly the half-open [first, last + TICK) and goes through the same span functions.
TICK = timedelta(microseconds=1)


@dataclass(frozen=True)
class Interval:
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Interviewer:
    id: int
    time_zone: str
    # Weekday (0 is Monday) to local (start, end) ranges; an end at or before its start runs
    # past midnight.
    working_hours: dict[int, tuple[tuple[time, time], ...]]
    busy: tuple[Interval, ...] = ()
    interviews: tuple[Interval, ...] = ()
    buffer: timedelta = timedelta(0)
    weekly_cap: int | None = None


@dataclass(frozen=True)
class SessionRequest:
    duration: timedelta
    interviewer_ids: tuple[int, ...] = ()
    pool_ids: tuple[int, ...] = ()
    pool_count: int = 0
    shadow_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class PlacedSession:
    index: int
    start: datetime
    end: datetime
    interviewer_ids: tuple[int, ...]


@dataclass(frozen=True)
class Option:
    sessions: tuple[PlacedSession, ...]
    reasons: tuple[str, ...]

    @property
    def start(self) -> datetime:
        return self.sessions[0].start

    @property
    def end(self) -> datetime:
        return max(session.end for session in self.sessions)


# Why a session finds no time (Blocker.reason): a person's time is gone outside their working
# hours in their own zone, to their busy times, to their other interviews with the buffer
# around each, or to their weekly cap; or two people's working hours never meet; or too few of
# the pool are free at once; or the candidate proposed no time in the range; or the candidate's
# interviews that stay where they are (candidate_busy) take the time left; or each part fits
# alone but not all of them at once.
HOURS, BUSY, INTERVIEWS, CAPPED = "hours", "busy", "interviews", "capped"
APART, POOL, WINDOWS, CANDIDATE, TOGETHER = "apart", "pool", "windows", "candidate", "together"
# What would find a time (Suggestion.kind): another pool member in a blocker's place, searching
# further ahead, sessions on separate days, times outside the candidate's windows.
SWAP, LATER, SEPARATE_DAYS, ANY_TIME = "swap", "later", "separate_days", "any_time"


@dataclass(frozen=True)
class Blocker:
    """What stops session `session` (an index into the requests; None for the whole panel):
    `person`, for `reason`, whenever `others` (the session's other people) are all free.
    `example` is such a time they are free and `person` is not; `week` the Monday, in the
    person's zone, of a week their cap is full; `count` how many of the pool are free; `pool`
    whether enough of the session's pool is free with `others` only while the candidate is in
    their other interviews (CANDIDATE)."""

    session: int | None
    reason: str
    person: int | None = None
    others: tuple[int, ...] = ()
    example: Span | None = None
    week: date | None = None
    count: int = 0
    pool: bool = False


@dataclass(frozen=True)
class Suggestion:
    """A change with which a time fits, the earliest being `first`: SWAP puts `replacement`
    (of the session's pool) in `person`'s place in `session`."""

    kind: str
    first: datetime
    session: int | None = None
    person: int | None = None
    replacement: int | None = None


@dataclass(frozen=True)
class Explanation:
    blockers: tuple[Blocker, ...]
    suggestions: tuple[Suggestion, ...]


def find_options(
    requests: Sequence[SessionRequest],
    interviewers: Mapping[int, Interviewer],
    *,
    start: datetime,
    end: datetime,
    candidate_windows: Sequence[Interval] | None = None,
    candidate_busy: Sequence[Interval] = (),
    back_to_back: bool = True,
    step: timedelta = timedelta(minutes=15),
    limit: int = 10,
) -> list[Option]:
    """Up to `limit` ways to place every session, best first, one per start time if possible;
    none of them in `candidate_busy` (the candidate's interviews that stay as they are)."""
    requests = _pools_apart(requests)
    _check_arguments(requests, start, end, step)
    if not requests or limit <= 0:
        return []
    window, calendars = _horizon(
        requests, interviewers, start, end, candidate_windows, candidate_busy
    )
    starts = [_possible_starts(request, calendars, window) for request in requests]
    if back_to_back:
        panels = _back_to_back(requests, calendars, starts, step)
    else:
        panels = _in_order(requests, calendars, starts, step)
    return _ranked_options(panels, limit)


def _horizon(requests, interviewers, start, end, candidate_windows, candidate_busy):
    """The time the search may use, and the calendar of everyone it may seat."""
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    window = _subtract(
        _proposed(start, end, candidate_windows),
        _normalize((b.start, b.end) for b in candidate_busy),
    )
    ids = {pid for request in requests for pid in (*_fixed(request), *request.pool_ids)}
    return window, {pid: _Calendar.build(interviewers[pid], start, end) for pid in ids}


def _proposed(start, end, candidate_windows) -> list[Span]:
    """The range, within the candidate's windows when there are some: the time the search
    may use, before the candidate's other interviews take theirs."""
    window = [(start.astimezone(UTC), end.astimezone(UTC))]
    if candidate_windows is None:
        return window
    return _intersect(window, _normalize((w.start, w.end) for w in candidate_windows))


def _check_arguments(requests, start, end, step):
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("The search horizon needs aware datetimes")
    if step <= timedelta(0):
        raise ValueError(f"Step must be positive, got {step}")
    for request in requests:
        if request.duration <= timedelta(0):
            raise ValueError(f"Duration must be positive, got {request.duration}")
        if request.pool_count < 0:
            raise ValueError(f"Pool count can't be negative, got {request.pool_count}")


# Spans: sorted lists of disjoint half-open (start, end) pairs in UTC.


def _normalize(spans: Iterable[Span]) -> list[Span]:
    """Sorted and in UTC, overlapping or touching spans merged, empty ones dropped."""
    merged: list[Span] = []
    for start, end in sorted((s.astimezone(UTC), e.astimezone(UTC)) for s, e in spans):
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _intersect(a: list[Span], b: list[Span]) -> list[Span]:
    result = []
    i = j = 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if start < end:
            result.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return result


def _subtract(a: list[Span], b: list[Span]) -> list[Span]:
    result = []
    j = 0
    for start, end in a:
        # Spans of b that end before this one starts end before every later one starts too.
        while j < len(b) and b[j][1] <= start:
            j += 1
        k = j
        while k < len(b) and b[k][0] < end:
            if b[k][0] > start:
                result.append((start, b[k][0]))
            start = max(start, b[k][1])
            k += 1
        if start < end:
            result.append((start, end))
    return result


def _covered_by_at_least(count: int, span_lists: list[list[Span]]) -> list[Span]:
    """Where at least `count` of the lists cover, each list being one person's spans."""
    opens = [(start, 1) for spans in span_lists for start, _ in spans]
    closes = [(end, -1) for spans in span_lists for _, end in spans]
    # At equal moments -1 sorts first: a span ending where another starts is no overlap.
    events = sorted(opens + closes)
    result = []
    depth, opened = 0, None
    for moment, delta in events:
        depth += delta
        if depth >= count and opened is None:
            opened = moment
        elif depth < count and opened is not None:
            result.append((opened, moment))
            opened = None
    return _normalize(result)


def _starts_within(spans: list[Span], duration: timedelta) -> list[Span]:
    """The starts that leave room for `duration` inside one span."""
    return [(start, end - duration + TICK) for start, end in spans if end - start >= duration]


def _aligned(spans: list[Span], step: timedelta) -> Iterator[datetime]:
    """The multiples of `step` (counted from the epoch, so from the hour) inside the spans."""
    for start, end in spans:
        moment = start + (EPOCH - start) % step
        while moment < end:
            yield moment
            moment += step


# Interviewers' calendars.


def _at(day: date, clock: time, zone: ZoneInfo) -> datetime:
    # As typed times are read: a range inside the hour the clocks skip (02:30-03:00) runs
    # backwards and is dropped (_normalize), as that wall-clock time never comes.
    return zones.instant(datetime.combine(day, clock.replace(tzinfo=None)), zone)


def _working_time(person: Interviewer, zone: ZoneInfo, start: datetime, end: datetime):
    spans = []
    # From the day before: yesterday's range may run past midnight into the horizon.
    day = start.astimezone(zone).date() - DAY
    while day <= end.astimezone(zone).date():
        for opens, closes in person.working_hours.get(day.weekday(), ()):
            closing_day = day + DAY if closes <= opens else day
            spans.append((_at(day, opens, zone), _at(closing_day, closes, zone)))
        day += DAY
    return _intersect(_normalize(spans), [(start, end)])


def _full_weeks(person, zone, booked: Counter, start: datetime, end: datetime) -> list[Span]:
    if person.weekly_cap is None:
        return []
    spans = []
    first = start.astimezone(zone).date()
    monday = first - timedelta(days=first.weekday())
    while _at(monday, time(0), zone) < end:
        if booked[monday.isocalendar()[:2]] >= person.weekly_cap:
            spans.append((_at(monday, time(0), zone), _at(monday + WEEK, time(0), zone)))
        monday += WEEK
    return _normalize(spans)


@dataclass(frozen=True)
class _Calendar:
    """One interviewer's free time over the horizon, and their interviews per ISO week."""

    person: Interviewer
    zone: ZoneInfo
    booked: Counter
    free: list[Span]
    starts: list[datetime]

    # What each step of build() leaves: the reason a person's time is gone is the first step
    # that takes it (explain()).
    layers: tuple[tuple[str, list[Span]], ...]

    @classmethod
    def build(cls, person: Interviewer, start: datetime, end: datetime) -> "_Calendar":
        zone = ZoneInfo(person.time_zone)
        booked = Counter(_week(interview.start, zone) for interview in person.interviews)
        buffered = ((i.start - person.buffer, i.end + person.buffer) for i in person.interviews)
        hours = _working_time(person, zone, start, end)
        not_busy = _subtract(hours, _normalize((b.start, b.end) for b in person.busy))
        not_interviewing = _subtract(not_busy, _normalize(buffered))
        free = _subtract(not_interviewing, _full_weeks(person, zone, booked, start, end))
        layers = (
            (HOURS, hours),
            (BUSY, not_busy),
            (INTERVIEWS, not_interviewing),
            (CAPPED, free),
        )
        return cls(person, zone, booked, free, [span[0] for span in free], layers)

    def week(self, moment: datetime) -> Week:
        return _week(moment, self.zone)

    def is_free(self, start: datetime, end: datetime) -> bool:
        i = bisect_right(self.starts, start) - 1
        return i >= 0 and end <= self.free[i][1]

    def has_room(self, week: Week, taken: int) -> bool:
        """Whether one more interview fits the cap, after `taken` new ones that week."""
        cap = self.person.weekly_cap
        return cap is None or self.booked[week] + taken < cap


def _week(moment: datetime, zone: ZoneInfo) -> Week:
    return moment.astimezone(zone).isocalendar()[:2]


# Sessions.


def _dedupe(ids: Iterable[int]) -> tuple[int, ...]:
    return tuple(dict.fromkeys(ids))


def _fixed(request: SessionRequest) -> tuple[int, ...]:
    """The people a session can't do without: the named interviewers and the shadows."""
    return _dedupe((*request.interviewer_ids, *request.shadow_ids))


def _pool(request: SessionRequest) -> tuple[int, ...]:
    fixed = _fixed(request)
    return tuple(pid for pid in _dedupe(request.pool_ids) if pid not in fixed)


def _pools_apart(requests: Iterable[SessionRequest]) -> tuple[SessionRequest, ...]:
    """The requests without anyone in a pool who is named in, or shadows, another session: the
    candidate meets each person once."""
    requests = tuple(requests)
    fixed = {pid for request in requests for pid in _fixed(request)}
    return tuple(
        replace(request, pool_ids=tuple(pid for pid in request.pool_ids if pid not in fixed))
        for request in requests
    )


def _possible_starts(request: SessionRequest, calendars, window: list[Span]) -> list[Span]:
    """Starts where everyone fixed is free and enough of the pool is, ignoring caps."""
    common = window
    for pid in _fixed(request):
        common = _intersect(common, calendars[pid].free)
    starts = _starts_within(common, request.duration)
    if request.pool_count:
        members = [_starts_within(calendars[pid].free, request.duration) for pid in _pool(request)]
        starts = _intersect(starts, _covered_by_at_least(request.pool_count, members))
    return starts


# How many staffings (a session at a time with its people) the search for one panel may try
# before it gives up on that start time: a pool big enough to blow the search up loses an
# option, never the response time.
MAX_STAFFINGS = 200


class _Panel:
    """One option being built: its staffed sessions and the interviews they add per week."""

    def __init__(self, requests: tuple[SessionRequest, ...], calendars: dict[int, _Calendar]):
        self.requests = requests
        self.calendars = calendars
        self.sessions: list[PlacedSession] = []
        self.taken: Counter = Counter()
        # Per placed session, the (person, week) pairs that count as the panel's load.
        self.counted: list[tuple[tuple[int, Week], ...]] = []

    @property
    def start(self) -> datetime:
        return self.sessions[0].start

    def staffings(
        self, index: int, start: datetime, later: frozenset[int]
    ) -> Iterable[tuple[int, ...]]:
        """The pool choices that can staff session `index` at `start`, most preferred first.

        Fair spread prefers the members with the fewest interviews that week, this option's
        included. Members outside `later` (the people later sessions could feel) are
        interchangeable, so only the most preferred of them are offered.
        """
        request = self.requests[index]
        end = start + request.duration
        if not all(self._can_take(pid, start, end) for pid in _fixed(request)):
            return ()
        if not request.pool_count:
            return ((),)
        # Nobody seated in another session: _pools_apart() left out whom the others name,
        # this leaves out whom they took from their pools.
        seated = {pid for session in self.sessions for pid in session.interviewer_ids}
        members = [
            pid for pid in _pool(request) if pid not in seated and self._can_take(pid, start, end)
        ]
        members.sort(key=lambda pid: (self._load(pid, start), pid))
        spare = [pid for pid in members if pid not in later][: request.pool_count]
        members = [pid for pid in members if pid in later or pid in spare]
        return itertools.combinations(members, request.pool_count)

    def people(self, index: int, chosen: tuple[int, ...]) -> tuple[int, ...]:
        request = self.requests[index]
        return _dedupe((*request.interviewer_ids, *chosen, *request.shadow_ids))

    def reach(self, index: int, start: datetime, chosen: tuple[int, ...], later: frozenset[int]):
        """What staffing session `index` this way would take of `later`: their weekly room, and
        those of the later pools it seats."""
        request = self.requests[index]
        people = later.intersection((*request.interviewer_ids, *chosen, *request.shadow_ids))
        return frozenset((pid, self.calendars[pid].week(start)) for pid in people)

    def place(self, index: int, start: datetime, chosen: tuple[int, ...]) -> None:
        request = self.requests[index]
        ids = self.people(index, chosen)
        weeks = {pid: self.calendars[pid].week(start) for pid in ids}
        for pid in ids:
            self.taken[pid, weeks[pid]] += 1
        # Shadows take part but don't count as panel load.
        self.counted.append(tuple((pid, weeks[pid]) for pid in (*request.interviewer_ids, *chosen)))
        self.sessions.append(PlacedSession(index, start, start + request.duration, ids))

    def unplace(self) -> None:
        """Take the last placed session off again."""
        placed = self.sessions.pop()
        self.counted.pop()
        for pid in placed.interviewer_ids:
            self.taken[pid, self.calendars[pid].week(placed.start)] -= 1

    def _can_take(self, pid: int, start: datetime, end: datetime) -> bool:
        calendar = self.calendars[pid]
        if not calendar.is_free(start, end):
            return False
        # Someone named in two sessions keeps their buffer between them, as around any other
        # interview of theirs.
        buffer = calendar.person.buffer
        for session in self.sessions:
            if pid in session.interviewer_ids and (
                session.start - buffer < end and start < session.end + buffer
            ):
                return False
        week = calendar.week(start)
        return calendar.has_room(week, self.taken[pid, week])

    def _load(self, pid: int, moment: datetime) -> int:
        week = self.calendars[pid].week(moment)
        return self.calendars[pid].booked[week] + self.taken[pid, week]

    @property
    def load(self) -> int:
        """Interviews the panel's counted interviewers already have in the weeks it falls in."""
        counted = set(itertools.chain.from_iterable(self.counted))
        return sum(self.calendars[pid].booked[week] for pid, week in counted)

    @property
    def gaps(self) -> tuple[int, timedelta]:
        pairs = itertools.pairwise(self.sessions)
        waits = [b.start - a.end for a, b in pairs if b.start > a.end]
        return len(waits), sum(waits, timedelta(0))

    @property
    def spread(self) -> int:
        """How unevenly the pools would be loaded in the option's week, 0 being perfectly even."""
        members = {pid for r in self.requests if r.pool_count for pid in _pool(r)}
        loads = [self._load(pid, self.start) for pid in members]
        return max(loads) - min(loads) if loads else 0

    def rank(self):
        sessions = tuple((s.start, s.index, s.interviewer_ids) for s in self.sessions)
        return (self.start, self.load, self.gaps, self.spread, sessions)


class _Search:
    """Staff the sessions in `order`, backtracking over pool choices and, where `times` offers
    several, over start times; the first whole panel found is the most preferred.

    Sessions never overlap, so one session's staffing reaches the later ones only through
    the weekly caps of people they share and through the members of their pools it seats,
    whom they can no longer take: staffings that take the same of those lead to the same
    outcome, and only one of them is tried. Times come earliest first, and a later start only
    narrows what can follow, so that holds across a session's times too.
    """

    def __init__(self, panel: _Panel, order: tuple[int, ...], later, times):
        self.panel = panel
        self.order = order
        self.later = later  # per depth, who the sessions after it can feel (_felt_later)
        self.times = times  # (panel, depth) -> the starts session order[depth] may take
        self.budget = MAX_STAFFINGS

    def run(self, depth: int = 0) -> bool:
        if depth == len(self.order):
            return True
        index, later, tried = self.order[depth], self.later[depth], set()
        for start in self.times(self.panel, depth):
            for chosen in self.panel.staffings(index, start, later):
                reach = self.panel.reach(index, start, chosen, later)
                if reach in tried:
                    continue
                if not self.budget:
                    return False
                self.budget -= 1
                tried.add(reach)
                self.panel.place(index, start, chosen)
                if self.run(depth + 1):
                    return True
                self.panel.unplace()
                if not later:
                    return False  # every other staffing would leave the rest as this one did
        return False


def _felt_later(requests, calendars, order: tuple[int, ...]) -> list[frozenset[int]]:
    """Per position in `order`, the people through whom a staffing there reaches the sessions
    after it: theirs with a weekly cap, and the members of their pools (whom it may seat)."""
    felt = []
    for depth in range(len(order)):
        after = [requests[index] for index in order[depth + 1 :]]
        pooled = {pid for request in after for pid in _pool(request)}
        capped = {
            pid
            for request in after
            for pid in _fixed(request)
            if calendars[pid].person.weekly_cap is not None
        }
        felt.append(frozenset(pooled | capped))
    return felt


def _back_to_back(requests, calendars, starts, step) -> Iterator[_Panel]:
    blocks = [_block(order, requests, calendars, starts, step) for order in _orders(requests)]
    return heapq.merge(*blocks, key=lambda panel: panel.start)


def _orders(requests: tuple[SessionRequest, ...]) -> Iterator[tuple[int, ...]]:
    seen = set()
    for order in itertools.permutations(range(len(requests))):
        # Swapping two identical sessions gives the same panel: try it once.
        shape = tuple(requests[i] for i in order)
        if shape not in seen:
            seen.add(shape)
            yield order


def _block(order, requests, calendars, starts, step) -> Iterator[_Panel]:
    """Panels with the sessions back to back in this order, earliest first."""
    # A block starting at t puts each session at t + offset, so t must be in each session's
    # starts shifted back by its offset. With no gap between sessions the whole panel is one
    # stretch of everyone's working time: one day, unless someone works past midnight.
    offsets, offset, block = [], timedelta(0), None
    for index in order:
        shifted = [(a - offset, b - offset) for a, b in starts[index]]
        block = shifted if block is None else _intersect(block, shifted)
        offsets.append(offset)
        offset += requests[index].duration
    later = _felt_later(requests, calendars, order)
    for moment in _aligned(block, step):
        panel = _Panel(requests, calendars)
        if _Search(panel, order, later, _offsets_from(moment, offsets)).run():
            yield panel


def _offsets_from(moment: datetime, offsets: list[timedelta]):
    return lambda panel, depth: (moment + offsets[depth],)


def _in_order(requests, calendars, starts, step) -> Iterator[_Panel]:
    """Panels with the sessions in the given order, each as soon as it can follow."""
    order = tuple(range(len(requests)))
    later = _felt_later(requests, calendars, order)
    for first in _aligned(starts[0], step):
        panel = _Panel(requests, calendars)
        if _Search(panel, order, later, _following(first, starts, step)).run():
            yield panel


def _following(first: datetime, starts, step):
    """The first session at `first`, each next one at any start after the previous one ends."""

    def times(panel: _Panel, depth: int) -> Iterable[datetime]:
        if depth == 0:
            return (first,)
        after = panel.sessions[-1].end
        return _aligned([(max(a, after), b) for a, b in starts[depth] if b > after], step)

    return times


# Ranking.


def _ranked_options(panels: Iterator[_Panel], limit: int) -> list[Option]:
    best, spare = [], []
    for _, group in itertools.groupby(panels, key=lambda panel: panel.start):
        unique = {panel.rank(): panel for panel in group}
        ranked = [unique[key] for key in sorted(unique)]
        best.append(ranked[0])
        spare.extend(ranked[1:])
        # Earliest first, so once there are enough start times no later panel can rank higher.
        if len(best) == limit:
            break
    # Distinct start times first; other choices at the same times only to fill up.
    shown = best + sorted(spare, key=_Panel.rank)[: limit - len(best)]
    shown.sort(key=_Panel.rank)
    return [Option(tuple(panel.sessions), _reasons(panel, shown)) for panel in shown]


def _reasons(panel: _Panel, shown: list[_Panel]) -> tuple[str, ...]:
    """Why the option ranks where it does among those shown. Its time is not among them:
    the page shows it in the reader's own zone."""
    reasons = [gettext("earliest")] if panel.start == shown[0].start else []
    interviews = ngettext(
        "%(count)s interview that week", "%(count)s interviews that week", panel.load
    ) % {"count": panel.load}
    least = panel.load == min(other.load for other in shown)
    if least:
        reasons.append(gettext("least-loaded: %(interviews)s") % {"interviews": interviews})
    else:
        reasons.append(gettext("more loaded: %(interviews)s") % {"interviews": interviews})
    if len(panel.sessions) > 1:
        count, wait = panel.gaps
        if count:
            fewest = panel.gaps == min(other.gaps for other in shown)
            gaps = ngettext("%(count)s gap (%(wait)s)", "%(count)s gaps (%(wait)s)", count) % {
                "count": count,
                "wait": _minutes(wait),
            }
            reasons.append(gettext("fewest gaps: %(gaps)s") % {"gaps": gaps} if fewest else gaps)
        else:
            reasons.append(gettext("no gaps"))
    if any(request.pool_count for request in panel.requests):
        if panel.spread == min(other.spread for other in shown):
            reasons.append(gettext("fair pool spread"))
        else:
            reasons.append(
                gettext("uneven pool spread: loads differ by %(spread)s") % {"spread": panel.spread}
            )
    return tuple(reasons)


def _minutes(duration: timedelta) -> str:
    minutes = int(duration.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return gettext("%(hours)s h %(minutes)s min") % {
            "hours": hours,
            "minutes": f"{minutes:02d}",
        }
    return gettext("%(minutes)s min") % {"minutes": minutes}


# Explaining a search that found nothing.


def explain(
    requests: Sequence[SessionRequest],
    interviewers: Mapping[int, Interviewer],
    *,
    start: datetime,
    end: datetime,
    candidate_windows: Sequence[Interval] | None = None,
    candidate_busy: Sequence[Interval] = (),
    back_to_back: bool = True,
    later: datetime | None = None,
    step: timedelta = timedelta(minutes=15),
    swaps: int = 3,
) -> Explanation:
    """Why find_options() finds no time between `start` and `end`, and what would find one: up
    to `swaps` pool members in a blocker's place, a search on to `later`, sessions on separate
    days, times outside the candidate's windows. `interviewers` must cover `later` too."""
    requests = _pools_apart(requests)
    _check_arguments(requests, start, end, step)
    window, calendars = _horizon(
        requests, interviewers, start, end, candidate_windows, candidate_busy
    )

    def first(changed=requests, **changes):
        search = {
            "start": start,
            "end": end,
            "candidate_windows": candidate_windows,
            "candidate_busy": candidate_busy,
            "back_to_back": back_to_back,
            "step": step,
            "limit": 1,
            **changes,
        }
        options = find_options(changed, interviewers, **search)
        return options[0].start if options else None

    blockers = []
    proposed = _proposed(start, end, candidate_windows)
    shortest = min((request.duration for request in requests), default=None)
    if requests and not _room(proposed, shortest):
        blockers.append(Blocker(None, WINDOWS))
    elif requests and not _room(window, shortest):
        # Room there was, but the candidate's interviews that stay take it.
        blockers.append(Blocker(None, CANDIDATE))
    else:
        for index, request in enumerate(requests):
            blockers += _session_blockers(index, request, calendars, window, proposed)
        if requests and not blockers and first() is None:
            around = candidate_busy and first(candidate_busy=()) is not None
            blockers.append(Blocker(None, CANDIDATE if around else TOGETHER))

    suggestions = _swaps(requests, blockers, calendars, window, first, swaps)
    changes = []
    if later is not None and later > end:
        changes.append((LATER, {"end": later}))
    if back_to_back and len(requests) > 1:
        changes.append((SEPARATE_DAYS, {"back_to_back": False}))
    if candidate_windows is not None:
        changes.append((ANY_TIME, {"candidate_windows": None}))
    for kind, change in changes:
        moment = first(**change)
        if moment is not None:
            suggestions.append(Suggestion(kind, moment))
    return Explanation(tuple(blockers), tuple(suggestions))


def _room(spans: list[Span], duration: timedelta) -> bool:
    return bool(_starts_within(spans, duration))


def _free_together(people, calendars, window: list[Span]) -> list[Span]:
    spans = window
    for pid in people:
        spans = _intersect(spans, calendars[pid].free)
    return spans


def _session_blockers(index, request: SessionRequest, calendars, window, proposed) -> list[Blocker]:
    """Who blocks the session in `window`, the time the search may use: `proposed` is that
    time before the candidate's other interviews took theirs."""
    fixed, duration = _fixed(request), request.duration
    everyone = _free_together(fixed, calendars, window)
    if not _room(everyone, duration):
        # Free together only while the candidate is in their other interviews: theirs the blame.
        meeting = _starts_within(_free_together(fixed, calendars, proposed), duration)
        if meeting:
            example = (meeting[0][0], meeting[0][0] + duration)
            return [Blocker(index, CANDIDATE, others=fixed, example=example)]
    if _room(everyone, duration):
        if request.pool_count and not _possible_starts(request, calendars, window):
            meeting = _possible_starts(request, calendars, proposed)
            if meeting:  # as for the named interviewers above
                example = (meeting[0][0], meeting[0][0] + duration)
                return [Blocker(index, CANDIDATE, others=fixed, example=example, pool=True)]
            free = [
                pid
                for pid in _pool(request)
                if _room(_free_together((pid,), calendars, everyone), duration)
            ]
            return [Blocker(index, POOL, count=len(free))]
        return []
    # The one person without whom the others would meet; when nobody is, two or more block.
    found = []
    for pid in fixed:
        others = tuple(other for other in fixed if other != pid)
        theirs = _free_together(others, calendars, window)
        if _room(theirs, duration):
            found.append(_why(index, pid, others, theirs, calendars[pid], duration))
    if found:
        return found
    for pid, other in itertools.combinations(fixed, 2):
        hours = _intersect(dict(calendars[pid].layers)[HOURS], dict(calendars[other].layers)[HOURS])
        if not _room(_intersect(window, hours), duration):
            found.append(Blocker(index, APART, pid, (other,)))
    return found or [Blocker(index, TOGETHER, others=fixed)]


def _why(index, pid, others, theirs: list[Span], calendar: _Calendar, duration) -> Blocker:
    """The first step of the person's calendar that leaves no room in `theirs`, the others'
    free time, with an example of the time it takes."""
    before = theirs
    for reason, spans in calendar.layers:
        left = _intersect(theirs, spans)
        if not _room(left, duration):
            example = next(span for span in before if span[1] - span[0] >= duration)
            week = None
            if reason == CAPPED:
                day = example[0].astimezone(calendar.zone).date()
                week = day - timedelta(days=day.weekday())
            return Blocker(index, reason, pid, others, example, week)
        before = left
    raise ValueError("The person leaves room: nothing blocks")


def _swaps(requests, blockers, calendars, window, first, most) -> list[Suggestion]:
    """Pool members who, in a named interviewer's place, let the whole panel fit."""
    found = []
    for blocker in blockers:
        if blocker.person is None or blocker.reason == TOGETHER:
            continue
        request = requests[blocker.session]
        if blocker.person not in request.interviewer_ids:  # a shadow: no pool stands in
            continue
        others = [pid for pid in _fixed(request) if pid != blocker.person]
        theirs = _free_together(others, calendars, window)
        for replacement in _pool(request):
            if len(found) == most:
                return found
            # Only who meets the session's others is worth a search of the whole panel.
            if not _room(_free_together((replacement,), calendars, theirs), request.duration):
                continue
            changed = list(requests)
            changed[blocker.session] = replace(
                request,
                interviewer_ids=tuple(
                    replacement if pid == blocker.person else pid for pid in request.interviewer_ids
                ),
                pool_ids=tuple(pid for pid in request.pool_ids if pid != replacement),
            )
            moment = first(tuple(changed))
            if moment is not None:
                found.append(Suggestion(SWAP, moment, blocker.session, blocker.person, replacement))
    return found
