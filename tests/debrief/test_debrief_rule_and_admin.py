"""The opening's decision rule page, and the Django admin on decisions (SPEC principle 1).

Only the team changes an opening's rule, by a proposal its membership rule settles; the admin
reads decisions and audit events, and changes nothing.
"""

import html
import json
import re

import pytest
from django.urls import reverse

from hiring.debrief import decisions
from hiring.models import AuditEvent, Decision, Opening, Proposal
from hiring.teams import membership
from tests.factories import decision_state, fresh

# The opening's decision rule


def rule_form(opening, **changes):
    """The rule form as posted from a page showing `opening`'s rule as it is now."""
    data = {
        "shown": json.dumps(rule_of(opening)),
        "decision_method": "unanimous",
        "min_scorecards": "3",
        "min_team_fit_peers": "2",
        "skills_threshold": "3.5",
        "team_fit_threshold": "2.5",
        "strong_no_veto": "on",
        "vote_counting": "interviewer",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def rule_of(opening):
    return Opening.objects.get(pk=opening.pk).rule_snapshot()


def test_a_member_proposes_the_opening_rule_and_the_team_settles_it(
    client, application, member, teammate
):
    opening = application.opening
    before = rule_of(opening)
    client.force_login(member)

    response = client.post(
        reverse("opening_rule", args=[opening.pk]),
        rule_form(opening, strong_no_veto=None),
        follow=True,
    )

    assert response.status_code == 200
    assert "Proposed: Change the decision rule of" in response.text
    assert "Waiting for the team" in response.text
    assert rule_of(opening) == before  # a majority of two members is both of them
    [proposal] = Proposal.objects.filter(kind=Proposal.Kind.DECISION_RULE)

    membership.cast_vote(proposal, teammate, approve=True)

    assert rule_of(opening) == {
        "decision_method": "unanimous",
        "min_scorecards": 3,
        "min_team_fit_peers": 2,
        "skills_threshold": 3.5,
        "team_fit_threshold": 2.5,
        "strong_no_veto": False,
        "vote_counting": "interviewer",
    }
    assert fresh(application).decision_rule == rule_of(opening)


def test_proposing_the_rule_in_force_is_refused(client, application, member):
    opening = application.opening
    client.force_login(member)
    current = {name: str(value) for name, value in rule_of(opening).items()}
    current["strong_no_veto"] = "on"
    current["shown"] = json.dumps(rule_of(opening))

    response = client.post(reverse("opening_rule", args=[opening.pk]), current)

    assert response.status_code == 400
    assert "That is already the opening&#x27;s decision rule." in response.text
    assert not Proposal.objects.exists()


def test_a_page_opened_before_the_rule_changed_proposes_nothing(client, application, member):
    """It would propose to undo what the team agreed since: shown again, as the rule now is."""
    opening = application.opening
    stale = rule_form(opening, decision_method="majority")
    Opening.objects.filter(pk=opening.pk).update(decision_method="unanimous", strong_no_veto=False)
    client.force_login(member)

    response = client.post(reverse("opening_rule", args=[opening.pk]), stale)

    assert response.status_code == 400
    assert "The opening&#x27;s decision rule changed since you opened this page" in response.text
    assert not Proposal.objects.exists()
    shown = re.search(r'name="shown" value="([^"]*)"', response.text)[1]
    assert json.loads(html.unescape(shown)) == rule_of(opening)


def test_a_threshold_off_the_scale_is_refused_beside_the_field(client, application, member):
    opening = application.opening
    before = rule_of(opening)
    client.force_login(member)

    response = client.post(
        reverse("opening_rule", args=[opening.pk]), rule_form(opening, skills_threshold="5")
    )

    assert response.status_code == 400
    assert re.search(
        r'<ul class="errorlist" id="id_skills_threshold_error">\s*'
        r"<li>Ensure this value is less than or equal to 4.</li>",
        response.text,
    )
    assert rule_of(opening) == before
    assert fresh(application).decision_rule == before
    assert not Proposal.objects.exists()


@pytest.mark.parametrize("persona", ["recruiter", "leadership", "outsider"])
def test_only_the_team_changes_the_opening_rule(request, client, application, persona):
    opening = application.opening
    before = rule_of(opening)
    client.force_login(request.getfixturevalue(persona))

    response = client.post(reverse("opening_rule", args=[opening.pk]), rule_form(opening))

    assert response.status_code == 404
    assert rule_of(opening) == before
    assert fresh(application).decision_rule == before
    assert not Proposal.objects.exists()


# The Django admin looks, never touches


@pytest.fixture
def admin_client(client, superuser):
    assert superuser.is_superuser
    client.force_login(superuser)
    return client


@pytest.fixture
def recorded(opened, member):
    return decisions.record_decision(opened, member, Decision.Outcome.NO_HIRE)


def audit_state():
    return sorted(AuditEvent.objects.values_list("pk", "action", "actor", "details", "at"))


@pytest.mark.parametrize("model", ["decision", "auditevent"])
def test_admin_cannot_add_decisions_or_audit_events(admin_client, recorded, model):
    before = decision_state(), audit_state()

    assert admin_client.get(reverse(f"admin:hiring_{model}_add")).status_code == 403
    assert admin_client.post(reverse(f"admin:hiring_{model}_add"), {}).status_code == 403

    assert (decision_state(), audit_state()) == before


def test_admin_cannot_change_a_decision(admin_client, recorded, member, teammate):
    before = decision_state()

    response = admin_client.post(
        reverse("admin:hiring_decision_change", args=[recorded.pk]),
        {
            "application": recorded.application_id,
            "outcome": "hire",
            "rationale": "The CTO overrides",
            "recommendation": "hire",
            "recommendation_reasons": "[]",
            "recorded_by": member.pk,
            "recorded_at_0": "2030-01-01",
            "recorded_at_1": "09:00",
            "confirmed_by": teammate.pk,
        },
    )

    assert response.status_code == 403
    assert decision_state() == before


def test_admin_cannot_change_an_audit_event(admin_client, recorded, member):
    event = AuditEvent.objects.filter(action=AuditEvent.Action.DECISION_RECORDED).get()
    before = audit_state()

    response = admin_client.post(
        reverse("admin:hiring_auditevent_change", args=[event.pk]),
        {
            "team": event.team_id,
            "action": "decision_confirmed",
            "actor": member.pk,
            "details": "Rewritten",
            "at_0": "2030-01-01",
            "at_1": "09:00",
        },
    )

    assert response.status_code == 403
    assert audit_state() == before


def test_admin_change_pages_are_read_only(admin_client, recorded):
    event = AuditEvent.objects.filter(action=AuditEvent.Action.DECISION_RECORDED).get()
    for url in (
        reverse("admin:hiring_decision_change", args=[recorded.pk]),
        reverse("admin:hiring_auditevent_change", args=[event.pk]),
    ):
        response = admin_client.get(url)
        assert response.status_code == 200
        assert 'name="_save"' not in response.text


@pytest.mark.parametrize("model", ["decision", "auditevent"])
def test_admin_cannot_delete_decisions_or_audit_events(admin_client, recorded, model):
    obj = recorded if model == "decision" else AuditEvent.objects.first()
    url = reverse(f"admin:hiring_{model}_delete", args=[obj.pk])
    before = decision_state(), audit_state()

    assert admin_client.get(url).status_code == 403
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    admin_client.post(
        reverse(f"admin:hiring_{model}_changelist"),
        {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
    )

    assert (decision_state(), audit_state()) == before
