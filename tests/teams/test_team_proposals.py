"""Team pages through the client: proposing members and other changes, and voting on them."""

from django.urls import reverse

from hiring.models import Membership, Proposal, Team
from hiring.teams import membership
from tests.factories import HTMX, Status, UserFactory, db_state, field_error, propose

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

    response = client.post(
        reverse("propose_rule", args=[team.pk]), {"membership_rule": "any", "shown": '"majority"'}
    )

    assert response.status_code == 302
    proposal = team.proposals.get()
    assert (proposal.kind, proposal.membership_rule, proposal.status) == ("rule", "any", "open")


def test_rule_form_read_before_the_team_changed_its_rule_is_refused(client, member, team):
    """The form carries the rule its page showed: proposed once the team changed it, the
    proposal would undo that change unseen."""
    client.force_login(member)
    page = client.get(team.get_absolute_url())
    assert 'name="shown" value="&quot;majority&quot;"' in page.text
    team.membership_rule = Team.MembershipRule.ANY_MEMBER
    team.save(update_fields=["membership_rule"])
    before = db_state()

    response = client.post(
        reverse("propose_rule", args=[team.pk]),
        {"membership_rule": "unanimous", "shown": '"majority"'},
    )

    assert response.status_code == 400
    assert "membership rule changed since you opened this page" in response.text
    assert 'name="shown" value="&quot;any&quot;"' in response.text
    assert db_state() == before


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
    # Agreed by the team, invited: a member once they accept.
    assert not team.memberships.filter(user=newcomer).exists()
    assert team.invitations.pending().get().email == newcomer.email


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
    assert 'Members <span class="muted">(2)</span>' in response.text
    assert "Invited, not joined yet" in response.text
    # What the vote did is said in the section swapped in, not on the next page opened.
    said = "Accepted: Add Dora New. An invitation went to dora@example.com"
    assert said in response.text
    assert said not in client.get(team.get_absolute_url()).text


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
