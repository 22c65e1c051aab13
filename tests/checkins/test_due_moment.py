"""A check-in counted from the start date of the offer accepted falls due at the start of its
day on the hire's calendar: not at the time of day the offer happened to be accepted, which
put it at any hour, for some of the team on the day after."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from hiring.models import Application
from hiring.offers import offers
from tests.factories import ApplicationFactory, fresh
from tests.offers.conftest import hired_by_the_team, offer_fields


@pytest.mark.parametrize("zone", ["Asia/Singapore", "America/New_York", ""])
def test_a_check_in_falls_due_at_the_start_of_its_day_in_the_hires_zone(
    team, member, teammate, recruiter, zone
):
    team.check_in_days = "90,365"
    team.save()
    application = hired_by_the_team(
        ApplicationFactory(
            opening__team=team, stage=Application.Stage.PANEL, candidate__time_zone=zone
        ),
        member,
        teammate,
    )
    start = (timezone.now() + timedelta(days=60)).date()
    offer = offers.send(
        offers.prepare(application, recruiter, **offer_fields(start_date=start)), recruiter
    )

    offers.accept(offer)

    hires_zone = ZoneInfo(zone or "UTC")  # UTC until the candidate's zone is known
    for check_in in fresh(application).check_ins.all():
        day = start + timedelta(days=check_in.day)
        # Midnight on the day, whether or not the clocks changed in between.
        assert check_in.due_at == datetime.combine(day, time(), hires_zone)
        assert check_in.closes_at == datetime.combine(day + timedelta(days=30), time(), hires_zone)
