from datetime import timedelta

from django.utils import timezone

from hiring.checkins import checkins
from hiring.models import Application
from hiring.offers import offers
from tests.checkins.helpers import hired
from tests.factories import ApplicationFactory, fresh
from tests.offers.conftest import hired_by_the_team, offer_fields


def test_reaching_hired_schedules_the_teams_days(team, member):
    team.check_in_days = "30,120"
    team.save()

    application = hired(team, member)

    hired_at = application.stage_changed_at
    check_ins = list(application.check_ins.order_by("day"))
    assert [c.day for c in check_ins] == [30, 120]
    assert [c.due_at for c in check_ins] == [hired_at + timedelta(days=d) for d in (30, 120)]
    assert all(c.closes_at == c.due_at + timedelta(days=30) for c in check_ins)


def test_the_version_is_the_one_the_panel_scored(team, member):
    application = hired(team, member)

    scored = application.feedback.get().version
    assert {c.version for c in application.check_ins.all()} == {scored}


def test_scheduling_twice_makes_no_second_check_in(team, member):
    application = hired(team, member)

    checkins.schedule(application, application.stage_changed_at)

    assert application.check_ins.count() == 3


def test_no_scorecard_no_check_ins(team, member):
    application = hired(team, member)
    application.check_ins.all().delete()
    application.opening.scorecard = None
    application.opening.save()
    application.feedback.all().delete()

    assert checkins.schedule(application, application.stage_changed_at) == []


def test_the_days_count_from_the_start_date_of_the_offer_accepted(
    team, member, teammate, recruiter
):
    """Hired on accepting an offer that starts two months later: the 90-day check-in comes
    90 days into the job, not one month."""
    team.check_in_days = "90"
    team.save()
    application = hired_by_the_team(
        ApplicationFactory(opening__team=team, stage=Application.Stage.PANEL), member, teammate
    )
    start = (timezone.now() + timedelta(days=60)).date()
    offer = offers.send(
        offers.prepare(application, recruiter, **offer_fields(start_date=start)), recruiter
    )

    offers.accept(offer)

    [check_in] = fresh(application).check_ins.all()
    assert check_in.due_at.date() == start + timedelta(days=90)
