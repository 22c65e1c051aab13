"""A candidate's privacy page for recruiters and leadership (what is held, export, erasure,
legal hold) and the organisation admin's access log."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ..access import get_candidate_for_privacy, org_admin_required
from ..models import CandidateAccess
from . import holds
from .forms import HoldForm
from .inventory import candidate_data

ACCESS_LOG_PAGE_SIZE = 50


@never_cache
@login_required
def candidate_privacy(request, candidate_id):
    candidate = get_candidate_for_privacy(request.user, candidate_id)
    CandidateAccess.record(CandidateAccess.What.PRIVACY, request.user, candidate)
    return _render_privacy(request, candidate)


def _render_privacy(request, candidate, status=200, **forms):
    context = {
        "candidate": candidate,
        "applications": candidate.applications.select_related("opening__team"),
        "held": [(holding, rows.count()) for holding, rows in candidate_data(candidate)],
        "hold_form": forms.get("hold_form") or HoldForm(),
        **forms,
    }
    return render(request, "hiring/privacy/candidate.html", context, status=status)


@never_cache
@login_required
@require_POST
def candidate_hold(request, candidate_id):
    candidate = get_candidate_for_privacy(request.user, candidate_id)
    form = HoldForm(request.POST)
    if not form.is_valid():
        return _render_privacy(request, candidate, 400, hold_form=form)
    try:
        holds.put_on_hold(candidate, request.user, form.cleaned_data["reason"])
    except ValidationError as error:
        form.add_error(None, error)
        return _render_privacy(request, candidate, 409, hold_form=form)
    messages.success(request, "On legal hold: erasure and retention skip this candidate.")
    return redirect("candidate_privacy", candidate.pk)


@never_cache
@login_required
@require_POST
def candidate_release(request, candidate_id):
    candidate = get_candidate_for_privacy(request.user, candidate_id)
    try:
        holds.release(candidate, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Hold released.")
    return redirect("candidate_privacy", candidate.pk)


@never_cache
@login_required
@org_admin_required
def access_log(request):
    """Who opened which candidate's page, résumé or export: the organisation admin's view."""
    accesses = CandidateAccess.objects.select_related("candidate", "user")
    candidate_id = request.GET.get("candidate", "")
    if candidate_id.isdigit():
        accesses = accesses.filter(candidate_id=int(candidate_id))
    page = Paginator(accesses, ACCESS_LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "candidate_id": candidate_id if candidate_id.isdigit() else ""}
    return render(request, "hiring/privacy/access_log.html", context)


# Export: the recruiter's and the candidate's (hiring/privacy/export.py).


# Erasure: the recruiter's and the candidate's (hiring/privacy/erasure.py).
