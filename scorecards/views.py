from copy import copy
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hiring import freshness
from hiring.access import get_team_for_member
from hiring.models import ChangedMeanwhile, whole_number

from . import editing, scoring
from .access import criteria_for_author, get_feedback_for_author, get_scorecard_for_member
from .forms import CriterionForm, FeedbackForm, ScorecardForm
from .models import Rating, Scorecard


@login_required
def library(request, team_id):
    team = get_team_for_member(request.user, team_id)
    form = ScorecardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        scorecard, added = editing.add_template(team, form.cleaned_data["name"])
        if not added:
            messages.info(request, _in_library(scorecard))
        return redirect(scorecard)
    scorecards = Scorecard.objects.filter(team=team).select_related("opening")
    return render(
        request,
        "scorecards/library.html",
        {"team": team, "scorecards": scorecards, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def copy_template(request, scorecard_id):
    source = get_scorecard_for_member(request.user, scorecard_id)
    name = _("Copy of %(name)s") % {"name": source.name}
    scorecard, added = editing.copy_to_library(source, name)
    if added:
        messages.success(
            request, _("Copied. Adapt “%(scorecard)s” to the role.") % {"scorecard": scorecard}
        )
    else:
        messages.info(request, _in_library(scorecard))
    return redirect(scorecard)


def _in_library(scorecard):
    return _("“%(scorecard)s” is in your library already.") % {"scorecard": scorecard}


@login_required
def scorecard_edit(request, scorecard_id):
    scorecard = get_scorecard_for_member(request.user, scorecard_id)
    return _render_editor(request, scorecard)


def _render_editor(
    request, scorecard, status=200, editing_key=None, form=None, error=None, **editing_context
):
    """The editor page, or only its criteria list when htmx asks. `editing_context`: the edit
    form's version (based_on) and the criterion saved meanwhile, when it was."""
    version = scorecard.current_version()
    context = {
        "scorecard": scorecard,
        "version": version,
        "criteria": version.criteria.all(),
        "editing_key": editing_key,
        "edit_form": form if editing_key else None,
        "add_form": form if form is not None and editing_key is None else CriterionForm(),
        "error": error,
        **editing_context,
    }
    template = "scorecards/editor.html"
    if request.htmx:
        template += "#criteria"
    return render(request, template, context, status=status)


@login_required
@require_POST
def criterion_add(request, scorecard_id):
    scorecard = get_scorecard_for_member(request.user, scorecard_id)
    form = CriterionForm(request.POST)
    if form.is_valid():
        try:
            editing.add_criterion(scorecard, form.cleaned_data, request.user)
        except ValidationError as error:
            form.add_error(None, error)
    if form.errors:
        return _render_editor(request, scorecard, status=400, form=form)
    return _after_edit(request, scorecard)


# The buttons of the page that asks before a criterion moves to the other category.
MOVE_CONFIRMED, MOVE_CANCELLED = "move_confirmed", "keep_category"


@login_required
def criterion_edit(request, scorecard_id, key):
    scorecard = get_scorecard_for_member(request.user, scorecard_id)
    criterion = scorecard.current_version().criteria.filter(key=key).first()
    if criterion is None:
        return _render_editor(request, scorecard, status=404, error=_("That criterion is gone."))
    data = request.POST or None
    if data is not None and MOVE_CANCELLED in data:
        # Back from the question to the form as it was sent, in the category it has.
        data = data.copy()
        data["category"] = criterion.category
    # Ids of its own: the page also holds the form that adds a criterion. On a copy: validating
    # the form sets what was sent on its instance, and `criterion` stays as stored.
    form = CriterionForm(data, instance=copy(criterion), auto_id="edit_%s")
    # A count only, as the removal's question says it.
    losing = editing.drafts_losing_work(criterion)
    if losing:
        form.fields["category"].help_text = _moving_loses(losing)
    if request.method != "POST":
        based_on = editing.criterion_version(criterion)
        return _render_editor(request, scorecard, editing_key=key, form=form, based_on=based_on)
    # The version the form was opened on (update_criterion checks it).
    based_on = request.POST.get("based_on")
    if not form.is_valid() or MOVE_CANCELLED in data:
        status = 200 if form.is_valid() else 400
        return _render_editor(
            request, scorecard, status=status, editing_key=key, form=form, based_on=based_on
        )
    moving = form.cleaned_data["category"] != criterion.category
    try:
        if moving and losing and MOVE_CONFIRMED not in data:
            editing.keep_one_of_category(criterion)  # refused before it is asked, not after
            return _ask_before_moving(request, scorecard, criterion, form, losing)
        editing.update_criterion(scorecard, key, form.cleaned_data, request.user, based_on)
    except ChangedMeanwhile as changed:
        form.add_error(None, changed)
        return _render_editor(
            request,
            scorecard,
            status=409,
            editing_key=key,
            form=form,
            meanwhile=changed.current,
            based_on=editing.criterion_version(changed.current),  # saving again replaces it
        )
    except ValidationError as error:
        if not hasattr(error, "error_dict"):  # of the scorecard, not of a field of the form
            return _render_editor(request, scorecard, status=400, error=" ".join(error.messages))
        form.add_error(None, error)
        return _render_editor(
            request, scorecard, status=400, editing_key=key, form=form, based_on=based_on
        )
    return _after_edit(request, scorecard)


def _moving_loses(losing):
    return ngettext(
        "Moved to the other category, it leaves its focus's scorecards: %(count)s draft "
        "scorecard, not yet submitted, holds a rating or notes on it, which are deleted, and "
        "its interviewer is not told.",
        "Moved to the other category, it leaves its focus's scorecards: %(count)s draft "
        "scorecards, not yet submitted, hold ratings or notes on it, which are deleted, and "
        "their interviewers are not told.",
        losing,
    ) % {"count": losing}


def _ask_before_moving(request, scorecard, criterion, form, losing):
    """Asks first, as a removal does: the page's buttons post the form as it was sent again,
    to save it, or to go back to it in the category it has."""
    category = dict(form.fields["category"].choices)[form.cleaned_data["category"]]
    question = {
        "title": _("Move “%(criterion)s” to %(category)s?")
        % {"criterion": criterion.name, "category": category},
        "consequence": _moving_loses(losing),
        "action": _("Move the criterion"),
        "keep": _("Keep its category"),
        "post_to": reverse("criterion_edit", args=[scorecard.pk, criterion.key]),
        "carried": [
            (name, value)
            for name, values in request.POST.lists()
            if name != "csrfmiddlewaretoken"
            for value in values
        ],
        "action_name": MOVE_CONFIRMED,
        "keep_name": MOVE_CANCELLED,
    }
    return _ask_first(request, scorecard, criterion, question)


def _ask_first(request, scorecard, criterion, question):
    """The page asking before a change of `criterion` loses work, a whole page even when the
    editor's htmx asked: its form posts on its own, with no script."""
    back = f"{scorecard.get_absolute_url()}#criterion-{criterion.key}"
    response = render(
        request, "hiring/confirm.html", {"back": back, "about": scorecard, **question}
    )
    if request.htmx:
        response["HX-Retarget"], response["HX-Reswap"] = "body", "innerHTML"
    return response


@login_required
def criterion_remove(request, scorecard_id, key):
    """Asks first (GET); the page's button removes the criterion."""
    scorecard = get_scorecard_for_member(request.user, scorecard_id)
    if request.method == "POST":
        return _edit(request, scorecard, editing.remove_criterion, key)
    criterion = scorecard.current_version().criteria.filter(key=key).first()
    if criterion is None:
        return _render_editor(request, scorecard, status=404, error=_("That criterion is gone."))
    consequence = _(
        "Interviewers no longer rate it. Feedback already submitted keeps its ratings of it."
    )
    # A count only: whose drafts they are, and what they say, is not the editor's to read.
    losing = editing.drafts_losing_work(criterion)
    if losing:
        consequence += " " + ngettext(
            "%(count)s draft scorecard, not yet submitted, holds a rating or notes on it: "
            "they are deleted with it, and its interviewer is not told.",
            "%(count)s draft scorecards, not yet submitted, hold ratings or notes on it: "
            "they are deleted with it, and their interviewers are not told.",
            losing,
        ) % {"count": losing}
    question = {
        "title": _("Remove “%(criterion)s” from %(scorecard)s?")
        % {"criterion": criterion.name, "scorecard": scorecard},
        "consequence": consequence,
        "action": _("Remove the criterion"),
        "keep": _("Keep the criterion"),
    }
    return _ask_first(request, scorecard, criterion, question)


@login_required
@require_POST
def criterion_move(request, scorecard_id, key):
    scorecard = get_scorecard_for_member(request.user, scorecard_id)
    offset = -1 if request.POST.get("direction") == "up" else 1
    seen = whole_number(request.POST.get("place", "")[:9])
    return _edit(request, scorecard, partial(editing.move_criterion, seen=seen), key, offset)


def _edit(request, scorecard, change, *args):
    try:
        change(scorecard, *args, request.user)
    except ValidationError as error:
        return _render_editor(request, scorecard, status=400, error=" ".join(error.messages))
    return _after_edit(request, scorecard)


def _after_edit(request, scorecard):
    if request.htmx:
        return _render_editor(request, scorecard)
    return redirect(scorecard)


@login_required
@never_cache  # candidate data: never kept by a browser or proxy
def feedback_form(request, feedback_id):
    feedback = get_feedback_for_author(request.user, feedback_id)
    return _render_feedback(request, feedback)


def _render_feedback(request, feedback, form=None, status=200):
    """The page; its content is cached until the scorecard's latest revision or the team's
    data changes, except when a form comes back with errors."""
    template = "scorecards/feedback_form.html"

    def context():
        revisions = feedback.revisions.prefetch_related(
            Prefetch("ratings", queryset=Rating.objects.select_related("criterion"))
        )
        draft = scoring.current_draft(revisions)
        shown = draft or scoring.latest_submitted(revisions)
        criteria = feedback.criteria.order_by("position", "pk")
        initial = FeedbackForm.initial_from(shown)
        return {
            "feedback": feedback,
            "progress": _progress_url(feedback),
            "application": feedback.application,
            "candidate": feedback.application.candidate,
            "draft": draft,
            "shown": shown,
            "unchangeable": feedback.why_unchangeable(),
            "form": form or FeedbackForm(initial=initial, criteria=criteria),
        }

    cache_as = None
    if form is None:
        latest = (
            feedback.revisions.order_by("-number")
            .values_list("number", "updated_at", "submitted_at")
            .first()
        )
        cache_as = ("feedback", (feedback.pk, latest))
    return freshness.render_page(
        request,
        template,
        context,
        cache_as=cache_as,
        teams=[feedback.application.opening.team],
        follows=feedback.application,
        status=status,
        candidate=feedback.application.candidate,
    )


@login_required
@require_POST
def feedback_draft(request, feedback_id):
    """Autosave (htmx, one field at a time) and the plain "Save draft" button."""
    # None unless the feedback is theirs: an outsider's post ends in 404, nothing saved.
    criteria = criteria_for_author(request.user, feedback_id)
    form = FeedbackForm(request.POST, criteria=criteria)
    error, status, stale = None, 200, None
    if form.is_valid():
        try:
            draft = scoring.save_draft_as(
                request.user, feedback_id, criteria, **form.draft_changes()
            )
        except scoring.StaleDraft as exc:
            error, status, stale = " ".join(exc.messages), 409, exc
        except ValidationError as exc:
            error, status = " ".join(exc.messages), 400
            form.add_error(None, exc)  # said on the page "Save draft" comes back to
    else:
        error, status = " ".join(e for errors in form.errors.values() for e in errors), 400
    if error:
        feedback = get_feedback_for_author(request.user, feedback_id)
        if stale and not request.htmx:
            return _refuse_stale(request, feedback, stale, form)
    if request.htmx:
        context = {"draft": None if error else draft, "save_error": error}
        return render(request, "scorecards/feedback_form.html#draft-status", context, status=status)
    if error:
        return _render_feedback(request, feedback, form=form, status=400)
    messages.success(request, _("Draft saved."))
    return redirect(draft.feedback)


@login_required
@require_POST
def feedback_submit(request, feedback_id):
    # None unless the feedback is theirs: the submission then answers 404, as the page does.
    criteria = criteria_for_author(request.user, feedback_id)
    form = FeedbackForm(request.POST, criteria=criteria)
    if form.is_valid():
        revision = request.POST.get("revision", "")
        try:
            feedback = scoring.save_and_submit(
                request.user,
                feedback_id,
                criteria,
                revision_number=whole_number(revision),
                amend_reason=form.cleaned_data["amend_reason"],
                **form.draft_changes(),
            )
        except scoring.StaleDraft as stale:
            feedback = get_feedback_for_author(request.user, feedback_id)
            return _refuse_stale(request, feedback, stale, form)
        except scoring.Incomplete as incomplete:
            # What was typed is kept as the draft; only the submission is refused. The form
            # shown again carries the draft's new version, or its next save would be refused
            # as coming from another tab.
            form.add_error(None, incomplete)
            form.data = form.data.copy()
            form.data["draft_version"] = incomplete.version
        except ValidationError as error:
            form.add_error(None, error)
    if form.errors:
        feedback = get_feedback_for_author(request.user, feedback_id)
        return _render_feedback(request, feedback, form=form, status=400)
    if feedback.practice:
        messages.success(
            request,
            _(
                "Practice scorecard submitted. It is compared with the panel's once the "
                "debrief opens."
            ),
        )
        return redirect(_progress_url(feedback))
    messages.success(request, _("Feedback submitted. You can now read your panel's feedback."))
    return redirect(feedback.application)


def _progress_url(feedback):
    return reverse(
        "trainee_progress", args=[feedback.application.opening.team_id, feedback.interviewer_id]
    )


def _refuse_stale(request, feedback, error, form):
    """A save or submit from a page older than the draft: nothing of it is kept, and the
    draft as it now is comes back with the reason (never a silent merge), and with the text
    the older page sent, to copy from."""
    messages.error(request, _("Not saved: %(reason)s") % {"reason": " ".join(error.messages)})
    if typed := _typed_text(form):
        messages.warning(request, typed)
    return _render_feedback(request, feedback, status=409)


def _typed_text(form):
    """The notes and takeaways `form` was posted with, escaped, each under its name; None
    when it held no text."""
    texts = [
        (criterion.name, form.data.get(f"notes_{criterion.pk}")) for criterion in form.criteria
    ]
    texts.append((form.fields["takeaways"].label, form.data.get("takeaways")))
    typed = [(name, linebreaksbr(text)) for name, text in texts if text and text.strip()]
    if not typed:
        return None
    return format_html(
        "{}<dl>{}</dl>",
        _("Your unsaved text, to copy from:"),
        format_html_join("", "<dt>{}</dt><dd>{}</dd>", typed),
    )


@login_required
@require_POST
def feedback_amend(request, feedback_id):
    feedback = get_feedback_for_author(request.user, feedback_id)
    try:
        scoring.start_amendment(feedback, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(feedback)
