"""When no time fits: who blocks each session and why, and the change that would find a time
(hiring/scheduling/slots.explain), on plain data."""

from datetime import date, time, timedelta

import pytest

from hiring.scheduling.slots import (
    ANY_TIME,
    APART,
    BUSY,
    CANDIDATE,
    CAPPED,
    HOURS,
    INTERVIEWS,
    LATER,
    POOL,
    SEPARATE_DAYS,
    SWAP,
    TOGETHER,
    WINDOWS,
    Blocker,
    Interval,
    Interviewer,
    Suggestion,
    explain,
)
from tests.factories import MINUTES_15, WEEKDAYS_9_TO_5, meeting, session
from tests.factories import utc_on as utc

pytestmark = pytest.mark.plain_data

# 3 March 2025 is a Monday.
MONDAY, TUESDAY, NEXT_MONDAY = utc(3, 3), utc(3, 4), utc(3, 10)


def person(pid, zone="UTC", hours=WEEKDAYS_9_TO_5, **kwargs):
    return Interviewer(pid, zone, hours, **kwargs)


def why(requests, people, start=MONDAY, end=TUESDAY, **kwargs):
    return explain(requests, {p.id: p for p in people}, start=start, end=end, **kwargs)


SINGAPORE, NEW_YORK, LONDON = "Asia/Singapore", "America/New_York", "Europe/London"


def test_singapore_and_new_york_hours_never_meet_and_a_london_pool_member_would():
    ana, ben = person(1, SINGAPORE), person(2, NEW_YORK)
    cai = person(3, LONDON)

    found = why([session(1, 2, pool_ids=(3,))], [ana, ben, cai])

    # New York works 14:00-22:00 UTC in March, Singapore 01:00-09:00 UTC.
    new_york_monday = (utc(3, 3, 14), utc(3, 3, 22))
    singapore_monday = (utc(3, 3, 1), utc(3, 3, 9))
    assert found.blockers == (
        Blocker(0, HOURS, 1, (2,), new_york_monday),
        Blocker(0, HOURS, 2, (1,), singapore_monday),
    )
    # London (09:00-17:00 UTC) meets New York from 14:00; not Singapore, which closes at 09:00.
    assert found.suggestions == (Suggestion(SWAP, utc(3, 3, 14), 0, 1, 3),)


def test_someone_busy_whenever_the_other_is_free():
    ana = person(1, busy=(Interval(utc(3, 3, 8), utc(3, 3, 18)),))

    found = why([session(1, 2)], [ana, person(2)])

    assert found.blockers == (Blocker(0, BUSY, 1, (2,), (utc(3, 3, 9), utc(3, 3, 17))),)
    assert found.suggestions == ()


def test_other_interviews_and_their_buffers_fill_the_day():
    ana = person(
        1,
        interviews=(meeting(utc(3, 3, 9), 180), meeting(utc(3, 3, 13), 240)),
        buffer=timedelta(minutes=30),
    )

    found = why([session(1)], [ana])

    assert found.blockers == (Blocker(0, INTERVIEWS, 1, (), (utc(3, 3, 9), utc(3, 3, 17))),)


def test_a_full_week_names_the_week_and_a_longer_search_finds_the_next():
    ana = person(1, interviews=(meeting(utc(3, 3, 9)),), weekly_cap=1)

    found = why([session(1)], [ana], start=TUESDAY, end=utc(3, 6), later=utc(3, 14))

    [blocker] = found.blockers
    assert (blocker.reason, blocker.person, blocker.week) == (CAPPED, 1, date(2025, 3, 3))
    assert found.suggestions == (Suggestion(LATER, utc(3, 10, 9)),)


def test_the_week_of_a_cap_is_the_persons_own():
    # Monday 00:30 in Singapore is still Sunday in UTC: the capped week is Singapore's.
    ana = person(
        1,
        SINGAPORE,
        {day: ((time(0), time(23, 59)),) for day in range(7)},
        interviews=(meeting(utc(3, 9, 17)),),
        weekly_cap=1,
    )

    found = why([session(1)], [ana], start=utc(3, 9, 16, 30), end=utc(3, 10, 4))

    assert found.blockers[0].week == date(2025, 3, 10)


def test_too_few_of_the_pool_free_at_once():
    pool = [person(pid) for pid in (2, 3, 4)]
    away = [
        person(pid, busy=(Interval(MONDAY, TUESDAY),)) for pid in (3, 4)
    ]  # two of the three are away

    found = why([session(1, pool_ids=(2, 3, 4), pool_count=2)], [person(1), pool[0], *away])

    assert found.blockers == (Blocker(0, POOL, count=1),)


def test_the_candidates_windows_outside_the_range_and_times_outside_them():
    saturday = Interval(utc(3, 8, 10), utc(3, 8, 12))

    found = why([session(1)], [person(1)], candidate_windows=[saturday])

    assert found.blockers == (Blocker(None, WINDOWS),)
    assert found.suggestions == (Suggestion(ANY_TIME, utc(3, 3, 9)),)


def test_the_candidates_other_interviews_filling_their_windows_are_named_not_the_windows():
    """As reported: the times the candidate proposed were blamed when their other interviews
    of the panel (which stay where they are) filled them."""
    monday_ten = Interval(utc(3, 3, 10), utc(3, 3, 11))

    found = why(
        [session(1)], [person(1)], candidate_windows=[monday_ten], candidate_busy=[monday_ten]
    )

    assert found.blockers == (Blocker(None, CANDIDATE),)
    assert found.suggestions == (Suggestion(ANY_TIME, utc(3, 3, 9)),)


def test_interviewers_free_only_while_the_candidate_is_in_another_interview():
    ana = person(1, hours={0: ((time(9), time(10)),)})

    found = why([session(1)], [ana], candidate_busy=[meeting(utc(3, 3, 9))])

    assert found.blockers == (
        Blocker(0, CANDIDATE, others=(1,), example=(utc(3, 3, 9), utc(3, 3, 10))),
    )


@pytest.mark.parametrize("named", [(), (1,)])
def test_a_pool_free_only_while_the_candidate_is_in_another_interview(named):
    """As reported: it read "Only 0 of the pool are free" when the pool was free then."""
    cai = person(2, hours={0: ((time(9), time(10)),)})

    found = why(
        [session(*named, pool_ids=(2,), pool_count=1)],
        [person(1), cai],
        candidate_busy=[meeting(utc(3, 3, 9))],
    )

    assert found.blockers == (
        Blocker(0, CANDIDATE, others=named, example=(utc(3, 3, 9), utc(3, 3, 10)), pool=True),
    )


def test_sessions_that_fit_apart_but_not_back_to_back():
    ana = person(1, hours={0: ((time(9), time(10)),)})
    ben = person(2, hours={1: ((time(9), time(10)),)})

    found = why([session(1), session(2)], [ana, ben], end=utc(3, 5), back_to_back=True)

    assert found.blockers == (Blocker(None, TOGETHER),)
    assert found.suggestions == (Suggestion(SEPARATE_DAYS, utc(3, 3, 9)),)


def test_pairs_whose_hours_never_meet_when_no_one_person_blocks():
    people = [person(1, SINGAPORE), person(2, NEW_YORK), person(3, SINGAPORE), person(4, NEW_YORK)]

    found = why([session(1, 2, 3, 4)], people)

    assert found.blockers == (
        Blocker(0, APART, 1, (2,)),
        Blocker(0, APART, 1, (4,)),
        Blocker(0, APART, 2, (3,)),
        Blocker(0, APART, 3, (4,)),
    )


def test_a_shadow_who_blocks_gets_no_pool_member_in_their_place():
    found = why(
        [session(1, shadow_ids=(2,), pool_ids=(3,))],
        [person(1), person(2, NEW_YORK, hours={}), person(3)],
    )

    assert [(b.reason, b.person) for b in found.blockers] == [(HOURS, 2)]
    assert found.suggestions == ()


def test_swaps_are_bounded():
    pool = tuple(range(10, 20))
    people = [person(1, SINGAPORE), person(2), *(person(pid) for pid in pool)]

    found = why([session(1, 2, pool_ids=pool)], people, swaps=3)

    assert [s.replacement for s in found.suggestions] == [10, 11, 12]
    assert {s.first for s in found.suggestions} == {utc(3, 3, 9)}


def test_a_panel_that_fits_has_nothing_to_explain():
    found = why([session(1, 2)], [person(1), person(2)], step=MINUTES_15)

    assert found.blockers == ()
