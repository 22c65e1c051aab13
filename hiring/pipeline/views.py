"""Openings, candidates and applications, and the pipeline board."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from scorecards import scoring
from scorecards.access import reads_panel_feedback
from scorecards.forms import AssignForm
from scorecards.recommendation import Rule

from .. import freshness
from ..access import (
    events_shown,
    get_application_for,
    get_application_for_pipeline,
    get_opening_for,
    get_opening_for_member,
    get_opening_for_pipeline,
    get_stage_for_rejecting,
    get_team_for_member,
    handles_candidate_data,
    is_the_candidate,
    opens_debrief,
    pending_decisions_told,
    pipelines_run_among,
    proposes_members,
    reads_check_ins,
    runs_pipeline,
    runs_pipeline_of,
    with_shown_details,
)
from ..candidates.merging import duplicates_shown_to
from ..debrief import decisions
from ..debrief.forms import DecisionRuleForm
from ..models import Application, CandidateAccess, ChangedMeanwhile, Proposal, Team
from ..offers.offers import can_prepare, why_no_did_not_start
from ..teams import membership
from ..teams.forms import ProposeHireForm
from . import applications, board
from .forms import CandidateForm, NewOpeningForm, OpeningForm, RejectManyForm, StageForm


@login_required
def opening_create(request, team_id):
    team = get_team_for_member(request.user, team_id)
    form = NewOpeningForm(request.POST or None, team=team)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        opening = applications.create_opening(team, fields.pop("template"), request.user, **fields)
        messages.success(request, _("Opening created with its own copy of the scorecard."))
        return redirect(opening)
    return render(
        request,
        "hiring/pipeline/opening_form.html",
        {"form": form, "team": team},
        status=400 if form.errors else 200,
    )


@login_required
def opening_edit(request, opening_id):
    opening = get_opening_for_member(request.user, opening_id)
    form = OpeningForm(request.POST or None, instance=opening)
    # The version the page was opened on (edit_opening checks it).
    based_on = request.POST.get("based_on") if request.method == "POST" else None
    meanwhile = None
    if request.method == "POST" and form.is_valid():
        try:
            applications.edit_opening(opening, form.cleaned_data, request.user, based_on)
        except ChangedMeanwhile as changed:
            form.add_error(None, changed)
            meanwhile = changed.current
            based_on = applications.opening_version(meanwhile)  # saving again replaces it
        else:
            messages.success(request, _("Opening saved."))
            return redirect(opening)
    context = {
        "form": form,
        "team": opening.team,
        "opening": opening,
        "based_on": applications.opening_version(opening) if based_on is None else based_on,
        "meanwhile": meanwhile,
    }
    status = 409 if meanwhile else 400 if form.errors else 200
    return render(request, "hiring/pipeline/opening_form.html", context, status=status)


@never_cache
@login_required
@require_POST
def opening_rule(request, opening_id):
    """Propose a new decision rule: the team's membership rule settles it, as any proposal."""
    opening = get_opening_for_member(request.user, opening_id)
    form = DecisionRuleForm(request.POST, instance=opening)
    if form.is_valid():
        try:
            proposal = membership.propose_decision_rule(
                opening, request.user, form.cleaned_data, shown=form.shown_snapshot()
            )
        except ValidationError as error:
            form.add_error(None, error)
            form.show_current()
        else:
            messages.info(request, proposal.announcement)
            return redirect(opening)
    opening.refresh_from_db()  # the form wrote its values on the instance
    return _render_opening(request, opening, status=400, rule_form=form)


@never_cache
@login_required
def opening_detail(request, opening_id):
    opening = get_opening_for(request.user, opening_id)
    return _render_opening(request, opening)


def _render_opening(request, opening, status=200, candidate_form=None, rule_form=None):
    runs = runs_pipeline(request.user, opening.team)
    context = {
        "opening": opening,
        "stages": applications.opening_stages(opening),
        "runs_pipeline": runs,
        # Found again after leaving the page while the worker checks or imports a file.
        "imports": opening.imports.select_related("created_by")[:RECENT_IMPORTS] if runs else [],
        "is_member": opening.team.has_member(request.user),
        "rule_description": Rule(**opening.rule_snapshot()).describe(),
        "rule_proposals": opening.proposals.filter(status=Proposal.Status.OPEN).select_related(
            "opening"
        ),
        "candidate_form": candidate_form or CandidateForm(),
        "rule_form": rule_form or DecisionRuleForm(instance=opening),
    }
    return render(request, "hiring/pipeline/opening_detail.html", context, status=status)


# The imports an opening's page lists, the latest first.
RECENT_IMPORTS = 5


@never_cache
@login_required
@require_POST
def application_create(request, opening_id):
    opening = get_opening_for_pipeline(request.user, opening_id)
    form = CandidateForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            added = applications.add_application(opening, request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            _say_what_was_added(request, added, form.cleaned_data["name"])
            return redirect(added.application)
    return _render_opening(request, opening, status=400, candidate_form=form)


def _say_what_was_added(request, added, typed):
    candidate = added.application.candidate
    if added.already:
        messages.info(
            request,
            _(
                "%(candidate)s was already on this opening: nothing was added, here is their "
                "application."
            )
            % {"candidate": candidate},
        )
    else:
        messages.success(request, _("%(candidate)s added.") % {"candidate": candidate})
    if added.kept_name:
        messages.info(
            request,
            _(
                "The team already holds this email address as “%(kept)s”: the record keeps "
                "that name, not “%(typed)s”."
            )
            % {"kept": added.kept_name, "typed": typed},
        )
    if added.resume_kept:
        messages.info(
            request,
            _(
                "The team's record already holds a résumé: it keeps it, and the file you chose "
                "was not stored."
            ),
        )


@never_cache
@login_required
def application_detail(request, application_id):
    application = get_application_for(request.user, application_id)
    CandidateAccess.record(
        CandidateAccess.What.APPLICATION, request.user, application.candidate, application
    )
    return _render_application(request, application)


def _render_application(request, application, status=200, **forms):
    """The page; its content is cached until the application changes (or what every page of its
    team shows), except when a form comes back with errors or htmx asks for the panel alone."""
    template = "hiring/pipeline/application_detail.html"
    if request.htmx and forms:
        context = _application_context(request.user, application, forms)
        return render(request, f"{template}#panel", context, status=status)
    return freshness.render_page(
        request,
        template,
        lambda: _application_context(request.user, application, forms),
        # The page is cached in each language it is read in.
        cache_as=None if forms else ("application", (application.pk, get_language())),
        teams=[application.opening.team],
        follows=application,
        status=status,
        candidate=application.candidate,
    )


def _hire_joining(user, application):
    """For a member of a hire's team: that the hire is a member of it now (hire_joined), else the
    form proposing them to join it, at the address they were proposed at last, else the one they
    applied with, and whether they were a member and left (Application.member, kept as they
    leave). Nothing for anyone else, nor before the hire."""
    if application.stage != Application.Stage.HIRED or not proposes_members(user, application.team):
        return {}
    if membership.hire_joined(application):
        return {"hire_joined": True}
    email = application.member_email or application.candidate.email
    return {
        "propose_hire_form": ProposeHireForm(initial={"email": email, "hire": application.pk}),
        "hire_left": application.member_id is not None,
    }


def _application_context(user, application, forms):
    feedback = decisions.panel_feedback(application)
    own = [f for f in feedback if f.interviewer_id == user.pk]
    readable = reads_panel_feedback(user, application, feedback)
    pipeline = runs_pipeline_of(user, application)
    offers = list(application.offers.select_related("created_by"))
    stage_changes = list(application.stage_changes.select_related("by"))
    context = {
        "application": application,
        "candidate": application.candidate,
        "stage_changes": stage_changes,
        "closed_by": _closed_by(application, stage_changes),
        "answers": application.answers.all(),
        "feedback": feedback,
        "own_feedback": own,
        "readable": readable,
        # Told why they read nothing: a member who applied (a reader is never the candidate).
        "is_candidate": not readable
        and not user.is_recruiter
        and is_the_candidate(user, application),
        "runs_pipeline": pipeline and not application.is_closed,
        # Emails and offers go on once the application closed (Offer is a closed stage).
        "manages_candidate": pipeline,
        "prepares_offer": pipeline and can_prepare(application, offers),
        "records_not_starting": pipeline and not why_no_did_not_start(application),
        "can_debrief": opens_debrief(user, application.team),
        "check_ins": application.check_ins.all() if reads_check_ins(user, application) else [],
        "hired_for": application.hired_elsewhere(),
        **_hire_joining(user, application),
        "timeline": with_shown_details(
            user,
            events_shown(
                application.audit_events.select_related("actor"),
                withheld=[] if readable else [application.pk],
            )[:50],
            readable,
        ),
        "stage_form": forms.get("stage_form")
        or StageForm(initial={"stage": application.stage}, application=application),
        "offers": offers,
        "candidate_emails": application.emails.select_related("created_by")[:50],
        "duplicates": duplicates_shown_to(user, application),
        "handles_candidate_data": handles_candidate_data(user),
        **forms,
    }
    if readable:
        context["summary"] = decisions.panel_summary(application, feedback)
        decisions.with_history(feedback)
    if context["runs_pipeline"] and "assign_form" not in forms:
        context["assign_form"] = AssignForm(application=application)
    return context


def _closed_by(application, stage_changes):
    """The move that closed `application` with a reason recorded, while it stays where that
    move took it, else None."""
    last = stage_changes[-1] if stage_changes else None
    if last and last.reason and last.to_stage == application.stage:
        return last
    return None


@never_cache
@login_required
@require_POST
def application_stage(request, application_id):
    application = get_application_for_pipeline(request.user, application_id)
    form = StageForm(request.POST, application=application)
    if form.is_valid():
        try:
            applications.move_stage(
                application,
                form.cleaned_data["stage"],
                request.user,
                form.cleaned_data["from_stage"],
                form.cleaned_data["reason"],
                form.cleaned_data["reason_note"],
            )
        except ValidationError as error:
            form.add_move_error(error)
        else:
            return redirect(application)
    return _render_application(request, application, status=400, stage_form=form)


@never_cache
@login_required
def application_resume(request, application_id):
    application = get_application_for(request.user, application_id)
    candidate = application.candidate
    if not candidate.resume:
        raise Http404
    try:
        resume = candidate.resume.open("rb")
    except FileNotFoundError:
        # Gone from the storage meanwhile (an erasure or merge deleting it as this is read).
        raise Http404 from None
    CandidateAccess.record(CandidateAccess.What.RESUME, request.user, candidate, application)
    return FileResponse(resume, as_attachment=True)


@never_cache
@login_required
@require_POST
def assign_interviewer(request, application_id):
    with transaction.atomic():
        # Locked, read once for the check and the write: a submission that opens the debrief
        # meanwhile (after which nobody more is asked to score) is waited for and seen.
        application = get_application_for_pipeline(request.user, application_id, locked=True)
        form = AssignForm(request.POST, application=application)
        if form.is_valid():
            try:
                scoring.assign(
                    application,
                    form.cleaned_data["interviewer"],
                    form.cleaned_data["focus"],
                    assigned_by=request.user,
                    criteria=list(form.cleaned_data["criteria"]),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect(application)
    return _render_application(request, application, status=400, assign_form=form)


# The board's filter menus, cached as a piece of their own beside its columns.
MENUS = "menus"


@never_cache
@login_required
def pipeline_board(request):
    filters = board.Filters.from_query(request.GET)
    parts = board_parts(request, filters, timezone.now())
    if request.htmx:
        # The opening menu follows the team chosen: swapped in beside the board.
        return HttpResponse(parts["board"] + parts["opening_menu"])
    return render(request, "hiring/pipeline/board.html", {"parts": parts})


def board_parts(request, filters, now):
    """The filters, the opening menu and the board as this request's user sees them at `now`.

    Each column and the menus are cached on their own (hiring/freshness.py): a column until a
    card of a team it shows changes, the menus until an opening or a team does. The "more"
    links carry the query string on: it is part of what is cached."""
    user = request.user
    teams = Team.objects.visible_to(user)  # read for a member's columns, or the menus
    # Who sees every team reads one token per column, not one per team and column.
    everyone = [freshness.EVERY_TEAM] if user.sees_all_teams else [team.pk for team in teams]
    scope = [filters.team] if filters.team else everyone
    pieces = {stage: [(team, stage) for team in scope] for stage in board.shown_stages(filters)}
    pieces[MENUS] = [(team, "openings") for team in everyone]
    rendered = freshness.cached_columns(
        request,
        "board",
        sorted(request.GET.lists()),
        pieces,
        lambda names: _render_pieces(request, filters, teams, names, now),
        now,
    )
    return _parts(request, rendered, filters, now)


def _teams_run_by(user):
    """The teams whose cards this user may move."""
    return set(Team.objects.pipeline_run_by(user).values_list("pk", flat=True))


def _render_pieces(request, filters, teams, names, now):
    """The board's columns of the stages named, and its menus if named, each as (its HTML,
    when it stops being true)."""
    filters, openings = board.follow_team(request.user, filters)
    stages = [name for name in names if name != MENUS]
    columns, joins_at = board.first_pages(request.user, filters, now=now, only=stages)
    context = {"filters": filters, "runs_teams": _teams_run_by(request.user)}
    pieces = {
        column[0]: (_render_column(request, context, column), joins_at.get(column[0]))
        for column in columns
    }
    if MENUS in names:
        pieces[MENUS] = (_render_menus(filters, teams, openings), None)
    return pieces


def _render_menus(filters, teams, openings):
    context = {
        "filters": filters,
        "teams": teams,
        "openings": openings,
        "stages": Application.Stage.choices,
    }
    menus = {"filters": render_to_string("hiring/pipeline/board.html#filters", context)}
    context["swap"] = True
    menus["opening_menu"] = render_to_string("hiring/pipeline/board.html#opening_menu", context)
    return menus


def _render_column(request, context, column):
    stage, count, page, cursor = column
    return render_to_string(
        "hiring/pipeline/board.html#column",
        {
            **context,
            "folded": board.FOLDED,
            "stage": stage,
            "count": count,
            # The screen's columns link to rejecting several of their cards at once.
            "rejects_several": count
            and context["runs_teams"]
            and stage in Application.BEFORE_INTERVIEWS,
            "cards": _render_cards(request, page, context["runs_teams"]),
            "cursor": cursor,
        },
        request,
    )


def _render_cards(request, page, runs_teams):
    """Each card of `page` as HTML: a move changes one card of the two columns it renders
    again, and the others are not rendered twice (freshness.cached_each). A card offers its
    move to a reader who runs its pipeline: of the teams `runs_teams`, not their own
    application (pipelines_run_among)."""
    moved_by_reader = pipelines_run_among(request.user, page, runs_teams)
    for card in page:
        card.reader_moves = card.pk in moved_by_reader
    query = request.GET
    context = {"query": query}
    return freshness.cached_each(
        request,
        "board-card",
        page,
        lambda card: (board.card_facts(card), query.urlencode()),
        lambda card: render_to_string(
            "hiring/pipeline/board.html#card", {**context, "card": card}, request
        ),
    )


def _parts(request, rendered, filters, now, error=None):
    """The page's parts from its rendered pieces: the board put together from its columns, their
    cards read at `now`."""
    columns = [(stage, rendered[stage]) for stage in board.shown_stages(filters)]
    context = {
        "columns": [html for stage, html in columns if stage not in board.FOLDED],
        "folded_columns": [html for stage, html in columns if stage in board.FOLDED],
        "error": error,
    }
    board_html = render_to_string("hiring/pipeline/board.html#board", context)
    return {**rendered[MENUS], "board": _read_clock(request, board_html, now)}


def _read_clock(request, html, now):
    """board.read_clock() of `html` for this reader: a decision waiting for confirmation is
    flagged to those who read the feedback it departs from."""
    return board.read_clock(html, now, lambda ids: pending_decisions_told(request.user, ids))


def _board_with_error(request, filters, error):
    """The whole board rendered afresh, saying why a move did not happen."""
    now = timezone.now()
    names = [*board.shown_stages(filters), MENUS]
    teams = Team.objects.visible_to(request.user)
    rendered = _render_pieces(request, filters, teams, names, now)
    html = {name: html for name, (html, _good_until) in rendered.items()}
    return _parts(request, html, filters, now, error)


@never_cache
@login_required
@require_POST
def pipeline_move(request, application_id):
    """Move a card from the board: its team's members and recruiters may, and the move is
    recorded in the audit trail. htmx gets the board back as it now is."""
    form = StageForm(request.POST)
    error = None
    if not form.is_valid() and not _of_the_reason(form.errors):
        application = get_application_for_pipeline(request.user, application_id)
        error = _("Choose the stage to move %(candidate)s to.") % {
            "candidate": application.candidate
        }
    elif form.errors:  # the stage chosen, its reason or note refused
        return _ask_why(request, application_id, form.cleaned_data["stage"])
    else:
        try:
            application, moved_from = applications.move_stage_as(
                request.user,
                application_id,
                form.cleaned_data["stage"],
                form.cleaned_data["from_stage"],
                form.cleaned_data["reason"],
                form.cleaned_data["reason_note"],
            )
        except ValidationError as exc:
            if _of_the_reason(getattr(exc, "error_dict", [None])):
                return _ask_why(request, application_id, form.cleaned_data["stage"], exc)
            error = " ".join(exc.messages)
    if error is None:
        if request.htmx:
            return _moved_card(request, application, moved_from)
        stage = Application.Stage(form.cleaned_data["stage"]).label
        messages.success(
            request,
            _("%(candidate)s moved to %(stage)s.")
            % {"candidate": application.candidate, "stage": stage},
        )
        return redirect(f"{reverse('pipeline')}?{request.GET.urlencode()}")
    parts = _board_with_error(request, board.Filters.from_query(request.GET), error)
    if request.htmx:
        # The card's form swaps nothing itself; the board with the error takes its place.
        headers = {"HX-Retarget": "#board", "HX-Reswap": "outerHTML"}
        return HttpResponse(parts["board"], status=400, headers=headers)
    return render(request, "hiring/pipeline/board.html", {"parts": parts}, status=400)


def _of_the_reason(fields):
    """Whether the fields refused are a move's reason or note alone (closing_reason)."""
    return set(fields) <= {"reason", "reason_note"}


def _ask_why(request, application_id, stage, error=None):
    """A move from the board to a stage that closes the application, refused for its reason:
    the card's move form again, the stage chosen, asking for the reason beside its fields. With
    htmx it takes the place of the card's form; without, it is a page of its own."""
    card = get_application_for_pipeline(request.user, application_id)
    # (Closed meanwhile, it moves nowhere: sent again, the move says so.)
    card.ahead, card.behind = board.moves(card.stage) if card.stage in board.FORWARD else ([], [])
    if stage not in [*card.ahead, *card.behind]:
        card.ahead.append(Application.Stage(stage))  # posted from elsewhere: offered here too
    card.next_stage = stage
    form = StageForm(request.POST, stages=[stage], auto_id=f"card-move-{card.pk}_%s")
    if form.is_valid() and error is not None:
        form.add_move_error(error)
    context = {"card": card, "query": request.GET, "move_form": form}
    if request.htmx:
        html = render_to_string("hiring/pipeline/board.html#card_move", context, request)
        headers = {"HX-Retarget": f"#card-move-{card.pk}", "HX-Reswap": "outerHTML"}
        return HttpResponse(html, status=400, headers=headers)
    context["board_url"] = f"{reverse('pipeline')}?{request.GET.urlencode()}"
    return render(request, "hiring/pipeline/move.html", context, status=400)


def _moved_card(request, application, moved_from):
    """htmx's answer to a move: the card leaves its column and, where the reader's other column
    shows its end, joins it there (the moved card is the newest in its stage, and a column runs
    oldest first; where it does not, the card comes with the column's next page), with both
    columns' counts. A column the move empties, or fills from empty, is sent whole. The rest of
    the board stands as it is, and no other card is read."""
    user, pk, moved_to = request.user, application.pk, application.stage
    filters, _ = board.follow_team(user, board.Filters.from_query(request.GET))
    now = timezone.now()
    stages = board.shown_stages(filters, only=[moved_from, moved_to])
    counts = board.column_counts(user, filters, stages, now)
    whole = [stage for stage in stages if counts.get(stage, 0) == (0 if stage == moved_from else 1)]
    card = None
    if moved_to in stages and moved_to not in whole:
        found = board.one_card(user, filters, application, now)
        # Its mover runs its team, or could not have moved it.
        card = found and _render_cards(request, [found], {found.opening.team_id})[0]
    columns = []
    if whole:
        context = {"filters": filters, "oob": True, "runs_teams": _teams_run_by(user)}
        sent_whole, _ = board.first_pages(user, filters, now=now, only=whole)
        columns = [_render_column(request, context, column) for column in sent_whole]
    context = {
        "moved_pk": pk,
        "counts": [(Application.Stage(stage), counts.get(stage, 0)) for stage in stages],
        "to_stage": moved_to,
        "card": card,
        "columns": columns,
    }
    html = render_to_string("hiring/pipeline/board.html#moved", context, request)
    return HttpResponse(_read_clock(request, html, now))


@never_cache
@login_required
def pipeline_column(request, stage):
    """The next page of one column, after the keyset cursor: never OFFSET."""
    if stage not in Application.Stage.values:
        raise Http404
    filters, _ = board.follow_team(request.user, board.Filters.from_query(request.GET))
    after = board.parse_cursor(request.GET.get("after", ""))
    now = timezone.now()
    page, cursor = board.column(request.user, filters, stage, after=after, now=now)
    context = {
        "stage": Application.Stage(stage),
        "cards": _render_cards(request, page, _teams_run_by(request.user)),
        "cursor": cursor,
        "query": request.GET.copy(),
    }
    if request.htmx:
        html = render_to_string("hiring/pipeline/board.html#cards", context, request)
    else:
        # Followed without htmx (a new tab, no script): the same cards as a page of their own.
        filters_only = request.GET.copy()
        filters_only.pop("after", None)
        context["board_url"] = f"{reverse('pipeline')}?{filters_only.urlencode()}"
        html = render_to_string("hiring/pipeline/column.html", context, request)
    return HttpResponse(_read_clock(request, html, now))


@never_cache
@login_required
def pipeline_reject_many(request, stage):
    """Reject several applications of the Applied or Screen column at once, for one reason: the
    board's team and opening filters choose which are listed, and it comes back as filtered."""
    stage = get_stage_for_rejecting(request.user, stage)
    board_url = f"{reverse('pipeline')}?{request.GET.urlencode()}"
    if request.method != "POST":
        return _render_reject_many(request, stage, RejectManyForm(), board_url)
    form = RejectManyForm(request.POST)
    moved = []
    if form.is_valid():
        fields = form.cleaned_data
        try:
            rejected = applications.reject_many(
                request.user,
                fields["applications"],
                stage,
                fields["reason"],
                fields["reason_note"],
                fields["send_emails"],
            )
        except ChangedMeanwhile as changed:
            form.add_error(None, changed)
            moved = changed.current
        except ValidationError as error:
            form.add_error(None, error)  # beside the field it names, if it names one
        else:
            messages.success(request, _rejected_notice(len(rejected), fields["send_emails"]))
            return redirect(board_url)
    status = 409 if moved else 400
    return _render_reject_many(request, stage, form, board_url, moved, status)


def _render_reject_many(request, stage, form, board_url, moved=(), status=200):
    """The page listing the stage's applications to choose from, those chosen before ticked
    again but for the ones `moved` meanwhile, which are named apart."""
    filters = board.Filters.from_query(request.GET)
    listed, more = applications.rejectable(
        request.user, stage, filters.team, filters.opening, timezone.now()
    )
    ticked = form.chosen() - {application.pk for application in moved} if form.is_bound else set()
    context = {
        "stage": stage,
        "form": form,
        "listed": listed,
        "more": more,
        "most": applications.MOST_REJECTED_AT_ONCE,
        "ticked": ticked,
        "moved": moved,
        "board_url": board_url,
    }
    return render(request, "hiring/pipeline/reject_many.html", context, status=status)


def _rejected_notice(count, emails_sent):
    rejected = ngettext(
        "%(count)s application rejected.", "%(count)s applications rejected.", count
    ) % {"count": count}
    if not emails_sent:
        return rejected
    sent = ngettext(
        "Its candidate hears of it after the delay to undo the email.",
        "Each candidate hears of it after the delay to undo the email.",
        count,
    )
    return f"{rejected} {sent}"
