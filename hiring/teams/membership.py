"""Self-selecting teams: members propose changes to their team (its members, its membership rule,
its settings, an opening's decision rule), and the team's membership rule settles them. A person
the team agrees to add is invited, and joins once they accept (invitations.py): people
self-select too."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from scorecards import practice

from ..access import withdraws_team_invitation
from ..checkins import checkins
from ..debrief import rules
from ..models import (
    Application,
    AuditEvent,
    Ballot,
    Candidate,
    Invitation,
    Membership,
    Opening,
    Proposal,
    Team,
    User,
    stored_words,
)
from .invitations import check_not_invited, invite, is_invited

Rule = Team.MembershipRule
Status = Proposal.Status


def approvals_needed(rule, voter_count):
    """How many of `voter_count` members entitled to vote must approve under `rule`."""
    if rule == Rule.ANY_MEMBER:
        return 1
    if rule == Rule.UNANIMOUS:
        return max(voter_count, 1)  # with nobody left to vote, nothing passes
    return voter_count // 2 + 1


def outcome(rule, voter_count, approvals, rejections):
    """Settle a vote: OPEN while undecided, ACCEPTED or REJECTED once the rule decides.

    Approvals and rejections count only the votes of members entitled to vote; a proposal
    is rejected as soon as the members yet to vote could no longer carry it.
    """
    needed = approvals_needed(rule, voter_count)
    if approvals >= needed:
        return Status.ACCEPTED
    if voter_count - rejections < needed:
        return Status.REJECTED
    return Status.OPEN


def electorate(proposal, members):
    """The ids of the team's `members` who vote on `proposal`: its voters (Proposal.voters)
    still in the team."""
    return {voter.pk for voter in proposal.voters.all()} & {member.pk for member in members}


def _open(team, **fields):
    """A proposal of `team`, with its voters: the members who can sign in (an account the
    admin deactivated before would hold it up), less the member a removal or a graduation is
    about."""
    proposal = team.proposals.create(**fields)
    voters = team.memberships.filter(user__is_active=True)
    if proposal.kind in (Proposal.Kind.REMOVE, Proposal.Kind.GRADUATE):
        voters = voters.exclude(user=proposal.subject_id)
    Proposal.voters.through.objects.bulk_create(
        Proposal.voters.through(proposal_id=proposal.pk, user_id=user_id)
        for user_id in voters.values_list("user_id", flat=True)
    )
    return proposal


def _lock_team(team, opening=None):
    """Serialise membership changes of one team, so concurrent votes never race. The
    applications a decision rule agreed now may reach (those of the openings with an open
    proposal to change it, and of `opening`, about to be given one) are locked first: as a
    submission or a decision does, before the team's row (rules.lock_applications)."""
    changing = Q(
        team=team.pk,
        proposals__kind=Proposal.Kind.DECISION_RULE,
        proposals__status=Status.OPEN,
    )
    if opening is not None:
        changing |= Q(pk=opening.pk)
    rules.lock_applications(Opening.objects.filter(changing).values("pk"))
    return Team.objects.select_for_update().get(pk=team.pk)


def _already(proposal):
    status = proposal.get_status_display().lower()
    return _("This proposal is already %(status)s.") % {"status": status}


def _require_member(team, user):
    if not team.has_member(user):
        raise ValidationError(_("Only members of this team can do that."))


@transaction.atomic
def propose_member(team, proposer, email, hire=None):
    """A proposal to add the person at `email` to the team. `hire`: the team's application at
    Hired this person is (proposed from its page, or chosen on the team page): the address is
    kept on it, so that they are recognised as the hire by it too (Application.member_email)."""
    if hire is not None:
        _require_not_erased(hire)  # its candidate locked before the team, as erasure does
    team = _lock_team(team)
    _require_member(team, proposer)
    email = User.objects.normalize_email(email.strip())
    subject = User.objects.filter(email__iexact=email).first()
    if subject and team.has_member(subject):
        raise ValidationError(
            _("%(person)s is already a member of %(team)s.") % {"person": subject, "team": team}
        )
    if subject and not subject.is_active:
        raise ValidationError(
            _("%(person)s's account is deactivated: they could not join.") % {"person": subject}
        )
    # A superuser reads every scorecard in the Django admin: they must never interview.
    if subject and subject.is_superuser:
        raise ValidationError(
            _("%(email)s is the operator's account, which takes no part in hiring.")
            % {"email": subject.email}
        )
    if _open_to_add(team, email).exists():
        raise ValidationError(
            _("There is already an open proposal to add %(person)s.") % {"person": subject or email}
        )
    # The hire who joined is known by the address they joined at: proposing someone else "as
    # the hire" moved it, and the hire rated their own check-ins and read the others'.
    if hire is not None and hire_joined(hire):
        raise ValidationError(
            _("%(person)s, the team's hire, has joined the team already.")
            % {"person": hire.candidate}
        )
    # One proposal at a time for a hire, and none while the team's invitation waits for them: a
    # second, at another address, would take the first's, and whoever joins at the first would
    # no longer be known as the hire (who reads nothing of their own panel).
    if hire is not None and hire.member_email and _open_to_add(team, hire.member_email).exists():
        raise ValidationError(
            _(
                "There is already an open proposal to add %(person)s, the team's hire, at "
                "%(email)s: withdraw it first."
            )
            % {"person": hire.candidate, "email": hire.member_email}
        )
    if hire is not None and hire.member_email and is_invited(hire.member_email, team):
        raise ValidationError(
            _(
                "%(person)s, the team's hire, is invited to join at %(email)s: the invitation "
                "waits for their answer."
            )
            % {"person": hire.candidate, "email": hire.member_email}
        )
    check_not_invited(email, team)
    proposal = _open(
        team,
        kind=Proposal.Kind.ADD,
        proposed_by=proposer,
        subject=subject,
        email="" if subject else email,
    )
    if hire is not None:
        hire.member_email = email.lower()
        hire.save(update_fields=["member_email"])
    return _vote_and_settle(proposal, proposer, approve=True)


def _require_not_erased(hire):
    """An erased hire's record keeps no address (hiring/privacy/erasure.py): one proposed for
    them now would be held, unerased, where nobody looks. The candidate's row is locked, so an
    erasure under way finishes first."""
    if Candidate.objects.select_for_update().get(pk=hire.candidate_id).erased_at:
        raise ValidationError(
            _(
                "This hire's data was erased: the team can no longer say who they are. "
                "Propose the person as a colleague."
            )
        )


def _open_to_add(team, email):
    """The team's open proposals to add the person at `email`, with an account or without."""
    return team.proposals.filter(status=Status.OPEN, kind=Proposal.Kind.ADD).filter(
        Q(subject__email__iexact=email) | Q(subject=None, email__iexact=email)
    )


def with_hires(proposals):
    """`proposals` (of one team or several, their subjects read along), each with `hire`: the
    application at Hired of its team it adds, where the team proposed them at that address
    (Application.member_email), else None: the voters read whom the address stands for. One
    query, or none without a proposal to add."""
    wanted = {}
    for proposal in proposals:
        proposal.hire = None
        if proposal.kind == Proposal.Kind.ADD:
            wanted[proposal.team_id, proposal.address.lower()] = proposal
    if wanted:
        hires = (
            Application.objects.hires_of({team for team, _address in wanted})
            .filter(member_email__in={address for _team, address in wanted})
            .select_related("candidate", "opening")
        )
        for hire in hires:
            if proposal := wanted.get((hire.opening.team_id, hire.member_email)):
                proposal.hire = hire
    return proposals


def hire_joined(hire):
    """Whether the hire (an application at Hired) is a member of its team now, by an address
    known to be theirs (checkins.is_candidate). Two queries."""
    return checkins.is_candidate(_addresses(hire.opening.team.members.all()), hire)


def _addresses(members):
    """Every address known to be one of `members`' (checkins.addresses_of), in one set."""
    return set().union(*checkins.addresses_of(members).values())


# How many of the team's latest hires the team page asks about.
HIRES_LISTED = 20


def hires_to_join(team, members):
    """The team's latest HIRES_LISTED hires but those among `members` (its members) by an address
    known to be theirs, and those erased, the latest first, as (application id, "name,
    opening"): the team page asks whether a person it proposes is one of them, so that the
    address they join at says who the hire is. One query, two with a hire."""
    hires = list(
        Application.objects.hires_of([team])
        .filter(candidate__erased_at=None)
        .select_related("candidate", "opening")
        .order_by("-stage_changed_at", "-pk")[:HIRES_LISTED]
    )
    if not hires:
        return []
    known = _addresses(members)
    return [
        (hire.pk, f"{hire.candidate}, {hire.opening.title}")
        for hire in hires
        if not checkins.is_candidate(known, hire)
    ]


@transaction.atomic
def propose_removal(team, proposer, member):
    team = _lock_team(team)
    _require_member(team, proposer)
    if member == proposer:
        raise ValidationError(_("To leave the team, use “Leave team”."))
    if not team.has_member(member):
        raise ValidationError(
            _("%(person)s is not a member of %(team)s.") % {"person": member, "team": team}
        )
    if team.proposals.filter(status=Status.OPEN, subject=member).exists():
        raise ValidationError(
            _("There is already an open proposal about %(person)s.") % {"person": member}
        )
    proposal = _open(team, kind=Proposal.Kind.REMOVE, proposed_by=proposer, subject=member)
    return _vote_and_settle(proposal, proposer, approve=True)


@transaction.atomic
def propose_rule(team, proposer, membership_rule, shown):
    """Propose `membership_rule` for `team`. `shown`: the rule the proposer's page showed,
    which must still be the team's: a page opened before a change would propose to undo it
    (under "any member", undone at once)."""
    team = _lock_team(team)
    _require_member(team, proposer)
    if shown != team.membership_rule:
        raise ValidationError(
            _(
                "The team's membership rule changed since you opened this page: it is shown as "
                "it is now. Make your change again."
            )
        )
    if membership_rule == team.membership_rule:
        raise ValidationError(_("That is already the team's membership rule."))
    if team.proposals.filter(status=Status.OPEN, kind=Proposal.Kind.RULE).exists():
        raise ValidationError(_("There is already an open proposal to change the membership rule."))
    proposal = _open(
        team, kind=Proposal.Kind.RULE, proposed_by=proposer, membership_rule=membership_rule
    )
    return _vote_and_settle(proposal, proposer, approve=True)


@transaction.atomic
def propose_decision_rule(opening, proposer, values, shown):
    """Propose a new decision rule for `opening` (its RULE_FIELDS in `values`). `shown`: the
    rule (Opening.rule_snapshot()) the proposer's page showed, which must still be the
    opening's: a page opened before a change would propose to undo it."""
    team = _lock_team(opening.team, opening)
    _require_member(team, proposer)
    opening = team.openings.get(pk=opening.pk)  # as stored: a bound form changes the instance
    if shown != opening.rule_snapshot():
        raise ValidationError(
            _(
                "The opening's decision rule changed since you opened this page: it is shown as "
                "it is now. Make your change again."
            )
        )
    return _propose_change(
        team,
        proposer,
        Proposal.Kind.DECISION_RULE,
        opening.rule_snapshot(),
        rules.checked_snapshot(values),
        unchanged=_("That is already the opening's decision rule."),
        already_open=_("There is already an open proposal to change this rule."),
        opening=opening,
    )


@transaction.atomic
def propose_settings(team, proposer, values, shown):
    """Propose new settings for `team` (its SETTINGS_FIELDS in `values`: a valid
    TeamSettingsForm's): its check-in days, its trainees' path to graduating. `shown`: the
    settings (Team.settings_snapshot()) the proposer's page showed, which must still be the
    team's: a page opened before a change would propose to undo it."""
    team = _lock_team(team)  # as stored: a bound form changes the instance
    _require_member(team, proposer)
    if shown != team.settings_snapshot():
        raise ValidationError(
            _(
                "The team's settings changed since you opened this page: they are shown as "
                "they are now. Make your change again."
            )
        )
    return _propose_change(
        team,
        proposer,
        Proposal.Kind.SETTINGS,
        team.settings_snapshot(),
        Team(**values).settings_snapshot(),
        unchanged=_("Those are already the team's settings."),
        already_open=_("There is already an open proposal to change the team's settings."),
    )


def _propose_change(team, proposer, kind, before, after, unchanged, already_open, **about):
    """A proposal of `kind` to change what `about` names from `before` to `after` (snapshots),
    one open at a time, with the proposer's vote."""
    if after == before:
        raise ValidationError(unchanged)
    if team.proposals.filter(status=Status.OPEN, kind=kind, **about).exists():
        raise ValidationError(already_open)
    proposal = _open(
        team, kind=kind, proposed_by=proposer, rule_before=before, rule_after=after, **about
    )
    return _vote_and_settle(proposal, proposer, approve=True)


@transaction.atomic
def propose_graduation(team, proposer, trainee):
    """Propose a trainee with enough practice scorecards within the team's tolerance as a full
    interviewer of the team's pools; the team's membership rule settles it."""
    team = _lock_team(team)
    _require_member(team, proposer)
    if trainee == proposer:
        raise ValidationError(_("Another member proposes you once you are ready."))
    if not team.pool_members.filter(user=trainee, trainee=True).exists():
        raise ValidationError(
            _("%(person)s is not a trainee in %(team)s.") % {"person": trainee, "team": team}
        )
    if not practice.graduation_ready(trainee, team, seen_by=proposer):
        raise _not_ready(trainee, team)
    if team.proposals.filter(status=Status.OPEN, subject=trainee).exists():
        raise ValidationError(
            _("There is already an open proposal about %(person)s.") % {"person": trainee}
        )
    proposal = _open(team, kind=Proposal.Kind.GRADUATE, proposed_by=proposer, subject=trainee)
    return _vote_and_settle(proposal, proposer, approve=True)


def _not_ready(trainee, team):
    needs = ngettext(
        "%(person)s needs %(count)s practice scorecard within the team's tolerance first.",
        "%(person)s needs %(count)s practice scorecards within the team's tolerance first.",
        team.practice_to_graduate,
    )
    return ValidationError(needs % {"person": trainee, "count": team.practice_to_graduate})


@transaction.atomic
def cast_vote(proposal, voter, approve):
    _lock_team(proposal.team)
    proposal.refresh_from_db()
    if not proposal.is_open:
        raise ValidationError(_already(proposal))
    voters = electorate(proposal, proposal.team.members.all())
    if voter.pk not in voters or not voter.is_active:
        raise ValidationError(_("You are not entitled to vote on this proposal."))
    return _vote_and_settle(proposal, voter, approve)


@transaction.atomic
def withdraw(proposal, user):
    _lock_team(proposal.team)
    proposal.refresh_from_db()
    if proposal.proposed_by_id != user.pk:
        raise ValidationError(_("Only the member who made a proposal can withdraw it."))
    if not proposal.is_open:
        raise ValidationError(_already(proposal))
    _close(proposal, Status.WITHDRAWN, user)


@transaction.atomic
def withdraw_invitation(invitation, user):
    """The member who proposed the person withdraws the team's invitation to them while it
    waits for an answer (a wrong address, say): its link stops working, and the team may
    propose them again. Another member does not undo alone what the team agreed, unless the
    proposer no longer can (access.withdraws_team_invitation)."""
    team = _lock_team(invitation.team)
    _require_member(team, user)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not withdraws_team_invitation(user, invitation, team.members.all()):
        raise ValidationError(_("Only the member who proposed them can withdraw the invitation."))
    if not invitation.is_pending:
        raise ValidationError(_("This invitation no longer waits for an answer."))
    _withdrawn(invitation, team, user)
    _release_hire_address(team, invitation.email)
    return invitation


def _withdrawn(invitation, team, by, why=""):
    """`invitation` (locked) revoked by `by`, and said so in the team's trail, `why` after it;
    False, and nothing written, if it was accepted meanwhile."""
    if not invitation.revoke():
        return False
    invited = invitation.account or invitation.email  # an address erased as the decline's is
    AuditEvent.record(
        AuditEvent.Action.MEMBERSHIP_CHANGED,
        by,
        team,
        details=f"{by} withdrew the invitation to {invited}{why}",
    )
    return True


def hire_not_joining(hire, by):
    """The team's hire (`hire`, its application, locked by the caller) will not join after all
    (hiring.offers.offers.did_not_start): the team's open proposal to add them is withdrawn, and
    so is its invitation waiting for their answer, its link dead. False, and the caller's
    transaction is to be undone, if they accepted it meanwhile: they are a member."""
    if not hire.member_email:
        return True
    team = _lock_team(hire.opening.team)
    for proposal in _open_to_add(team, hire.member_email).select_for_update(of=("self",)):
        _close(proposal, Status.WITHDRAWN, by)
    waiting = Invitation.objects.pending().filter(team=team, email__iexact=hire.member_email)
    return all(
        _withdrawn(invitation, team, by, ": the hire did not start")
        for invitation in waiting.select_for_update()
    )


@transaction.atomic
def create_team(founder, name, description=""):
    team = Team.objects.create(name=name, description=description)
    Membership.objects.create(team=team, user=founder)
    AuditEvent.record(
        AuditEvent.Action.MEMBERSHIP_CHANGED, founder, team, details=f"{founder} founded the team"
    )
    return team


@transaction.atomic
def leave_team(team, member):
    """A member can always leave; the votes still open are recounted without them."""
    team = _lock_team(team)
    if not _drop_member(team, member, member):
        raise ValidationError(_("You are not a member of %(team)s.") % {"team": team})
    AuditEvent.record(AuditEvent.Action.MEMBERSHIP_CHANGED, member, team, details=f"{member} left")
    for proposal in team.proposals.filter(status=Status.OPEN):
        if proposal.subject_id == member.pk:
            _close(proposal, Status.WITHDRAWN, member)
        else:
            _settle(proposal, member)


def undecided_if_last_to_leave(team, member):
    """How many of `team`'s applications still to decide nobody would be left to score and
    decide on once `member` left, as its last member who can sign in (nobody outside a team
    adds a member to it): the leave page tells them first. None while another one remains."""
    if team.has_another_active_member(member.pk):
        return None
    undecided = Application.objects.filter(opening__team=team).exclude(
        stage__in=Application.CLOSED_STAGES
    )
    return undecided.count()


def _drop_member(team, user, by):
    """`user` no longer a member of `team` (by `by`'s act), nor in its pools (the slot finder
    seated them and every booking failed), nor rated later as its hire; whether they were
    one."""
    team.pool_members.filter(user=user).delete()
    if not team.memberships.filter(user=user).delete()[0]:
        return False
    checkins.end_for_leaver(user, [team], by, timezone.now())
    return True


def _vote_and_settle(proposal, voter, approve):
    Ballot.objects.update_or_create(
        proposal=proposal, voter=voter, defaults={"approve": approve, "cast_at": timezone.now()}
    )
    _settle(proposal, voter, voted=True)
    return proposal


def _settle(proposal, actor, voted=False):
    """Close `proposal` if its votes decide it, in the name of `actor`, whose act settled it.
    `voted`: the act is `actor`'s vote, refused if it would carry a graduation whose trainee
    is not ready (any other act leaves the proposal open)."""
    voters = electorate(proposal, proposal.team.members.all())
    votes = [vote.approve for vote in proposal.votes.all() if vote.voter_id in voters]
    result = outcome(
        proposal.team.membership_rule, len(voters), votes.count(True), votes.count(False)
    )
    if result == Status.ACCEPTED and proposal.is_outdated:
        result = Status.REJECTED  # agreed to change settings that are no longer the team's
    # The team may have asked for more practice since the proposal: the trainee graduates
    # only once ready by the settings in force when it is agreed (seen as proposing it is).
    team, trainee = proposal.team, proposal.subject
    if (
        result == Status.ACCEPTED
        and proposal.kind == Proposal.Kind.GRADUATE
        and not practice.graduation_ready(trainee, team, seen_by=actor)
    ):
        if voted:
            raise _not_ready(trainee, team)
        return
    if result == Status.ACCEPTED:
        _apply(proposal, actor)
    if result != Status.OPEN:
        _close(proposal, result, actor)


# The audit trail's action for an agreed proposal that is not about a member nor the rule.
AUDITED_AS = {
    Proposal.Kind.DECISION_RULE: AuditEvent.Action.DECISION_RULE,
    Proposal.Kind.SETTINGS: AuditEvent.Action.TEAM_SETTINGS,
}


def _audited_as(proposal):
    """The audit trail's action for `proposal` settled: one that changed nothing (rejected,
    withdrawn, expired) is not recorded as a change."""
    if proposal.status != Status.ACCEPTED:
        return AuditEvent.Action.PROPOSAL_NOT_AGREED
    return AUDITED_AS.get(proposal.kind, AuditEvent.Action.MEMBERSHIP_CHANGED)


def _close(proposal, status, actor):
    proposal.status = status
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_at"])
    if proposal.kind == Proposal.Kind.ADD and status != Status.ACCEPTED:
        _release_hire_address(proposal.team, proposal.address)
    AuditEvent.record(
        _audited_as(proposal),
        actor,
        proposal.team,
        details=_stored_outcome(proposal),
    )


def _release_hire_address(team, address):
    """An address proposed for the team's hire and not agreed (or its invitation withdrawn) no
    longer says who the hire is (Application.member_email): saved, so that their page shows
    it."""
    hires = Application.objects.hires_of([team]).filter(member_email=address.lower())
    for hire in hires:
        hire.member_email = ""
        hire.save(update_fields=["member_email"])


def _stored_outcome(proposal):
    """The audit trail's words for a settled proposal: stored, so in the default language."""
    with stored_words():
        return f"{proposal.summary}: {proposal.get_status_display().lower()}"


def _apply(proposal, actor):
    team = proposal.team
    if proposal.kind == Proposal.Kind.RULE:
        team.membership_rule = proposal.membership_rule
        team.save(update_fields=["membership_rule"])
        _settle_others(proposal, actor)  # the votes cast are recounted under the new rule
    elif proposal.kind == Proposal.Kind.DECISION_RULE:
        rules.change_rule(proposal.opening, proposal.rule_after)
    elif proposal.kind == Proposal.Kind.REMOVE:
        _drop_member(team, proposal.subject, actor)
        _settle_others(proposal, actor)  # without the member removed, as when one leaves
    elif proposal.kind == Proposal.Kind.GRADUATE:
        team.pool_members.filter(user=proposal.subject).update(trainee=False)
    elif proposal.kind == Proposal.Kind.SETTINGS:
        _change_settings(team, proposal.rule_after)
    else:
        # The team agreed; the person, with an account or not, joins only if they accept.
        invite(proposal.address, invited_by=proposal.proposed_by, team=team)


def _settle_others(proposal, actor):
    for other in proposal.team.proposals.filter(status=Status.OPEN).exclude(pk=proposal.pk):
        _settle(other, actor)


def _change_settings(team, snapshot):
    """Give `team` the settings of `snapshot` (Team.settings_snapshot())."""
    for name, value in snapshot.items():
        setattr(team, name, Team._meta.get_field(name).to_python(value))
    # Only its fields: the team's versions are only ever moved by UPDATEs (hiring/freshness.py).
    team.save(update_fields=list(snapshot))
