"""Hired applications with check-ins, made the way the product makes them."""

from datetime import timedelta

from django.utils import timezone

from hiring.checkins import checkins
from hiring.models import Membership
from tests.factories import ApplicationFactory, submitted


def hired(team, by, days_ago=0, **candidate):
    """An application of `team` the panel scored and that reached Hired `days_ago` days ago,
    its members having joined a year before; its check-ins scheduled from then."""
    Membership.objects.filter(team=team).update(joined_at=timezone.now() - timedelta(days=400))
    application = ApplicationFactory(
        opening__team=team, **{f"candidate__{k}": v for k, v in candidate.items()}
    )
    submitted(application, by, "skills")
    application.move_to("hired", by)
    if days_ago:
        application.check_ins.all().delete()
        checkins.schedule(application, timezone.now() - timedelta(days=days_ago))
    return application


def first(application):
    return application.check_ins.select_related(
        "application__candidate", "application__opening__team", "version"
    ).first()


def review(check_in, rater, score=3, would="yes", notes="", submit=True):
    ratings = {
        pk: {"score": score, "no_evidence": False}
        for pk in check_in.version.criteria.values_list("pk", flat=True)
    }
    if submit:
        return checkins.submit(check_in, rater, ratings, would, notes)
    return checkins.save_draft(check_in, rater, ratings, would, notes)
