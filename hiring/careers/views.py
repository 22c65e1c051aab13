"""The public careers page, its application form and privacy notice, members' referrals, and
the questions of its own a team asks on an opening's form."""

import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .. import freshness, ratelimit
from ..access import (
    APPLIED_TO,
    get_open_opening,
    get_opening_applied_to,
    get_opening_for_member,
    get_question_for_member,
)
from ..accounts.middleware import browser_language
from ..models import (
    MOST_QUESTIONS,
    ChangedMeanwhile,
    Organisation,
    Team,
    whole_number,
)
from ..privacy import links
from . import careers, questions
from .forms import ApplicationForm, QuestionForm, ReferralForm, StatusLinksForm


def careers_page(request):
    """Anyone's first page: its list is cached until a team or an opening changes."""
    signed_in = request.user.is_authenticated  # they see "Refer someone" links
    language = get_language()  # the list is cached in each language it was asked in

    def render_openings():
        context = {"openings": careers.open_openings(), "user": request.user}
        return render_to_string("hiring/careers/careers.html#openings", context), None

    teams = Team.objects.only("pk", "data_version")
    openings = freshness.cached("careers", (signed_in, language), teams, render_openings)
    context = {"organisation": Organisation.current(), "openings": openings}
    return render(request, "hiring/careers/careers.html", context)


def with_open_opening(view):
    """`view` with the open opening its URL names. For any other, a page saying it takes no
    applications, pointing to those that do: a link shared while it was open, or a form sent
    after it closed, finds its way on. A 404 all the same, which says nothing of an opening
    that was never open."""

    @functools.wraps(view)
    def wrapper(request, opening_id):
        try:
            opening = get_open_opening(opening_id)
        except Http404:
            context = {"organisation": Organisation.current()}
            return render(request, "hiring/careers/closed.html", context, status=404)
        return view(request, opening)

    return wrapper


@never_cache
@with_open_opening
def opening_page(request, opening):
    """An open opening and its application form, for anyone."""
    # The opening's own questions, one query whatever their number.
    questions = list(opening.questions.all())
    if request.method != "POST":
        return _render_opening(request, opening, ApplicationForm(questions=questions))
    form = ApplicationForm(request.POST, request.FILES, questions=questions)
    if not form.is_valid():
        return _render_opening(request, opening, form, status=400)
    address = ratelimit.client_address(request)
    refused = careers.refusal(address, form.cleaned_data["email"])
    if refused:
        form.add_error(None, refused)
        return _render_opening(request, opening, form, status=429)
    try:
        # Their emails are written in the language their browser asked the page in.
        careers.apply(
            opening,
            language=browser_language(request),
            answers=form.answers(),
            **form.candidate_fields(),
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _render_opening(request, opening, form, status=400)
    remember_applied(request.session, opening)
    return redirect("careers_thanks", opening_id=opening.pk)


# The openings a session remembers applying to: the latest are those whose thanks page is
# read again (a refresh, a bookmark); the list stays small in the session's row.
REMEMBERED_APPLICATIONS = 20


def remember_applied(session, opening):
    """The thanks page of `opening` stays this session's once the opening closes: the visitor
    who just applied is thanked, not told it takes no applications."""
    earlier = [pk for pk in session.get(APPLIED_TO, []) if pk != opening.pk]
    session[APPLIED_TO] = [*earlier[-(REMEMBERED_APPLICATIONS - 1) :], opening.pk]


def _render_opening(request, opening, form, status=200):
    context = {"organisation": Organisation.current(), "opening": opening, "form": form}
    if not form.is_bound:
        # Every visitor's empty form is the same in their language, for the opening's questions
        # as they are: rendered once per process (most of the page's time), not on each request.
        asked = [(q.pk, q.text, q.help_text, q.kind, q.choices, q.required) for q in form.questions]
        shown = (get_language(), settings.RESUME_MAX_BYTES, asked)
        fields = {"form": form, "what": "application"}
        context["fields"] = freshness.remembered(
            "application-form",
            shown,
            lambda: render_to_string("hiring/careers/_form_fields.html", fields),
        )
    return render(request, "hiring/careers/opening.html", context, status=status)


@never_cache
def thanks(request, opening_id):
    """The thanks page: for whoever applied from this session, whatever the opening's status
    since; for anyone else while it is open, else the closed opening's page."""
    try:
        opening = get_opening_applied_to(request.session, opening_id)
    except Http404:
        return _thanks_while_open(request, opening_id)
    return _render_thanks(request, opening)


@with_open_opening
def _thanks_while_open(request, opening):
    return _render_thanks(request, opening)


def _render_thanks(request, opening):
    context = {"organisation": Organisation.current(), "opening": opening}
    return render(request, "hiring/careers/thanks.html", context)


@never_cache
def privacy(request):
    """The privacy notice, and its "Send me my links": the links to a candidate's applications
    emailed again, the status link in their emails having expired long before their data goes.
    The answer is the same whether we hold the address or not."""
    form = StatusLinksForm(request.POST or None)
    if request.method != "POST":
        return _render_privacy(request, form)
    if not form.is_valid():
        return _render_privacy(request, form, status=400)
    refused = links.refusal(ratelimit.client_address(request))
    if refused:
        form.add_error(None, refused)
        return _render_privacy(request, form, status=429)
    links.email_links(form.cleaned_data["email"])
    # Not the address itself: the message waits in the session, kept beyond the privacy
    # inventory's reach.
    minutes = int(links.EMAIL_EVERY.total_seconds() // 60)
    messages.success(
        request,
        ngettext(
            "If we hold applications at this address, we have emailed it a link to each. "
            "Nothing arrived? Check the address, then ask again in %(minutes)s minute.",
            "If we hold applications at this address, we have emailed it a link to each. "
            "Nothing arrived? Check the address, then ask again in %(minutes)s minutes.",
            minutes,
        )
        % {"minutes": minutes},
    )
    return redirect(reverse("careers_privacy") + "#your-links")


def _render_privacy(request, form, status=200):
    context = {
        "organisation": Organisation.current(),
        "version": settings.PRIVACY_NOTICE_VERSION,
        "notice_days": settings.RETENTION_NOTICE_DAYS,
        "export_days": settings.DATA_EXPORT_MAX_AGE_DAYS,
        "link_days": settings.CANDIDATE_LINK_RENEWED_MAX_AGE_DAYS,
        "form": form,
    }
    return render(request, "hiring/careers/privacy.html", context, status=status)


@never_cache
@login_required
@with_open_opening
def refer(request, opening):
    """Anyone of the organisation refers someone to an open opening; they consent later."""
    form = ReferralForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            careers.refer(opening, request.user, **form.candidate_fields())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # Not whether they had applied already: that is theirs to tell.
            messages.success(
                request,
                _("Thank you for referring %(name)s for %(opening)s.")
                % {"name": form.cleaned_data["name"], "opening": opening.title},
            )
            return redirect("careers")
    context = {"opening": opening, "form": form}
    status = 400 if form.errors else 200
    return render(request, "hiring/careers/refer.html", context, status=status)


@never_cache
@login_required
def questions_page(request, opening_id):
    """The opening's own questions on its careers form, for its team to edit."""
    opening = get_opening_for_member(request.user, opening_id)
    return _render_questions(request, opening)


def _render_questions(
    request, opening, status=200, editing=None, form=None, error=None, based_on=None
):
    """The questions page, or only its list when htmx asks. `editing`: the question whose
    `form` is open, on the version `based_on`; else `form` is the one adding a question."""
    context = {
        "based_on": based_on,
        "opening": opening,
        "questions": opening.questions.all(),
        "most": MOST_QUESTIONS,
        "editing": editing,
        "edit_form": form if editing else None,
        "add_form": form if form is not None and editing is None else QuestionForm(),
        "error": error,
    }
    template = "hiring/careers/questions.html"
    if request.htmx:
        template += "#questions"
    return render(request, template, context, status=status)


@never_cache
@login_required
@require_POST
def question_add(request, opening_id):
    opening = get_opening_for_member(request.user, opening_id)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            questions.add_question(opening, _question_fields(form), request.user)
        except ValidationError as error:
            form.add_error(None, error)
    if form.errors:
        return _render_questions(request, opening, status=400, form=form)
    return _after_question_edit(request, opening)


@never_cache
@login_required
def question_edit(request, opening_id, question_id):
    question = get_question_for_member(request.user, opening_id, question_id)
    opening = question.opening
    # Ids of its own: the page also holds the form that adds a question.
    form = QuestionForm(request.POST or None, instance=question, auto_id="edit_%s")
    if request.method != "POST":
        based_on = questions.question_version(question)
        return _render_questions(
            request, opening, editing=question.pk, form=form, based_on=based_on
        )
    based_on = request.POST.get("based_on")
    if form.is_valid():
        try:
            questions.change_question(question, _question_fields(form), request.user, based_on)
        except ChangedMeanwhile as changed:
            form.add_error(None, changed)
            based_on = questions.question_version(changed.current)  # saving again replaces it
            return _render_questions(
                request, opening, status=409, editing=question.pk, form=form, based_on=based_on
            )
        except ValidationError as error:
            form.add_error(None, error)
    if form.errors:
        return _render_questions(
            request, opening, status=400, editing=question.pk, form=form, based_on=based_on
        )
    return _after_question_edit(request, opening)


@never_cache
@login_required
def question_remove(request, opening_id, question_id):
    """Asks first (GET); the page's button removes the question."""
    if request.method == "POST":
        opening = get_opening_for_member(request.user, opening_id)
        questions.remove_question(opening, question_id, request.user)
        return _after_question_edit(request, opening)
    question = get_question_for_member(request.user, opening_id, question_id)
    confirm = {
        "title": _("Remove “%(question)s” from %(opening)s?")
        % {"question": question.text, "opening": question.opening.title},
        "consequence": _(
            "Candidates who apply from now on are no longer asked it. Answers already given "
            "stay on their applications, with the question as it was asked."
        ),
        "action": _("Remove the question"),
        "keep": _("Keep the question"),
        "back": reverse("opening_questions", args=[question.opening_id]),
        "about": question.opening,
    }
    return render(request, "hiring/confirm.html", confirm)


@never_cache
@login_required
@require_POST
def question_move(request, opening_id, question_id):
    question = get_question_for_member(request.user, opening_id, question_id)
    offset = -1 if request.POST.get("direction") == "up" else 1
    seen = whole_number(request.POST.get("place", "")[:9])
    questions.move_question(question, offset, request.user, seen)
    return _after_question_edit(request, question.opening)


def _question_fields(form):
    return {name: form.cleaned_data[name] for name in questions.QUESTION_FIELDS}


def _after_question_edit(request, opening):
    if request.htmx:
        return _render_questions(request, opening)
    return redirect("opening_questions", opening_id=opening.pk)
