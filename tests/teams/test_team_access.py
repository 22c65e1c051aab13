"""Team pages through the client: nobody outside the team changes its membership.

Nor does the Django admin, which can look but never change a team's membership.
"""

import pytest
from django.urls import reverse

from hiring.models import Membership, User
from hiring.teams import membership
from tests.factories import UserFactory, db_state, propose

NON_MEMBERS = ["outsider", "recruiter", "leadership", "org_admin"]


# Nobody outside the team changes its membership.


def membership_changes(team, proposal, member):
    return {
        "propose_member": (
            reverse("propose_member", args=[team.pk]),
            {"email": "intruder@example.com"},
        ),
        "propose_rule": (
            reverse("propose_rule", args=[team.pk]),
            {"membership_rule": "any", "shown": '"majority"'},
        ),
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
def admin_client_for(client, superuser):
    assert superuser.is_superuser
    assert superuser.is_staff
    client.force_login(superuser)
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
