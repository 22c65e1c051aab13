"""Team pages through the client: creating a team, its page's bounded queries, leaving it."""

import re

import pytest
from django.urls import reverse

from hiring.models import Application, Membership, Team
from hiring.teams import membership
from tests.factories import (
    HTMX,
    ApplicationFactory,
    OpeningFactory,
    Status,
    UserFactory,
    field_error,
    propose,
)

# Measured on the small team below (one opening with a hire, one open and one decided
# proposal): 12 with the team's hires a proposal to add may stand for (with_hires) and
# those its form asks about (hires_to_join: the hires, and the addresses its members joined at),
# and the open proposals' voters; 14 with the invitations the team agreed to, not yet accepted.
TEAM_PAGE_MAX_QUERIES = 14


# Creating a team.


def test_creator_becomes_only_member_of_new_team(client, member):
    client.force_login(member)

    response = client.post(reverse("team_create"), {"name": "Data", "description": "Pipelines"})

    team = Team.objects.get(name="Data")
    assert response.status_code == 302
    assert response["Location"] == team.get_absolute_url()
    assert list(team.memberships.values_list("user", flat=True)) == [member.pk]
    assert team.membership_rule == Team.MembershipRule.MAJORITY


def test_create_team_with_blank_name_shows_error_beside_field(client, member):
    client.force_login(member)

    response = client.post(reverse("team_create"), {"name": "  ", "description": "x"})

    assert response.status_code == 400
    assert field_error("name", "This field is required.") in response.text
    assert 'aria-describedby="id_name_error"' in response.text
    assert not Team.objects.exists()


def test_create_team_with_taken_name_shows_error_beside_field(client, member, team):
    client.force_login(member)

    response = client.post(reverse("team_create"), {"name": "Platform"})

    assert response.status_code == 400
    assert field_error("name", "Team with this Name already exists.") in response.text
    assert Team.objects.count() == 1


# The team page runs a bounded number of queries.


def grow(team, proposer, members, proposals, openings):
    """Give `team` more members, openings with applications, and proposals with votes."""
    for opening in OpeningFactory.create_batch(openings, team=team):
        ApplicationFactory.create_batch(3, opening=opening)
        ApplicationFactory(opening=opening, stage=Application.Stage.HIRED)
    voters = UserFactory.create_batch(members)
    for user in voters:
        Membership.objects.create(team=team, user=user)
    for number in range(proposals):
        subject = UserFactory() if number % 2 else None
        email = subject.email if subject else f"candidate{number}@example.com"
        proposal = membership.propose_member(team, proposer, email)
        for voter in voters[:3]:
            membership.cast_vote(proposal, voter, approve=number % 3 != 0)
        if number % 5 == 0:
            membership.withdraw(proposal, proposer)
    membership.propose_rule(
        team, voters[0], Team.MembershipRule.UNANIMOUS, shown=team.membership_rule
    )
    membership.propose_removal(team, voters[1], voters[2])
    # Each opening's title is in the summary of a proposal to change its rule.
    for opening in team.openings.all():
        shown = opening.rule_snapshot()
        rule = {**shown, "decision_method": "unanimous"}
        membership.propose_decision_rule(opening, voters[3], rule, shown=shown)
    settings = {"check_in_days": "30,90", "practice_to_graduate": 1, "practice_tolerance": 2}
    membership.propose_settings(team, voters[4], settings, shown=team.settings_snapshot())


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "partial"])
def test_team_page_queries_are_bounded_for_small_team(
    client, member, team, django_assert_max_num_queries, htmx
):
    ApplicationFactory(opening=OpeningFactory(team=team), stage=Application.Stage.HIRED)
    propose(team, member)
    membership.withdraw(propose(team, member, "other@example.com"), member)
    client.force_login(member)

    with django_assert_max_num_queries(TEAM_PAGE_MAX_QUERIES):
        response = client.get(team.get_absolute_url(), **(HTMX if htmx else {}))

    assert response.status_code == 200


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "partial"])
def test_team_page_queries_are_bounded_for_large_team(
    client, member, team, django_assert_max_num_queries, htmx
):
    grow(team, member, members=18, proposals=15, openings=5)
    assert team.memberships.count() >= 20
    assert team.proposals.filter(status=Status.OPEN).count() >= 10
    assert team.proposals.exclude(status=Status.OPEN).count() >= 3
    client.force_login(member)

    with django_assert_max_num_queries(TEAM_PAGE_MAX_QUERIES):
        response = client.get(team.get_absolute_url(), **(HTMX if htmx else {}))

    assert response.status_code == 200
    assert response.text.count('class="proposal"') == team.proposals.filter(status="open").count()
    assert response.text.count("approves") + response.text.count("rejects") >= 30


# Leaving.


def test_leave_team_confirms_then_leaves(client, member, teammate, team):
    client.force_login(teammate)
    url = reverse("leave_team", args=[team.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert "Leave Platform?" in page.text
    assert team.memberships.filter(user=teammate).exists()

    response = client.post(url)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert list(team.memberships.values_list("user", flat=True)) == [member.pk]
    assert client.get(team.get_absolute_url()).status_code == 404


def test_the_last_member_who_can_sign_in_is_told_what_leaving_strands(
    client, member, teammate, team
):
    """Nobody outside a team adds a member to it: the last to leave left its applications
    waiting for ever, and the page said only that they could come back."""
    ApplicationFactory(opening__team=team, stage=Application.Stage.PANEL)
    ApplicationFactory(opening__team=team, stage=Application.Stage.DEBRIEF)
    ApplicationFactory(opening__team=team, stage=Application.Stage.REJECTED)
    url = reverse("leave_team", args=[team.pk])
    client.force_login(member)
    with_teammate = client.get(url).text

    teammate.is_active = False  # still a member, but nobody to act
    teammate.save(update_fields=["is_active"])
    page = " ".join(client.get(url).text.split())

    assert "last member" not in with_teammate
    assert (
        "You are the team's last member who can sign in: once you leave, nobody can propose a "
        "member to it again, and nobody is left to score and decide on its 2 applications "
        "still to be decided." in page
    )


def test_leaving_withdraws_proposals_about_leaver(client, member, teammate, team):
    Membership.objects.create(team=team, user=UserFactory())
    removal = membership.propose_removal(team, member, teammate)
    client.force_login(teammate)

    client.post(reverse("leave_team", args=[team.pk]))

    removal.refresh_from_db()
    assert removal.status == Status.WITHDRAWN


def test_home_counts_every_member_of_my_teams(client, member, team):
    client.force_login(member)

    response = client.get("/")

    # The teams' table is cached with the next steps: read from the page, not its context.
    row = re.search(rf'<a href="/teams/{team.pk}/">.*?</tr>', response.text, re.S).group(0)
    assert re.findall(r"<td>(\d+)</td>", row)[0] == "2"
