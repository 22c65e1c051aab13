"""Fixtures of the debrief page modules: Nina's application to `team`, its debrief open."""

import pytest

from hiring.models import Application
from tests.factories import NOTES, SKILLS, TEAM_FIT, ApplicationFactory, fresh, submitted


@pytest.fixture
def application(team):
    return ApplicationFactory(
        opening__team=team, candidate__name="Nina Park", stage=Application.Stage.PANEL
    )


@pytest.fixture
def opened(application, member, teammate, peer):
    """An open debrief; Cai's strong no vetoes, so the rule recommends no hire."""
    submitted(application, member, SKILLS, "yes")
    submitted(application, teammate, TEAM_FIT, "yes")
    submitted(application, peer, TEAM_FIT, "strong_no", notes=NOTES)
    application = fresh(application)
    assert application.debrief_opened_at is not None
    return application
