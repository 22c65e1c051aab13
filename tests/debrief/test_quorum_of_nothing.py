"""A team decides on feedback: no rule's quorum is met with no scorecard in, so a panel all
excused opens no debrief, and the team is told what is missing."""

import html

from django.urls import reverse
from django.utils import timezone

from hiring.debrief import decisions, rules
from hiring.debrief.forms import NO_QUORUM, DecisionRuleForm
from hiring.models import Proposal
from scorecards import recommendation
from tests.factories import (
    SKILLS,
    TEAM_FIT,
    ApplicationFactory,
    OpeningFactory,
    Stage,
    assigned,
    field_errors,
    fresh,
)


def test_a_quorum_of_no_scorecard_is_refused_beside_its_field(client, member, team):
    opening = OpeningFactory(team=team)
    client.force_login(member)
    form = DecisionRuleForm(instance=opening)
    posted = {name: form[name].value() for name in form.fields} | {"min_scorecards": "0"}

    response = client.post(reverse("opening_rule", args=[opening.pk]), posted)

    assert response.status_code == 400
    assert html.escape(str(NO_QUORUM)) in field_errors(response.text, "min_scorecards")
    assert 'min="1"' in str(DecisionRuleForm(instance=opening)["min_scorecards"])
    assert not Proposal.objects.filter(opening=opening).exists()


def test_no_quorum_is_met_without_a_scorecard():
    rule = recommendation.Rule("majority", min_scorecards=0, min_team_fit_peers=0)

    met, reasons = recommendation.quorum(rule, [])

    assert not met
    assert reasons == ["quorum: 0 of 1 scorecard submitted"]


def test_a_panel_all_excused_opens_no_debrief_and_the_team_is_told(
    client, team, member, teammate, peer
):
    """A rule stored with a quorum of 0 before it was refused."""
    opening = OpeningFactory(team=team, min_scorecards=0, min_team_fit_peers=0)
    application = ApplicationFactory(opening=opening, stage=Stage.PANEL)
    for interviewer, focus in [(teammate, SKILLS), (peer, TEAM_FIT)]:
        decisions.excuse(assigned(application, interviewer, focus), member, "On leave")

    assert fresh(application).debrief_opened_at is None
    client.force_login(member)
    page = client.get(reverse("debrief", args=[application.pk])).text
    assert "quorum: 0 of 1 scorecard submitted" in page
    assert "Nobody is still to submit feedback: the debrief opens once more interviewers" in page


def test_a_rule_change_does_not_reach_an_open_debrief(team):
    """One opened on no feedback, under a quorum of 0, before it was refused."""
    opening = OpeningFactory(team=team, min_scorecards=0, min_team_fit_peers=0)
    application = ApplicationFactory(opening=opening, debrief_opened_at=timezone.now())
    before = fresh(application).decision_rule

    rules.change_rule(opening, {**opening.rule_snapshot(), "min_scorecards": 2})

    assert fresh(application).decision_rule == before
