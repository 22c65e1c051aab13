"""Team pages as a probe found them: an erased hire takes no address, an invitation whose
proposer left can still be withdrawn, and a removal asked about someone who already left says
so on the team page."""

import pytest
from django.urls import reverse

from hiring.models import Application, AuditEvent, Invitation, Team
from hiring.privacy import erasure
from hiring.teams import membership
from tests.factories import ApplicationFactory, db_state


@pytest.fixture
def any_member_rules(team):
    Team.objects.filter(pk=team.pk).update(membership_rule=Team.MembershipRule.ANY_MEMBER)
    team.refresh_from_db()
    return team


def test_an_erased_hire_is_not_proposed_to_join_by_a_hand_made_post(
    client, member, team, recruiter
):
    """Not offered on the page, the erased hire's id posted anyway: no address is kept on a
    record erasure emptied."""
    hire = ApplicationFactory(opening__team=team, stage=Application.Stage.HIRED)
    erasure.erase(hire.candidate, by=recruiter)
    client.force_login(member)
    before = db_state()

    response = client.post(
        reverse("propose_member", args=[team.pk]),
        {"email": "sara.lind@work.example", "hire": hire.pk},
    )

    assert response.status_code == 400
    assert "This hire&#x27;s data was erased" in response.text
    assert db_state() == before
    assert Application.objects.get(pk=hire.pk).member_email == ""


def test_any_member_withdraws_the_invitation_of_a_proposer_who_left(
    client, any_member_rules, member, teammate
):
    team = any_member_rules
    membership.propose_member(team, member, "nina@example.com")
    invitation = Invitation.objects.get(team=team)
    membership.leave_team(team, member)
    link = reverse("withdraw_team_invitation", args=[team.pk, invitation.pk])
    client.force_login(teammate)

    assert link in client.get(team.get_absolute_url()).text
    response = client.post(link, follow=True)

    assert "The invitation to nina@example.com is withdrawn." in response.text
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert AuditEvent.objects.filter(
        team=team, details="Ben Teammate withdrew the invitation to nina@example.com"
    ).exists()


def test_any_member_withdraws_the_invitation_of_a_proposer_deactivated(
    any_member_rules, member, teammate
):
    team = any_member_rules
    membership.propose_member(team, member, "nina@example.com")
    member.is_active = False
    member.save(update_fields=["is_active"])

    invitation = membership.withdraw_invitation(Invitation.objects.get(team=team), teammate)

    assert invitation.revoked_at is not None


def test_while_the_proposer_is_a_member_only_they_withdraw(
    client, any_member_rules, member, teammate
):
    team = any_member_rules
    membership.propose_member(team, member, "nina@example.com")
    invitation = Invitation.objects.get(team=team)
    link = reverse("withdraw_team_invitation", args=[team.pk, invitation.pk])
    client.force_login(teammate)

    assert link not in client.get(team.get_absolute_url()).text
    assert client.post(link).status_code == 400
    invitation.refresh_from_db()
    assert invitation.is_pending


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_removal_asked_about_someone_who_left_says_so_on_the_team_page(
    client, member, teammate, team, method
):
    url = reverse("propose_removal", args=[team.pk, teammate.pk])
    client.force_login(member)
    client.get(url)  # the confirmation page, read while they were a member
    membership.leave_team(team, teammate)
    before = db_state()

    response = getattr(client, method)(url)

    assert response.status_code == 400
    assert "They are no longer a member of Platform: nothing was proposed." in response.text
    assert 'id="proposals-heading"' in response.text  # the team page
    assert db_state() == before
