"""Working hours that run past midnight (22:00-06:00): entered, shown with the day they end on,
refused when they overlap the next day's, and read the same way by every search."""

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from hiring.models import WorkingHours
from hiring.scheduling import availability, booking, slots
from tests.factories import ApplicationFactory, field_errors, session, starts, team_fit_panel, url

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY_NIGHT = {0: ((time(22), time(6)),)}
# Monday 4 March 2030; Berlin is UTC+1 until the clocks go forward on 31 March.
MONDAY = datetime(2030, 3, 4, tzinfo=UTC)
# 2025: the clocks go forward early on Sunday 30 March, back early on Sunday 26 October.
SATURDAY_NIGHT = {5: ((time(22), time(6)),)}


def berlin(month, day, hour, year=2030):
    return datetime(year, month, day, hour, tzinfo=BERLIN)


def night_worker(pid=1, hours=MONDAY_NIGHT):
    return slots.Interviewer(pid, "Europe/Berlin", hours)


def find(people, start, end, minutes=60, **kwargs):
    return slots.find_options(
        [session(*(p.id for p in people), minutes=minutes)],
        {p.id: p for p in people},
        start=start,
        end=end,
        **kwargs,
    )


def works(user, zone, hours):
    """`user` works `hours` ({weekday: [(start, end), ...]}) in `zone`."""
    user.time_zone = zone
    user.save(update_fields=["time_zone"])
    WorkingHours.objects.bulk_create(
        WorkingHours(user=user, weekday=day, start=start, end=end)
        for day, ranges in hours.items()
        for start, end in ranges
    )


def help_text(text, name):
    found = re.search(rf'id="id_{name}_helptext">(.*?)</div>', text, re.DOTALL)
    return found.group(1).strip() if found else ""


def hours_of(user):
    return sorted(user.working_hours.values_list("weekday", "start", "end"))


# The slot finder ---------------------------------------------------------------------------------


@pytest.mark.plain_data
def test_a_monday_night_is_offered_on_tuesday_at_1_and_not_on_monday_at_7():
    options = find([night_worker()], berlin(3, 4, 0), berlin(3, 6, 0), limit=100)

    local = [option.start.astimezone(BERLIN) for option in options]
    assert berlin(3, 5, 1) in local
    assert berlin(3, 4, 7) not in local
    assert (local[0], local[-1]) == (berlin(3, 4, 22), berlin(3, 5, 5))


@pytest.mark.plain_data
def test_a_night_range_until_midnight_ends_at_midnight():
    until_midnight = night_worker(hours={0: ((time(22), time(0)),)})

    options = find([until_midnight], berlin(3, 4, 0), berlin(3, 6, 0), limit=100)

    assert options[-1].end.astimezone(BERLIN) == berlin(3, 5, 0)


@pytest.mark.plain_data
@pytest.mark.parametrize(
    ("month", "day", "hours"),
    [(3, 29, 7), (10, 25, 9)],  # the night the clocks go forward, then back
)
def test_a_night_range_lasts_as_long_as_the_clocks_say_the_night_the_clocks_change(
    month, day, hours
):
    worker = night_worker(hours=SATURDAY_NIGHT)
    start, end = berlin(month, day, 0, 2025), berlin(month, day + 2, 0, 2025)

    whole_night = find([worker], start, end, minutes=hours * 60)
    longer = find([worker], start, end, minutes=hours * 60 + 15)

    assert starts(whole_night) == [berlin(month, day, 22, 2025)]
    assert whole_night[0].end.astimezone(BERLIN) == berlin(month, day + 1, 6, 2025)
    assert longer == []


@pytest.mark.plain_data
def test_the_explanation_names_the_night_range_as_the_others_free_time():
    evening = slots.Interviewer(2, "UTC", {0: ((time(18), time(22)),)})

    explanation = slots.explain(
        [session(1, 2, minutes=90)],
        {1: night_worker(), 2: evening},
        start=MONDAY,
        end=MONDAY + timedelta(days=2),
    )

    [_, evening_blocked] = explanation.blockers
    assert (evening_blocked.person, evening_blocked.reason) == (2, slots.HOURS)
    assert evening_blocked.example == (berlin(3, 4, 22), berlin(3, 5, 6))


# Booking: the panel's search, the replace-interviewer check, the explanation on the page --------


@pytest.fixture
def night_panel(team, member, recruiter):
    works(member, "Europe/Berlin", MONDAY_NIGHT)
    return team_fit_panel(ApplicationFactory(opening__team=team), [member], recruiter)


def test_the_panels_search_offers_the_night_in_the_persons_own_zone(night_panel):
    options = booking.find_options(night_panel, MONDAY, MONDAY + timedelta(days=2), limit=100)

    local = [datetime.fromisoformat(o["sessions"][0]["start"]).astimezone(BERLIN) for o in options]
    assert berlin(3, 5, 1) in local
    assert berlin(3, 4, 7) not in local


@pytest.fixture
def booked_at(team, teammate, recruiter):
    """book(start): a team-fit hour booked for Ben, who works every hour of the week."""
    works(teammate, "UTC", {day: ((time(0), time(12)), (time(12), time(0))) for day in range(7)})

    def book(start):
        panel = team_fit_panel(ApplicationFactory(opening__team=team), [teammate], recruiter)
        entry = {
            "session": panel.sessions.get().pk,
            "start": start.isoformat(),
            "end": (start + timedelta(hours=1)).isoformat(),
            "interviewers": [teammate.pk],
        }
        booking.book(panel, {"sessions": [entry], "reasons": []}, recruiter)
        return panel.sessions.get().interviewers.get()

    return book


def test_the_night_worker_replaces_someone_at_1_on_tuesday_their_time(booked_at, member, recruiter):
    works(member, "Europe/Berlin", MONDAY_NIGHT)
    seat = booked_at(berlin(3, 5, 1))

    booking.replace_interviewer(seat, member, recruiter)

    assert list(seat.session.interviewers.values_list("user", flat=True)) == [member.pk]


def test_the_night_worker_is_refused_at_7_on_monday_their_time(
    booked_at, member, teammate, recruiter, signed_in
):
    works(member, "Europe/Berlin", MONDAY_NIGHT)
    seat = booked_at(berlin(3, 4, 7))
    session = seat.session

    response = signed_in(recruiter).post(
        url("interviewer_replace", session.panel.application, session.pk, teammate.pk),
        {"replacement": member.pk},
    )

    assert response.status_code == 400
    assert (
        "Ana Member is outside their working hours then (Mon 4 Mar, 07:00 Berlin time"
        in field_errors(response.text, "replacement")
    )
    assert list(session.interviewers.values_list("user", flat=True)) == [teammate.pk]


def test_the_page_explains_the_night_range_with_the_day_it_ends_on(
    team, member, teammate, recruiter, signed_in
):
    works(member, "Europe/Berlin", MONDAY_NIGHT)
    works(teammate, "Europe/London", {day: ((time(9), time(17)),) for day in range(5)})
    application = ApplicationFactory(opening__team=team)
    team_fit_panel(application, [member, teammate], recruiter)

    response = signed_in(recruiter).get(
        url("panel_times", application), {"start": "2030-03-04", "days": "5"}
    )

    assert (
        "Ben Teammate is outside their working hours (London time) whenever Ana Member is free: "
        "Mon 4 Mar, 21:00–Tue 5 Mar, 05:00 London time, for one."
    ) in " ".join(re.sub(r"<[^>]+>", "", response.text).split())


# The availability page ---------------------------------------------------------------------------


def test_a_night_range_is_saved_and_shown_with_the_day_it_ends_on(member, signed_in):
    client = signed_in(member)

    response = client.post(
        reverse("working_hours"), {"day_0": "09:00-12:00, 22:00-06:00", "day_6": "22:00-00:00"}
    )

    assert response.status_code == 302
    assert hours_of(member) == [
        (0, time(9), time(12)),
        (0, time(22), time(6)),
        (6, time(22), time(0)),
    ]
    page = client.get(reverse("availability")).text
    assert 'value="09:00-12:00, 22:00-06:00"' in page
    assert help_text(page, "day_0") == "Monday 22:00 – Tuesday 06:00"
    assert help_text(page, "day_6") == "Sunday 22:00 until midnight"
    assert help_text(page, "day_1") == ""


def test_a_range_that_starts_and_ends_at_once_is_refused_beside_its_day(member, signed_in):
    WorkingHours.objects.create(user=member, weekday=2, start=time(8), end=time(18))

    response = signed_in(member).post(
        reverse("working_hours"), {"day_0": "22:00-06:00", "day_2": "09:00-09:00"}
    )

    assert response.status_code == 400
    assert "“09:00-09:00” starts and ends at the same time" in field_errors(response.text, "day_2")
    assert field_errors(response.text, "day_0") == ""
    assert hours_of(member) == [(2, time(8), time(18))]


@pytest.mark.parametrize(
    ("posted", "day", "message"),
    [
        (
            {"day_0": "22:00-06:00", "day_1": "05:00-09:00"},
            "day_1",
            "“05:00-09:00” overlaps Monday 22:00 – Tuesday 06:00.",
        ),
        (
            {"day_6": "23:00-02:00", "day_0": "01:00-03:00"},
            "day_0",
            "“01:00-03:00” overlaps Sunday 23:00 – Monday 02:00.",
        ),
        ({"day_0": "20:00-02:00, 21:00-22:00"}, "day_0", "These ranges overlap."),
        ({"day_0": "09:00-12:00, 11:00-13:00"}, "day_0", "These ranges overlap."),
    ],
)
def test_a_range_overlapping_one_that_spills_into_its_day_is_refused(
    member, signed_in, posted, day, message
):
    response = signed_in(member).post(reverse("working_hours"), posted)

    assert response.status_code == 400
    assert message in field_errors(response.text, day)
    assert hours_of(member) == []


def overlaps(ranges):
    return [(str(earlier), str(later)) for earlier, later in availability.overlapping_hours(ranges)]


def test_a_long_range_overlapping_two_later_ones_is_reported_with_each():
    ranges = {0: [(time(22), time(6))], 1: [(time(1), time(2)), (time(3), time(4))]}

    assert overlaps(ranges) == [
        ("Monday 22:00 – Tuesday 06:00", "Tuesday 01:00-02:00"),
        ("Monday 22:00 – Tuesday 06:00", "Tuesday 03:00-04:00"),
    ]


def test_two_ranges_past_sunday_midnight_that_overlap_are_reported_once():
    ranges = {6: [(time(22), time(2)), (time(23), time(3))]}

    assert overlaps(ranges) == [("Sunday 22:00 – Monday 02:00", "Sunday 23:00 – Monday 03:00")]


def test_every_range_a_long_one_overlaps_is_refused_beside_its_day(member, signed_in):
    response = signed_in(member).post(
        reverse("working_hours"), {"day_0": "22:00-06:00", "day_1": "01:00-02:00, 03:00-04:00"}
    )

    errors = field_errors(response.text, "day_1")
    assert "“01:00-02:00” overlaps Monday 22:00 – Tuesday 06:00." in errors
    assert "“03:00-04:00” overlaps Monday 22:00 – Tuesday 06:00." in errors


def test_the_refused_form_shows_where_its_night_ranges_end(member, signed_in):
    response = signed_in(member).post(
        reverse("working_hours"), {"day_0": "22:00-06:00", "day_1": "05:00-09:00"}
    )

    assert help_text(response.text, "day_0") == "Monday 22:00 – Tuesday 06:00"


def test_a_night_range_may_end_where_the_next_days_starts(member, signed_in):
    response = signed_in(member).post(
        reverse("working_hours"), {"day_0": "22:00-06:00", "day_1": "06:00-09:00"}
    )

    assert response.status_code == 302
    assert hours_of(member) == [(0, time(22), time(6)), (1, time(6), time(9))]


def test_the_database_takes_a_night_range_and_refuses_an_empty_one(member):
    WorkingHours.objects.create(user=member, weekday=0, start=time(22), end=time(6))

    with pytest.raises(IntegrityError), transaction.atomic():
        WorkingHours.objects.create(user=member, weekday=1, start=time(9), end=time(9))

    assert hours_of(member) == [(0, time(22), time(6))]
