"""Finding interview times (hiring/scheduling/slots.py): properties, and a benchmark-sized panel."""

import random
from collections import Counter
from datetime import UTC, datetime, time, timedelta
from itertools import combinations, pairwise, permutations
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hiring.scheduling.slots import (
    Interval,
    Interviewer,
    PlacedSession,
    SessionRequest,
    find_options,
)
from tests.factories import MINUTES_15, WEEKDAYS_9_TO_5, meeting, session, starts
from tests.factories import utc_on as utc

pytestmark = pytest.mark.plain_data

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


# Properties, checked against the raw input rather than the module's own spans.

ZONES = ("UTC", "Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Sydney")


def clock(half_hours):
    return time(half_hours // 2, 30 * (half_hours % 2))


@st.composite
def working_hours(draw):
    # Between 04:00 and 23:00, clear of every DST change in ZONES, so the wall clock is an
    # exact oracle; the DST tests in test_slots_examples.py cover the changes.
    hours = {}
    for day in range(7):
        ranges = []
        for _ in range(draw(st.sampled_from([0, 1, 1, 2]))):
            opens = draw(st.integers(8, 40))
            closes = draw(st.integers(opens + 1, 46))
            ranges.append((clock(opens), clock(closes)))
        hours[day] = tuple(ranges)
    return hours


def blocks(horizon_start, days, max_size):
    block = st.builds(
        lambda minute, length: meeting(horizon_start + timedelta(minutes=minute), length),
        st.integers(-2 * 24 * 60, days * 24 * 60),
        st.integers(5, 240),
    )
    return st.lists(block, max_size=max_size).map(tuple)


@st.composite
def worlds(draw, pools=True):
    horizon_start = utc(1, 6) + timedelta(days=draw(st.integers(0, 350)))
    days = draw(st.integers(1, 5))
    ids = list(range(1, draw(st.integers(1, 4)) + 1))
    people = {
        pid: Interviewer(
            pid,
            draw(st.sampled_from(ZONES)),
            draw(working_hours()),
            busy=draw(blocks(horizon_start, days, 6)),
            interviews=draw(blocks(horizon_start, days, 4)),
            buffer=timedelta(minutes=draw(st.sampled_from([0, 10, 15, 30]))),
            weekly_cap=draw(st.none() | st.integers(0, 4)),
        )
        for pid in ids
    }
    requests = []
    for _ in range(draw(st.integers(1, 3 if pools else 1))):
        required = draw(st.lists(st.sampled_from(ids), max_size=2, unique=True))
        shadows = draw(st.lists(st.sampled_from(ids), max_size=1 if pools else 0))
        pool = draw(st.lists(st.sampled_from(ids), max_size=3 if pools else 0, unique=True))
        free_pool = [pid for pid in pool if pid not in required + shadows]
        requests.append(
            SessionRequest(
                timedelta(minutes=15 * draw(st.integers(1, 6))),
                interviewer_ids=tuple(required),
                pool_ids=tuple(pool),
                pool_count=draw(st.integers(0, len(free_pool))),
                shadow_ids=tuple(shadows),
            )
        )
    windows = None
    if draw(st.booleans()):
        window = st.builds(
            lambda quarter, length: Interval(
                horizon_start + quarter * MINUTES_15,
                horizon_start + (quarter + length) * MINUTES_15,
            ),
            st.integers(0, days * 96),
            st.integers(1, 48),
        )
        windows = draw(st.lists(window, max_size=4))
    return {
        "requests": requests,
        "people": people,
        "start": horizon_start,
        "end": horizon_start + timedelta(days=days),
        "candidate_windows": windows,
        "step": draw(st.sampled_from([MINUTES_15, timedelta(minutes=30)])),
    }


def run(world, **kwargs):
    arguments = {k: world[k] for k in ("start", "end", "candidate_windows", "step")}
    return find_options(world["requests"], world["people"], **arguments, **kwargs)


def quarters(start, end):
    """The quarter hours a session covers; every boundary in the worlds lies on one."""
    moment = start
    while moment < end:
        yield moment
        moment += MINUTES_15


def works_at(person, moment):
    wall = moment.astimezone(ZoneInfo(person.time_zone))
    ranges = person.working_hours.get(wall.weekday(), ())
    return any(opens <= wall.time() < closes for opens, closes in ranges)


def overlaps(start, end, other_start, other_end):
    return start < other_end and other_start < end


def week_of(person, moment):
    return moment.astimezone(ZoneInfo(person.time_zone)).isocalendar()[:2]


def interviews_in(person, week):
    return sum(week_of(person, i.start) == week for i in person.interviews)


def can_attend(person, start, end):
    buffer = person.buffer
    return (
        all(works_at(person, moment) for moment in quarters(start, end))
        and not any(overlaps(start, end, b.start, b.end) for b in person.busy)
        and not any(
            overlaps(start, end, i.start - buffer, i.end + buffer) for i in person.interviews
        )
    )


def within_windows(world, start, end):
    windows = world["candidate_windows"]
    if windows is None:
        return True
    return all(any(w.start <= q < w.end for w in windows) for q in quarters(start, end))


def kept_apart(person, a, b):
    """Whether `person`'s two sessions `a` and `b` keep their buffer between them."""
    return not overlaps(a.start, a.end, b.start - person.buffer, b.end + person.buffer)


def assert_valid(option, world, back_to_back):
    requests, people = world["requests"], world["people"]
    for placed in option.sessions:
        request = requests[placed.index]
        ids = placed.interviewer_ids
        assert len(set(ids)) == len(ids)
        assert set(request.interviewer_ids) | set(request.shadow_ids) <= set(ids)
        chosen = set(ids) - set(request.interviewer_ids) - set(request.shadow_ids)
        assert chosen <= set(request.pool_ids)
        # Whom a pool gives, the candidate meets in this session only.
        others = [other for other in option.sessions if other is not placed]
        assert not any(chosen & set(other.interviewer_ids) for other in others)
        assert len(chosen) == request.pool_count
        assert placed.end - placed.start == request.duration
        assert world["start"] <= placed.start
        assert placed.end <= world["end"]
        assert within_windows(world, placed.start, placed.end)
        for pid in ids:
            assert can_attend(people[pid], placed.start, placed.end)
    taken = Counter(
        (pid, week_of(people[pid], placed.start))
        for placed in option.sessions
        for pid in placed.interviewer_ids
    )
    for (pid, week), count in taken.items():
        cap = people[pid].weekly_cap
        assert cap is None or interviews_in(people[pid], week) + count <= cap
    for a, b in pairwise(option.sessions):
        assert b.start >= a.end
    for a, b in combinations(option.sessions, 2):
        for pid in set(a.interviewer_ids) & set(b.interviewer_ids):
            assert kept_apart(people[pid], a, b)
    # Back to back, only the block's start is on the step; the rest follow without a gap.
    assert (option.start - EPOCH) % world["step"] == timedelta(0)
    indexes = [placed.index for placed in option.sessions]
    if back_to_back:
        assert sorted(indexes) == list(range(len(requests)))
        assert all(b.start == a.end for a, b in pairwise(option.sessions))
    else:
        assert indexes == list(range(len(requests)))
        assert all((s.start - EPOCH) % world["step"] == timedelta(0) for s in option.sessions)
    assert option.reasons


@settings(max_examples=120)
@given(worlds(), st.booleans())
def test_every_option_respects_every_constraint(world, back_to_back):
    options = run(world, back_to_back=back_to_back, limit=5)

    assert len(options) <= 5
    assert starts(options) == sorted(starts(options))
    for option in options:
        assert_valid(option, world, back_to_back)


@settings(max_examples=60)
@given(worlds(pools=False))
def test_first_option_is_the_earliest_possible(world):
    # A brute-force search over every step: the sweep must miss nothing.
    (request,) = world["requests"]
    people = [world["people"][pid] for pid in (*request.interviewer_ids, *request.shadow_ids)]

    def possible(start):
        end = start + request.duration
        return within_windows(world, start, end) and all(
            can_attend(p, start, end) and has_room(p, start) for p in people
        )

    def has_room(p, start):
        return p.weekly_cap is None or interviews_in(p, week_of(p, start)) + 1 <= p.weekly_cap

    step = world["step"]
    moment = world["start"]
    earliest = None
    while moment + request.duration <= world["end"]:
        if possible(moment):
            earliest = moment
            break
        moment += step

    options = run(world, limit=1)

    assert (options[0].start if options else None) == earliest


# Pool choices, against a brute force over every order, time and choice of pool members.

ALL_DAY = {day: ((time(8), time(18)),) for day in range(7)}


@st.composite
def pool_worlds(draw, max_sessions):
    """A day where pool choices matter: few people, shared between sessions, tight weekly caps."""
    horizon_start = utc(1, 6) + timedelta(days=draw(st.integers(0, 350)))
    ids = list(range(1, draw(st.integers(2, 4)) + 1))
    people = {
        pid: Interviewer(
            pid,
            draw(st.sampled_from(ZONES)),
            # Mostly all day, so that pool choices rather than hours decide.
            ALL_DAY if draw(st.integers(0, 2)) else draw(working_hours()),
            busy=draw(blocks(horizon_start, 1, 3)),
            interviews=draw(blocks(horizon_start, 1, 2)),
            buffer=timedelta(minutes=draw(st.sampled_from([0, 15]))),
            # Mostly room for one or two more: where a pool choice takes someone's last one.
            weekly_cap=draw(st.sampled_from([None, 1, 1, 2, 2, 3])),
        )
        for pid in ids
    }
    requests = []
    for _ in range(draw(st.integers(1, max_sessions))):
        named = draw(st.lists(st.sampled_from(ids), max_size=1))
        pool = draw(st.lists(st.sampled_from(ids), min_size=2, max_size=3, unique=True))
        free = [pid for pid in pool if pid not in named]
        requests.append(
            SessionRequest(
                timedelta(minutes=30 * draw(st.integers(1, 3))),
                interviewer_ids=tuple(named),
                pool_ids=tuple(pool),
                pool_count=draw(st.integers(0 if named else 1, min(2, len(free)))),
            )
        )
    return {
        "requests": requests,
        "people": people,
        "start": horizon_start,
        "end": horizon_start + timedelta(days=1),
        "candidate_windows": None,
        "step": timedelta(minutes=30),
    }


def feasible_starts(world, back_to_back):
    """Every start of a valid panel, found by trying every arrangement."""
    requests, people, step = world["requests"], world["people"], world["step"]
    named = {pid for r in requests for pid in (*r.interviewer_ids, *r.shadow_ids)}
    orders = permutations(range(len(requests))) if back_to_back else [range(len(requests))]
    orders = [tuple(order) for order in orders]
    attends = {}

    def fits(placed):
        """Whether the last session placed keeps every constraint; the ones before it did."""
        last = placed[-1]
        for pid in last.interviewer_ids:
            if not all(
                kept_apart(people[pid], s, last) for s in placed[:-1] if pid in s.interviewer_ids
            ):
                return False
            key = (pid, last.start, last.end)
            if key not in attends:
                attends[key] = can_attend(people[pid], last.start, last.end)
            week = week_of(people[pid], last.start)
            count = sum(
                pid in s.interviewer_ids and week_of(people[pid], s.start) == week for s in placed
            )
            cap = people[pid].weekly_cap
            if not attends[key] or (
                cap is not None and interviews_in(people[pid], week) + count > cap
            ):
                return False
        return last.end <= world["end"]

    def starts_after(placed, moment):
        if not placed:
            return [moment]
        after = placed[-1].end
        if back_to_back:
            return [after]
        first = after + (EPOCH - after) % step
        return [first + n * step for n in range((world["end"] - first) // step + 1)]

    def completes(order, placed, moment):
        if len(placed) == len(order):
            return True
        request = requests[order[len(placed)]]
        # Nobody a session names or has shadow, nor anyone seated already, comes from a pool.
        seated = {pid for s in placed for pid in s.interviewer_ids}
        pool = [pid for pid in dict.fromkeys(request.pool_ids) if pid not in named | seated]
        for start in starts_after(placed, moment):
            for chosen in combinations(pool, request.pool_count):
                ids = tuple(dict.fromkeys((*request.interviewer_ids, *chosen, *request.shadow_ids)))
                session = PlacedSession(order[len(placed)], start, start + request.duration, ids)
                if fits([*placed, session]) and completes(order, [*placed, session], moment):
                    return True
        return False

    moments = [world["start"] + n * step for n in range((world["end"] - world["start"]) // step)]
    return {m for m in moments if any(completes(order, [], m) for order in orders)}


@settings(max_examples=150)
@given(pool_worlds(max_sessions=3))
def test_back_to_back_finds_every_start_a_brute_force_finds(world):
    options = run(world, back_to_back=True, limit=1000)

    for option in options:
        assert_valid(option, world, back_to_back=True)
    assert set(starts(options)) == feasible_starts(world, back_to_back=True)


@settings(max_examples=100)
@given(pool_worlds(max_sessions=3))
def test_sessions_in_order_find_every_start_a_brute_force_finds(world):
    options = run(world, back_to_back=False, limit=1000)

    for option in options:
        assert_valid(option, world, back_to_back=False)
    assert set(starts(options)) == feasible_starts(world, back_to_back=False)


# The benchmark's size: 6 interviewers in 4 zones, 50 busy blocks each, 10 working days.


def benchmark_case():
    rng = random.Random(4)
    zones = ["Europe/London", "Europe/Berlin", "America/New_York", "America/Sao_Paulo"]
    people = {}
    for pid in range(1, 7):
        busy = []
        for _ in range(50):
            day = utc(3, 3) + timedelta(days=rng.randrange(12))
            start = day + timedelta(minutes=15 * rng.randrange(96))
            busy.append(meeting(start, rng.choice([30, 45, 60, 90])))
        people[pid] = Interviewer(
            pid, zones[pid % 4], WEEKDAYS_9_TO_5, busy=tuple(busy), buffer=MINUTES_15, weekly_cap=8
        )
    requests = [
        session(1, 2, minutes=60),
        SessionRequest(timedelta(minutes=45), pool_ids=(3, 4, 5), pool_count=2),
        session(6, minutes=45, shadow_ids=(2,)),
    ]
    return {
        "requests": requests,
        "people": people,
        "start": utc(3, 3),
        "end": utc(3, 15),
        "candidate_windows": None,
        "step": MINUTES_15,
    }


def test_benchmark_sized_panel_finds_options():
    world = benchmark_case()

    options = run(world)

    assert len(options) == 10
    for option in options:
        assert_valid(option, world, back_to_back=True)
