"""Fixtures of the feedback page modules: an application to `team`, and the member's feedback."""

import pytest

from scorecards import scoring
from tests.factories import SKILLS, ApplicationFactory


@pytest.fixture
def application(team):
    return ApplicationFactory(
        opening__team=team,
        opening__title="Backend engineer",
        candidate__name="Dana Candidate",
        candidate__email="dana@candidates.example",
    )


@pytest.fixture
def mine(application, member):
    """The member's skills feedback."""
    return scoring.assign(application, member, SKILLS, assigned_by=member)
