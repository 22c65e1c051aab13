"""A member who applies to their own team's opening (the careers form takes any address) is its
candidate at every stage: they read nothing of their panel's feedback, take no part in its
decision and are asked to confirm none, by whichever address their record knows them."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from hiring.debrief import decisions
from hiring.models import Application, Decision, Invitation
from scorecards import scoring
from scorecards.access import reads_panel_feedback
from tests.accounts.test_home_next_steps import home, section
from tests.factories import SKILLS, TEAM_FIT, ApplicationFactory, fresh, submitted

NOTE = "Struggled with the design question"

# How her record knows her: the address she signs in with (in another case), a record merged
# into hers, the address of the invitation she joined the team at.
KNOWN_BY = {
    "her own address": {"email": "Ana@Example.com"},
    "a merged record": {"email": "a.member@old.example", "other_emails": "ana@example.com"},
    "her invitation's": {"email": "ana.private@mail.example"},
}


@pytest.fixture(params=KNOWN_BY)
def own(request, team, member, teammate):
    if request.param == "her invitation's":
        Invitation.objects.create(
            email="ana.private@mail.example",
            team=team,
            invited_by=teammate,
            accepted_by=member,
            accepted_at=timezone.now(),
        )
    fields = {f"candidate__{key}": value for key, value in KNOWN_BY[request.param].items()}
    return ApplicationFactory(
        opening__team=team, candidate__name="Ana Member", stage=Application.Stage.PANEL, **fields
    )


@pytest.fixture
def debriefed(own, teammate, peer):
    submitted(own, teammate, SKILLS, "yes", notes=NOTE)
    submitted(own, peer, TEAM_FIT, "yes")
    Application.objects.filter(pk=own.pk).update(debrief_opened_at=timezone.now())
    return fresh(own)


def test_she_reads_nothing_of_her_panel(debriefed, member, peer, signed_in):
    assert not reads_panel_feedback(member, debriefed, decisions.panel_feedback(debriefed))
    client = signed_in(member)
    for name in ("debrief", "application_detail"):
        page = client.get(reverse(name, args=[debriefed.pk])).text

        assert NOTE not in page
        assert "You are this application's candidate: you read none of its panel" in page
    assert NOTE in signed_in(peer).get(reverse("debrief", args=[debriefed.pk])).text


def test_she_does_not_record_her_own_decision(debriefed, member, signed_in):
    response = signed_in(member).post(
        reverse("record_decision", args=[debriefed.pk]), {"outcome": "hire", "rationale": ""}
    )

    assert response.status_code == 400
    assert "You are the candidate: the team decides without you." in response.text
    assert not Decision.objects.exists()


def test_she_neither_confirms_nor_takes_back_a_decision(debriefed, member, teammate):
    decision = decisions.record_decision(debriefed, teammate, "no_hire", rationale="Not now")
    assert not decision.is_effective

    with pytest.raises(ValidationError, match="You are the candidate"):
        decisions.confirm_decision(decision, member)
    with pytest.raises(ValidationError, match="You are the candidate"):
        decisions.withdraw_decision(decision, member, "I disagree")
    assert Decision.objects.get().confirmed_at is None


def test_she_does_not_excuse_an_interviewer(own, member, teammate, peer):
    submitted(own, teammate, SKILLS, "yes", notes=NOTE)
    waiting = scoring.assign(own, peer, TEAM_FIT, assigned_by=teammate)

    with pytest.raises(ValidationError, match="You are the candidate"):
        decisions.excuse(waiting, member, "Away this week")
    assert fresh(own).debrief_opened_at is None


def test_she_is_not_asked_to_confirm_a_decision_on_herself(own, member, teammate, peer, client):
    Decision.objects.create(
        application=own, outcome="hire", recommendation="no_hire", recorded_by=teammate
    )
    Application.objects.filter(pk=own.pk).update(debrief_opened_at=timezone.now())

    assert section(home(client, member), "Decisions waiting for your confirmation") is None
    assert "decision to confirm" not in client.get("/pipeline/").text
    assert "Ana Member" in section(home(client, peer), "Decisions waiting for your confirmation")
    assert "decision to confirm" in client.get("/pipeline/").text
