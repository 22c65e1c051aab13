"""Availability, interviewer pools, panels and the candidate's scheduling link."""

import copy
import logging
import zoneinfo
from datetime import datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ..access import (
    get_application_for_pipeline,
    get_panel_for_pipeline,
    get_seat_for_pipeline,
    get_session_for_pipeline,
    get_team_for_member,
)
from ..accounts import zones
from ..accounts.links import signed_link
from ..models import (
    Application,
    BusyBlock,
    ChangedMeanwhile,
    LinkError,
    User,
    whole_number,
)
from ..portal import status as portal_status
from ..ratelimit import limit_candidate_posts
from ..templatetags.teamfit import in_sentence
from . import availability, booking, slots
from .forms import (
    MAX_SESSIONS,
    AvailabilityForm,
    BusyBlockForm,
    CandidateWindowForm,
    FindTimesForm,
    IcsUploadForm,
    PoolMemberForm,
    ReplaceInterviewerForm,
    SessionFormSet,
    ShownZoneForm,
    WorkingHoursForm,
    sessions_formset,
)
from .ics import MAX_ICS_BYTES, CalendarError

logger = logging.getLogger(__name__)

OPTION_SALT = "teamfit.panel-option"


@login_required
def availability_page(request, status=200, **forms):
    user = request.user
    added, imported, imported_left_out = availability.busy_times_ahead(
        user, timezone.now(), request.GET.get("page")
    )
    context = {
        "settings_form": forms.get("settings_form") or AvailabilityForm(instance=user),
        "hours_form": forms.get("hours_form") or WorkingHoursForm(user=user),
        "block_form": forms.get("block_form") or BusyBlockForm(time_zone=user.time_zone),
        "upload_form": forms.get("upload_form") or IcsUploadForm(),
        "added": added,
        "imported": imported,
        "imported_left_out": imported_left_out,
        "zone": zoneinfo.ZoneInfo(user.time_zone),
    }
    return render(request, "hiring/scheduling/availability.html", context, status=status)


@login_required
@require_POST
def availability_settings(request):
    # A copy: validating sets the fields it accepts on the instance, and a refused form's page
    # reads the zone still kept.
    form = AvailabilityForm(request.POST, instance=copy.copy(request.user))
    if not form.is_valid():
        return availability_page(request, status=400, settings_form=form)
    form.save()
    messages.success(request, _("Availability settings saved."))
    return redirect("availability")


@login_required
@require_POST
def working_hours(request):
    form = WorkingHoursForm(request.POST, user=request.user)
    if not form.is_valid():
        return availability_page(request, status=400, hours_form=form)
    availability.set_working_hours(request.user, form.ranges)
    messages.success(request, _("Working hours saved."))
    return redirect("availability")


@login_required
@require_POST
def busy_block_add(request):
    form = BusyBlockForm(request.POST, time_zone=request.user.time_zone)
    if form.is_valid():
        try:
            availability.add_busy_time(request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("start", error)
        else:
            return redirect("availability")
    return availability_page(request, status=400, block_form=form)


@login_required
@require_POST
def busy_block_delete(request, block_id):
    removed, _ = request.user.busy_blocks.filter(pk=block_id).delete()
    # Removed already (a double click, another tab): the page as it is. Someone else's: 404.
    if not removed and BusyBlock.objects.filter(pk=block_id).exists():
        raise Http404
    # Back to the page of busy times it was removed from.
    page = whole_number(request.POST.get("page", ""))
    return redirect(reverse("availability") + (f"?page={page}" if page else ""))


@login_required
@require_POST
def ics_upload(request):
    form = IcsUploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["calendar"]
        try:
            if upload.size > MAX_ICS_BYTES:
                raise CalendarError(_("The calendar file is too large (at most 2 MB)."))
            count = availability.replace_blocks(
                request.user, BusyBlock.Source.UPLOAD, upload.read()
            )
        except CalendarError as error:
            form.add_error("calendar", str(error))
        else:
            imported = ngettext(
                "Imported %(count)s busy time.", "Imported %(count)s busy times.", count
            )
            messages.success(request, imported % {"count": count})
            return redirect("availability")
    return availability_page(request, status=400, upload_form=form)


@login_required
def pools(request, team_id):
    team = get_team_for_member(request.user, team_id)
    form = PoolMemberForm(request.POST or None, team=team)
    if request.method == "POST" and form.is_valid():
        try:
            booking.join_pool(team, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("trainee", error)
        else:
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
    # Taken off already (a double click, another tab): the pool as it is.
    team.pool_members.filter(pk=member_id).delete()
    return redirect("pools", team_id=team.pk)


def _render_panel(request, application, status=200, **context):
    """The panel page: the form that builds (or, `editing`, edits) the panel, or its sessions,
    the times offered to the candidate and those they proposed, and the search for times."""
    panel = getattr(application, "panel", None)
    team = application.opening.team
    context.setdefault(
        "find_form", FindTimesForm(initial={"start": timezone.localdate() + timedelta(days=1)})
    )
    if panel is None:
        context.setdefault("formset", sessions_formset(team))
        context.setdefault("back_to_back", True)
    else:
        sessions = booking.sessions_with_seats(panel)
        context["sessions"] = sessions
        context["booked"] = any(session.is_booked for session in sessions)
        # Said beside the sessions, which the form to edit them replaces; once booked, whom to
        # replace before the interviews still to come.
        if context["booked"] and not context.get("cannot_come"):
            context["cannot_come"] = booking.who_to_replace(sessions, team)
        elif not (context["booked"] or context.get("editing") or "cannot_come" in context):
            context["cannot_come"] = _cannot_come(panel)
        # The sessions ahead offer to replace people, and to cancel them.
        context["ahead"] = booking.sessions_ahead(sessions)
        context["now"] = now = timezone.now()
        context["to_come"] = any(session.is_booked and session.start > now for session in sessions)
        starts = list(panel.sessions.to_place().values_list("start", flat=True))
        context["to_place"] = bool(starts)
        # Placing them moves those that hold a time; a reopened one has none (held ones stay).
        context["rescheduling"] = any(starts)
        context["offers"] = booking.offers_made(panel)
        context["windows"] = panel.candidate_windows.all()
    context.update(application=application, panel=panel, team=team)
    template = "hiring/scheduling/panel.html"
    if request.htmx and "formset" in context:
        template += "#sessions_form"
    return render(request, template, context, status=status)


def _cannot_come(panel):
    """Why the panel can't be booked as it stands (someone seated left), or None."""
    try:
        booking.check_everyone_can_come(panel)
    except ValidationError as error:
        return " ".join(error.messages)
    return None


def _sessions_posted(request, team):
    """The posted sessions formset, and the rows to show again unsaved when the person asked
    for one more session or one fewer (else None): everything typed is kept."""
    formset = SessionFormSet(request.POST, prefix="sessions", form_kwargs={"team": team})
    change = request.POST.get("change", "")
    if not change:
        return formset, None
    rows = [{name: form[name].value() for name in form.fields} for form in formset.forms]
    if change == "add" and len(rows) < MAX_SESSIONS:
        rows.append({})
    elif change.startswith("remove-") and len(rows) > 1:
        index = whole_number(change.removeprefix("remove-"))
        if index is not None and index < len(rows):
            del rows[index]
    return formset, rows


def _sessions_form(request, application, save, done, **context):
    """Build or edit a panel's sessions with `save(sessions, back_to_back)`, saying `done`;
    "Add a session" and "Remove" show the form again, unsaved, with what was typed."""
    team = application.opening.team
    back_to_back = request.POST.get("back_to_back") == "on"
    formset, rows = _sessions_posted(request, team)
    # An edit page's version of the panel (edit_panel checks it), kept while sessions are added.
    context.update(back_to_back=back_to_back, based_on=request.POST.get("based_on"))
    if rows is not None:
        formset = sessions_formset(team, rows)
        return _render_panel(request, application, formset=formset, **context)
    if formset.is_valid():
        sessions = [form.cleaned_data for form in formset.forms if form.cleaned_data]
        try:
            save(sessions, back_to_back)
        except ChangedMeanwhile as changed:
            formset._non_form_errors = formset.error_class(changed.messages)
            # Shown under the form (the page lists its sessions); saving again replaces it.
            context.update(
                meanwhile=changed.current, based_on=booking.panel_version(changed.current)
            )
            return _render_panel(request, application, status=409, formset=formset, **context)
        except ValidationError as error:
            formset._non_form_errors = formset.error_class(error.messages)
            # A rolled-back Panel may still be cached on the application: read it afresh.
            application = get_application_for_pipeline(request.user, application.pk)
        else:
            messages.success(request, done)
            return redirect("panel", application_id=application.pk)
    return _render_panel(request, application, status=400, formset=formset, **context)


@never_cache
@login_required
def panel(request, application_id):
    application = get_application_for_pipeline(request.user, application_id)
    if request.method != "POST":
        return _render_panel(request, application)

    def save(sessions, back_to_back):
        booking.create_panel(application, request.user, sessions, back_to_back=back_to_back)

    return _sessions_form(request, application, save, _("Panel created. Now find a time for it."))


@never_cache
@login_required
def panel_edit(request, application_id):
    """Change a panel's sessions, their lengths and interviewers, until it is booked."""
    panel = get_panel_for_pipeline(request.user, application_id)
    application = panel.application
    if booking.is_booked(panel):
        messages.error(request, _("This panel is booked: reschedule or cancel it instead."))
        return redirect("panel", application_id=application.pk)
    if request.method != "POST":
        formset = sessions_formset(application.opening.team, booking.session_rows(panel))
        return _render_panel(
            request,
            application,
            formset=formset,
            back_to_back=panel.back_to_back,
            based_on=booking.panel_version(panel),
            editing=True,
        )
    return _sessions_form(
        request,
        application,
        lambda sessions, back_to_back: booking.edit_panel(
            panel, sessions, back_to_back, request.user, request.POST.get("based_on")
        ),
        _("Panel saved. Times offered before no longer apply: find new ones."),
        editing=True,
    )


@never_cache
@login_required
def interviewer_replace(request, application_id, session_id, user_id):
    """Another team member in one person's seat of a booked session still to come, for those
    who schedule the panel: the page says what it does, or why it can't be done."""
    seat = get_seat_for_pipeline(request.user, application_id, session_id, user_id)
    if seat is None:  # replaced meanwhile: the panel says by whom
        messages.info(request, _("They are no longer on this session: the panel shows who is."))
        return redirect("panel", application_id=application_id)
    session, replaced = seat.session, seat.user
    application = session.panel.application
    form = ReplaceInterviewerForm(
        request.POST or None, team=application.opening.team, session=session
    )
    refused = None
    if request.method == "POST" and form.is_valid():
        replacement = form.cleaned_data["replacement"]
        try:
            booking.replace_interviewer(seat, replacement, request.user)
        except ValidationError as error:
            form.add_error("replacement", error)
        else:
            done = (
                _(
                    "%(replacement)s takes %(replaced)s's place in the %(focus)s interview: "
                    "%(replacement)s is sent the invite, %(replaced)s a cancellation. The "
                    "candidate is not emailed."
                )
                if session.start
                else _(
                    "%(replacement)s takes %(replaced)s's place in the %(focus)s interview, "
                    "invited once it is booked. Nobody is emailed now."
                )
            )
            messages.success(
                request,
                done
                % {
                    "replacement": replacement,
                    "replaced": replaced,
                    "focus": in_sentence(session.get_focus_display()),
                },
            )
            return redirect("panel", application_id=application.pk)
    elif request.method != "POST":
        try:
            booking.check_replaceable(seat)
        except ValidationError as error:
            refused = " ".join(error.messages)
    context = {
        "application": application,
        "session": session,
        "seat": seat,
        "form": form,
        "refused": refused,
    }
    status = 400 if form.errors else 200
    return render(request, "hiring/scheduling/replace.html", context, status=status)


def _destructive(request, application, act, done, **question):
    """A destructive action: GET asks to confirm it (`question`: title, consequence and the
    button's action), and the POST that page sends does `act()`, saying `done`."""
    if request.method != "POST":
        question.update(application=application)
        return render(request, "hiring/scheduling/confirm.html", question)
    try:
        act()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("panel", application_id=application.pk)


@never_cache
@login_required
def panel_delete(request, application_id):
    try:
        panel = get_panel_for_pipeline(request.user, application_id)
    except Http404:
        # Deleted already (a double click, another tab): its application says so, to those
        # who may schedule it; to anyone else, 404.
        application = get_application_for_pipeline(request.user, application_id)
        messages.info(request, _("This panel was deleted already: you can build a new one."))
        return redirect("panel", application_id=application.pk)
    application = panel.application
    return _destructive(
        request,
        application,
        lambda: booking.delete_panel(panel, request.user),
        _("Panel deleted."),
        title=_("Delete this panel?"),
        consequence=_(
            "Its sessions go, with the times offered to the candidate (their link "
            "stops working) and the times they proposed. You can build a new panel."
        ),
        action=_("Delete the panel"),
    )


@never_cache
@login_required
def panel_cancel(request, application_id):
    panel = get_panel_for_pipeline(request.user, application_id)
    application = panel.application
    consequence = _(
        "Everyone invited, %(candidate)s included, gets a cancellation that removes the "
        "interview from their calendar. Feedback not yet submitted is withdrawn."
    ) % {"candidate": application.candidate}
    if waiting := panel.sessions.filter(booking.AWAITS_TIME).count():
        consequence += " " + ngettext(
            "The session waiting to be booked again is cancelled too.",
            "The %(count)s sessions waiting to be booked again are cancelled too.",
            waiting,
        ) % {"count": waiting}
    return _destructive(
        request,
        application,
        lambda: booking.cancel_panel(panel, request.user),
        _("Panel cancelled; everyone invited gets a cancellation."),
        title=_("Cancel every booked session?"),
        consequence=consequence,
        action=_("Cancel the panel"),
    )


@never_cache
@login_required
def panel_times(request, application_id):
    """Ranked options for the panel, each ready to book or to offer to the candidate; when
    none fits, who blocks and what would help."""
    panel = get_panel_for_pipeline(request.user, application_id)
    application = panel.application
    form = FindTimesForm(request.GET)
    if not form.is_valid():
        return _render_panel(request, application, status=400, find_form=form)
    # Times that could not be booked are not offered: the page says who to replace.
    cannot_come = _cannot_come(panel)
    if cannot_come:
        return _render_panel(request, application, find_form=form, cannot_come=cannot_come)
    # From the start of the day in the viewer's zone, as they read the date they chose.
    start = datetime.combine(
        form.cleaned_data["start"], datetime.min.time(), tzinfo=timezone.get_current_timezone()
    )
    end = start + timedelta(days=form.cleaned_data["days"])
    start = max(start, timezone.now())  # today's hours gone are not offered
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
                datetime.fromisoformat(placed["end"]),
                sessions[placed["session"]],
                [people[user_id] for user_id in placed["interviewers"]],
            )
            for placed in option["sessions"]
        ]
    explanation = None if options else booking.explain(panel, start, end, windows)
    return _render_panel(
        request,
        application,
        find_form=form,
        options=options,
        explanation=explanation,
        cannot_come=None,
    )


def _signed_option(value):
    try:
        return signing.loads(value, salt=OPTION_SALT)
    except signing.BadSignature as error:
        raise ValidationError(
            _("That option is not one Teamfit offered: find times again.")
        ) from error


@login_required
@require_POST
def panel_book(request, application_id):
    return _place_option(request, application_id, booking.book_as)


@login_required
@require_POST
def panel_reschedule(request, application_id):
    """Move a booked panel to another option: its invites go out again, saying what moved."""
    return _place_option(request, application_id, booking.reschedule_as)


def _place_option(request, application_id, place_as):
    """place_as(), booking.book_as or reschedule_as, reads the panel it places for those who
    schedule it, else Http404; so does an option that was not Teamfit's, before saying so."""
    try:
        option = _signed_option(request.POST.get("option", ""))
    except ValidationError as error:
        get_panel_for_pipeline(request.user, application_id)  # an outsider learns nothing
        return _times_again(request, application_id, " ".join(error.messages))
    try:
        placed = place_as(request.user, application_id, option)
    except ValidationError as error:
        return _times_again(request, application_id, " ".join(error.messages))
    except booking.TimePassed:
        return _times_again(
            request, application_id, _("That time has passed. Here are fresh options.")
        )
    except booking.SlotTaken:
        taken = _("Someone was booked into that time meanwhile. Here are fresh options.")
        return _times_again(request, application_id, taken)
    moves = [(session, before) for session, before in placed if before]
    if moves:
        messages.success(request, _moved_message(moves))
    elif placed:
        messages.success(request, _("Booked. Invites are on their way."))
    else:
        messages.info(request, _("Already booked at that time: nobody was invited again."))
    return redirect("panel", application_id=application_id)


def _times_again(request, application_id, error):
    """Back to the panel's times, searched as before, saying why the option was not placed."""
    messages.error(request, error)
    times = reverse("panel_times", args=[application_id])
    return redirect(f"{times}?{request.POST.get('search', '')}")


def _moved_message(moves):
    """What a reschedule moved, in the viewer's zone."""
    moved = "; ".join(
        _("the %(focus)s interview from %(before)s to %(after)s")
        % {
            "focus": in_sentence(session.get_focus_display()),
            "before": zones.written(before, MOMENT),
            "after": zones.shown(session.start, MOMENT),
        }
        for session, before in moves
    )
    return _("Rescheduled: %(moved)s. Updated invites are on their way.") % {"moved": moved}


@login_required
@require_POST
def panel_offer(request, application_id):
    panel = get_panel_for_pipeline(request.user, application_id)
    application = panel.application
    try:
        options = [_signed_option(value) for value in request.POST.getlist("option")]
        offer = booking.offer_to_candidate(panel, options, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        # English says "options" for one too.
        count = len(offer.options)
        sent = ngettext(
            "%(count)s options sent to %(candidate)s.",
            "%(count)s options sent to %(candidate)s.",
            count,
        )
        messages.success(request, sent % {"count": count, "candidate": application.candidate})
    return redirect("panel", application_id=application.pk)


@never_cache
@login_required
def session_cancel(request, application_id, session_id):
    session = get_session_for_pipeline(request.user, application_id, session_id)
    application = session.panel.application
    # The time the question was asked about: booked or moved since, the answer was to another.
    seen = session.start.isoformat() if session.start else ""
    if request.method == "POST" and request.POST.get("seen", seen) != seen:
        messages.info(
            request,
            _("The %(focus)s session was booked or moved after you were asked: nothing changed.")
            % {"focus": in_sentence(session.get_focus_display())},
        )
        return redirect("panel", application_id=application.pk)
    if session.start is None:  # to book again: nobody was invited since its cancellation
        done = _("Session cancelled. Nobody is emailed.")
        consequence = _(
            "It was to be booked again. Nobody was invited to it since its cancellation, so "
            "nobody is emailed."
        )
    else:
        done = _("Session cancelled; everyone invited gets a cancellation.")
        consequence = _(
            "Everyone invited to it gets a cancellation that removes it from their "
            "calendar. Feedback not yet submitted for it is withdrawn."
        )
    return _destructive(
        request,
        application,
        lambda: booking.cancel_session(session, request.user),
        done,
        title=_("Cancel the %(focus)s session?")
        % {"focus": in_sentence(session.get_focus_display())},
        consequence=consequence,
        action=_("Cancel the session"),
        carried=[("seen", seen)],
    )


@login_required
@require_POST
def session_reopen(request, application_id, session_id):
    """A cancelled session to book again: the panel's search places it next."""
    session = get_session_for_pipeline(request.user, application_id, session_id)
    focus = {"focus": in_sentence(session.get_focus_display())}
    try:
        session = booking.reopen_session(session, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if session.start:  # booked again meanwhile (a page opened before, another tab)
            messages.info(
                request, _("The %(focus)s session is booked: the panel shows when.") % focus
            )
        else:
            messages.success(
                request,
                _("The %(focus)s session is to be booked again: find a time for it.") % focus,
            )
    return redirect("panel", application_id=application_id)


# The candidate's side: no account, a signed link.

MOMENT = "D j M, H:i"


@never_cache
@limit_candidate_posts
@signed_link(booking.picked_offer_for_link)
def candidate_schedule(request, offer, token):
    """The candidate's page: the offered options as their sessions, in their own zone; once
    they picked one, what they booked."""
    portal_status.remember_language(offer.panel.application.candidate, request)
    if offer.used_at:
        return _candidate_booked(request, offer, _candidate_zone(request, offer))
    options = booking.upcoming_options(offer.options)
    if request.method == "POST" and "pick" in request.POST:
        # Before the pick: the invites it sends read the zone the candidate picked in.
        zone_name = _remember_zone(request, offer)
        try:
            booking.candidate_pick(offer, int(request.POST["pick"]))
        except (ValueError, ValidationError):
            return _candidate_page(
                request, offer, options, 400, _("Choose one of the times below.")
            )
        except booking.SlotTaken as taken:
            options = booking.remaining_options(offer)
            error = (
                _("That time has passed. These are still free.")
                if isinstance(taken, booking.TimePassed)
                else _("That time was just taken. These are still free.")
            )
            return _candidate_page(request, offer, options, 409, error)
        return _candidate_booked(request, offer, zone_name)
    return _candidate_page(request, offer, options)


def _candidate_booked(request, offer, zone_name):
    """The page saying what the candidate booked, in `zone_name`."""
    application = offer.panel.application
    sessions, held = booking.picked_sessions(offer)
    context = {
        "offer": offer,
        "zone_name": zone_name,
        "sessions": sessions,
        "held": held,
        # Beside the candidate's own page, working as long as it does.
        "calendar_url": reverse(
            "candidate_calendar", args=[resolve(application.status_url()).kwargs["token"]]
        ),
    }
    return render(request, "hiring/scheduling/candidate_booked.html", context)


def _candidate_page(request, offer, options, status=200, error=None, window_form=None):
    zone_name = _candidate_zone(request, offer)
    context = {
        "offer": offer,
        "candidate": offer.panel.application.candidate,
        "zone_name": zone_name,
        "zone_form": ShownZoneForm(initial={"tz": zone_name}),
        "error": error,
        "options": booking.options_for_candidate(offer, options),
        "window_form": window_form or CandidateWindowForm(zone=zoneinfo.ZoneInfo(zone_name)),
        "max_windows": booking.MAX_WINDOWS_PER_OFFER,
    }
    return render(request, "hiring/scheduling/candidate_schedule.html", context, status=status)


def _candidate_zone(request, offer):
    """The zone the candidate's page shows times in: the one chosen on the page, else the
    candidate's own (UTC until they tell us)."""
    chosen = request.GET.get("tz") or request.POST.get("tz") or ""
    return zones.listed_as(chosen) or offer.panel.application.candidate.zone_name


def _remember_zone(request, offer):
    """The zone the candidate picked or proposed in becomes theirs: their invites and emails
    read in it."""
    zone_name = _candidate_zone(request, offer)
    candidate = offer.panel.application.candidate
    if zone_name != candidate.zone_name:
        portal_status.set_time_zone(candidate, zone_name)
    return zone_name


@never_cache
@limit_candidate_posts
@require_POST
@signed_link(booking.offer_for_link)
def candidate_windows(request, offer, token):
    zone_name = _candidate_zone(request, offer)
    form = CandidateWindowForm(request.POST, zone=zoneinfo.ZoneInfo(zone_name))
    if form.is_valid():
        try:
            window = booking.propose_window(offer, *form.window())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            _remember_zone(request, offer)
            context = {"offer": offer, "window": window, "zone_name": zone_name, "token": token}
            return render(request, "hiring/scheduling/candidate_proposed.html", context)
    options = booking.upcoming_options(offer.options)
    return _candidate_page(request, offer, options, 400, window_form=form)


@never_cache
@signed_link(Application.from_status_token)
def candidate_calendar(request, application, token):
    """The candidate's booked interviews as a calendar file, from the link to their own page
    (it works as long as that page does)."""
    sessions = portal_status.upcoming_interviews(application)
    if not sessions:
        raise LinkError(_("No interview is booked for this application."))
    response = HttpResponse(
        booking.calendar_file(sessions), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="interviews.ics"'
    return response
