from datetime import timedelta

import pytest
from django.utils import timezone

from hiring.models import Membership
from tests.checkins.helpers import hired
from tests.factories import UserFactory


@pytest.fixture
def sara(team):
    """The hire, who joined the team at her work address before her first check-in."""
    user = UserFactory(display_name="Sara Lind", email="sara.lind@teamfit.example")
    Membership.objects.create(team=team, user=user, joined_at=timezone.now() - timedelta(days=89))
    return user


@pytest.fixture
def application(team, member, sara):
    """Sara's, hired 90 days ago: the day-90 check-in is open, those of days 180 and 365 to
    come, and she is known by the address the team proposed her at."""
    application = hired(team, member, days_ago=90, name="Sara Lind", email="sara@mail.example")
    application.member_email = sara.email
    application.save(update_fields=["member_email"])
    return application
