"""Fixtures of the panel page modules: an application to `team`, its panel, a client to sign in."""

import pytest

from hiring.scheduling import booking
from tests.factories import ApplicationFactory, nine_to_five


@pytest.fixture
def application(team):
    return ApplicationFactory(opening__team=team)


@pytest.fixture
def panel(application, member, teammate, recruiter):
    nine_to_five(member, teammate)
    return booking.create_panel(
        application,
        recruiter,
        [{"focus": "team_fit", "duration_minutes": 60, "interviewers": [member, teammate]}],
    )
