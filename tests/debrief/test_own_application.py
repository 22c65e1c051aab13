"""A member who applies to their own team's opening (the careers form takes any address) is its
candidate at every stage: they read nothing of their panel's feedback, take no part in its
decision and are asked to confirm none, by whichever address their record knows them."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from hiring.debrief import decisions
from hiring.models import Application, Decision, Invitation, Offer
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


def test_she_does_not_run_her_own_pipeline(own, member, teammate, signed_in):
    """Nor move it, choose her interviewers, write to herself or make her own offer: to her,
    its pipeline's pages and actions answer as to anyone outside the team."""
    client = signed_in(member)
    for name in ("panel", "panel_edit", "offer_prepare", "candidate_email_compose"):
        assert client.get(reverse(name, args=[own.pk])).status_code == 404, name
    for name, data in (
        ("application_stage", {"stage": "debrief"}),
        ("pipeline_move", {"stage": "debrief"}),
        ("assign_interviewer", {"interviewer": teammate.pk, "focus": SKILLS}),
    ):
        assert client.post(reverse(name, args=[own.pk]), data).status_code == 404, name
    assert fresh(own).stage == Application.Stage.PANEL

    page = client.get(reverse("application_detail", args=[own.pk])).text
    assert reverse("panel", args=[own.pk]) not in page
    assert reverse("application_stage", args=[own.pk]) not in page
    teammates_page = signed_in(teammate).get(reverse("application_detail", args=[own.pk])).text
    assert reverse("panel", args=[own.pk]) in teammates_page
    assert reverse("application_stage", args=[own.pk]) in teammates_page


def test_her_card_on_the_board_offers_her_no_move(own, member, teammate, signed_in):
    """The board shows her card (its team's pipeline is hers to follow) without its move,
    which would answer 404; her teammate's board offers it, and each of her other cards."""
    other = ApplicationFactory(opening=own.opening, stage=Application.Stage.PANEL)
    move = f'id="move-{own.pk}"'

    board = signed_in(member).get(reverse("pipeline")).text

    assert f'id="card-{own.pk}"' in board
    assert move not in board
    assert f'id="move-{other.pk}"' in board
    assert move in signed_in(teammate).get(reverse("pipeline")).text


def test_her_own_draft_offer_is_not_hers_to_send(own, member, peer, teammate, client):
    Offer.objects.create(
        application=own,
        created_by=teammate,
        title="Staff Engineer",
        start_date=timezone.now().date() + timedelta(days=30),
        terms="The same team, full time.",
        expires_at=timezone.now() + timedelta(days=7),
    )

    assert section(home(client, member), "Offers to send") is None
    assert "Ana Member" in section(home(client, peer), "Offers to send")
