"""Team-owned decisions (SPEC principle 1): decision rules per application, the audit trail.

Through the domain functions: a rule change is a proposal the team settles; it reaches the
applications without submitted feedback, each application is recommended by its own rule, and
audit events are append-only.
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from hiring.debrief import decisions
from hiring.models import AuditEvent, Opening, Proposal
from hiring.pipeline import applications
from hiring.teams import membership
from tests.factories import (
    SKILLS,
    TEAM_FIT,
    Action,
    ApplicationFactory,
    assigned,
    fresh,
    submitted,
)

# Decision rules: changed by a proposal the team settles, never for scored applications


def propose(opening, proposer, **changes):
    rule = opening.rule_snapshot()
    return membership.propose_decision_rule(opening, proposer, {**rule, **changes}, shown=rule)


def test_an_accepted_rule_reaches_every_application_without_submitted_feedback(
    team, member, teammate
):
    scored = ApplicationFactory(opening__team=team)
    opening = scored.opening
    drafted, untouched = ApplicationFactory(opening=opening), ApplicationFactory(opening=opening)
    submitted(scored, member, SKILLS, "yes")
    assigned(drafted, member, SKILLS)  # a draft holds nothing the rule counted
    before = fresh(scored).decision_rule

    proposal = propose(opening, member, decision_method="unanimous", min_scorecards=3)
    membership.cast_vote(proposal, teammate, approve=True)

    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ACCEPTED
    assert fresh(scored).decision_rule == before
    opening.refresh_from_db()
    for application in (drafted, untouched, ApplicationFactory(opening=opening)):
        rule = fresh(application).decision_rule
        assert (rule["decision_method"], rule["min_scorecards"]) == ("unanimous", 3)


def test_a_rule_change_waits_for_the_team_and_a_rejected_one_changes_nothing(
    team, member, teammate
):
    application = ApplicationFactory(opening__team=team)
    opening = application.opening
    before = fresh(application).decision_rule

    proposal = propose(opening, member, decision_method="weighted")
    assert fresh(application).decision_rule == before
    membership.cast_vote(proposal, teammate, approve=False)

    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.REJECTED
    assert fresh(application).decision_rule == before
    opening.refresh_from_db()
    assert opening.decision_method == "majority"


def test_a_rule_change_is_audited_with_who_before_and_after(team, member, teammate):
    opening = ApplicationFactory(opening__team=team).opening

    membership.cast_vote(propose(opening, member, decision_method="unanimous"), teammate, True)

    [event] = AuditEvent.objects.filter(action=Action.DECISION_RULE)
    assert event.actor == teammate  # whose vote carried it (the proposal names its proposer)
    assert event.details == (
        f"Change the decision rule of {opening.title} from “majority yes; quorum 2 "
        "scorecards and 1 team-fit peer; skills ≥ 2.50, team fit ≥ 2.50; one vote per "
        "interviewer; a strong no vetoes” to “unanimous yes; quorum 2 scorecards and 1 "
        "team-fit peer; skills ≥ 2.50, team fit ≥ 2.50; one vote per interviewer; a strong no "
        "vetoes”: accepted"
    )


def test_only_a_member_proposes_a_rule_change(team, outsider):
    opening = ApplicationFactory(opening__team=team).opening

    with pytest.raises(ValidationError, match="Only members"):
        propose(opening, outsider, decision_method="unanimous")

    assert not Proposal.objects.exists()


def test_one_open_rule_proposal_per_opening(team, member):
    opening = ApplicationFactory(opening__team=team).opening
    propose(opening, member, decision_method="unanimous")

    with pytest.raises(ValidationError, match="already an open proposal"):
        propose(opening, member, decision_method="weighted")


def test_an_application_is_recommended_by_its_own_rule(team, member, teammate, peer):
    """The scored application keeps majority; a new one under unanimous is not recommended."""
    scored = ApplicationFactory(opening__team=team)
    opening = scored.opening
    submitted(scored, member, SKILLS, "yes")
    membership.cast_vote(propose(opening, member, decision_method="unanimous"), teammate, True)
    opening.refresh_from_db()
    new = ApplicationFactory(opening=opening)
    for application in (scored, new):
        submitted(application, teammate, TEAM_FIT, "yes")
        submitted(application, peer, TEAM_FIT, "no")
    submitted(new, member, SKILLS, "yes")

    def recommendation(application):
        application = fresh(application)
        return decisions.recommend(application, decisions.panel_feedback(application)).outcome

    assert recommendation(scored) == "hire"
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


def test_an_application_started_from_an_opening_read_before_a_rule_change_takes_the_new_rule(
    team, member, teammate
):
    opening = ApplicationFactory(opening__team=team).opening
    read_before = Opening.objects.get(pk=opening.pk)  # as a form read it, a moment before
    membership.cast_vote(propose(opening, member, decision_method="unanimous"), teammate, True)

    application = applications.add_application(
        read_before, member, name="Late Applicant", email="late@candidates.example"
    ).application

    assert fresh(application).decision_rule["decision_method"] == "unanimous"
