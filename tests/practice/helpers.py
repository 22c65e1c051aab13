"""Trainees and their practice scorecards, made the way the app makes them."""

from datetime import UTC, datetime, timedelta

from hiring.models import PoolMember
from hiring.scheduling import booking
from scorecards import scoring
from tests.factories import nine_to_five, submit

MONDAY = datetime(2030, 3, 4, tzinfo=UTC)


def trainee_in(team, user, focus="team_fit"):
    """`user` a member of `team` and a trainee in its `focus` pool."""
    team.memberships.get_or_create(user=user)
    PoolMember.objects.create(team=team, user=user, focus=focus, trainee=True)
    return user


def practice(application, trainee, focus="team_fit"):
    return scoring.assign(application, trainee, focus, assigned_by=trainee, practice=True)


def submitted_practice(application, trainee, focus="team_fit", vote="yes", score=3):
    return submit(practice(application, trainee, focus), vote, score)


def booked(application, by, interviewers, shadows=(), focus="team_fit"):
    """A one-session panel with these seats, booked at its first option."""
    nine_to_five(*interviewers, *shadows)
    panel = booking.create_panel(
        application,
        by,
        [
            {
                "focus": focus,
                "duration_minutes": 60,
                "interviewers": list(interviewers),
                "shadows": list(shadows),
            }
        ],
    )
    [option, *_] = booking.find_options(panel, MONDAY, MONDAY + timedelta(days=1))
    booking.book(panel, option, by)
    return panel
