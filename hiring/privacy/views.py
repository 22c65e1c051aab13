"""A candidate's privacy page for recruiters and leadership (what is held, export, erasure,
legal hold) and the organisation admin's access log."""

import logging
import time
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from kombu.exceptions import KombuError

from ..access import (
    downloads_export,
    get_candidate_for_privacy,
    get_export_for_privacy,
    org_admin_required,
)
from ..accounts.links import signed_link
from ..models import Application, CandidateAccess, DataExport, LinkError
from ..outreach.messages import shown_to
from ..ratelimit import limit_candidate_posts
from . import erasure, export, holds, retention
from .forms import AccessLogFilter, EraseForm, HoldForm
from .tasks import build_export, send_erasure_confirmation

ACCESS_LOG_PAGE_SIZE = 50

logger = logging.getLogger(__name__)


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
        "held": export.held_for(request.user, candidate),
        "hold_form": forms.get("hold_form") or HoldForm(),
        "erase_form": forms.get("erase_form") or EraseForm(candidate),
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
    messages.success(request, _("On legal hold: erasure and retention skip this candidate."))
    return redirect("candidate_privacy", candidate.pk)


@never_cache
@login_required
@require_POST
def candidate_release(request, candidate_id):
    candidate = get_candidate_for_privacy(request.user, candidate_id)
    try:
        released = holds.release(candidate, request.user, request.POST.get("held_since"))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Hold released.") if released else _("The hold was already released.")
        )
    return redirect("candidate_privacy", candidate.pk)


@never_cache
@login_required
@org_admin_required
def access_log(request):
    """Who opened which candidate's page, résumé or export: the organisation admin's view."""
    accesses = CandidateAccess.objects.select_related("candidate", "user")
    form = AccessLogFilter(request.GET)
    candidate_id = form.cleaned_data["candidate"] if form.is_valid() else None
    if candidate_id is not None:
        accesses = accesses.filter(candidate_id=candidate_id)
    page = Paginator(accesses, ACCESS_LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "form": form,
        "page_query": urlencode({"candidate": candidate_id or ""}),  # its pages keep the filter
    }
    status = 200 if form.is_valid() else 400
    return render(request, "hiring/privacy/access_log.html", context, status=status)


# Export: the recruiter's and the candidate's (hiring/privacy/export.py).


@never_cache
@login_required
@require_POST
def candidate_export(request, candidate_id):
    """The privacy page's Export button: a new export (or the one under way), and its page."""
    candidate = get_candidate_for_privacy(request.user, candidate_id)
    try:
        data_export, created = export.request_export(candidate, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("candidate_privacy", candidate.pk)
    if created and not _handed_to_worker([data_export]):
        messages.error(
            request,
            _("Teamfit could not start the export just now. Ask for it again in a few minutes."),
        )
        return redirect("candidate_privacy", candidate.pk)
    return redirect("candidate_export_detail", candidate.pk, data_export.pk)


def _handed_to_worker(data_exports):
    """Hand each new export to the worker; False if the broker did not take them. Those are
    marked failed: queued, they would wait for ever, and asking again would find them still
    under way (export.request_export)."""
    try:
        for data_export in data_exports:
            build_export.delay_on_commit(data_export.pk)
    except KombuError:
        logger.exception("Data exports %s not handed to the worker", data_exports)
        for data_export in data_exports:
            export.fail(data_export.pk)
        return False
    return True


@never_cache
@login_required
def candidate_export_detail(request, candidate_id, export_id):
    """An export's progress, then its download: htmx asks for the progress alone every second
    until the export is built; without JavaScript the page refreshes itself."""
    data_export = get_export_for_privacy(request.user, candidate_id, export_id)
    Status = DataExport.Status
    downloadable = not export.why_not_downloadable(data_export)
    context = {
        "candidate": data_export.candidate,
        "export": data_export,
        "working": data_export.status in (Status.QUEUED, Status.BUILDING),
        "downloadable": downloadable,
        "download_url": export.download_url(data_export)
        if downloadable and data_export.requested_by_id == request.user.pk
        else "",
    }
    template = "hiring/privacy/export_detail.html"
    return render(request, f"{template}#progress" if request.htmx else template, context)


@never_cache
@require_POST
@limit_candidate_posts
@signed_link(Application.from_status_token)
def candidate_export_request(request, application, token):
    """The status page's request for a copy, of every record holding their address: built
    by the worker, each one's link sent by email."""
    candidate = application.candidate
    requested = export.request_own_exports(candidate)
    if not _handed_to_worker([data_export for data_export, created in requested if created]):
        messages.error(
            request,
            _(
                "We could not start preparing a copy of your data just now. Ask again in a few "
                "minutes."
            ),
        )
        return redirect("candidate_status", token=token)
    again = export.next_own_export_at(requested)
    if again:
        messages.info(
            request,
            _(
                "We emailed you a link to a copy of your data a few minutes ago. You can ask "
                "for a new copy from %(time)s."
            )
            % {"time": shown_to(candidate, again)},
        )
        return redirect("candidate_status", token=token)
    copies = len(requested)
    messages.success(
        request,
        ngettext(
            "We are preparing a copy of your data and will email you a link to it.",
            "We hold %(count)s records about you: we are preparing a copy of each and will "
            "email you a link to each.",
            copies,
        )
        % {"count": copies},
    )
    return redirect("candidate_status", token=token)


@never_cache
@limit_candidate_posts
@signed_link(export.from_token, what="download link")
def export_download(request, data_export, token):
    """GET: the page with the Download button (so a mail scanner opening the link does not
    count as the download); POST: the ZIP, as often as asked until it expires."""
    if data_export.requested_by_id and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not downloads_export(request.user, data_export):
        raise Http404
    export.check_still_readable(data_export, request.user if data_export.requested_by_id else None)
    if request.method != "POST":
        zone_name = request.user.time_zone if data_export.requested_by_id else None
        context = {
            "export": data_export,
            "zone_name": zone_name or data_export.candidate.zone_name,
        }
        return render(request, "hiring/privacy/export_download.html", context)
    by = request.user if data_export.requested_by_id else None
    archive = export.take(data_export, by)
    name = PurePosixPath(data_export.file.name).name
    return FileResponse(archive, as_attachment=True, filename=name)


# Erasure: the recruiter's and the candidate's (hiring/privacy/erasure.py).


@never_cache
@login_required
@require_POST
def candidate_erase(request, candidate_id):
    """The privacy page's Erase, confirmed by typing the candidate's name."""
    candidate = get_candidate_for_privacy(request.user, candidate_id)
    # Sent twice (a double click), the second finds the name erased by the first: done once,
    # answered alike.
    if not candidate.erased_at:
        form = EraseForm(candidate, request.POST)
        if not form.is_valid():
            return _render_privacy(request, candidate, 400, erase_form=form)
        try:
            erasure.erase(candidate, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
            return _render_privacy(request, candidate, 409, erase_form=form)
    messages.success(request, _("Candidate record #%(id)s erased.") % {"id": candidate.pk})
    return redirect("candidate_privacy", candidate.pk)


@never_cache
@require_POST
@limit_candidate_posts
@signed_link(Application.from_status_token)
def candidate_erasure_request(request, application, token):
    """The status page's "Erase my data": a link to confirm goes to the candidate's address,
    once in erasure.CONFIRMATION_EVERY (a double click, two tabs: one link)."""
    again = erasure.next_confirmation_at(application)
    if again:
        messages.info(
            request,
            _(
                "We emailed you a link to confirm that we should erase your data a few minutes "
                "ago. If it has not arrived, you can ask for a new one from %(time)s."
            )
            % {"time": shown_to(application.candidate, again)},
        )
        return redirect("candidate_status", token=token)
    try:
        send_erasure_confirmation.delay_on_commit(application.pk, time.time())
    except KombuError:
        logger.exception("Erasure confirmation for application %s not queued", application.pk)
        messages.error(
            request,
            _(
                "We could not send you the link just now, and nothing was erased. Ask again in a "
                "few minutes."
            ),
        )
        return redirect("candidate_status", token=token)
    days = settings.ERASURE_CONFIRMATION_MAX_AGE_DAYS
    messages.info(
        request,
        ngettext(
            "We have emailed you a link to confirm that we should erase your data. It works for "
            "%(days)s day; nothing is erased until you confirm.",
            "We have emailed you a link to confirm that we should erase your data. It works for "
            "%(days)s days; nothing is erased until you confirm.",
            days,
        )
        % {"days": days},
    )
    return redirect("candidate_status", token=token)


@never_cache
@limit_candidate_posts
@signed_link(erasure.application_to_confirm)
def candidate_erasure_confirm(request, application, token):
    """GET: ask the candidate to confirm (a mail scanner opening the link erases nothing);
    POST: erase, and say so."""
    context = {"application": application, "token": token}
    if application.candidate.erased_at:
        if request.method != "POST":
            raise LinkError(erasure.GONE)  # as every candidate link once erased
        # Sent twice (a double click), the second finds them erased by the first: answered alike.
        return render(request, "hiring/privacy/erasure_done.html", context)
    if request.method != "POST":
        return render(request, "hiring/privacy/erasure_confirm.html", context)
    try:
        erased = erasure.erase_at_their_request(application.candidate)
    except ValidationError as error:
        context["error"] = " ".join(error.messages)
        return render(request, "hiring/privacy/erasure_confirm.html", context, status=503)
    context["kept"] = "" if erased else erasure.KEPT_FOR_NOW
    return render(request, "hiring/privacy/erasure_done.html", context)


@never_cache
@limit_candidate_posts
@signed_link(retention.candidate_to_keep)
def candidate_keep_data(request, candidate, token):
    """The retention notice's link. GET: ask, unless they asked since the notice; POST: keep
    the data for another period, once a notice."""
    posted = request.method == "POST"
    # Read before the keep cancels it: the page says what it cancels.
    requested_at = retention.erasure_requested_at(candidate)
    kept_until = retention.keep(candidate) if posted else retention.kept_until(candidate)
    context = {
        "candidate": candidate,
        "token": token,
        "kept_until": kept_until,
        "requested_at": requested_at,
    }
    return render(request, "hiring/privacy/retention_keep.html", context)
