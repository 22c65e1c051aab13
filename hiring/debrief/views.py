"""The debrief and the team's decision."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from scorecards import aggregation
from scorecards.access import reads_panel_feedback, still_to_score
from scorecards.recommendation import METHOD_PHRASES, VOTE_COUNTING_PHRASES, Outcome

from .. import freshness
from ..access import get_application_for_debrief, get_scorecard_to_excuse, is_the_candidate
from ..models import Decision, reads_stored_words
from . import decisions
from .forms import DecisionForm, ExcuseForm, WithdrawDecisionForm


def _render_debrief(request, application, status=200, feedback=None, **context):
    """The page; its content is cached until the application changes (or what every page of
    its team shows), except when a form comes back with errors or htmx asks for the decision
    alone (with the panel's `feedback` when the caller has it)."""
    template = "hiring/debrief/debrief.html"
    if request.htmx:
        if feedback is None:
            feedback = decisions.panel_feedback(application)
        context = _decision_context(request.user, application, feedback, context)
        return render(request, f"{template}#decision", context, status=status)
    return freshness.render_page(
        request,
        template,
        lambda: _debrief_context(request.user, application, context),
        cache_as=None if context else ("debrief", application.pk),
        teams=[application.opening.team],
        follows=application,
        status=status,
        application=application,
    )


def _decision_context(user, application, feedback, context):
    """What the decision's part of the page shows: the rule, the recommendation to those who
    read the panel, and the decision or the form to record it. `context` may hold the decision
    when the caller has it."""
    readable = reads_panel_feedback(user, application, feedback)
    is_member = application.opening.team.has_member(user)
    context = dict(context)
    if "decision" not in context:
        context["decision"] = (
            Decision.objects.filter(application=application)
            .select_related("recorded_by", "confirmed_by")
            .first()
        )
    if not (readable or getattr(context["decision"], "is_effective", True)):
        # One waiting for confirmation departs from what the rule made of the feedback: to
        # those who do not read it, there is no decision yet (as on the timeline).
        context["decision"] = None
    context.update(
        application=application,
        feedback=feedback,
        readable=readable,
        is_member=is_member,
        is_candidate=is_member and is_the_candidate(user, application),
        decides=is_member and readable,
        rule_phrase=METHOD_PHRASES[application.decision_rule["decision_method"]],
        vote_counting_phrase=VOTE_COUNTING_PHRASES[application.decision_rule["vote_counting"]],
    )
    pending = context["decision"] is not None and not context["decision"].is_effective
    if readable and pending:
        context["nobody_to_confirm"] = not application.opening.team.has_another_active_member(
            context["decision"].recorded_by_id
        )
    if readable:
        # A decision just recorded evaluated the rule in the stored language: the same words
        # for a reader of that language.
        recommendation = getattr(context["decision"], "recommended", None)
        if recommendation is None or not reads_stored_words():
            recommendation = decisions.recommend(application, feedback)
        context["recommendation"] = recommendation
        context["recommendation_label"] = Outcome(context["recommendation"].outcome).label
        if pending:
            context["outdated"] = decisions.outdated(context["decision"], recommendation)
    context.setdefault("decision_form", DecisionForm())
    context.setdefault("withdraw_form", WithdrawDecisionForm())
    return context


def _debrief_context(user, application, context):
    feedback = decisions.panel_feedback(application)
    posted = context.get("excuse_form")  # one interviewer's, come back with its errors
    context = _decision_context(user, application, feedback, context)
    context.update(
        waiting=decisions.waiting_for(application, feedback),
        quorum_reasons=decisions.quorum(application, feedback)[1],
        own_waiting=still_to_score(user, feedback),
    )
    if context["readable"]:
        submitted = [f for f in feedback if f.is_submitted]
        context["grid"] = ratings_grid(submitted)
        ratings = [
            aggregation.Rating(scorecard.interviewer_id, r.criterion.key, r.score)
            for scorecard in submitted
            for r in scorecard.latest_submission.ratings.all()
        ]
        context["spread"] = aggregation.criterion_spread(ratings)
        context["tally"] = aggregation.vote_tally(decisions.counted_votes(application, feedback))
    for item in context["waiting"]:
        item.excuse_form = (
            posted if posted and posted.scorecard == item else ExcuseForm(scorecard=item)
        )
    return context


def ratings_grid(submitted):
    """Rows of (criterion, [rating or None per interviewer]) over the latest revisions."""
    criteria, cells = {}, {}
    for column, scorecard in enumerate(submitted):
        for rating in scorecard.latest_submission.ratings.all():
            criteria.setdefault(rating.criterion.key, rating.criterion)
            cells[(rating.criterion.key, column)] = rating
    ordered = sorted(criteria.values(), key=lambda c: (c.category, c.position, c.pk))
    return {
        "interviewers": list(submitted),
        "rows": [
            (criterion, [cells.get((criterion.key, column)) for column in range(len(submitted))])
            for criterion in ordered
        ],
    }


@login_required
@never_cache  # candidate data: never kept by a browser or proxy
def debrief(request, application_id):
    application = get_application_for_debrief(request.user, application_id)
    return _render_debrief(request, application)


@login_required
@require_POST
def record_decision(request, application_id):
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            record = decisions.record_decision_as(
                request.user,
                application_id,
                form.cleaned_data["outcome"],
                form.cleaned_data["rationale"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _after(request, _("Decision recorded."), record)
    application = get_application_for_debrief(request.user, application_id)
    return _render_debrief(request, application, status=400, decision_form=form)


@login_required
@require_POST
def confirm_decision(request, application_id):
    application = get_application_for_debrief(request.user, application_id)
    try:
        record = decisions.confirm_decision(_decision_shown(request, application), request.user)
    except ValidationError as error:
        return _render_debrief(request, application, status=400, error=" ".join(error.messages))
    return _after(request, _("Decision confirmed."), record)


@login_required
@require_POST
def withdraw_decision(request, application_id):
    application = get_application_for_debrief(request.user, application_id)
    form = WithdrawDecisionForm(request.POST)
    try:
        record = _decision_shown(request, application)
    except ValidationError as error:  # said above the decision: its form may be gone with it
        return _render_debrief(request, application, status=400, error=" ".join(error.messages))
    if form.is_valid():
        try:
            decisions.withdraw_decision(record, request.user, form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error("reason", error)
        else:
            messages.success(request, _("Decision taken back: the team may decide again."))
            return redirect("debrief", application_id=application.pk)
    return _render_debrief(request, application, status=400, withdraw_form=form)


def _decision_shown(request, application):
    """The application's decision if it is the one the page showed, else ValidationError: one
    taken back and recorded anew meanwhile is never confirmed or taken back unseen. Http404 to
    those who do not read the panel, who act on no decision: whether one waits is not theirs
    to learn by posting."""
    if not reads_panel_feedback(request.user, application, decisions.panel_feedback(application)):
        raise Http404
    record = Decision.objects.filter(application=application).first()
    # None: taken back meanwhile, as the page did not show.
    if record is None or request.POST.get("decision") != str(record.pk):
        raise ValidationError(
            _("The decision changed since this page was opened: read it again before acting.")
        )
    return record


@login_required
@require_POST
def excuse_interviewer(request, application_id, feedback_id):
    scorecard = get_scorecard_to_excuse(request.user, application_id, feedback_id)
    application = scorecard.application
    form = ExcuseForm(request.POST, scorecard=scorecard)
    if form.is_valid():
        try:
            decisions.excuse(scorecard, request.user, form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error("reason", error)
        else:
            messages.success(
                request, _("%(interviewer)s excused.") % {"interviewer": scorecard.interviewer}
            )
            return redirect("debrief", application_id=application.pk)
    return _render_debrief(request, application, status=400, excuse_form=form)


def _after(request, message, record):
    """The reply to a decision recorded or confirmed: for htmx, the decision's part of the page
    as the change left it, else the page with `message`."""
    application = record.application
    if request.htmx:
        return _render_debrief(request, application, feedback=record.panel, decision=record)
    messages.success(request, message)
    return redirect("debrief", application_id=application.pk)
