"""When no time fits, the panel page says who blocks and why, and what would help."""

import re
from datetime import UTC, datetime, time, timedelta

import pytest
from django.urls import reverse

from hiring.models import CandidateWindow, Membership, PoolMember, WorkingHours
from hiring.scheduling import booking
from tests.factories import ApplicationFactory, UserFactory, team_fit_panel, url

MONDAY = datetime(2030, 3, 4, tzinfo=UTC)
SEARCH = {"start": "2030-03-04", "days": "5"}
# Measured at 32 queries with no pool and with six in it (the search, then what explains it);
# one spare.
NOTHING_FITS_MAX_QUERIES = 33


def works(user, zone, start=9, end=17):
    user.time_zone = zone
    user.save(update_fields=["time_zone"])
    WorkingHours.objects.bulk_create(
        WorkingHours(user=user, weekday=day, start=time(start), end=time(end)) for day in range(5)
    )


def explanation(text):
    """The explanation's text, tags and spacing dropped."""
    found = re.search(r'<div class="notice explanation" role="status">(.*?)</div>', text, re.S)
    if not found:
        return ""
    blocks = re.sub(r"</?(p|ul|li)>", " ", found.group(1))
    return " ".join(re.sub(r"<[^>]+>", "", blocks).split())


@pytest.fixture
def application(team):
    return ApplicationFactory(opening__team=team, candidate__name="Cora Candidate")


@pytest.fixture
def cai(team):
    """A team-fit pool member in London."""
    user = UserFactory(display_name="Cai Peer")
    Membership.objects.create(team=team, user=user)
    PoolMember.objects.create(team=team, user=user, focus="team_fit")
    works(user, "Europe/London")
    return user


def test_singapore_and_new_york_hours_that_never_meet_are_named_with_a_way_out(
    application, member, teammate, cai, recruiter, signed_in
):
    works(member, "Asia/Singapore")
    works(teammate, "America/New_York")
    team_fit_panel(application, [member, teammate], recruiter)

    response = signed_in(recruiter).get(url("panel_times", application), SEARCH)

    assert response.status_code == 200
    text = explanation(response.text)
    assert text.startswith("No time fits everyone in that period.")
    # Each in their own zone: New York is UTC-5 and Singapore UTC+8 in early March.
    assert (
        "Ana Member is outside their working hours (Singapore time) whenever Ben Teammate is "
        "free: Mon 4 Mar, 22:00–Tue 5 Mar, 06:00 Singapore time, for one."
    ) in text
    assert (
        "Ben Teammate is outside their working hours (New York time) whenever Ana Member is "
        "free: Sun 3 Mar, 20:00–Mon 4 Mar, 04:00 New York time, for one."
    ) in text
    # Cai's London hours meet New York's from 14:00 UTC; none of Singapore's.
    assert (
        "What would help Put Cai Peer of the team fit pool in Ana Member's place: the first "
        "time that fits is Mon 4 Mar, 14:00 London time."
    ) in text
    assert "in Ben Teammate's place" not in text


def test_a_full_week_is_named_and_a_later_search_offered(
    application, member, recruiter, team, signed_in
):
    works(member, "Europe/London")
    member.weekly_interview_cap = 1
    member.save(update_fields=["weekly_interview_cap"])
    other = team_fit_panel(ApplicationFactory(opening__team=team), [member], recruiter)
    booking.book(
        other, booking.find_options(other, MONDAY, MONDAY + timedelta(days=1))[0], recruiter
    )
    team_fit_panel(application, [member], recruiter)

    response = signed_in(recruiter).get(url("panel_times", application), SEARCH)

    text = explanation(response.text)
    assert "Ana Member has reached their cap of 1 interview in the week of Mon 4 Mar." in text
    assert "Search further ahead: the first time that fits is Mon 11 Mar, 09:00 London time." in (
        text
    )
    later = url("panel_times", application) + "?start=2030-03-11&amp;days=5"
    assert later in response.text


def test_times_outside_the_candidates_windows_are_offered(
    application, member, recruiter, signed_in
):
    works(member, "Europe/London")
    panel = team_fit_panel(application, [member], recruiter)
    saturday = MONDAY + timedelta(days=5, hours=10)
    CandidateWindow.objects.create(panel=panel, start=saturday, end=saturday + timedelta(hours=2))

    response = signed_in(recruiter).get(
        url("panel_times", application), {**SEARCH, "within_candidate_windows": "on"}
    )

    text = explanation(response.text)
    assert "None of the times the candidate proposed falls in this period" in text
    assert (
        "Look outside the times the candidate proposed: the first time that fits is "
        "Mon 4 Mar, 09:00 London time."
    ) in text


def test_sessions_that_fit_only_on_separate_days(
    application, member, teammate, recruiter, signed_in
):
    works(member, "Europe/London", 9, 10)
    works(teammate, "Europe/London", 9, 10)
    booking.create_panel(
        application,
        recruiter,
        [
            {"focus": "skills", "duration_minutes": 60, "interviewers": [member]},
            {"focus": "team_fit", "duration_minutes": 60, "interviewers": [teammate]},
        ],
        back_to_back=True,
    )

    text = explanation(signed_in(recruiter).get(url("panel_times", application), SEARCH).text)

    assert "Each session fits on its own, but not all of them back to back on one day" in text
    assert 'Let the sessions fall on separate days (untick "back to back")' in text


@pytest.mark.parametrize("pool", [0, 6])
def test_the_explanation_needs_a_fixed_number_of_queries(
    application, member, teammate, recruiter, team, signed_in, django_assert_max_num_queries, pool
):
    works(member, "Asia/Singapore")
    works(teammate, "America/New_York")
    others = [UserFactory() for _ in range(pool)]
    for user in others:
        Membership.objects.create(team=team, user=user)
        PoolMember.objects.create(team=team, user=user, focus="team_fit")
        works(user, "Europe/London")
    team_fit_panel(application, [member, teammate], recruiter)
    client = signed_in(recruiter)
    client.get(reverse("home"))

    with django_assert_max_num_queries(NOTHING_FITS_MAX_QUERIES):
        response = client.get(url("panel_times", application), SEARCH)

    assert "No time fits everyone" in response.text


def test_the_candidates_other_interviews_are_named_when_they_take_the_times_proposed(
    application, member, teammate, recruiter, signed_in
):
    """As reported: a session booked again beside one holding a time, searched within the
    times the candidate proposed, blamed their proposals when the held interview took them."""
    works(member, "Europe/London")
    works(teammate, "Europe/London")
    panel = booking.create_panel(
        application,
        recruiter,
        [
            {"focus": focus, "duration_minutes": 60, "interviewers": [person]}
            for focus, person in (("skills", member), ("team_fit", teammate))
        ],
    )
    booking.book(
        panel, booking.find_options(panel, MONDAY, MONDAY + timedelta(days=1))[0], recruiter
    )
    held, again = panel.sessions.get(focus="skills"), panel.sessions.get(focus="team_fit")
    booking.cancel_session(again, recruiter)
    booking.reopen_session(again, recruiter)
    CandidateWindow.objects.create(panel=panel, start=held.start, end=held.end)

    response = signed_in(recruiter).get(
        url("panel_times", application), {**SEARCH, "within_candidate_windows": "on"}
    )

    text = explanation(response.text)
    assert "None of the times the candidate proposed" not in text
    assert (
        "The candidate's other interviews of this panel take the times they proposed in this "
        "period: no room is left for the sessions to place."
    ) in text


@pytest.mark.parametrize(
    ("named", "pool", "only", "said", "not_said"),
    [
        # Ben, alone on team fit, works only then.
        (True, 0, "teammate", "Ben Teammate is free only while", "working hours"),
        # As reported: "Only 0 of the team fit pool are free" when Cai was, but only then.
        (
            False,
            1,
            "cai",
            "Enough of the team fit pool is free only while",
            "free when the session's interviewers are",
        ),
        (
            True,
            1,
            "cai",
            "Ben Teammate and enough of the team fit pool are free together only while",
            "free when the session's interviewers are",
        ),
    ],
)
def test_someone_free_only_while_the_candidate_is_in_another_interview_is_named(
    request, application, member, teammate, recruiter, signed_in, named, pool, only, said, not_said
):
    person = request.getfixturevalue(only)  # Cai: in the pool before the panel asks for it
    works(member, "Europe/London")
    works(teammate, "Europe/London")
    panel = booking.create_panel(
        application,
        recruiter,
        [
            {"focus": "skills", "duration_minutes": 60, "interviewers": [member]},
            {
                "focus": "team_fit",
                "duration_minutes": 60,
                "interviewers": [teammate] if named else [],
                "pool_count": pool,
            },
        ],
        back_to_back=False,
    )
    booking.book(
        panel, booking.find_options(panel, MONDAY, MONDAY + timedelta(days=1))[0], recruiter
    )
    again = panel.sessions.get(focus="team_fit")
    booking.cancel_session(again, recruiter)
    booking.reopen_session(again, recruiter)
    # Ben, or Cai of the pool, now works only the hour the candidate spends with Ana.
    held = panel.sessions.get(focus="skills")
    person.working_hours.all().delete()
    WorkingHours.objects.create(
        user=person, weekday=0, start=held.start.time(), end=held.end.time()
    )

    text = explanation(
        signed_in(recruiter).get(url("panel_times", application), {**SEARCH, "days": "1"}).text
    )

    assert (
        f"{said} the candidate is in their other interviews of this panel: Mon 4 Mar, 09:00–10:00"
    ) in text
    assert not_said not in text
