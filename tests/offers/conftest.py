"""Fixtures of the offer modules: Nina's application to `team`, which the team decided to hire."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hiring.debrief import decisions
from hiring.models import Application, User
from hiring.offers import offers
from tests.factories import SKILLS, TEAM_FIT, ApplicationFactory, UserFactory, fresh, submitted


def offer_fields(**changes):
    now = timezone.now()
    return {
        "title": "Platform Engineer",
        "start_date": (now + timedelta(days=30)).date(),
        "terms": "€70,000 a year, 30 days of holiday.",
        "expires_at": now + timedelta(days=7),
        **changes,
    }


def hired_by_the_team(application, member, teammate):
    """The team records hire, as its rule recommends: the application waits for an offer."""
    submitted(application, member, SKILLS, "yes")
    submitted(application, teammate, TEAM_FIT, "strong_yes")
    decisions.record_decision(fresh(application), member, "hire")
    application = fresh(application)
    assert application.stage == Application.Stage.OFFER
    return application


@pytest.fixture
def recruiter(db):
    """Overrides the shared fixture: with an address the notifications can be told apart by."""
    return UserFactory(
        display_name="Rita Recruiter", email="rita@example.com", role=User.Role.RECRUITER
    )


@pytest.fixture
def application(team, member, teammate):
    application = ApplicationFactory(
        opening__team=team,
        opening__title="Platform Engineer",
        candidate__name="Nina Park",
        candidate__email="nina@candidates.example",
        candidate__time_zone="America/New_York",
        stage=Application.Stage.PANEL,
    )
    return hired_by_the_team(application, member, teammate)


@pytest.fixture
def draft(application, recruiter):
    return offers.prepare(application, recruiter, **offer_fields())


@pytest.fixture
def sent(draft, recruiter, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return offers.send(draft, recruiter)
