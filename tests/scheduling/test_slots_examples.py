"""Finding interview times (hiring/scheduling/slots.py) on examples, daylight saving included."""

from datetime import datetime, time, timedelta
from time import process_time
from zoneinfo import ZoneInfo

import pytest

from hiring.scheduling.slots import Interval, Interviewer, SessionRequest, find_options
from tests.factories import MINUTES_15, WEEKDAYS_9_TO_5, meeting, session, starts
from tests.factories import utc_on as utc

pytestmark = pytest.mark.plain_data

HOUR = timedelta(hours=1)
EVERY_DAY_9_TO_5 = {day: ((time(9), time(17)),) for day in range(7)}


def local(zone, month, day, hour=0, minute=0, year=2025):
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(zone))


def person(pid, zone="UTC", hours=WEEKDAYS_9_TO_5, **kwargs):
    return Interviewer(pid, zone, hours, **kwargs)


def find(requests, people, start, end, **kwargs):
    return find_options(requests, {p.id: p for p in people}, start=start, end=end, **kwargs)


def every_quarter(first, last):
    return [first + n * MINUTES_15 for n in range((last - first) // MINUTES_15 + 1)]


# 3 March 2025 is a Monday.


def test_single_session_starts_at_opening_time_and_steps():
    options = find([session(1)], [person(1)], utc(3, 3), utc(3, 4), limit=3)

    assert starts(options) == [utc(3, 3, 9), utc(3, 3, 9, 15), utc(3, 3, 9, 30)]
    assert options[0].end == utc(3, 3, 10)
    assert options[0].sessions[0].interviewer_ids == (1,)
    assert options[0].reasons[:2] == ("earliest", "least-loaded: 0 interviews that week")
    assert options[1].reasons[0] == "least-loaded: 0 interviews that week"


def test_no_session_falls_in_the_candidates_other_interviews():
    # A session booked again, placed alone beside one that stays at 10:00-11:00.
    other = Interval(utc(3, 3, 10), utc(3, 3, 11))

    options = find([session(1)], [person(1)], utc(3, 3), utc(3, 4), candidate_busy=[other])

    assert starts(options)[:6] == [utc(3, 3, 9), *every_quarter(utc(3, 3, 11), utc(3, 3, 12))]


def test_session_fits_before_closing_time():
    options = find([session(1)], [person(1)], utc(3, 3), utc(3, 4), limit=100)

    assert options[-1].start == utc(3, 3, 16)
    assert len(options) == 29


def test_two_people_in_different_zones_meet_where_their_hours_overlap():
    london, new_york = person(1, "Europe/London"), person(2, "America/New_York")

    options = find([session(1, 2)], [london, new_york], utc(3, 3), utc(3, 4), limit=100)

    # London works 09:00-17:00 UTC in winter, New York 14:00-22:00 UTC.
    assert starts(options) == every_quarter(utc(3, 3, 14), utc(3, 3, 16))


def test_busy_block_is_excluded():
    busy = person(1, busy=(Interval(utc(3, 3, 9), utc(3, 3, 10, 30)),))

    options = find([session(1)], [busy], utc(3, 3), utc(3, 4), limit=1)

    assert starts(options) == [utc(3, 3, 10, 30)]


def test_buffer_is_kept_around_existing_interviews():
    booked = person(
        1, interviews=(meeting(utc(3, 3, 9)), meeting(utc(3, 3, 12))), buffer=MINUTES_15
    )

    options = find([session(1)], [booked], utc(3, 3), utc(3, 4), limit=100)

    assert starts(options)[:3] == [utc(3, 3, 10, 15), utc(3, 3, 10, 30), utc(3, 3, 10, 45)]
    for option in options:
        assert option.end <= utc(3, 3, 11, 45) or option.start >= utc(3, 3, 13, 15)


def test_busy_blocks_get_no_buffer():
    busy = person(1, busy=(meeting(utc(3, 3, 9)),), buffer=MINUTES_15)

    assert find([session(1)], [busy], utc(3, 3), utc(3, 4), limit=1)[0].start == utc(3, 3, 10)


def test_week_at_its_cap_is_skipped():
    capped = person(1, interviews=(meeting(utc(3, 4, 9)), meeting(utc(3, 5, 9))), weekly_cap=2)

    options = find([session(1)], [capped], utc(3, 3), utc(3, 15), limit=1)

    assert starts(options) == [utc(3, 10, 9)]


def test_cap_counts_the_week_in_the_interviewers_time_zone():
    # Sunday 9 March 22:00 in New York is Monday 10 March in UTC, but the week is New York's.
    new_york = person(1, "America/New_York", interviews=(meeting(utc(3, 10, 2)),), weekly_cap=1)

    options = find([session(1)], [new_york], utc(3, 10), utc(3, 12), limit=1)

    assert starts(options) == [local("America/New_York", 3, 10, 9)]


def test_sessions_of_one_option_count_towards_the_cap():
    capped = person(1, interviews=(meeting(utc(3, 3, 9)), meeting(utc(3, 3, 10))), weekly_cap=3)

    options = find([session(1), session(1)], [capped], utc(3, 3), utc(3, 15), limit=1)

    # Two more would make four this week; next week there is room for both.
    assert starts(options) == [utc(3, 10, 9)]


def test_pool_chooses_the_least_loaded_members():
    pool = [
        person(2, interviews=(meeting(utc(3, 4, 9)), meeting(utc(3, 4, 10)))),
        person(3, interviews=(meeting(utc(3, 4, 11)),)),
        person(4),
    ]
    peer_panel = SessionRequest(HOUR, pool_ids=(2, 3, 4), pool_count=2)

    options = find([peer_panel], pool, utc(3, 3), utc(3, 4), limit=1)

    assert options[0].sessions[0].interviewer_ids == (4, 3)
    assert "fair pool spread" in options[0].reasons


def test_pool_skips_a_busy_member():
    pool = [person(2), person(3, busy=(meeting(utc(3, 3, 9)),))]
    options = find(
        [SessionRequest(HOUR, pool_ids=(2, 3), pool_count=1)], pool, utc(3, 3), utc(3, 4)
    )

    assert options[0].sessions[0].interviewer_ids == (2,)


def test_pool_never_repeats_a_required_interviewer():
    people = [person(1), person(2)]
    request = SessionRequest(HOUR, interviewer_ids=(1,), pool_ids=(1, 2), pool_count=1)

    options = find([request], people, utc(3, 3), utc(3, 4), limit=1)

    assert options[0].sessions[0].interviewer_ids == (1, 2)


def test_a_pool_never_seats_someone_another_session_names():
    # Person 1, named in session 0, is the least loaded of the pool: session 1 takes 2 all the
    # same, or the candidate would meet 1 twice.
    busier = person(2, interviews=(meeting(utc(3, 4, 9)),))
    requests = [session(1), SessionRequest(HOUR, pool_ids=(1, 2), pool_count=1)]

    options = find(requests, [person(1), busier], utc(3, 3), utc(3, 4), limit=5)

    assert options
    for option in options:
        assert {s.index: s.interviewer_ids for s in option.sessions} == {0: (1,), 1: (2,)}


def test_two_pools_never_seat_the_same_person():
    # Person 1 is the least loaded, even once seated in one of the sessions.
    busier = person(2, interviews=(meeting(utc(3, 4, 9)), meeting(utc(3, 4, 11))))
    pool = SessionRequest(HOUR, pool_ids=(1, 2), pool_count=1)

    options = find([pool, pool], [person(1), busier], utc(3, 3), utc(3, 4), limit=5)

    assert options
    for option in options:
        first, second = option.sessions
        assert {first.interviewer_ids, second.interviewer_ids} == {(1,), (2,)}


def test_someone_named_in_two_sessions_keeps_their_buffer_between_them():
    buffered = person(1, buffer=MINUTES_15)

    options = find(
        [session(1), session(1)], [buffered], utc(3, 3), utc(3, 4), back_to_back=False, limit=1
    )
    back_to_back = find([session(1), session(1)], [buffered], utc(3, 3), utc(3, 4))

    assert [(s.start, s.end) for s in options[0].sessions] == [
        (utc(3, 3, 9), utc(3, 3, 10)),
        (utc(3, 3, 10, 15), utc(3, 3, 11, 15)),
    ]
    assert back_to_back == []


def test_pool_alternatives_do_not_crowd_out_other_start_times():
    pool = [person(pid) for pid in (2, 3, 4)]
    request = SessionRequest(HOUR, pool_ids=(2, 3, 4), pool_count=1)

    options = find([request], pool, utc(3, 3), utc(3, 4), limit=5)

    assert len(set(starts(options))) == 5


def test_pool_choice_leaves_room_for_the_next_session():
    # Session 0 needs person 1; session 1 takes one of the pool {1, 2}. Person 1 has room for
    # one interview this week and person 2 one free hour: session 1 must take person 2 then.
    capped = person(1, weekly_cap=1)
    one_hour = person(2, hours={0: ((time(9), time(10)),)})
    requests = [session(1), SessionRequest(HOUR, pool_ids=(1, 2), pool_count=1)]

    options = find(requests, [capped, one_hour], utc(3, 3), utc(3, 4))

    assert [(s.index, s.start, s.interviewer_ids) for s in options[0].sessions] == [
        (1, utc(3, 3, 9), (2,)),
        (0, utc(3, 3, 10), (1,)),
    ]


def test_pool_choice_leaves_room_for_a_following_session():
    capped = person(1, weekly_cap=1)
    one_hour = person(2, hours={0: ((time(9), time(10)),)})
    requests = [SessionRequest(HOUR, pool_ids=(1, 2), pool_count=1), session(1)]

    options = find(requests, [capped, one_hour], utc(3, 3), utc(3, 4), back_to_back=False)

    assert [(s.start, s.interviewer_ids) for s in options[0].sessions] == [
        (utc(3, 3, 9), (2,)),
        (utc(3, 3, 10), (1,)),
    ]


def test_a_session_waits_for_a_time_that_leaves_room_for_the_next():
    # Session 1 (pool {1, 2}) could follow session 0 at 10:00 with person 1 only, whom session
    # 2 needs and who has room for one interview: it waits for person 2 at 11:00 instead.
    nine_to_ten = person(3, hours={0: ((time(9), time(10)),)})
    capped = person(
        1, hours={0: ((time(10), time(13)),)}, busy=(meeting(utc(3, 3, 11)),), weekly_cap=1
    )
    eleven_to_noon = person(2, hours={0: ((time(11), time(12)),)})
    requests = [session(3), SessionRequest(HOUR, pool_ids=(1, 2), pool_count=1), session(1)]

    options = find(
        requests, [nine_to_ten, capped, eleven_to_noon], utc(3, 3), utc(3, 4), back_to_back=False
    )

    assert [(s.start, s.interviewer_ids) for s in options[0].sessions] == [
        (utc(3, 3, 9), (3,)),
        (utc(3, 3, 11), (2,)),
        (utc(3, 3, 12), (1,)),
    ]


def test_a_big_pool_gives_up_on_a_start_time_in_bounded_time():
    # Eleven people with room for one more interview each can't fill three sessions of four;
    # trying the 11,550 ways at each start time took 9 s, the bounded search gives up early.
    pool = tuple(range(1, 12))
    requests = [SessionRequest(HOUR, pool_ids=pool, pool_count=4)] * 3
    began = process_time()

    options = find(requests, [person(pid, weekly_cap=1) for pid in pool], utc(3, 3), utc(3, 4))

    assert options == []
    assert process_time() - began < 3


def test_shadow_must_be_free_but_adds_no_load():
    trainee = person(9, busy=(meeting(utc(3, 3, 9)),), interviews=(meeting(utc(3, 4, 9)),))
    request = session(1, shadow_ids=(9,))

    options = find([request], [person(1), trainee], utc(3, 3), utc(3, 4), limit=1)

    assert options[0].start == utc(3, 3, 10)
    assert options[0].sessions[0].interviewer_ids == (1, 9)
    assert "least-loaded: 0 interviews that week" in options[0].reasons


def test_back_to_back_tries_every_order():
    # Person 1 can only do 10-11 and person 2 only 9-10, so the second session goes first.
    late = person(1, hours={0: ((time(10), time(11)),)})
    early = person(2, hours={0: ((time(9), time(10)),)})

    options = find([session(1), session(2)], [late, early], utc(3, 3), utc(3, 4))

    assert len(options) == 1
    first, second = options[0].sessions
    assert (first.index, first.start, second.index, second.start) == (
        1,
        utc(3, 3, 9),
        0,
        utc(3, 3, 10),
    )
    assert "no gaps" in options[0].reasons


def test_back_to_back_sessions_stay_on_one_day():
    short_days = person(1, hours={day: ((time(9), time(10)),) for day in range(5)})

    options = find([session(1), session(1)], [short_days], utc(3, 3), utc(3, 8))

    assert options == []


def test_identical_sessions_give_no_duplicate_options():
    window = [Interval(utc(3, 3, 9), utc(3, 3, 11))]

    options = find(
        [session(1), session(1)], [person(1)], utc(3, 3), utc(3, 4), candidate_windows=window
    )

    assert len(options) == 1


def test_other_orders_fill_up_when_start_times_run_out():
    window = [Interval(utc(3, 3, 9), utc(3, 3, 10))]
    requests = [session(1, minutes=30), session(2, minutes=30)]

    options = find(requests, [person(1), person(2)], utc(3, 3), utc(3, 4), candidate_windows=window)

    assert starts(options) == [utc(3, 3, 9), utc(3, 3, 9)]
    assert {tuple(s.index for s in option.sessions) for option in options} == {(0, 1), (1, 0)}


def test_candidate_windows_constrain_every_session():
    windows = [Interval(utc(3, 4, 13), utc(3, 4, 15)), Interval(utc(3, 6, 8), utc(3, 6, 10))]

    options = find(
        [session(1)], [person(1)], utc(3, 3), utc(3, 8), candidate_windows=windows, limit=100
    )

    assert starts(options) == [*every_quarter(utc(3, 4, 13), utc(3, 4, 14)), utc(3, 6, 9)]


def test_no_candidate_window_means_no_options():
    assert find([session(1)], [person(1)], utc(3, 3), utc(3, 8), candidate_windows=[]) == []


def test_separate_sessions_keep_their_order():
    # Session 0 can only be on Wednesday; session 1's people work Tuesday and Thursday.
    wednesday = person(1, hours={2: ((time(9), time(17)),)})
    tuesday_thursday = person(2, hours={1: ((time(9), time(17)),), 3: ((time(9), time(17)),)})

    options = find(
        [session(1), session(2)],
        [wednesday, tuesday_thursday],
        utc(3, 3),
        utc(3, 8),
        back_to_back=False,
    )

    first, second = options[0].sessions
    assert (first.index, first.start) == (0, utc(3, 5, 9))
    assert (second.index, second.start) == (1, utc(3, 6, 9))
    # Later starts on Wednesday wait less for Thursday morning.
    assert options[0].reasons[-1] == "1 gap (23 h 00 min)"
    assert options[-1].reasons[-1] == "fewest gaps: 1 gap (20 h 45 min)"


def test_separate_sessions_follow_as_closely_as_they_can():
    busy = person(1, busy=(meeting(utc(3, 3, 10)),))

    options = find(
        [session(1), session(1)], [busy], utc(3, 3), utc(3, 4), back_to_back=False, limit=2
    )

    assert [(s.start, s.end) for s in options[0].sessions] == [
        (utc(3, 3, 9), utc(3, 3, 10)),
        (utc(3, 3, 11), utc(3, 3, 12)),
    ]
    assert [(s.start, s.end) for s in options[1].sessions] == [
        (utc(3, 3, 11), utc(3, 3, 12)),
        (utc(3, 3, 12), utc(3, 3, 13)),
    ]


def test_start_times_align_to_the_step():
    busy = person(1, busy=(Interval(utc(3, 3, 9), utc(3, 3, 9, 7)),))

    options = find([session(1)], [busy], utc(3, 3), utc(3, 4), step=timedelta(minutes=30), limit=2)

    assert starts(options) == [utc(3, 3, 9, 30), utc(3, 3, 10)]


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="Duration"):
        find([SessionRequest(timedelta(0), (1,))], [person(1)], utc(3, 3), utc(3, 4))
    with pytest.raises(ValueError, match="aware"):
        find([session(1)], [person(1)], datetime(2025, 3, 3), utc(3, 4))


# Daylight saving: working hours stay put on the local clock.


def working_day(zone, month, day, hours=EVERY_DAY_9_TO_5):
    """The first start and last end of one-hour sessions over a local day, in UTC."""
    start, end = local(zone, month, day), local(zone, month, day) + timedelta(days=1)
    options = find([session(1)], [person(1, zone, hours)], start, end, limit=1000)
    return (options[0].start, options[-1].end) if options else None


@pytest.mark.parametrize(
    ("zone", "month", "day", "opens_utc", "closes_utc"),
    [
        ("Europe/London", 3, 29, 9, 17),
        ("Europe/London", 3, 30, 8, 16),  # clocks go forward that night
        ("Europe/London", 3, 31, 8, 16),
        ("Europe/London", 10, 25, 8, 16),
        ("Europe/London", 10, 26, 9, 17),  # clocks go back
        ("America/New_York", 3, 8, 14, 22),
        ("America/New_York", 3, 9, 13, 21),  # clocks go forward
        ("America/New_York", 3, 10, 13, 21),
        ("America/New_York", 11, 1, 13, 21),
        ("America/New_York", 11, 2, 14, 22),  # clocks go back
    ],
)
def test_working_hours_stay_local_across_dst_changes(zone, month, day, opens_utc, closes_utc):
    opens, closes = working_day(zone, month, day)

    assert (opens, closes) == (utc(month, day, opens_utc), utc(month, day, closes_utc))
    assert (opens.astimezone(ZoneInfo(zone)).hour, closes.astimezone(ZoneInfo(zone)).hour) == (
        9,
        17,
    )


def test_hours_in_the_skipped_hour_start_when_the_clock_resumes():
    # 02:00-04:00 on 9 March in New York: 02:00 never happens, the day starts at 03:00 EDT.
    hours = {6: ((time(2), time(4)),)}

    assert working_day("America/New_York", 3, 9, hours) == (utc(3, 9, 7), utc(3, 9, 8))


def test_hours_wholly_in_the_skipped_hour_are_empty():
    hours = {6: ((time(1), time(2)), (time(2), time(3)))}

    # Only 01:00-02:00 EST exists; the second range is the hour that never happens.
    assert working_day("America/New_York", 3, 9, hours) == (utc(3, 9, 6), utc(3, 9, 7))


@pytest.mark.parametrize(
    ("zone", "month", "day", "opens_utc", "closes_utc"),
    [("America/New_York", 11, 2, 5, 7), ("Europe/London", 10, 26, 0, 2)],
)
def test_hour_that_happens_twice_is_worked_twice(zone, month, day, opens_utc, closes_utc):
    hours = {6: ((time(1), time(2)),)}

    assert working_day(zone, month, day, hours) == (
        utc(month, day, opens_utc),
        utc(month, day, closes_utc),
    )


def test_overnight_hours_run_past_midnight():
    night = person(1, hours={0: ((time(22), time(2)),)})

    options = find([session(1, minutes=240)], [night], utc(3, 3), utc(3, 5))

    assert starts(options) == [utc(3, 3, 22)]
