"""Searching candidates, reviewing possible duplicates and merging them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.vary import vary_on_headers

from ..access import get_candidate_for_merge, merges_candidates, reviews_duplicates
from ..models import whole_number
from . import merging, search
from .forms import MergeForm, SearchForm

SEARCH = "hiring/candidates/search.html"


@never_cache
@vary_on_headers("HX-Request")
@login_required
def candidate_search(request):
    """The results page, or for htmx (typing in the header's box) the results alone."""
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    context = {
        "form": form,
        "query": query,
        "results": search.find(request.user, query),
        "max_results": search.MAX_RESULTS,
        "reviews_duplicates": reviews_duplicates(request.user),
    }
    template = f"{SEARCH}#results" if request.htmx else SEARCH
    return render(request, template, context, status=400 if form.errors else 200)


@never_cache
@login_required
def duplicates(request):
    if not reviews_duplicates(request.user):
        raise Http404
    rows, before = merging.pairs_to_review(_before(request))
    context = {"rows": rows, "before": before, "may_merge": merges_candidates(request.user)}
    return render(request, "hiring/candidates/duplicates.html", context)


def _before(request):
    """The keyset cursor of the page asked for; anything else is the first page."""
    value = request.GET.get("before", "")
    return whole_number(value) if len(value) <= 18 else None


@never_cache
@login_required
def candidate_merge(request, candidate_id, other_id):
    try:
        candidate = get_candidate_for_merge(request.user, candidate_id)
        other = get_candidate_for_merge(request.user, other_id)
    except Http404:
        # Merge clicked twice, or a page read before the merge: said so, not a missing page.
        kept = merges_candidates(request.user) and merging.merged_already(candidate_id, other_id)
        if not kept:
            raise
        return _merged_already(request, kept)
    if candidate.pk == other.pk:
        raise Http404
    # A POST with no choice at all is bound too: it is told so beside the field.
    form = MergeForm(
        request.POST if request.method == "POST" else None,
        records=[candidate, other],
        initial={"keep": candidate.pk},
    )
    if request.method == "POST" and form.is_valid():
        try:
            kept = merging.merge(form.cleaned_data["keep"], form.other(), request.user)
        except merging.MergeRefused as error:
            # A merge of the pair sent at the same instant went first: this one waited for its
            # locks, then found a record gone. Told as a merge sent twice is.
            kept = merging.merged_already(candidate.pk, other.pk)
            if kept:
                return _merged_already(request, kept)
            form.add_error(None, error)
        else:
            messages.success(request, _("Merged into record #%(number)s.") % {"number": kept.pk})
            return _merged(kept)
    records = [candidate, other]
    for record in records:
        record.listed_applications = record.applications.select_related("opening__team")
    context = {
        "form": form,
        "records": records,
        "reason": merging.duplicate_reason(candidate, other),
        "shared": merging.shared_openings(candidate, other),
        "erased": [record for record in records if record.erased_at],
    }
    return render(
        request,
        "hiring/candidates/merge.html",
        context,
        status=400 if form.errors else 200,
    )


def _merged_already(request, kept):
    messages.info(
        request,
        _("These records were merged already, into record #%(number)s.") % {"number": kept.pk},
    )
    return _merged(kept)


def _merged(kept):
    """Where a merge lands: the kept record's latest application, else the duplicates."""
    latest = kept.applications.order_by("-created_at").first()
    return redirect(latest or "candidate_duplicates")
