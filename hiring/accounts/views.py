from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, Min, OuterRef, Q
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from scorecards.models import CheckIn

from .. import freshness
from ..access import (
    get_invitation_for_admin,
    get_person_for_admin,
    org_admin_required,
    with_shown_details,
)
from ..models import (
    AuditEvent,
    ChangedMeanwhile,
    Invitation,
    Membership,
    Organisation,
    Team,
    User,
)
from ..teams import invitations
from . import next_steps, people
from .forms import InviteForm, OrganisationForm, PersonForm, ProfileForm


def favicon(request):
    # Browsers ask for /favicon.ico whatever the page links; in production the name is hashed.
    return redirect(static("favicon.svg"), permanent=True)


@never_cache
@login_required
def home(request):
    user = request.user
    now = timezone.now()
    teams = list(teams_read_by(user))
    read_now = []  # next_steps.for_user(), when the cached part is rendered on this request

    def render_lasting():
        read_now.append(next_steps.for_user(user, now, teams))
        lasting, good_until = lasting_steps(request, read_now[0], now, teams)
        lasting["teams"] = render_to_string(
            "hiring/accounts/home.html#teams", {"teams": teams}, request
        )
        return lasting, good_until

    context = {
        # Cached for this reader until one of these teams changes, or the clock changes it;
        # and with the teams' table as it reads, since no team's version follows proposals.
        "lasting": freshness.cached_for_viewer(
            request, "home", _table(teams), teams, render_lasting
        ),
        # Read on every request; from what the cached part just read, if it did.
        "next": (
            _passing(read_now[0])
            if read_now
            else next_steps.for_user(user, now, teams, names=PASSING_STEPS)
        ),
    }
    if user.is_org_admin:
        context["pending_invitations"] = Invitation.objects.pending().to_organisation()
    return render(request, "hiring/accounts/home.html", context)


def _table(teams):
    """What the teams' table shows of each team."""
    return [
        (
            team.pk,
            team.name,
            team.member_count,
            team.open_proposals,
            team.membership_rule,
            team.is_member,
        )
        for team in teams
    ]


def teams_read_by(user):
    """The teams whose data the home page shows `user`, with what its table says of each, in
    one query: those they see (a scorecard is written only while a member of its team)."""
    return (
        Team.objects.visible_to(user)
        .annotate(
            is_member=Exists(Membership.objects.filter(team=OuterRef("pk"), user=user)),
            member_count=Count("memberships", distinct=True),
            open_proposals=Count("proposals", filter=Q(proposals__status="open"), distinct=True),
        )
        .order_by("name")
    )


# The sections of next_steps.for_user() whose rows only their teams' data and the clock change
# (an offer's every save moves its team on, its expiry's too, as do a decision's audited
# recording or confirmation, an email's confirmation or discarding, the times offered to a
# candidate and those they propose, hiring/freshness.py).
LASTING_STEPS = (
    "scorecards",
    "check_ins",
    "decisions",
    "offers",
    "hires_without_offer",
    "offers_expired",
    "emails",
    "stale",
    "proposed_times",
    "panels",
)
# The others, read on every request: votes follow proposals and ballots, and a team's
# invitation is to someone not yet in it, neither moving a version the page follows.
PASSING_STEPS = ("votes", "invitations")


def lasting_steps(request, steps, now, teams):
    """Those of `steps` (next_steps.for_user() at `now` over `teams`) that change only with
    their teams' data or the clock, rendered, and the moment the clock would change them."""
    lasting = {name: section for name, section in steps.items() if name in LASTING_STEPS}
    content = render_to_string("hiring/accounts/home.html#lasting", {"next": lasting}, request)
    shown = {"content": content, "any": bool(lasting)}
    return shown, _reads_differently_at(request.user, lasting, now, teams)


def _reads_differently_at(user, steps, now, teams):
    """When the clock alone would change these next steps: a scorecard turning overdue, a
    check-in closing or coming due, a stalled pipeline's day count going up or another
    pipeline stalling, times offered to a candidate expiring."""

    def rows(name):
        return steps[name].rows if name in steps else []

    moments = [item.due_at for item in rows("scorecards") if not item.is_overdue]
    # Times offered and not answered, until the offer expires.
    moments += [
        application.offered_at + timedelta(days=settings.SLOT_OFFER_MAX_AGE_DAYS)
        for application in rows("panels")
        if application.offered_at
    ]
    moments += [check_in.closes_at for check_in in rows("check_ins")]
    moments += [
        opening.last_move + timedelta(days=opening.days_still + 1) for opening in rows("stale")
    ]
    own = next_steps.own_teams(teams)
    if own:  # check-ins are for their teams' members
        moments.append(_next_check_in_due(own, now))
    if user.is_leadership:
        moments.append(next_steps.next_stalling(now))
    return freshness.earliest(*moments)


def _next_check_in_due(own, now):
    """The first check-in of the reader's teams (`own`, their ids) still to come due: none
    joins their list before."""
    upcoming = CheckIn.objects.filter(application__opening__team__in=own, due_at__gt=now)
    return upcoming.aggregate(first=Min("due_at"))["first"]


def _passing(steps):
    """The sections of `steps` read on every request."""
    return {name: section for name, section in steps.items() if name in PASSING_STEPS}


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile is saved."))
        return redirect("profile")
    return render(
        request, "hiring/accounts/profile.html", {"form": form}, status=400 if form.errors else 200
    )


@never_cache
@login_required
@org_admin_required
def organisation(request):
    organisation = Organisation.current()
    form = OrganisationForm(request.POST or None, instance=organisation)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        # The version the page was opened on (change_organisation checks it).
        based_on = request.POST.get("based_on")
        try:
            people.change_organisation(form, request.user, based_on)
        except ChangedMeanwhile as changed:
            form.add_error(None, changed)
            context["meanwhile"] = changed.current
            context["based_on"] = people.organisation_version(changed.current)
            return _render_organisation(request, status=409, **context)
        messages.success(request, _("Organisation settings saved."))
        return redirect("organisation")
    if request.POST.get("based_on"):  # refused for its values: still the page's version
        context["based_on"] = request.POST["based_on"]
    return _render_organisation(request, status=400 if form.errors else 200, **context)


# People listed a page: an organisation of thousands still opens its page at once.
PEOPLE_PAGE_SIZE = 50


def _render_organisation(request, status=200, **context):
    context.setdefault("form", OrganisationForm(instance=Organisation.current()))
    # Read again: a form refused holds the values it was sent in its instance.
    context.setdefault("based_on", people.organisation_version(Organisation.current()))
    context["invitations"] = Invitation.objects.to_organisation().select_related(
        "invited_by", "accepted_by"
    )[:50]
    people_list = User.objects.order_by("display_name", "pk")  # pk: pages that never overlap
    context["people"] = Paginator(people_list, PEOPLE_PAGE_SIZE).get_page(request.GET.get("page"))
    context["timeline"] = with_shown_details(
        request.user, AuditEvent.objects.filter(team=None).select_related("actor")[:30]
    )
    return render(request, "hiring/accounts/organisation.html", context, status=status)


@never_cache
@login_required
def person_edit(request, user_id):
    person = get_person_for_admin(request.user, user_id)
    form = PersonForm(request.POST or None, instance=User.objects.get(pk=person.pk))
    # The version the page was opened on (change_person checks it).
    based_on = request.POST.get("based_on") if request.method == "POST" else None
    meanwhile = None
    if request.method == "POST" and form.is_valid():
        try:
            people.change_person(person, request.user, **form.cleaned_data, based_on=based_on)
        except ChangedMeanwhile as changed:
            form.add_error(None, changed)
            meanwhile = changed.current
            based_on = people.person_version(meanwhile)  # saving again replaces it
        except ValidationError as error:
            form.add_error(None, error)
        else:
            name = form.cleaned_data["display_name"]
            messages.success(request, _("%(name)s saved.") % {"name": name})
            return redirect("organisation")
    context = {
        "person": person,
        "form": form,
        "based_on": people.person_version(person) if based_on is None else based_on,
        "meanwhile": meanwhile,
    }
    status = 409 if meanwhile else 400 if form.errors else 200
    return render(request, "hiring/accounts/person_form.html", context, status=status)


@login_required
@org_admin_required
@require_POST
def invite(request):
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invitation = invitations.invite(
                form.cleaned_data["email"], invited_by=request.user, role=form.cleaned_data["role"]
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("organisation")
    return _render_organisation(request, status=400, invite_form=form)


@never_cache
@login_required
def revoke_invitation(request, invitation_id):
    """Asks first (GET); the page's button withdraws the invitation."""
    invitation = get_invitation_for_admin(request.user, invitation_id)
    if request.method != "POST":
        back = reverse("organisation")
        # Answered or withdrawn since the link was shown: said so, with no button to refuse.
        ended = invitations.no_longer_waiting_page(invitation, back, _("Back to the organisation"))
        page = ended or {
            "title": _("Withdraw the invitation for %(email)s?") % {"email": invitation.email},
            "consequence": _("The link in their email stops working. You can invite them again."),
            "action": _("Withdraw the invitation"),
            "keep": _("Keep the invitation"),
            "back": back,
        }
        return render(request, "hiring/confirm.html", page)
    try:
        invitations.withdraw(invitation, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Invitation for %(email)s withdrawn.") % {"email": invitation.email}
        )
    return redirect("organisation")
