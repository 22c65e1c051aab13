import pytest
from django.core.exceptions import ValidationError

from hiring.accounts import people
from hiring.models import (
    Application,
    AuditEvent,
    Ballot,
    Invitation,
    Membership,
    PoolMember,
    Proposal,
    Team,
)
from hiring.tasks import send_invitation
from hiring.teams import invitations, membership
from tests.factories import ApplicationFactory, UserFactory

Rule = Team.MembershipRule
Status = Proposal.Status


def expected_outcome(rule, electorate, approvals, rejections):
    """Decided as soon as the votes still to come can no longer change the result."""
    needed = {
        Rule.ANY_MEMBER: 1,
        Rule.MAJORITY: electorate // 2 + 1,
        Rule.UNANIMOUS: electorate,
    }[rule]
    still_to_vote = electorate - approvals - rejections
    if approvals >= needed:
        return Status.ACCEPTED
    if approvals + still_to_vote < needed:
        return Status.REJECTED
    return Status.OPEN


BALLOTS = [
    pytest.param(
        rule,
        electorate,
        approvals,
        rejections,
        id=f"{rule}-of{electorate}-yes{approvals}-no{rejections}",
    )
    for rule in Rule
    for electorate in range(1, 6)
    for approvals in range(electorate + 1)
    for rejections in range(electorate - approvals + 1)
]


@pytest.mark.parametrize(("rule", "electorate", "approvals", "rejections"), BALLOTS)
def test_outcome_follows_the_rule(rule, electorate, approvals, rejections):
    assert membership.outcome(rule, electorate, approvals, rejections) == expected_outcome(
        rule, electorate, approvals, rejections
    )


def test_majority_of_four_needs_three_approvals():
    assert membership.outcome(Rule.MAJORITY, 4, 2, 0) == Status.OPEN
    assert membership.outcome(Rule.MAJORITY, 4, 3, 0) == Status.ACCEPTED


def test_two_rejections_of_four_reject_under_majority():
    assert membership.outcome(Rule.MAJORITY, 4, 1, 2) == Status.REJECTED


def test_single_rejection_rejects_under_unanimous():
    assert membership.outcome(Rule.UNANIMOUS, 5, 4, 1) == Status.REJECTED


def test_any_member_accepts_on_first_approval():
    assert membership.outcome(Rule.ANY_MEMBER, 5, 1, 3) == Status.ACCEPTED


@pytest.mark.parametrize("rule", list(Rule))
def test_with_nobody_left_to_vote_nothing_passes(rule):
    assert membership.outcome(rule, 0, 0, 0) == Status.REJECTED


# Helpers for the domain tests below.


def with_rule(team, rule):
    Team.objects.filter(pk=team.pk).update(membership_rule=rule)
    team.refresh_from_db()
    return team


def add_members(team, count):
    users = UserFactory.create_batch(count)
    for user in users:
        Membership.objects.create(team=team, user=user)
    return users


def members_of(team):
    return set(team.memberships.values_list("user_id", flat=True))


def invited(team, person):
    """Whether `team` invited `person` (who has an account) and they have not joined yet: the
    team agreed, and they join only once they accept."""
    waiting = Invitation.objects.pending().filter(team=team, email=person.email).exists()
    return waiting and person.pk not in members_of(team)


def db_state():
    """Everything a membership action could change, to prove a refused one changed nothing."""
    return (
        sorted(Membership.objects.values_list("team_id", "user_id")),
        sorted(Proposal.objects.values_list("id", "status", "kind", "subject_id", "email")),
        sorted(Ballot.objects.values_list("proposal_id", "voter_id", "approve")),
        sorted(Team.objects.values_list("id", "membership_rule")),
        sorted(Invitation.objects.values_list("id", "email")),
    )


# Adding an existing user: the team agrees, then they accept its invitation, or decline it.


def test_any_member_rule_invites_an_existing_user_at_once(team, member):
    with_rule(team, Rule.ANY_MEMBER)
    newcomer = UserFactory()

    proposal = membership.propose_member(team, member, newcomer.email)

    assert proposal.status == Status.ACCEPTED
    assert invited(team, newcomer)


def test_an_existing_user_joins_only_once_they_accept(team, member):
    """Teams self-select, and so do people: the team agreeing makes nobody a member."""
    with_rule(team, Rule.ANY_MEMBER)
    newcomer = UserFactory(email="dora@example.com")

    proposal = membership.propose_member(team, member, newcomer.email)

    assert proposal.status == Status.ACCEPTED
    assert newcomer.pk not in members_of(team)
    invitations.accept_invitation(Invitation.objects.get(team=team), newcomer)
    assert newcomer.pk in members_of(team)
    assert AuditEvent.objects.filter(team=team, details=f"{newcomer} joined").exists()


def test_an_existing_user_who_declines_is_not_a_member_and_may_be_proposed_again(team, member):
    with_rule(team, Rule.ANY_MEMBER)
    newcomer = UserFactory(email="dora@example.com")
    membership.propose_member(team, member, newcomer.email)

    invitations.decline_invitation(Invitation.objects.get(team=team), newcomer)

    assert newcomer.pk not in members_of(team)
    assert not Invitation.objects.pending().exists()
    assert AuditEvent.objects.filter(team=team, details=f"{newcomer} declined to join").exists()
    assert membership.propose_member(team, member, newcomer.email).status == Status.ACCEPTED


def test_an_existing_user_invited_is_not_proposed_again_while_it_waits(team, member):
    with_rule(team, Rule.ANY_MEMBER)
    newcomer = UserFactory(email="dora@example.com")
    membership.propose_member(team, member, newcomer.email)
    before = db_state()

    with pytest.raises(ValidationError, match="invitation to join Platform waiting"):
        membership.propose_member(team, member, newcomer.email)

    assert db_state() == before


def test_a_hire_with_an_account_has_joined_only_once_they_accept(team, member):
    """Proposed from their application's page, the hire is still one to join until they do."""
    with_rule(team, Rule.ANY_MEMBER)
    hire = ApplicationFactory(opening__team=team, stage=Application.Stage.HIRED)
    peer = UserFactory(email="new.peer@work.example")

    membership.propose_member(team, member, peer.email, hire=hire)

    assert not membership.hire_joined(hire)
    assert [pk for pk, _ in membership.hires_to_join(team, team.members.all())] == [hire.pk]
    invitations.accept_invitation(Invitation.objects.get(team=team), peer)
    assert membership.hire_joined(hire)
    assert membership.hires_to_join(team, team.members.all()) == []


def test_the_hire_is_not_proposed_again_while_the_teams_invitation_waits(team, member):
    """Proposed again at another address, whoever joined at the first would no longer be known
    as the hire, and would read the panel's feedback on themselves."""
    with_rule(team, Rule.ANY_MEMBER)
    hire = ApplicationFactory(opening__team=team, stage=Application.Stage.HIRED)
    membership.propose_member(team, member, "sara.lind@work.example", hire=hire)
    before = db_state()

    with pytest.raises(ValidationError, match="is invited to join at sara.lind@work.example"):
        membership.propose_member(team, member, "sara@home.example", hire=hire)

    assert db_state() == before
    assert Application.objects.get(pk=hire.pk).member_email == "sara.lind@work.example"


def test_a_deactivated_account_is_not_proposed(team, member):
    """They could not sign in to accept: the team would wait for an answer that cannot come."""
    gone = UserFactory(display_name="Pat Parker", is_active=False)
    before = db_state()

    with pytest.raises(ValidationError, match="Pat Parker's account is deactivated"):
        membership.propose_member(team, member, gone.email)

    assert db_state() == before


def test_the_operators_account_is_not_proposed(team, member, superuser):
    """A superuser reads every scorecard in the Django admin: they must never interview."""
    before = db_state()

    with pytest.raises(ValidationError, match="root@example.com is the operator's account"):
        membership.propose_member(team, member, "ROOT@example.com")

    assert db_state() == before


def test_only_the_invited_person_answers_a_teams_invitation(team, member, outsider):
    with_rule(team, Rule.ANY_MEMBER)
    newcomer = UserFactory(email="dora@example.com")
    membership.propose_member(team, member, newcomer.email)
    invitation = Invitation.objects.get(team=team)

    for answer in (invitations.accept_invitation, invitations.decline_invitation):
        with pytest.raises(ValidationError, match="This invitation is for dora@example.com"):
            answer(invitation, outsider)

    invitation.refresh_from_db()
    assert invitation.is_pending
    assert members_of(team).isdisjoint({newcomer.pk, outsider.pk})


def test_majority_proposal_stays_open_until_second_approval(team, member, teammate):
    (third,) = add_members(team, 1)
    newcomer = UserFactory()

    proposal = membership.propose_member(team, member, newcomer.email)
    assert proposal.status == Status.OPEN
    assert newcomer.pk not in members_of(team)

    membership.cast_vote(proposal, teammate, approve=True)

    proposal.refresh_from_db()
    assert proposal.status == Status.ACCEPTED
    assert invited(team, newcomer)
    assert third.pk in members_of(team)


def test_proposal_matches_existing_user_case_insensitively(team, member):
    with_rule(team, Rule.ANY_MEMBER)
    newcomer = UserFactory(email="dora@example.com")

    proposal = membership.propose_member(team, member, "  DORA@example.com ")

    assert proposal.subject == newcomer
    assert Invitation.objects.get().email == "dora@example.com"  # the account's own address
    assert invited(team, newcomer)


def test_unanimous_single_rejection_rejects_and_adds_nobody(team, member, teammate):
    with_rule(team, Rule.UNANIMOUS)
    add_members(team, 1)
    newcomer = UserFactory()
    proposal = membership.propose_member(team, member, newcomer.email)

    membership.cast_vote(proposal, teammate, approve=False)

    proposal.refresh_from_db()
    assert proposal.status == Status.REJECTED
    assert proposal.decided_at is not None
    assert not Membership.objects.filter(user=newcomer).exists()


# Inviting someone without an account.


def test_accepted_proposal_invites_email_once(
    team, member, teammate, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        proposal = membership.propose_member(team, member, "newcomer@example.com")
    assert proposal.status == Status.OPEN
    assert not Invitation.objects.exists()
    assert mailoutbox == []

    with django_capture_on_commit_callbacks() as callbacks:
        membership.cast_vote(proposal, teammate, approve=True)
    assert mailoutbox == []  # nothing is sent before the transaction commits
    for callback in callbacks:
        callback()

    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.team, invitation.invited_by) == (
        "newcomer@example.com",
        team,
        member,
    )
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["newcomer@example.com"]
    assert "Platform" in mailoutbox[0].subject
    assert "/invitations/" in mailoutbox[0].body


def test_invitation_email_is_not_sent_twice_when_task_reruns(
    team, member, django_capture_on_commit_callbacks, mailoutbox
):
    with_rule(team, Rule.ANY_MEMBER)
    with django_capture_on_commit_callbacks(execute=True):
        membership.propose_member(team, member, "newcomer@example.com")

    assert send_invitation(Invitation.objects.get().pk) is False
    assert len(mailoutbox) == 1


# Removing a member.


def test_subject_of_removal_cannot_vote(team, member, teammate):
    add_members(team, 1)
    proposal = membership.propose_removal(team, member, teammate)
    before = db_state()

    with pytest.raises(ValidationError, match="not entitled to vote"):
        membership.cast_vote(proposal, teammate, approve=False)

    assert db_state() == before


def test_accepted_removal_deletes_membership(team, member, teammate):
    (third,) = add_members(team, 1)
    proposal = membership.propose_removal(team, member, teammate)
    assert proposal.status == Status.OPEN

    membership.cast_vote(proposal, third, approve=True)

    proposal.refresh_from_db()
    assert proposal.status == Status.ACCEPTED
    assert members_of(team) == {member.pk, third.pk}


# Changing the rule.


def test_rule_changes_only_when_accepted(team, member, teammate):
    add_members(team, 1)
    proposal = membership.propose_rule(team, member, Rule.UNANIMOUS, shown=team.membership_rule)

    team.refresh_from_db()
    assert proposal.status == Status.OPEN
    assert team.membership_rule == Rule.MAJORITY

    membership.cast_vote(proposal, teammate, approve=True)

    team.refresh_from_db()
    assert team.membership_rule == Rule.UNANIMOUS


def test_rejected_rule_change_keeps_rule(team, member, teammate):
    proposal = membership.propose_rule(team, member, Rule.ANY_MEMBER, shown=team.membership_rule)

    membership.cast_vote(proposal, teammate, approve=False)

    team.refresh_from_db()
    proposal.refresh_from_db()
    assert proposal.status == Status.REJECTED
    assert team.membership_rule == Rule.MAJORITY


def test_the_trail_records_a_proposal_not_agreed_as_no_change(team, member, teammate):
    """A rejected or withdrawn proposal changed nothing: it is not "Membership changed". (The
    trail is append-only: those recorded before stay as they were.)"""
    rejected = membership.propose_rule(team, member, Rule.ANY_MEMBER, shown=team.membership_rule)
    membership.cast_vote(rejected, teammate, approve=False)
    withdrawn = membership.propose_member(team, member, "new.peer@example.com")
    membership.withdraw(withdrawn, member)
    accepted = membership.propose_rule(team, member, Rule.UNANIMOUS, shown=team.membership_rule)
    membership.cast_vote(accepted, teammate, approve=True)

    trail = dict(AuditEvent.objects.filter(team=team).values_list("details", "action"))

    not_agreed = AuditEvent.Action.PROPOSAL_NOT_AGREED
    assert trail[f"{rejected.summary}: rejected"] == not_agreed
    assert trail["Add new.peer@example.com: withdrawn"] == not_agreed
    assert trail[f"{accepted.summary}: accepted"] == AuditEvent.Action.MEMBERSHIP_CHANGED


def test_accepted_rule_change_recounts_open_proposals(team, member, teammate):
    third, _ = add_members(team, 2)
    newcomer = UserFactory()
    addition = membership.propose_member(team, member, newcomer.email)
    rule_change = membership.propose_rule(team, member, Rule.ANY_MEMBER, shown=team.membership_rule)
    assert addition.status == Status.OPEN

    membership.cast_vote(rule_change, teammate, approve=True)
    membership.cast_vote(rule_change, third, approve=True)

    addition.refresh_from_db()
    assert addition.status == Status.ACCEPTED
    assert invited(team, newcomer)


# Refusals change nothing.


def test_proposing_existing_member_is_refused(team, member, teammate):
    before = db_state()

    with pytest.raises(ValidationError, match="Ben Teammate is already a member of Platform"):
        membership.propose_member(team, member, "BEN@example.com")

    assert db_state() == before


def test_duplicate_open_proposal_is_refused(team, member, teammate):
    membership.propose_member(team, member, "newcomer@example.com")
    before = db_state()

    with pytest.raises(ValidationError, match="already an open proposal to add newcomer@example"):
        membership.propose_member(team, teammate, "newcomer@example.com")

    assert db_state() == before


def test_duplicate_open_proposal_for_existing_user_is_refused(team, member, teammate):
    newcomer = UserFactory(display_name="Dora New")
    membership.propose_member(team, member, newcomer.email)
    before = db_state()

    with pytest.raises(ValidationError, match="already an open proposal to add Dora New"):
        membership.propose_member(team, teammate, newcomer.email)

    assert db_state() == before


def test_non_member_cannot_propose(team, outsider):
    before = db_state()

    with pytest.raises(ValidationError, match="Only members of this team can do that"):
        membership.propose_member(team, outsider, "newcomer@example.com")
    with pytest.raises(ValidationError, match="Only members of this team can do that"):
        membership.propose_rule(team, outsider, Rule.ANY_MEMBER, shown=team.membership_rule)

    assert db_state() == before


def test_non_member_cannot_vote(team, member, outsider):
    proposal = membership.propose_member(team, member, "newcomer@example.com")
    before = db_state()

    with pytest.raises(ValidationError, match="not entitled to vote"):
        membership.cast_vote(proposal, outsider, approve=True)

    assert db_state() == before


def test_voting_on_closed_proposal_is_refused(team, member, teammate):
    proposal = membership.propose_member(team, member, "newcomer@example.com")
    membership.withdraw(proposal, member)
    before = db_state()

    with pytest.raises(ValidationError, match="This proposal is already withdrawn"):
        membership.cast_vote(proposal, teammate, approve=True)

    assert db_state() == before


def test_withdrawing_someone_elses_proposal_is_refused(team, member, teammate):
    proposal = membership.propose_member(team, member, "newcomer@example.com")
    before = db_state()

    with pytest.raises(ValidationError, match="Only the member who made a proposal can withdraw"):
        membership.withdraw(proposal, teammate)

    assert db_state() == before


def test_proposer_can_withdraw_open_proposal(team, member):
    proposal = membership.propose_member(team, member, "newcomer@example.com")

    membership.withdraw(proposal, member)

    proposal.refresh_from_db()
    assert proposal.status == Status.WITHDRAWN
    assert proposal.decided_at is not None


def test_proposing_own_removal_is_refused(team, member):
    before = db_state()

    with pytest.raises(ValidationError, match="Leave team"):
        membership.propose_removal(team, member, member)

    assert db_state() == before


def test_rule_proposed_from_a_page_read_before_a_change_is_refused(team, member, teammate):
    """A page showing the rule the team has since changed would propose to undo the change:
    under "any member", at once."""
    (third,) = add_members(team, 1)
    shown = team.membership_rule
    change = membership.propose_rule(team, teammate, Rule.ANY_MEMBER, shown=shown)
    membership.cast_vote(change, third, approve=True)
    before = db_state()

    with pytest.raises(ValidationError, match="membership rule changed since you opened"):
        membership.propose_rule(team, member, Rule.UNANIMOUS, shown=shown)

    assert db_state() == before
    team.refresh_from_db()
    assert team.membership_rule == Rule.ANY_MEMBER


def test_proposing_current_rule_is_refused(team, member):
    before = db_state()

    with pytest.raises(ValidationError, match="already the team's membership rule"):
        membership.propose_rule(team, member, Rule.MAJORITY, shown=team.membership_rule)

    assert db_state() == before


# Leaving.


def test_member_leaves_team(team, member, teammate):
    membership.leave_team(team, teammate)

    assert members_of(team) == {member.pk}


def test_leaving_withdraws_open_proposals_about_the_leaver(team, member, teammate):
    add_members(team, 1)
    removal = membership.propose_removal(team, member, teammate)

    membership.leave_team(team, teammate)

    removal.refresh_from_db()
    assert removal.status == Status.WITHDRAWN


def test_leaving_recounts_open_proposals(team, member, teammate):
    leaver, _ = add_members(team, 2)
    newcomer = UserFactory()
    proposal = membership.propose_member(team, member, newcomer.email)
    membership.cast_vote(proposal, teammate, approve=True)
    proposal.refresh_from_db()
    assert proposal.status == Status.OPEN  # 2 of 4

    membership.leave_team(team, leaver)

    proposal.refresh_from_db()
    assert proposal.status == Status.ACCEPTED  # 2 of 3
    assert invited(team, newcomer)


def test_leavers_vote_no_longer_counts(team, member, teammate):
    with_rule(team, Rule.UNANIMOUS)
    proposal = membership.propose_member(team, teammate, "newcomer@example.com")

    membership.leave_team(team, teammate)

    proposal.refresh_from_db()
    assert proposal.status == Status.OPEN  # only the leaver had approved it


def test_non_member_cannot_leave(team, outsider):
    before = db_state()

    with pytest.raises(ValidationError, match="You are not a member of Platform"):
        membership.leave_team(team, outsider)

    assert db_state() == before


# Changing a vote.


def test_changing_vote_keeps_one_vote_row(team, member, teammate):
    add_members(team, 3)
    proposal = membership.propose_member(team, member, "newcomer@example.com")

    membership.cast_vote(proposal, teammate, approve=False)
    membership.cast_vote(proposal, teammate, approve=True)

    votes = Ballot.objects.filter(proposal=proposal, voter=teammate)
    assert [vote.approve for vote in votes] == [True]
    assert proposal.votes.count() == 2


# A member whose account the admin deactivated (someone who left) no longer votes.


def deactivate(person, admin):
    people.change_person(
        person, admin, display_name=person.display_name, role=person.role, is_active=False
    )


def test_a_deactivated_member_neither_votes_nor_holds_a_vote_up(team, member, teammate, org_admin):
    with_rule(team, Rule.UNANIMOUS)
    (gone,) = add_members(team, 1)
    deactivate(gone, org_admin)
    newcomer = UserFactory()

    proposal = membership.propose_member(team, member, newcomer.email)
    with pytest.raises(ValidationError, match="not entitled to vote"):
        membership.cast_vote(proposal, gone, approve=False)
    membership.cast_vote(proposal, teammate, approve=True)

    proposal.refresh_from_db()
    assert proposal.status == Status.ACCEPTED  # two of the two who can vote
    assert invited(team, newcomer)


def test_a_member_deactivated_after_a_proposal_was_made_still_counts_in_its_vote(
    client, team, member, teammate, org_admin
):
    """Who votes is fixed when it is proposed: the admin does not decide it by deactivating."""
    with_rule(team, Rule.UNANIMOUS)
    (gone,) = add_members(team, 1)
    newcomer = UserFactory()
    proposal = membership.propose_member(team, member, newcomer.email)
    membership.cast_vote(proposal, teammate, approve=True)

    deactivate(gone, org_admin)
    membership.cast_vote(proposal, teammate, approve=True)  # approving again settles nothing

    proposal.refresh_from_db()
    assert proposal.status == Status.OPEN
    client.force_login(member)
    page = client.get(f"/teams/{team.pk}/").text
    assert f"Waiting for {gone}, whose account was deactivated since it was proposed" in page
    # Proposed again, it is voted on by those who can sign in now.
    membership.withdraw(proposal, member)
    again = membership.propose_member(team, member, newcomer.email)
    membership.cast_vote(again, teammate, approve=True)
    again.refresh_from_db()
    assert again.status == Status.ACCEPTED
    assert invited(team, newcomer)
    assert team.has_member(gone)  # still listed: only the team removes a member


def test_the_admin_cannot_carry_a_vote_by_deactivating_those_yet_to_vote(
    team, member, teammate, org_admin
):
    """Deactivated, then reactivated once the vote was settled without them: a forced member."""
    newcomer = UserFactory()
    proposal = membership.propose_member(team, member, newcomer.email)  # 1 of 2 approvals

    deactivate(teammate, org_admin)
    membership.cast_vote(proposal, member, approve=True)
    people.change_person(
        teammate, org_admin, display_name=teammate.display_name, role=teammate.role, is_active=True
    )

    proposal.refresh_from_db()
    assert proposal.status == Status.OPEN
    assert not team.has_member(newcomer)


def test_the_admin_cannot_settle_a_vote_by_deactivating_a_dissenter(
    team, member, teammate, org_admin
):
    (third, fourth) = add_members(team, 2)
    proposal = membership.propose_member(team, member, "new.peer@example.com")  # 3 of 4 needed
    membership.cast_vote(proposal, teammate, approve=False)
    membership.cast_vote(proposal, third, approve=True)

    deactivate(teammate, org_admin)  # the dissenter
    membership.cast_vote(proposal, fourth, approve=False)

    proposal.refresh_from_db()
    assert proposal.status == Status.REJECTED  # as the four voted: 2 yes, 2 no
    [closed] = AuditEvent.objects.filter(details__endswith=": rejected")
    assert closed.actor == fourth  # the vote that settled it, not the proposer


def test_deactivating_a_member_settles_no_vote(team, member, teammate, org_admin):
    """It was rejected as soon as those left could no longer carry it: the admin ended a vote
    by deactivating the member yet to vote."""
    with_rule(team, Rule.MAJORITY)
    (third,) = add_members(team, 1)
    proposal = membership.propose_member(team, member, "new.peer@example.com")  # 2 of 3
    membership.cast_vote(proposal, teammate, approve=False)

    deactivate(third, org_admin)

    proposal.refresh_from_db()
    assert proposal.status == Status.OPEN


def test_a_member_joining_later_votes_on_what_is_proposed_since(team, member, teammate):
    earlier = membership.propose_member(team, member, "early@example.com")
    (later,) = add_members(team, 1)

    with pytest.raises(ValidationError, match="not entitled to vote"):
        membership.cast_vote(earlier, later, approve=True)
    assert Proposal.objects.awaiting_vote_of(later).count() == 0
    membership.propose_member(team, member, "since@example.com")
    assert Proposal.objects.awaiting_vote_of(later).count() == 1


def test_the_team_page_counts_only_those_who_can_vote(client, team, member, teammate, org_admin):
    (gone,) = add_members(team, 1)
    deactivate(gone, org_admin)
    membership.propose_member(team, member, "new.peer@example.com")
    client.force_login(member)

    page = client.get(f"/teams/{team.pk}/").text

    assert "1 of 2 approvals needed" in page  # a majority of the two who can vote
    assert page.count("(account deactivated: votes on nothing proposed since)") == 1
    assert f'<strong>{gone}</strong> <span class="muted">(account deactivated' in page


def test_leaving_or_being_removed_takes_a_member_out_of_the_pools(team, member, teammate):
    """The slot finder seated them, and every booking of that time then failed."""
    (third,) = add_members(team, 1)
    for person in (member, teammate, third):
        PoolMember.objects.create(team=team, user=person, focus="skills")

    membership.leave_team(team, teammate)
    proposal = membership.propose_removal(team, member, third)  # carried by the proposer alone

    proposal.refresh_from_db()
    assert proposal.status == Status.ACCEPTED
    assert list(team.pool_members.values_list("user", flat=True)) == [member.pk]


# The team's invitation withdrawn by the member who proposed them


def test_the_member_who_proposed_the_hire_withdraws_the_invitation(team, member):
    """A wrong address, say: its link stops working, the hire is no longer known by it, and
    the team may propose them again at the right one."""
    with_rule(team, Rule.ANY_MEMBER)
    hire = ApplicationFactory(opening__team=team, stage=Application.Stage.HIRED)
    membership.propose_member(team, member, "sara.lind@wrok.example", hire=hire)
    invitation = Invitation.objects.get(team=team)

    membership.withdraw_invitation(invitation, member)

    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert not invitation.is_pending
    assert Application.objects.get(pk=hire.pk).member_email == ""
    assert AuditEvent.objects.filter(
        team=team, details="Ana Member withdrew the invitation to sara.lind@wrok.example"
    ).exists()
    membership.propose_member(team, member, "sara.lind@work.example", hire=hire)
    assert Application.objects.get(pk=hire.pk).member_email == "sara.lind@work.example"


def test_only_the_member_who_proposed_them_withdraws_the_invitation(team, member, teammate):
    """The team agreed to invite them: another member does not undo that alone."""
    with_rule(team, Rule.ANY_MEMBER)
    membership.propose_member(team, member, "nina@example.com")
    invitation = Invitation.objects.get(team=team)
    before = db_state()

    with pytest.raises(ValidationError, match="Only the member who proposed them"):
        membership.withdraw_invitation(invitation, teammate)

    assert db_state() == before
    invitation.refresh_from_db()
    assert invitation.is_pending


@pytest.mark.parametrize("answer", ["accepted", "declined"])
def test_an_answered_invitation_is_not_withdrawn(team, member, answer):
    """Whoever joined stays a member (removing them is a proposal of its own)."""
    with_rule(team, Rule.ANY_MEMBER)
    newcomer = UserFactory(email="dora@example.com")
    membership.propose_member(team, member, newcomer.email)
    invitation = Invitation.objects.get(team=team)
    {"accepted": invitations.accept_invitation, "declined": invitations.decline_invitation}[answer](
        invitation, newcomer
    )

    with pytest.raises(ValidationError, match="no longer waits for an answer"):
        membership.withdraw_invitation(invitation, member)

    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_an_invitation_withdrawn_after_its_page_was_read_joins_nobody(team, member):
    """The invitee's page read it pending; the member withdrew it before they clicked Join."""
    with_rule(team, Rule.ANY_MEMBER)
    newcomer = UserFactory(email="dora@example.com")
    membership.propose_member(team, member, newcomer.email)
    read_by_the_page = Invitation.from_token(Invitation.objects.get(team=team).token())

    membership.withdraw_invitation(Invitation.objects.get(team=team), member)

    with pytest.raises(ValidationError, match="This invitation was withdrawn."):
        invitations.accept_invitation(read_by_the_page, newcomer)
    assert newcomer.pk not in members_of(team)
