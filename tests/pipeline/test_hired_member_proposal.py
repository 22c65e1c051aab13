"""A hire joins the team only through the team's own membership rule: its members may propose
them from the application; nobody else sees the button, and nothing adds them by itself."""

import pytest
from django.urls import reverse

from hiring.models import Application, Membership, Proposal
from tests.factories import ApplicationFactory, CandidateFactory

BUTTON = "as a member of"


@pytest.fixture
def hired(team):
    candidate = CandidateFactory(email="new.peer@candidates.example")
    return ApplicationFactory(
        candidate=candidate, opening__team=team, stage=Application.Stage.HIRED
    )


def test_a_member_proposes_the_hire_by_the_teams_own_rule(client, member, hired, team):
    client.force_login(member)
    page = client.get(hired.get_absolute_url()).content.decode()
    assert BUTTON in page

    response = client.post(
        reverse("propose_member", args=[team.pk]), {"email": hired.candidate.email}
    )

    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert (proposal.team, proposal.email, proposal.status) == (
        team,
        "new.peer@candidates.example",
        Proposal.Status.OPEN,
    )
    assert not Membership.objects.filter(user__email="new.peer@candidates.example").exists()


@pytest.mark.parametrize("persona", ["recruiter", "leadership"])
def test_nobody_outside_the_team_is_offered_to_propose_the_hire(client, request, persona, hired):
    client.force_login(request.getfixturevalue(persona))
    assert BUTTON not in client.get(hired.get_absolute_url()).content.decode()


def test_before_the_hire_there_is_nothing_to_propose(client, member, team):
    application = ApplicationFactory(opening__team=team, stage=Application.Stage.OFFER)
    client.force_login(member)
    assert BUTTON not in client.get(application.get_absolute_url()).content.decode()
