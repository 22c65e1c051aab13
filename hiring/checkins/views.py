"""A post-hire check-in: its raters write their reviews on it, and the team reads them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ..access import get_check_in_for, reads_check_in_reviews
from . import checkins
from .forms import CheckInForm

TEMPLATE = "hiring/checkins/check_in.html"


def _criteria(check_in):
    return list(check_in.version.criteria.order_by("position", "pk"))


def _context(user, check_in, form=None):
    now = timezone.now()
    criteria = _criteria(check_in)
    raters = checkins.raters_of([check_in])[check_in.pk]
    reviews = checkins.reviews_of(check_in)
    own = next((review for review in reviews if review.rater_id == user.pk), None)
    fills = checkins.fills(user, check_in, raters, own, now)
    context = {
        "check_in": check_in,
        "application": check_in.application,
        "candidate": check_in.application.candidate,
        "criteria": criteria,
        "own": own,
        "is_rater": user in raters,
        "fills": fills,
        "is_due": check_in.due_at <= now,
        "is_closed": checkins.is_closed(check_in, now),
        "readable": reads_check_in_reviews(user, check_in, raters, reviews, now),
    }
    if form is not None:  # posted: its errors shown, whether or not it may still be filled
        context["form"] = form
    elif fills:
        context["form"] = CheckInForm(initial=CheckInForm.initial_from(own), criteria=criteria)
    if context["readable"]:
        submitted = [review for review in reviews if review.submitted_at]
        scores = [
            {r.criterion_id: None if r.no_evidence else r.score for r in review.ratings.all()}
            for review in submitted
        ]
        by_id = {criterion.pk: criterion for criterion in criteria}
        context["submitted"] = submitted
        context["results"] = [
            (by_id[row.criterion_id], row)
            for row in checkins.results([c.pk for c in criteria], scores)
        ]
        context["tally"] = checkins.would_hire_again_tally(r.would_hire_again for r in submitted)
        done = {review.rater_id for review in submitted}
        context["not_submitted"] = [rater for rater in raters if rater.pk not in done]
    return context


def _render(request, check_in, form=None, status=200, **extra):
    template = f"{TEMPLATE}#review" if request.htmx and form is not None else TEMPLATE
    context = _context(request.user, check_in, form) | extra
    return render(request, template, context, status=status)


def _refuse_stale(request, check_in, stale, form):
    """A save or submit from a page older than the draft: nothing of it is kept, and the draft
    as it now is comes back with the reason beside the form (never a silent merge), and with
    the notes the older page sent, to copy from."""
    context = {"refused": " ".join(stale.messages), "typed": _typed(form)}
    return _render(request, check_in, status=409, **context)


def _typed(form):
    """The notes a refused post sent, to copy from: its page no longer shows them."""
    typed = form.data.get("notes", "")
    return typed if typed.strip() else ""


@never_cache
@login_required
def check_in_detail(request, check_in_id):
    return _render(request, get_check_in_for(request.user, check_in_id))


@never_cache
@login_required
@require_POST
def check_in_draft(request, check_in_id):
    """Autosave (htmx, as the form changes) and the plain "Save draft" button."""
    check_in = get_check_in_for(request.user, check_in_id)
    form = CheckInForm(request.POST, criteria=_criteria(check_in))
    refused, review, status = None, None, 400  # refused: the domain's reason, no field shows
    if form.is_valid():
        try:
            review = checkins.save_draft(check_in, request.user, **form.changes())
        except checkins.StaleDraft as stale:
            if not request.htmx:
                return _refuse_stale(request, check_in, stale, form)
            refused, status = " ".join(stale.messages), 409
        except ValidationError as exc:
            refused = " ".join(exc.messages)
    error = refused or " ".join(e for errors in form.errors.values() for e in errors)
    if request.htmx:
        context = {
            "own": review,
            "draft_version": checkins.draft_version(review),
            "save_error": error,
        }
        return render(request, f"{TEMPLATE}#draft-status", context, status=status if error else 200)
    if error:
        if refused:  # a field's own error shows beside it, once
            form.add_error(None, refused)
        return _render(request, check_in, form, status=400, typed=_typed(form))
    messages.success(request, _("Draft saved."))
    return redirect("check_in_detail", check_in.pk)


@never_cache
@login_required
@require_POST
def check_in_submit(request, check_in_id):
    check_in = get_check_in_for(request.user, check_in_id)
    form = CheckInForm(request.POST, criteria=_criteria(check_in))
    if form.is_valid():
        try:
            checkins.submit(check_in, request.user, **form.changes())
        except checkins.StaleDraft as stale:
            return _refuse_stale(request, check_in, stale, form)
        except ValidationError as exc:
            form.add_error(None, exc)  # each message beside its field
        else:
            messages.success(request, _("Check-in submitted."))
            return redirect("check_in_detail", check_in.pk)
    return _render(request, check_in, form, status=400, typed=_typed(form))
