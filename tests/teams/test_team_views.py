import pytest
from django.urls import reverse

from hiring.models import Ballot, Invitation, Membership, Proposal, Team, User
from hiring.teams import membership
from tests.factories import ApplicationFactory, OpeningFactory, UserFactory

Status = Proposal.Status
NON_MEMBERS = ["outsider", "recruiter", "leadership", "org_admin"]
HTMX = {"HTTP_HX_REQUEST": "true"}
# Measured on the small team below (one opening, one open and one decided proposal).
TEAM_PAGE_MAX_QUERIES = 9


def db_state():
    """Everything a membership action could change, to prove a refused one changed nothing."""
    return (
        sorted(Membership.objects.values_list("team_id", "user_id")),
        sorted(Proposal.objects.values_list("id", "status", "kind", "subject_id", "email")),
        sorted(Ballot.objects.values_list("proposal_id", "voter_id", "approve")),
        sorted(Team.objects.values_list("id", "name", "membership_rule")),
        sorted(Invitation.objects.values_list("id", "email")),
    )


def field_error(name, message):
    return f'<ul class="errorlist" id="id_{name}_error"><li>{message}</li></ul>'


def propose(team, proposer, email="newcomer@example.com"):
    return membership.propose_member(team, proposer, email)


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


# Proposing a member.


def test_propose_member_redirects_to_team_page(client, member, team):
    client.force_login(member)

    response = client.post(
        reverse("propose_member", args=[team.pk]), {"email": "newcomer@example.com"}
    )

    assert response.status_code == 302
    assert response["Location"] == team.get_absolute_url()
    proposal = team.proposals.get()
    assert (proposal.email, proposal.status, proposal.proposed_by) == (
        "newcomer@example.com",
        Status.OPEN,
        member,
    )
    page = client.get(team.get_absolute_url())
    assert "Proposed: Add newcomer@example.com. It needs the team&#x27;s approval." in page.text


def test_propose_member_with_htmx_returns_membership_partial(client, member, team):
    client.force_login(member)

    response = client.post(
        reverse("propose_member", args=[team.pk]), {"email": "newcomer@example.com"}, **HTMX
    )

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="membership"')
    assert "<html" not in response.text
    assert "Add newcomer@example.com" in response.text
    assert team.proposals.filter(email="newcomer@example.com", status=Status.OPEN).exists()


def test_propose_invalid_email_shows_error_and_stores_nothing(client, member, team):
    client.force_login(member)

    response = client.post(reverse("propose_member", args=[team.pk]), {"email": "not-an-email"})

    assert response.status_code == 400
    assert field_error("email", "Enter a valid email address.") in response.text
    assert not Proposal.objects.exists()


def test_propose_invalid_email_with_htmx_shows_error_in_partial(client, member, team):
    client.force_login(member)

    response = client.post(
        reverse("propose_member", args=[team.pk]), {"email": "not-an-email"}, **HTMX
    )

    assert response.status_code == 400
    assert "<html" not in response.text
    assert field_error("email", "Enter a valid email address.") in response.text
    assert not Proposal.objects.exists()


def test_proposing_existing_member_shows_error_beside_field(client, member, team):
    client.force_login(member)
    before = db_state()

    response = client.post(reverse("propose_member", args=[team.pk]), {"email": "ben@example.com"})

    assert response.status_code == 400
    assert field_error("email", "Ben Teammate is already a member of Platform.") in response.text
    assert db_state() == before


# Other membership changes.


def test_propose_rule_opens_proposal(client, member, team):
    client.force_login(member)

    response = client.post(reverse("propose_rule", args=[team.pk]), {"membership_rule": "any"})

    assert response.status_code == 302
    proposal = team.proposals.get()
    assert (proposal.kind, proposal.membership_rule, proposal.status) == ("rule", "any", "open")


def test_propose_unknown_rule_shows_error_beside_field(client, member, team):
    client.force_login(member)

    response = client.post(reverse("propose_rule", args=[team.pk]), {"membership_rule": "cto"})

    assert response.status_code == 400
    assert "Select a valid choice. cto is not one of the available choices." in response.text
    assert 'id="id_membership_rule_error"' in response.text
    assert not Proposal.objects.exists()


def test_propose_removal_of_teammate(client, member, teammate, team):
    client.force_login(member)

    response = client.post(reverse("propose_removal", args=[team.pk, teammate.pk]))

    # Team of two: the only other voter is the proposer, so it is accepted at once.
    assert response.status_code == 302
    assert list(team.memberships.values_list("user", flat=True)) == [member.pk]


def test_withdraw_own_proposal(client, member, team):
    proposal = propose(team, member)
    client.force_login(member)

    response = client.post(reverse("withdraw_proposal", args=[team.pk, proposal.pk]))

    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Status.WITHDRAWN


def test_withdrawing_teammates_proposal_shows_error(client, member, teammate, team):
    proposal = propose(team, member)
    client.force_login(teammate)
    before = db_state()

    response = client.post(reverse("withdraw_proposal", args=[team.pk, proposal.pk]))

    assert response.status_code == 400
    assert "Only the member who made a proposal can withdraw it." in response.text
    assert db_state() == before


# Voting.


def test_approve_vote_accepts_proposal(client, member, teammate, team):
    newcomer = UserFactory()
    proposal = propose(team, member, newcomer.email)
    client.force_login(teammate)

    response = client.post(reverse("vote", args=[team.pk, proposal.pk]), {"approve": "yes"})

    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Status.ACCEPTED
    assert team.memberships.filter(user=newcomer).exists()


def test_reject_vote_rejects_proposal(client, member, teammate, team):
    proposal = propose(team, member)
    client.force_login(teammate)

    response = client.post(reverse("vote", args=[team.pk, proposal.pk]), {"approve": "no"})

    assert response.status_code == 302
    assert proposal.votes.get(voter=teammate).approve is False
    proposal.refresh_from_db()
    assert proposal.status == Status.REJECTED


def test_vote_with_htmx_returns_updated_partial(client, member, teammate, team):
    UserFactory(email="dora@example.com", display_name="Dora New")
    proposal = propose(team, member, "dora@example.com")
    client.force_login(teammate)

    response = client.post(reverse("vote", args=[team.pk, proposal.pk]), {"approve": "yes"}, **HTMX)

    assert response.status_code == 200
    assert "<html" not in response.text
    assert "Dora New" in response.text
    assert 'Members <span class="muted">(3)</span>' in response.text


def test_bad_vote_value_gets_400_with_message(client, member, teammate, team):
    proposal = propose(team, member)
    client.force_login(teammate)
    before = db_state()

    response = client.post(reverse("vote", args=[team.pk, proposal.pk]), {"approve": "maybe"})

    assert response.status_code == 400
    assert "Choose approve or reject." in response.text
    assert db_state() == before


def test_subject_of_removal_cannot_vote_on_it(client, member, teammate, team):
    third = UserFactory()
    Membership.objects.create(team=team, user=third)
    proposal = membership.propose_removal(team, member, teammate)
    client.force_login(teammate)
    before = db_state()

    response = client.post(reverse("vote", args=[team.pk, proposal.pk]), {"approve": "no"})

    assert response.status_code == 400
    assert "You are not entitled to vote on this proposal." in response.text
    assert db_state() == before


# Nobody outside the team changes its membership.


def membership_changes(team, proposal, member):
    return {
        "propose_member": (
            reverse("propose_member", args=[team.pk]),
            {"email": "intruder@example.com"},
        ),
        "propose_rule": (reverse("propose_rule", args=[team.pk]), {"membership_rule": "any"}),
        "propose_removal": (reverse("propose_removal", args=[team.pk, member.pk]), {}),
        "vote": (reverse("vote", args=[team.pk, proposal.pk]), {"approve": "yes"}),
        "withdraw": (reverse("withdraw_proposal", args=[team.pk, proposal.pk]), {}),
        "leave": (reverse("leave_team", args=[team.pk]), {}),
    }


@pytest.mark.parametrize(
    "action", ["propose_member", "propose_rule", "propose_removal", "vote", "withdraw", "leave"]
)
@pytest.mark.parametrize("persona", NON_MEMBERS)
def test_non_member_gets_404_on_membership_change(request, client, member, team, persona, action):
    proposal = propose(team, member)
    client.force_login(request.getfixturevalue(persona))
    url, data = membership_changes(team, proposal, member)[action]
    before = db_state()

    response = client.post(url, data)

    assert response.status_code == 404
    assert db_state() == before


@pytest.mark.parametrize("persona", NON_MEMBERS)
def test_non_member_gets_404_on_leave_page(request, client, team, persona):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse("leave_team", args=[team.pk]))

    assert response.status_code == 404


def test_outsider_gets_404_on_team_page(client, outsider, team):
    client.force_login(outsider)

    assert client.get(team.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("persona", ["recruiter", "leadership"])
def test_staff_read_team_page_without_membership_forms(request, client, member, team, persona):
    proposal = propose(team, member)
    client.force_login(request.getfixturevalue(persona))

    response = client.get(team.get_absolute_url())

    assert response.status_code == 200
    assert "Ben Teammate" in response.text
    assert "Add newcomer@example.com" in response.text
    for url in membership_changes(team, proposal, member).values():
        assert f'action="{url[0]}"' not in response.text
    assert "Propose removal" not in response.text
    assert "Leave team" not in response.text


def test_subject_of_removal_sees_no_vote_form(client, member, teammate, team):
    Membership.objects.create(team=team, user=UserFactory())
    proposal = membership.propose_removal(team, member, teammate)
    client.force_login(teammate)

    response = client.get(team.get_absolute_url())

    assert f"Remove {teammate}" in response.text
    assert f'action="{reverse("vote", args=[team.pk, proposal.pk])}"' not in response.text


def test_member_sees_vote_and_propose_forms(client, member, teammate, team):
    proposal = propose(team, member)
    client.force_login(teammate)

    response = client.get(team.get_absolute_url())

    assert f'action="{reverse("vote", args=[team.pk, proposal.pk])}"' in response.text
    assert f'action="{reverse("propose_member", args=[team.pk])}"' in response.text


# The Django admin can look, never change a team's membership.


@pytest.fixture
def admin_client_for(client, org_admin):
    assert org_admin.is_superuser
    assert org_admin.is_staff
    client.force_login(org_admin)
    return client


def test_admin_can_view_memberships(admin_client_for, team):
    response = admin_client_for.get(reverse("admin:hiring_membership_changelist"))

    assert response.status_code == 200
    assert "Ben Teammate" in response.text


@pytest.mark.parametrize("model", ["membership", "team", "proposal"])
def test_admin_add_page_is_forbidden(admin_client_for, team, model):
    response = admin_client_for.get(reverse(f"admin:hiring_{model}_add"))

    assert response.status_code == 403


def admin_objects(team, member):
    return {
        "membership": team.memberships.get(user=member),
        "team": team,
        "proposal": propose(team, member),
    }


@pytest.mark.parametrize("model", ["membership", "team", "proposal"])
def test_admin_cannot_delete(admin_client_for, team, member, model):
    obj = admin_objects(team, member)[model]
    url = reverse(f"admin:hiring_{model}_delete", args=[obj.pk])
    before = db_state()

    assert admin_client_for.get(url).status_code == 403
    assert admin_client_for.post(url, {"post": "yes"}).status_code == 403
    assert db_state() == before


@pytest.mark.parametrize("model", ["membership", "team", "proposal"])
def test_admin_bulk_delete_deletes_nothing(admin_client_for, team, member, model):
    obj = admin_objects(team, member)[model]
    before = db_state()

    admin_client_for.post(
        reverse(f"admin:hiring_{model}_changelist"),
        {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
    )

    assert db_state() == before


def test_admin_cannot_change_membership(admin_client_for, team, member, outsider):
    own = team.memberships.get(user=member)
    before = db_state()

    response = admin_client_for.post(
        reverse("admin:hiring_membership_change", args=[own.pk]),
        {"team": team.pk, "user": outsider.pk, "joined_at_0": "2024-01-01", "joined_at_1": "9:00"},
    )

    assert response.status_code == 403
    assert db_state() == before


def test_admin_cannot_change_team(admin_client_for, team, member):
    before = db_state()

    response = admin_client_for.post(
        reverse("admin:hiring_team_change", args=[team.pk]),
        {
            "name": "Renamed",
            "membership_rule": "any",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 403
    assert db_state() == before


def test_admin_cannot_change_proposal(admin_client_for, team, member):
    proposal = propose(team, member)
    before = db_state()

    response = admin_client_for.post(
        reverse("admin:hiring_proposal_change", args=[proposal.pk]),
        {
            "team": team.pk,
            "kind": "add",
            "status": "accepted",
            "proposed_by": member.pk,
            "email": "newcomer@example.com",
            "votes-TOTAL_FORMS": "0",
            "votes-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 403
    assert db_state() == before


def test_admin_team_page_is_read_only(admin_client_for, team):
    response = admin_client_for.get(reverse("admin:hiring_team_change", args=[team.pk]))

    assert response.status_code == 200
    assert "Ben Teammate" in response.text
    assert 'name="name"' not in response.text
    assert 'name="_save"' not in response.text


def test_admin_cannot_delete_user(admin_client_for, member, team):
    url = reverse("admin:hiring_user_delete", args=[member.pk])

    assert admin_client_for.get(url).status_code == 403
    assert admin_client_for.post(url, {"post": "yes"}).status_code == 403
    admin_client_for.post(
        reverse("admin:hiring_user_changelist"),
        {"action": "delete_selected", "_selected_action": [member.pk], "post": "yes"},
    )
    assert User.objects.filter(pk=member.pk).exists()
    assert team.memberships.filter(user=member).exists()


# The team page runs a bounded number of queries.


def grow(team, proposer, members, proposals, openings):
    """Give `team` more members, openings with applications, and proposals with votes."""
    for opening in OpeningFactory.create_batch(openings, team=team):
        ApplicationFactory.create_batch(3, opening=opening)
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
    membership.propose_rule(team, voters[0], Team.MembershipRule.UNANIMOUS)
    membership.propose_removal(team, voters[1], voters[2])


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "partial"])
def test_team_page_queries_are_bounded_for_small_team(
    client, member, team, django_assert_max_num_queries, htmx
):
    ApplicationFactory(opening=OpeningFactory(team=team))
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

    [row] = [t for t in response.context["teams"] if t.pk == team.pk]
    assert row.member_count == 2
