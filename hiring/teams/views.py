from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from scorecards import practice
from scorecards.access import get_trainee_for

from ..access import (
    get_hire_of,
    get_proposal_for_member,
    get_team_for,
    get_team_for_member,
    get_team_invitation_for_member,
    with_shown_details,
    withdraws_team_invitation,
)
from ..accounts.adapter import SESSION_KEY
from ..accounts.links import link_unusable
from ..models import Ballot, Invitation, LinkError, PoolMember, Proposal, Team
from . import invitations, membership
from .forms import (
    MembershipRuleForm,
    ProposeMemberForm,
    TeamForm,
    TeamSettingsForm,
)

# Who must approve, as the removal question says it: "(majority of members must approve)".
MUST_APPROVE = {
    Team.MembershipRule.MAJORITY: pgettext_lazy("who must approve", "majority of members"),
    Team.MembershipRule.ANY_MEMBER: pgettext_lazy("who must approve", "any one member"),
    Team.MembershipRule.UNANIMOUS: pgettext_lazy("who must approve", "every member"),
}


@login_required
def team_list(request):
    teams = Team.objects.visible_to(request.user).annotate(member_count=Count("memberships"))
    return render(request, "hiring/teams/team_list.html", {"teams": teams})


@login_required
def team_create(request):
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        team = membership.create_team(request.user, **form.cleaned_data)
        messages.success(
            request, _("You created %(team)s and are its first member.") % {"team": team}
        )
        return redirect(team)
    return render(
        request, "hiring/teams/team_form.html", {"form": form}, status=400 if form.errors else 200
    )


def _render_team(request, team, status=200, **context):
    """The team page, or only its proposals section when htmx asks for it."""
    trainee = PoolMember.objects.filter(team=team, user=OuterRef("user"), trainee=True)
    memberships = list(
        team.memberships.select_related("user")
        .annotate(is_trainee=Exists(trainee))
        .order_by("user__display_name")
    )
    # An opening's title is in the summary of a proposal to change its decision rule.
    proposals = team.proposals.select_related("subject", "proposed_by", "opening").prefetch_related(
        Prefetch("votes", queryset=Ballot.objects.select_related("voter")), "voters"
    )
    open_proposals = list(proposals.filter(status=Proposal.Status.OPEN))
    members = [m.user for m in memberships]
    member_ids = {member.pk for member in members}
    is_member = request.user.pk in member_ids
    for proposal in membership.with_hires(open_proposals):
        votes = {v.voter_id: v.approve for v in proposal.votes.all()}
        voters = membership.electorate(proposal, members)
        proposal.my_vote = votes.get(request.user.pk)
        proposal.can_vote = request.user.pk in voters
        proposal.approvals = sum(1 for voter in voters if votes.get(voter) is True)
        proposal.approvals_needed = membership.approvals_needed(team.membership_rule, len(voters))
        # Deactivated since it was made, they cannot vote: it waits, or is made again.
        proposal.held_up_by = [
            m.user
            for m in memberships
            if m.user_id in voters - votes.keys() and not m.user.is_active
        ]
    if is_member and "propose_form" not in context:  # only members propose
        hires = membership.hires_to_join(team, members)
        context["propose_form"] = ProposeMemberForm(hires=hires)
    context = {
        "team": team,
        "openings": team.openings.annotate(application_count=Count("applications")),
        "timeline": with_shown_details(
            request.user, team.audit_events.filter(application=None).select_related("actor")[:30]
        ),
        "memberships": memberships,
        "is_member": is_member,
        "open_proposals": open_proposals,
        "decided_proposals": team.proposals.select_related("subject", "opening").exclude(
            status=Proposal.Status.OPEN
        )[:10],
        # Those the team agreed to, who have not accepted yet: not members until they do.
        "invited": [
            (invitation, withdraws_team_invitation(request.user, invitation, members))
            for invitation in team.invitations.pending()
        ],
        "trainees": [m.user for m in memberships if m.is_trainee],
        "rule_form": MembershipRuleForm(team=team),
        **context,
    }
    template = "hiring/teams/team_detail.html"
    if request.htmx:
        template += "#membership"
    return render(request, template, context, status=status)


@login_required
def team_detail(request, team_id):
    team = get_team_for(request.user, team_id)
    return _render_team(request, team)


@login_required
@require_POST
def propose_member(request, team_id):
    team = get_team_for_member(request.user, team_id)
    hires = membership.hires_to_join(team, team.members.all())
    form = ProposeMemberForm(request.POST, hires=hires)
    if form.is_valid():
        hire = form.cleaned_data.get("hire")
        try:
            proposal = membership.propose_member(
                team,
                request.user,
                form.cleaned_data["email"],
                hire=None if hire is None else get_hire_of(team, hire),
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            _announce(request, proposal)
            return _after_change(request, team)
    return _render_team(request, team, status=400, propose_form=form)


@login_required
@require_POST
def propose_rule(request, team_id):
    team = get_team_for_member(request.user, team_id)
    form = MembershipRuleForm(request.POST, team=team)
    if form.is_valid():
        try:
            proposal = membership.propose_rule(
                team, request.user, form.cleaned_data["membership_rule"], form.shown_snapshot()
            )
        except ValidationError as error:
            form.add_error("membership_rule", error)
            form.show_current()
        else:
            _announce(request, proposal)
            return _after_change(request, team)
    return _render_team(request, team, status=400, rule_form=form)


@login_required
def propose_removal(request, team_id, user_id):
    """Asks first (GET); the page's button proposes the removal, with the proposer's vote."""
    team = get_team_for_member(request.user, team_id)
    member = team.members.filter(pk=user_id).first()
    if member is None:  # they left, or were removed, since the page linking here was read
        error = _("They are no longer a member of %(team)s: nothing was proposed.") % {"team": team}
        return _render_team(request, team, status=400, error=error)
    if request.method != "POST":
        who = MUST_APPROVE.get(team.membership_rule) or team.get_membership_rule_display().lower()
        question = {
            "title": _("Propose removing %(member)s from %(team)s?")
            % {"member": member, "team": team},
            "consequence": _(
                "The team votes on it (%(who)s must approve), and your approval is the first "
                "vote. Once approved, %(member)s is no longer a member. You can withdraw the "
                "proposal while the vote is open."
            )
            % {"who": who, "member": member},
            "action": _("Propose removal"),
            "keep": _("Back to the team"),
            "back": team.get_absolute_url(),
            "about": team,
        }
        return render(request, "hiring/confirm.html", question)
    return _act(request, team, lambda: membership.propose_removal(team, request.user, member))


@login_required
@require_POST
def vote(request, team_id, proposal_id):
    proposal = get_proposal_for_member(request.user, team_id, proposal_id)
    approve = request.POST.get("approve")
    if approve not in ("yes", "no"):
        return _render_team(
            request, proposal.team, status=400, error=_("Choose approve or reject.")
        )
    return _act(
        request,
        proposal.team,
        lambda: membership.cast_vote(proposal, request.user, approve == "yes"),
    )


@login_required
@require_POST
def withdraw_proposal(request, team_id, proposal_id):
    proposal = get_proposal_for_member(request.user, team_id, proposal_id)
    return _act(request, proposal.team, lambda: membership.withdraw(proposal, request.user))


@never_cache
@login_required
def withdraw_invitation(request, team_id, invitation_id):
    """Asks first (GET); the page's button withdraws the team's invitation."""
    invitation = get_team_invitation_for_member(request.user, team_id, invitation_id)
    team = invitation.team
    if request.method != "POST":
        back = team.get_absolute_url()
        # Answered or withdrawn since the link was shown: said so, with no button to refuse.
        ended = invitations.no_longer_waiting_page(invitation, back, _("Back to the team"))
        page = ended or {
            "title": _("Withdraw the invitation to %(email)s?") % {"email": invitation.email},
            "consequence": _(
                "The link in their email stops working, and they do not join %(team)s. The "
                "team may propose them again."
            )
            % {"team": team},
            "action": _("Withdraw the invitation"),
            "keep": _("Keep the invitation"),
            "back": back,
        }
        return render(request, "hiring/confirm.html", page)
    try:
        membership.withdraw_invitation(invitation, request.user)
    except ValidationError as error:
        return _render_team(request, team, status=400, error=" ".join(error.messages))
    messages.success(
        request, _("The invitation to %(email)s is withdrawn.") % {"email": invitation.email}
    )
    return redirect(team)


@login_required
def team_settings(request, team_id):
    """The team's settings; a change to them is a proposal the team's membership rule settles."""
    team = get_team_for_member(request.user, team_id)
    form = TeamSettingsForm(request.POST or None, instance=team)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = membership.propose_settings(
                team, request.user, form.proposed(), shown=form.shown_snapshot()
            )
        except ValidationError as error:
            form.add_error(None, error)
            form.show_current()
        else:
            _announce(request, proposal)
            return redirect("team_settings", team.pk)
    waiting = team.proposals.filter(
        status=Proposal.Status.OPEN, kind=Proposal.Kind.SETTINGS
    ).select_related("proposed_by")
    return render(
        request,
        "hiring/teams/team_settings.html",
        {"team": team, "form": form, "waiting": waiting.first()},
        status=400 if form.errors else 200,
    )


@login_required
@never_cache  # candidates' names and scores
def trainee_progress(request, team_id, user_id):
    """A trainee's practice cases against their panels, and their calibration: for the trainee
    and the team's members."""
    team, trainee = get_trainee_for(request.user, team_id, user_id)
    return _render_progress(request, team, trainee)


def _render_progress(request, team, trainee, error=None, status=200):
    found = practice.cases(trainee, team)
    shown = practice.shown_to(request.user, trainee, found)
    # The viewer's summary, and whether the trainee is ready, of what they may read.
    summary = practice.summarise(
        [case.comparison for case in shown if case.comparison], team.practice_tolerance
    )
    context = {
        "team": team,
        "trainee": trainee,
        "cases": shown,
        "summary": summary,
        "is_trainee": team.pool_members.filter(user=trainee, trainee=True).exists(),
        "ready": practice.ready(shown, team),
        "open_graduation": team.proposals.filter(
            status=Proposal.Status.OPEN, kind=Proposal.Kind.GRADUATE, subject=trainee
        ).first(),
        "error": error,
    }
    return render(request, "hiring/teams/trainee_progress.html", context, status=status)


@login_required
@require_POST
def propose_graduation(request, team_id, user_id):
    team, trainee = get_trainee_for(request.user, team_id, user_id)
    try:
        proposal = membership.propose_graduation(team, request.user, trainee)
    except ValidationError as error:
        return _render_progress(request, team, trainee, " ".join(error.messages), status=400)
    _announce(request, proposal)
    return redirect(team)


@login_required
def leave_team(request, team_id):
    team = get_team_for_member(request.user, team_id)
    if request.method == "POST":
        membership.leave_team(team, request.user)
        messages.success(request, _("You left %(team)s.") % {"team": team})
        return redirect("home")
    stranded = membership.undecided_if_last_to_leave(team, request.user)
    return render(request, "hiring/teams/leave_team.html", {"team": team, "stranded": stranded})


def _act(request, team, action):
    """Run a membership action; its refusal is shown on the team page, never a crash."""
    try:
        result = action()
    except ValidationError as error:
        return _render_team(request, team, status=400, error=" ".join(error.messages))
    if isinstance(result, Proposal):
        _announce(request, result)
    return _after_change(request, team)


def _announce(request, proposal):
    if proposal.status == Proposal.Status.ACCEPTED:
        messages.success(request, proposal.announcement)
    else:
        messages.info(request, proposal.announcement)


def _after_change(request, team):
    if request.htmx:
        team.refresh_from_db()
        return _render_team(request, team)
    return redirect(team)


@never_cache  # shows the invited address
def invitation(request, token):
    """Where an invitation link lands: sign up, or join with the account already signed in."""
    try:
        invitation = Invitation.from_token(token)
    except LinkError as error:
        return link_unusable(request, "invitation", error)
    if request.user.is_authenticated:
        if not invitation.is_for(request.user):
            reason = _("This invitation is for %(email)s. Sign out to use it.") % {
                "email": invitation.email
            }
            return link_unusable(request, "invitation", reason, status=403)
        if request.method == "POST":
            # A team's invitation asks whether they join: people choose their team too.
            declines = invitation.team and request.POST.get("answer") == "decline"
            answer = invitations.decline_invitation if declines else invitations.accept_invitation
            try:
                answer(invitation, request.user)
            except ValidationError as error:  # answered in another tab a moment ago
                reason = " ".join(error.messages)
                return link_unusable(request, "invitation", reason)
            if declines:
                messages.info(
                    request, _("You declined to join %(team)s.") % {"team": invitation.team}
                )
                return redirect("home")
            messages.success(request, _("Invitation accepted."))
            return redirect(invitation.team or "home")
        return render(request, "hiring/teams/invitation.html", {"invitation": invitation})
    if invitation.account:
        login = reverse("account_login")
        return redirect(f"{login}?next={request.path}")
    if invitation.team and request.method != "POST":
        # Asked first, as someone with an account is: joining a team is their choice too.
        return render(request, "hiring/teams/invitation.html", {"invitation": invitation})
    if invitation.team and request.POST.get("answer") == "decline":
        try:
            invitations.decline_invitation(invitation)  # the link, sent to them, says who
        except ValidationError as error:  # answered in another tab a moment ago
            return link_unusable(request, "invitation", " ".join(error.messages))
        context = {"invitation": invitation, "declined": True}
        return render(request, "hiring/teams/invitation.html", context)
    request.session[SESSION_KEY] = token
    get_adapter(request).stash_verified_email(request, invitation.email)
    return redirect(f"{reverse('account_signup')}?{urlencode({'email': invitation.email})}")
