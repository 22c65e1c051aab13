from collections import Counter

from hiring.management.commands import _synthetic
from hiring.models import (
    Application,
    Consent,
    Offer,
)
from hiring.scheduling import booking
from scorecards.models import Feedback


def test_the_synthetic_organisation_keeps_what_the_app_keeps(transactional_db):
    # Not in a test transaction: on PostgreSQL the generator ends with VACUUM ANALYZE.
    _synthetic.Generator(300).run()

    # Each stage change ends when the next one of its application begins.
    for application in Application.objects.prefetch_related("stage_changes"):
        changes = list(application.stage_changes.all())
        assert [c.left_at for c in changes] == [c.at for c in changes[1:]] + [None]
    # Each scorecard points at its latest submitted revision.
    submitted = Feedback.objects.exclude(submitted_at=None)
    assert submitted.exists()
    for item in submitted:
        latest = item.revisions.exclude(submitted_at=None).order_by("-number").first()
        assert item.latest_submission_id == latest.pk
    assert not Feedback.objects.filter(submitted_at=None, latest_submission__isnull=False)
    # Each application's panel_booked says what its sessions do, as booking keeps it.
    applications = Application.objects.select_related("panel")
    assert any(application.panel_booked for application in applications)
    for application in applications:
        panel = getattr(application, "panel", None)
        assert application.panel_booked == bool(panel and booking.is_booked(panel))
    # Every hire accepted an offer the team decided to make.
    hired = Application.objects.filter(stage="hired").prefetch_related("offers", "stage_changes")
    assert hired.exists()
    for application in hired:
        [offer] = application.offers.all()
        hire = application.stage_changes.get(to_stage="hired")
        assert (offer.status, offer.answered_at) == ("accepted", hire.at)
        assert offer.created_at <= offer.sent_at <= offer.answered_at
    # Offers exist only where the team decided to hire.
    assert not Offer.objects.exclude(application__decision__outcome="hire").exists()
    assert Offer.objects.filter(status="declined", application__stage="withdrawn").exists()
    sources = Counter(Application.objects.values_list("source", flat=True))
    assert set(sources) == {"careers", "referral", "recruiter", "imported"}
    assert Consent.objects.count() == sources["careers"]
    assert not Application.objects.filter(source="referral", referred_by=None).exists()
