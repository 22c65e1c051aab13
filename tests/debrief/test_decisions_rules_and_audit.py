"""Team-owned decisions (SPEC principle 1): decision rules per application, the audit trail.

Through the domain functions: a rule change reaches the applications not yet decided, each
application is recommended by its own rule, and audit events are append-only.
"""

import pytest
from django.db import transaction

from hiring.debrief import decisions
from hiring.models import AuditEvent, Decision
from hiring.pipeline import applications
from tests.factories import SKILLS, TEAM_FIT, Action, ApplicationFactory, fresh, submitted

# Decision rules


def test_a_rule_change_applies_to_every_application_until_one_is_decided(team, member, teammate):
    first = ApplicationFactory(opening__team=team)
    opening = first.opening
    second = ApplicationFactory(opening=opening)

    applies_to_all = applications.change_rule(
        opening, decision_method="unanimous", min_scorecards=3
    )

    assert applies_to_all is True
    for application in (first, second):
        rule = fresh(application).decision_rule
        assert rule["decision_method"] == "unanimous"
        assert rule["min_scorecards"] == 3


def test_after_a_decision_a_rule_change_applies_only_to_new_applications(
    team, member, teammate, peer
):
    decided = ApplicationFactory(opening__team=team)
    opening = decided.opening
    waiting = ApplicationFactory(opening=opening)
    submitted(decided, member, SKILLS, "yes")
    submitted(decided, teammate, TEAM_FIT, "yes")
    decisions.record_decision(decided, member, Decision.Outcome.HIRE)
    before = fresh(waiting).decision_rule
    assert before["decision_method"] == "majority"

    applies_to_all = applications.change_rule(
        opening, decision_method="weighted", skills_threshold=3.5, strong_no_veto=False
    )

    assert applies_to_all is False
    assert fresh(decided).decision_rule == before
    assert fresh(waiting).decision_rule == before
    opening.refresh_from_db()
    assert opening.decision_method == "weighted"
    newcomer = ApplicationFactory(opening=opening)
    rule = fresh(newcomer).decision_rule
    assert rule["decision_method"] == "weighted"
    assert rule["skills_threshold"] == 3.5
    assert rule["strong_no_veto"] is False


def test_an_application_is_recommended_by_its_own_rule(team, member, teammate, peer):
    """The old application keeps majority; a new one under unanimous is not recommended."""
    decided = ApplicationFactory(opening__team=team)
    opening = decided.opening
    submitted(decided, member, SKILLS, "yes")
    submitted(decided, teammate, TEAM_FIT, "yes")
    decisions.record_decision(decided, member, Decision.Outcome.HIRE)
    old = ApplicationFactory(opening=opening)
    applications.change_rule(opening, decision_method="unanimous")
    new = ApplicationFactory(opening=opening)
    for application in (old, new):
        submitted(application, member, SKILLS, "yes")
        submitted(application, teammate, TEAM_FIT, "yes")
        submitted(application, peer, TEAM_FIT, "no")

    def recommendation(application):
        application = fresh(application)
        return decisions.recommend(application, decisions.panel_feedback(application)).outcome

    assert recommendation(old) == "hire"
    assert recommendation(new) == "no_hire"


# The audit trail is append-only


@pytest.fixture
def event(team, member):
    return AuditEvent.record(Action.MEMBERSHIP_CHANGED, member, team, details="Ana joined")


def test_an_audit_event_cannot_be_saved_again(event):
    event.details = "Edited"

    with pytest.raises(TypeError, match="append-only"):
        event.save()

    assert AuditEvent.objects.get(pk=event.pk).details == "Ana joined"


def test_an_audit_event_cannot_be_deleted(event):
    with pytest.raises(TypeError, match="append-only"):
        event.delete()

    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_audit_events_cannot_be_updated_in_bulk(event):
    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.filter(pk=event.pk).update(details="Edited")
    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.update(details="Edited")
    event.details = "Edited"
    with pytest.raises(TypeError, match="append-only"), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["details"])

    assert AuditEvent.objects.get(pk=event.pk).details == "Ana joined"


def test_audit_events_cannot_be_deleted_in_bulk(event):
    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.all().delete()

    assert AuditEvent.objects.filter(pk=event.pk).exists()
