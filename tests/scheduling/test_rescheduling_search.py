"""The search for times to move a booked panel to: the panel's own interviews are what moves,
so they take no time from their people, nor count towards their weekly caps."""

from datetime import UTC, datetime, timedelta

import pytest

from hiring.scheduling import booking
from tests.factories import ApplicationFactory, nine_to_five, team_fit_panel

pytestmark = pytest.mark.django_db

MONDAY = datetime(2030, 3, 4, tzinfo=UTC)
NINE = MONDAY.replace(hour=9)


@pytest.fixture
def booked(team, member, recruiter):
    """A team-fit panel with `member` booked Monday at 09:00."""
    nine_to_five(member)
    panel = team_fit_panel(ApplicationFactory(opening__team=team), [member], recruiter)
    [option, *_] = booking.find_options(panel, MONDAY, MONDAY + timedelta(days=1))
    booking.book(panel, option, recruiter)
    assert panel.sessions.get().start == NINE
    return panel


def starts(options):
    return [datetime.fromisoformat(option["sessions"][0]["start"]) for option in options]


def test_a_booked_interview_can_be_moved_by_half_an_hour(booked, recruiter):
    options = booking.find_options(booked, MONDAY, MONDAY + timedelta(days=1))

    # Not its own time again, which moves nothing.
    assert starts(options)[:2] == [NINE + timedelta(minutes=15), NINE + timedelta(minutes=30)]
    booking.book(booked, options[1], recruiter)
    assert booked.sessions.get().start == NINE + timedelta(minutes=30)


def test_an_interviewer_at_their_weekly_cap_can_be_moved_within_the_week(booked, member, recruiter):
    member.weekly_interview_cap = 1
    member.save(update_fields=["weekly_interview_cap"])
    thursday = MONDAY + timedelta(days=3)

    options = booking.find_options(booked, thursday, thursday + timedelta(days=1))

    assert starts(options)[0] == thursday.replace(hour=9)
    booking.book(booked, options[0], recruiter)
    assert booked.sessions.get().start == thursday.replace(hour=9)


def test_no_time_fits_does_not_blame_the_interview_being_moved(booked, member):
    member.weekly_interview_cap = 1
    member.save(update_fields=["weekly_interview_cap"])
    thursday = MONDAY + timedelta(days=3)

    found = booking.explain(booked, thursday, thursday + timedelta(days=1))

    assert not [b for b in found["blockers"] if b.get("person") == member]
