"""The candidate's own pages, through the signed link in every email to them: where they
stand, their interviews in their zone, their time zone, and withdrawing."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ..accounts.links import signed_link
from ..models import Application
from ..ratelimit import limit_candidate_posts
from . import status
from .forms import TimeZoneForm, WithdrawForm


@never_cache
@signed_link(Application.from_status_token)
def candidate_status(request, application, token):
    status.remember_language(application.candidate, request)
    return _status_page(request, application, token)


def _status_page(request, application, token, form=None, status_code=200):
    candidate = application.candidate
    offer = status.sent_offer(application)
    context = {
        "application": application,
        "candidate": candidate,
        "token": token,
        "where": status.where(application, offer),
        "shown_stage": status.shown_stage(application, offer),
        "offer": offer,
        "closed": status.closed_for_them(application),
        "withdrawal_reason": status.own_withdrawal_reason(application),
        "interviews": status.upcoming_interviews(application),
        "zone_name": candidate.zone_name,
        "form": form or TimeZoneForm(initial={"time_zone": candidate.zone_name}),
    }
    return render(request, "hiring/portal/status.html", context, status=status_code)


@never_cache
@require_POST
@limit_candidate_posts
@signed_link(Application.from_status_token)
def candidate_time_zone(request, application, token):
    form = TimeZoneForm(request.POST)
    if not form.is_valid():
        return _status_page(request, application, token, form, 400)
    status.set_time_zone(application.candidate, form.cleaned_data["time_zone"])
    messages.success(request, _("Saved: times are now shown in your time zone."))
    return redirect("candidate_status", token=token)


@never_cache
@limit_candidate_posts
@signed_link(Application.from_status_token)
def candidate_withdraw(request, application, token):
    """GET: ask the candidate to confirm, and why if they would say; POST: withdraw the
    application."""
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    context = {"application": application, "token": token, "form": form}
    if request.method == "POST":
        if application.own_withdrawal():  # sent twice (a double click): done once
            return render(request, "hiring/portal/withdrawn.html", context)
        if not form.is_valid():
            return render(request, "hiring/portal/withdraw.html", context, status=400)
        try:
            status.withdraw(application, **form.withdrawal())
        except ValidationError as error:
            context["error"] = " ".join(error.messages)
            return render(request, "hiring/portal/withdraw.html", context, status=409)
        return render(request, "hiring/portal/withdrawn.html", context)
    context["error"] = status.why_closed(application)
    return render(request, "hiring/portal/withdraw.html", context)
