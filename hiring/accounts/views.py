from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ..access import (
    get_invitation_for_admin,
    get_person_for_admin,
    org_admin_required,
    with_shown_details,
)
from ..models import AuditEvent, Invitation, Organisation, Team, User
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
    teams = (
        Team.objects.visible_to(user)
        .annotate(
            member_count=Count("memberships", distinct=True),
            open_proposals=Count("proposals", filter=Q(proposals__status="open"), distinct=True),
        )
        .order_by("name")
    )
    context = {
        "teams": teams,
        "my_team_ids": set(Team.objects.of_member(user).values_list("pk", flat=True)),
        "next": next_steps.for_user(user),
    }
    if user.is_org_admin:
        context["pending_invitations"] = Invitation.objects.pending().to_organisation()
    return render(request, "hiring/accounts/home.html", context)


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
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Organisation settings saved."))
        return redirect("organisation")
    return _render_organisation(request, form=form, status=400 if form.errors else 200)


def _render_organisation(request, status=200, **context):
    context.setdefault("form", OrganisationForm(instance=Organisation.current()))
    context.setdefault("invite_form", InviteForm())
    context["invitations"] = Invitation.objects.to_organisation().select_related(
        "invited_by", "accepted_by"
    )[:50]
    context["people"] = User.objects.order_by("display_name")
    context["timeline"] = with_shown_details(
        request.user, AuditEvent.objects.filter(team=None).select_related("actor")[:30]
    )
    return render(request, "hiring/accounts/organisation.html", context, status=status)


@never_cache
@login_required
def person_edit(request, user_id):
    person = get_person_for_admin(request.user, user_id)
    form = PersonForm(request.POST or None, instance=User.objects.get(pk=person.pk))
    if request.method == "POST" and form.is_valid():
        try:
            people.change_person(person, request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            name = form.cleaned_data["display_name"]
            messages.success(request, _("%(name)s saved.") % {"name": name})
            return redirect("organisation")
    context = {"person": person, "form": form}
    status = 400 if form.errors else 200
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
        question = {
            "title": _("Withdraw the invitation for %(email)s?") % {"email": invitation.email},
            "consequence": _("The link in their email stops working. You can invite them again."),
            "action": _("Withdraw the invitation"),
            "keep": _("Keep the invitation"),
            "back": reverse("organisation"),
        }
        return render(request, "hiring/confirm.html", question)
    if invitation.revoke():
        messages.success(
            request, _("Invitation for %(email)s withdrawn.") % {"email": invitation.email}
        )
    else:
        messages.error(request, _("That invitation was already accepted."))
    return redirect("organisation")
