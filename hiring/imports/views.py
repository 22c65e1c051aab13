"""Importing candidates from a CSV: upload, the check's progress, the checked rows, the progress
of the import."""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh
from kombu.exceptions import KombuError

from ..access import get_import_for_pipeline, get_opening_for_pipeline
from ..models import CandidateImport
from . import imports
from .forms import ImportForm
from .tasks import check_import, run_import

TEMPLATE = "hiring/imports/import_detail.html"

logger = logging.getLogger(__name__)


@never_cache
@login_required
def import_new(request, opening_id):
    opening = get_opening_for_pipeline(request.user, opening_id)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            candidate_import = imports.upload(
                opening, request.user, form.cleaned_data["file"].name, form.table
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # Made here instead if the broker refuses it (runs_here_if_refused).
            check_import.delay_or_keep(candidate_import.pk)
            if form.table.ignored:
                messages.info(request, _left_out(form.table.ignored))
            if form.table.fallbacks:
                messages.info(request, _read_as_fallbacks(form.table.fallbacks))
            return redirect("import_detail", candidate_import.pk)
    return render(
        request,
        "hiring/imports/import_form.html",
        {"form": form, "opening": opening},
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
def import_detail(request, import_id):
    """The check's progress, the checked rows before the import, its progress after: htmx
    asks for the progress alone every second while the worker has it, and the whole page
    again once the rows are checked."""
    candidate_import = get_import_for_pipeline(request.user, import_id)
    context = _context(candidate_import, request.GET)
    if request.htmx:
        if candidate_import.status == CandidateImport.Status.PREVIEW:
            return HttpResponseClientRefresh()
        return render(request, f"{TEMPLATE}#progress", context)
    return render(request, TEMPLATE, context)


@never_cache
@login_required
@require_POST
def import_start(request, import_id):
    candidate_import = get_import_for_pipeline(request.user, import_id)
    try:
        if imports.start(candidate_import):
            run_import.delay_on_commit(candidate_import.pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except KombuError:
        # Queued, but no worker will know: else the page would show it waiting for ever.
        logger.exception("Candidate import %s not handed to the worker", candidate_import.pk)
        imports.back_to_preview(candidate_import)
        messages.error(
            request,
            _(
                "Teamfit could not start the import just now, so nothing was imported. Start "
                "it again in a few minutes."
            ),
        )
    return redirect("import_detail", candidate_import.pk)


def _context(candidate_import, query):
    """The import, and in its preview a page of its rows (?page=), those with problems alone
    if asked (?show=problems): a file of thousands of rows is read a page at a time."""
    Status = CandidateImport.Status
    rows = candidate_import.rows if candidate_import.status == Status.PREVIEW else []
    ready = len(imports.valid_rows(rows))
    rows = [{**row, "problems": imports.problems(row)} for row in rows]
    problems_only = query.get("show") == "problems"
    shown = [row for row in rows if row["problems"]] if problems_only else rows
    return {
        "candidate_import": candidate_import,
        "opening": candidate_import.opening,
        "total": len(rows),
        "page": Paginator(shown, PREVIEW_PAGE_ROWS).get_page(query.get("page")),
        "problems_only": problems_only,
        "ready": ready,
        "left_out": len(rows) - ready,
        "working": candidate_import.status in (Status.CHECKING, Status.QUEUED, Status.RUNNING),
        "expired": imports.expired_message() if candidate_import.status == Status.EXPIRED else "",
    }


# Rows a preview page shows: 5,000 rows made a page of 2 MB.
PREVIEW_PAGE_ROWS = 100


def _left_out(columns):
    return _("Columns left out: %(columns)s.") % {"columns": imports.named(columns)}


def _read_as_fallbacks(columns):
    return _("Read only where an earlier column of the same kind is empty: %(columns)s.") % {
        "columns": imports.named(columns)
    }
