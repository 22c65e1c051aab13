"""Availability, interviewer pools, panels and the candidate's scheduling link."""

import logging
import zoneinfo
from datetime import UTC, datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ..access import get_application_for_pipeline, get_team_for_member
from ..accounts.forms import TIME_ZONE_CHOICES
from ..accounts.links import signed_link
from ..models import (
    BusyBlock,
    Panel,
    PoolMember,
    User,
)
from ..ratelimit import limit_candidate_posts
from . import availability, booking, slots
from .forms import (
    MAX_SESSIONS,
    AvailabilityForm,
    BusyBlockForm,
    CandidateWindowForm,
    FindTimesForm,
    IcsUploadForm,
    PoolMemberForm,
    SessionFormSet,
    WorkingHoursForm,
)
from .ics import MAX_ICS_BYTES, CalendarError

logger = logging.getLogger(__name__)

OPTION_SALT = "teamfit.panel-option"


@login_required
def availability_page(request, status=200, **forms):
    user = request.user
    context = {
        "settings_form": forms.get("settings_form") or AvailabilityForm(instance=user),
        "hours_form": forms.get("hours_form") or WorkingHoursForm(user=user),
        "block_form": forms.get("block_form") or BusyBlockForm(time_zone=user.time_zone),
        "upload_form": forms.get("upload_form") or IcsUploadForm(),
        "blocks": user.busy_blocks.filter(end__gt=timezone.now())[:100],
        "zone": zoneinfo.ZoneInfo(user.time_zone),
    }
    return render(request, "hiring/scheduling/availability.html", context, status=status)


@login_required
@require_POST
def availability_settings(request):
    form = AvailabilityForm(request.POST, instance=request.user)
    if not form.is_valid():
        return availability_page(request, status=400, settings_form=form)
    form.save()
    messages.success(request, "Availability settings saved.")
    return redirect("availability")


@login_required
@require_POST
def working_hours(request):
    form = WorkingHoursForm(request.POST, user=request.user)
    if not form.is_valid():
        return availability_page(request, status=400, hours_form=form)
    availability.set_working_hours(request.user, form.ranges)
    messages.success(request, "Working hours saved.")
    return redirect("availability")


@login_required
@require_POST
def busy_block_add(request):
    form = BusyBlockForm(request.POST, time_zone=request.user.time_zone)
    if not form.is_valid():
        return availability_page(request, status=400, block_form=form)
    BusyBlock.objects.create(user=request.user, **form.cleaned_data)
    return redirect("availability")


@login_required
@require_POST
def busy_block_delete(request, block_id):
    get_object_or_404(BusyBlock, pk=block_id, user=request.user).delete()
    return redirect("availability")


@login_required
@require_POST
def ics_upload(request):
    form = IcsUploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["calendar"]
        try:
            if upload.size > MAX_ICS_BYTES:
                raise CalendarError("The calendar file is too large (at most 2 MB).")
            count = availability.replace_blocks(
                request.user, BusyBlock.Source.UPLOAD, upload.read()
            )
        except CalendarError as error:
            form.add_error("calendar", str(error))
        else:
            messages.success(request, f"Imported {count} busy time{'s' if count != 1 else ''}.")
            return redirect("availability")
    return availability_page(request, status=400, upload_form=form)


@login_required
def pools(request, team_id):
    team = get_team_for_member(request.user, team_id)
    form = PoolMemberForm(request.POST or None, team=team)
    if request.method == "POST" and form.is_valid():
        PoolMember.objects.update_or_create(
            team=team,
            user=form.cleaned_data["user"],
            focus=form.cleaned_data["focus"],
            defaults={"trainee": form.cleaned_data["trainee"]},
        )
        return redirect("pools", team_id=team.pk)
    members = team.pool_members.select_related("user")
    context = {"team": team, "form": form, "members": members}
    return render(
        request, "hiring/scheduling/pools.html", context, status=400 if form.errors else 200
    )


@login_required
@require_POST
def pool_remove(request, team_id, member_id):
    team = get_team_for_member(request.user, team_id)
    get_object_or_404(PoolMember, pk=member_id, team=team).delete()
    return redirect("pools", team_id=team.pk)


def _render_panel(request, application, status=200, **context):
    panel = getattr(application, "panel", None)
    team = application.opening.team
    context.setdefault(
        "find_form", FindTimesForm(initial={"start": timezone.localdate() + timedelta(days=1)})
    )
    if panel is None:
        if "formset" not in context:
            context["formset"] = SessionFormSet(
                prefix="sessions",
                form_kwargs={"team": team},
                initial=[{}] * _sessions_asked(request),
            )
    else:
        context["sessions"] = panel.sessions.prefetch_related("interviewers__user")
        context["windows"] = panel.candidate_windows.all()
        context["offers"] = panel.offers.all()[:5]
    context.update(application=application, panel=panel, team=team)
    return render(request, "hiring/scheduling/panel.html", context, status=status)


def _sessions_asked(request):
    """How many sessions the new panel's form shows: ?sessions=N, from 1 to MAX_SESSIONS."""
    count = request.GET.get("sessions", "")
    if not (count.isascii() and count.isdigit()):
        return 1
    # Two digits are past the maximum already, and int() refuses 4,300 digits or more.
    return min(max(int(count[:2]), 1), MAX_SESSIONS)


@never_cache
@login_required
def panel(request, application_id):
    application = get_application_for_pipeline(request.user, application_id)
    if request.method != "POST":
        return _render_panel(request, application)
    team = application.opening.team
    formset = SessionFormSet(request.POST, prefix="sessions", form_kwargs={"team": team})
    if formset.is_valid():
        sessions = [form.cleaned_data for form in formset.forms if form.cleaned_data]
        try:
            booking.create_panel(
                application,
                request.user,
                sessions,
                back_to_back=request.POST.get("back_to_back") == "on",
            )
        except ValidationError as error:
            formset._non_form_errors = formset.error_class(error.messages)
            # The rolled-back Panel is still cached on the application: read it afresh.
            application = get_application_for_pipeline(request.user, application_id)
        else:
            messages.success(request, "Panel created. Now find a time for it.")
            return redirect("panel", application_id=application.pk)
    return _render_panel(request, application, status=400, formset=formset)


@never_cache
@login_required
def panel_times(request, application_id):
    """Ranked options for the panel, each ready to book or to offer to the candidate."""
    application = get_application_for_pipeline(request.user, application_id)
    panel = get_object_or_404(Panel, application=application)
    form = FindTimesForm(request.GET)
    if not form.is_valid():
        return _render_panel(request, application, status=400, find_form=form)
    start = datetime.combine(form.cleaned_data["start"], datetime.min.time(), tzinfo=UTC)
    end = start + timedelta(days=form.cleaned_data["days"])
    windows = None
    if form.cleaned_data["within_candidate_windows"]:
        windows = [slots.Interval(w.start, w.end) for w in panel.candidate_windows.all()]
    options = booking.find_options(panel, start, end, candidate_windows=windows)
    sessions = {session.pk: session for session in panel.sessions.all()}
    people = User.objects.in_bulk(
        {u for o in options for s in o["sessions"] for u in s["interviewers"]}
    )
    for option in options:
        option["signed"] = signing.dumps(option, salt=OPTION_SALT, compress=True)
        option["placed"] = [
            (
                datetime.fromisoformat(placed["start"]),
                sessions[placed["session"]],
                [people[user_id] for user_id in placed["interviewers"]],
            )
            for placed in option["sessions"]
        ]
    return _render_panel(request, application, find_form=form, options=options)


def _signed_option(value):
    try:
        return signing.loads(value, salt=OPTION_SALT)
    except signing.BadSignature as error:
        raise ValidationError(
            "That option is not one Teamfit offered: find times again."
        ) from error


@login_required
@require_POST
def panel_book(request, application_id):
    application = get_application_for_pipeline(request.user, application_id)
    get_object_or_404(Panel, application=application)
    try:
        option = _signed_option(request.POST.get("option", ""))
        booked = booking.book(application.panel, option, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except booking.SlotTaken:
        messages.error(
            request, "Someone was booked into that time meanwhile. Here are fresh options."
        )
    else:
        if booked:
            messages.success(request, "Booked. Invites are on their way.")
        else:
            messages.info(request, "Already booked at that time: nobody was invited again.")
        return redirect("panel", application_id=application.pk)
    times = reverse("panel_times", args=[application.pk])
    return redirect(f"{times}?{request.POST.get('search', '')}")


@login_required
@require_POST
def panel_offer(request, application_id):
    application = get_application_for_pipeline(request.user, application_id)
    try:
        options = [_signed_option(value) for value in request.POST.getlist("option")]
        booking.offer_to_candidate(application.panel, options, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{len(options)} options sent to {application.candidate}.")
    return redirect("panel", application_id=application.pk)


@login_required
@require_POST
def session_cancel(request, application_id, session_id):
    application = get_application_for_pipeline(request.user, application_id)
    session = get_object_or_404(application.panel.sessions, pk=session_id)
    try:
        booking.cancel_session(session, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Session cancelled; everyone invited gets a cancellation.")
    return redirect("panel", application_id=application.pk)


@never_cache
@limit_candidate_posts
@signed_link(booking.offer_for_link)
def candidate_schedule(request, offer, token):
    """The candidate's page: no account, a signed link, times in their own time zone."""
    options = list(enumerate(offer.options))
    if request.method == "POST" and "pick" in request.POST:
        try:
            booking.candidate_pick(offer, int(request.POST["pick"]))
        except (ValueError, ValidationError):
            return _candidate_page(request, offer, options, 400, "Choose one of the times below.")
        except booking.SlotTaken:
            options = booking.remaining_options(offer)
            error = "That time was just taken. These are still free."
            return _candidate_page(request, offer, options, 409, error)
        return render(request, "hiring/scheduling/candidate_booked.html", {"offer": offer})
    return _candidate_page(request, offer, options)


def _candidate_page(request, offer, options, status=200, error=None, window_form=None):
    zone_name = _candidate_zone(request)
    context = {
        "offer": offer,
        "zone_name": zone_name,
        "zones": TIME_ZONE_CHOICES,
        "error": error,
        "options": _starts(options),
        "window_form": window_form or CandidateWindowForm(zone=zoneinfo.ZoneInfo(zone_name)),
    }
    return render(request, "hiring/scheduling/candidate_schedule.html", context, status=status)


def _candidate_zone(request):
    """The zone the candidate's page shows times in: theirs if known, else UTC."""
    zone_name = request.GET.get("tz") or request.POST.get("tz") or "UTC"
    return zone_name if zone_name in dict(TIME_ZONE_CHOICES) else "UTC"


def _starts(options):
    """(index, session starts) per option; the template shows them in the candidate's zone."""
    return [
        (index, [datetime.fromisoformat(s["start"]) for s in option["sessions"]])
        for index, option in options
    ]


@never_cache
@limit_candidate_posts
@require_POST
@signed_link(booking.offer_for_link)
def candidate_windows(request, offer, token):
    form = CandidateWindowForm(request.POST, zone=zoneinfo.ZoneInfo(_candidate_zone(request)))
    if form.is_valid():
        try:
            booking.propose_window(offer, *form.window())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            context = {"offer": offer, "proposed": True}
            return render(request, "hiring/scheduling/candidate_booked.html", context)
    options = enumerate(offer.options)
    return _candidate_page(request, offer, options, 400, window_form=form)
