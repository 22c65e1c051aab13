"""Emails to candidates: the templates they start from, and writing, undoing and confirming
them from the application page."""

from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh, reswap, retarget

from ..access import (
    edits_organisation_emails,
    email_template_teams,
    get_application_for_pipeline,
    get_candidate_email_for,
    get_email_template_for,
    get_team_for_emails,
    reads_team,
)
from ..models import ChangedMeanwhile, EmailTemplate
from ..offers import offers
from . import automation, editing, messages, placeholders
from .forms import ComposeForm, TemplateForm

Kind = EmailTemplate.Kind


# The templates --------------------------------------------------------------------------------


@never_cache
@login_required
def templates_page(request):
    """The organisation's templates for those who edit them; for everyone else, the teams
    whose overrides they edit (their own)."""
    editable_teams = list(email_template_teams(request.user))
    if not edits_organisation_emails(request.user):
        if request.user.is_leadership:  # reads pipelines, writes to no candidate
            raise Http404
        # A member: their teams' texts, or why there is none yet.
        return render(request, "hiring/outreach/templates.html", {"teams": editable_teams})
    return _render_templates(request, None, teams=editable_teams)


@never_cache
@login_required
def team_templates_page(request, team_id):
    team = get_team_for_emails(request.user, team_id)
    return _render_templates(request, team)


def _render_templates(request, team, teams=()):
    saved = list(editing.owned_by(team).select_related("updated_by"))
    theirs = [] if team is None else list(editing.owned_by(None).exclude(kind=Kind.MESSAGE))
    kinds = [_kind_row(team, kind, saved, theirs) for kind in editing.ONE_PER_OWNER]
    saved_messages = [
        {
            "template": template,
            "unfit": _problems(template),
            "language": editing.language_name(template.language),
        }
        for template in saved
        if template.kind == Kind.MESSAGE
    ]
    context = {
        "team": team,
        "reads_team": team is not None and reads_team(request.user, team),
        "kinds": kinds,
        "saved_messages": saved_messages,
        "new_message_url": _new_url(team, Kind.MESSAGE),
        "teams": teams,
        "editing": True,
    }
    return render(request, "hiring/outreach/templates.html", context)


def _kind_row(team, kind, saved, theirs):
    """A kind on the templates page: the owner's versions of it, one per language, and, where
    the candidates writing in some language get another text, which (messages.fitting_first)."""
    own = sorted(
        (template for template in saved if template.kind == kind),
        key=lambda template: template.language != settings.LANGUAGE_CODE,
    )
    received = {
        language: messages.fitting_first(own + [t for t in theirs if t.kind == kind], language)
        for language, _name in settings.LANGUAGES
    }
    default = received[settings.LANGUAGE_CODE]
    # Without a version of the owner's: what the candidates writing in the default language get.
    source = _("The organisation's text") if default is not None else _("Built-in text")
    # Without a version of the owner's, the source above says what the default language gets.
    written = {template.language for template in own} or {settings.LANGUAGE_CODE}
    notices = []
    if own or len({chosen and chosen.pk for chosen in received.values()}) > 1:
        notices = [
            {
                "text": _received_text(team, language, received[language]),
                "new_url": _new_url(team, kind, language),
                "language": editing.language_name(language),
            }
            for language, _name in settings.LANGUAGES
            if language not in written
        ]
    return {
        "kind": Kind(kind),
        "versions": [
            {
                "template": template,
                "unfit": _problems(template),
                "language": editing.language_name(template.language),
            }
            for template in own
        ],
        "source": source,
        "text": default or placeholders.DEFAULTS[kind],
        "new_url": _new_url(team, kind),
        "notices": notices,
    }


def _received_text(team, language, chosen):
    """What the candidates writing in `language` get while the owner (`team`, None: the
    organisation) has no version in it: `chosen` (messages.fitting_first), or the built-in."""
    names = {"language": editing.language_name(language)}
    if chosen is None:
        return _("Candidates writing in %(language)s get the built-in text in %(language)s.") % (
            names
        )
    names["written_in"] = editing.language_name(chosen.language)
    if chosen.team_id == (team and team.pk):
        return (
            _(
                "Candidates writing in %(language)s get the %(written_in)s text above as written: "
                "no %(language)s version yet."
            )
            % names
        )
    if chosen.language == language:
        return _("Candidates writing in %(language)s get the organisation's %(language)s text.") % (
            names
        )
    return (
        _(
            "Candidates writing in %(language)s get the organisation's %(written_in)s text as "
            "written: no %(language)s version yet."
        )
        % names
    )


def _problems(template):
    """Why a template saved before today's checks is passed over (messages.fitting_first), in
    a sentence, or ""."""
    return " ".join(placeholders.problems(template.kind, template.subject, template.body).values())


def _owner(user, team_id):
    """The team whose templates `user` edits here, or None for the organisation's."""
    if team_id is None:
        if not edits_organisation_emails(user):
            raise Http404
        return None
    return get_team_for_emails(user, team_id)


def _new_url(team, kind, language=None):
    if team is None:
        url = f"{reverse('email_template_new')}?kind={kind}"
    else:
        url = f"{reverse('team_email_template_new', args=[team.pk])}?kind={kind}"
    return f"{url}&language={language}" if language else url


def _templates_url(team):
    if team is None:
        return reverse("email_templates")
    return reverse("team_email_templates", args=[team.pk])


@never_cache
@login_required
def template_new(request, team_id=None):
    """A new template of `?kind=` in `?language=` (else the default one): a message, or a kind
    the owner has none of yet in that language."""
    team = _owner(request.user, team_id)
    kind = request.GET.get("kind", "")
    language = request.GET.get("language", settings.LANGUAGE_CODE)
    if kind not in Kind.values or language not in dict(settings.LANGUAGES):
        raise Http404
    own = None
    if kind != Kind.MESSAGE:
        own = editing.owned_by(team).filter(kind=kind, language=language).first()
    # A form sent from here after a colleague saved one is refused with its text, not dropped.
    if own is not None and request.method != "POST":
        return redirect("email_template_edit", own.pk)
    return _edit(request, team, kind, None, language=language)


@never_cache
@login_required
def template_edit(request, template_id):
    try:
        template = get_email_template_for(request.user, template_id)
    except Http404:
        # Deleted after its page was opened: what was typed is kept, to save as a new one.
        edited = request.method == "POST" and editing.edited_on(
            request.POST.get("page", ""), template_id
        )
        if not edited:
            raise
        team_id, kind = edited
        return _edit(request, _owner(request.user, team_id), kind, None, deleted=True)
    return _edit(request, template.team, template.kind, template)


def _edit(request, team, kind, template, deleted=False, language=settings.LANGUAGE_CODE):
    language = template.language if template is not None else language
    start = template or editing.inherited(team, kind, language)
    # Teamfit's own text starts in the language the new one is written in.
    with translation.override(language):
        initial = {"subject": str(start.subject), "body": str(start.body), "language": language}
    if template is not None:
        initial.update(name=template.name, send_on_stage=template.send_on_stage)
    languages = None
    if template is None and kind != Kind.MESSAGE and request.method != "POST":
        written = set(editing.owned_by(team).filter(kind=kind).values_list("language", flat=True))
        languages = [code for code, _name in settings.LANGUAGES if code not in written]
    unfit = template is not None and not placeholders.fits(template)
    data = request.POST if request.method == "POST" else None
    if data is None and unfit:
        data = initial  # saved before today's checks: what it fails shows beside each field
    form = TemplateForm(
        data,
        initial=initial,
        kind=kind,
        team=team,
        editor=request.user,
        template=template,
        languages=languages,
    )
    required = placeholders.REQUIRED.get(kind, set())
    preview = None
    # The version the page was opened on, kept through previews (editing.save checks it).
    based_on = request.POST.get("based_on") if request.method == "POST" else None
    saved_meanwhile = None
    if deleted:
        form.add_error(
            None,
            _(
                "Someone deleted this email after you opened this page. Your text is below, "
                "not saved: save it to make it a new one."
            ),
        )
        based_on = editing.version(None)  # saved from here, it is a new one
    elif request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "preview":
            application = form.preview_application() or editing.sample_application(
                team, form.cleaned_data["language"]
            )
            preview = messages.preview(
                application,
                kind,
                text=form.text(),
                by=request.user,
                values=editing.sample_values(application, kind),
            )
        else:
            try:
                saved = editing.save(
                    team,
                    kind,
                    request.user,
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                    name=form.cleaned_data.get("name", ""),
                    send_on_stage=form.cleaned_data.get("send_on_stage", ""),
                    language=form.cleaned_data["language"],
                    template=template,
                    based_on=based_on,
                )
            except ChangedMeanwhile as meanwhile:
                form.add_error(None, meanwhile)
                saved_meanwhile = meanwhile.current
                based_on = editing.version(saved_meanwhile)  # saving again replaces it
            except ValidationError as error:
                form.add_error(None, error)
            else:
                flash.success(
                    request, _("%(template)s saved.") % {"template": editing.describe(saved)}
                )
                return redirect(_templates_url(team))
    context = {
        "form": form,
        "team": team,
        "kind": Kind(kind),
        "template": template,
        "placeholders": placeholders.allowed(kind),
        "required": required,
        "required_names": "".join(f"{{{name}}}" for name in required),
        "preview": preview,
        "back": _templates_url(team),
        "unfit": unfit and request.method != "POST",
        "based_on": editing.version(template) if based_on is None else based_on,
        "page_token": template and editing.page_token(template),
        "action": _new_url(team, kind) if deleted else "",
        "saved_meanwhile": saved_meanwhile,
    }
    conflict = saved_meanwhile or deleted
    status = 409 if conflict else 400 if request.method == "POST" and form.errors else 200
    return render(request, "hiring/outreach/template_form.html", context, status=status)


@never_cache
@login_required
@require_POST
def template_delete(request, template_id):
    try:
        template = get_email_template_for(request.user, template_id)
    except Http404:
        # Removed since its page was opened (a double click, another tab): said, not a 404.
        edited = editing.edited_on(request.POST.get("page", ""), template_id)
        if not edited:
            raise
        team = _owner(request.user, edited[0])
        flash.info(request, _("This email was already removed."))
        return redirect(_templates_url(team))
    editing.remove(template, request.user)
    if template.kind == Kind.MESSAGE:
        flash.success(
            request, _("%(template)s removed.") % {"template": editing.describe(template)}
        )
    else:
        flash.success(
            request,
            _("%(template)s: back to the default text.") % {"template": editing.describe(template)},
        )
    return redirect(_templates_url(template.team))


# Emails to one candidate ----------------------------------------------------------------------


@never_cache
@login_required
def compose(request, application_id):
    """Write to the candidate: start from a template, edit, preview exactly what goes out,
    send (after the undo delay)."""
    application = get_application_for_pipeline(request.user, application_id)
    if application.candidate.erased_at:
        return _erased(request, application)
    points = editing.starting_points(application)
    preview = None
    changed_since_preview = False
    if request.method == "POST":
        form = ComposeForm(request.POST, points=points)
        sending = request.POST.get("action") == "send"
        if form.is_valid():
            preview = messages.preview(application, form.kind, text=form.text(), by=request.user)
            previewed = request.POST.get("previewed")
            # Sent from under a preview: only the email that preview showed.
            changed_since_preview = (
                sending and bool(previewed) and previewed != messages.fingerprint(preview)
            )
        if form.is_valid() and sending and not changed_since_preview:
            try:
                email = messages.queue_written(
                    application,
                    form.kind,
                    by=request.user,
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                    delay=automation.undo_delay(),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                notice = _("“%(subject)s” goes out in %(delay)s: undo it until then.") % {
                    "subject": email.subject,
                    "delay": _undo_minutes(),
                }
                return _emails_changed(request, application, notice)
    else:
        start = request.GET.get("start", "")
        start = start if start in points else f"kind:{Kind.MESSAGE}"
        text = points[start].text
        # Teamfit's own text starts in the candidate's language, as it would go out.
        with translation.override(application.candidate.language_code):
            initial = {"start": start, "subject": str(text.subject), "body": str(text.body)}
        form = ComposeForm(initial=initial, points=points)
    context = {
        "application": application,
        "candidate": application.candidate,
        "form": form,
        "points": points,
        "start": form["start"].value(),
        "placeholders": placeholders.allowed(Kind.MESSAGE),
        "preview": preview,
        "previewed": preview and messages.fingerprint(preview),
        "changed_since_preview": changed_since_preview,
    }
    template = "hiring/outreach/compose.html"
    if request.htmx:
        template += "#compose"
    status = 400 if form.errors else 409 if changed_since_preview else 200
    return render(request, template, context, status=status)


def _erased(request, application):
    """No form for a candidate whose data was erased: it is said up front that nothing more
    is sent to them, and a form opened before the erasure is refused with it."""
    template = "hiring/outreach/compose.html"
    if request.htmx:
        template += "#compose"
    context = {"application": application, "candidate": application.candidate}
    return render(request, template, context, status=400 if request.method == "POST" else 200)


def _undo_minutes():
    minutes = int(automation.undo_delay().total_seconds() // 60)
    return ngettext("%(count)s minute", "%(count)s minutes", minutes) % {"count": minutes}


@never_cache
@login_required
@require_POST
def email_cancel(request, application_id, email_id):
    """Undo an email within its delay, or discard one awaiting confirmation."""
    email = get_candidate_email_for(request.user, application_id, email_id)
    if email.kind == EmailTemplate.Kind.OFFER:
        # Its offer is a draft again: the page's offer section changes too.
        if offers.undo_sending(email, request.user):
            notice = _("“%(subject)s” will not be sent: the offer is a draft again.") % {
                "subject": email.subject
            }
            flash.info(request, notice)
            if request.htmx:
                return HttpResponseClientRefresh()
            return redirect(email.application)
    elif messages.cancel(email):
        notice = _("“%(subject)s” will not be sent.") % {"subject": email.subject}
        return _emails_changed(request, email.application, notice)
    notice = _("“%(subject)s” was already sent or cancelled.") % {"subject": email.subject}
    return _emails_changed(request, email.application, notice)


@never_cache
@login_required
@require_POST
def email_confirm(request, application_id, email_id):
    email = get_candidate_email_for(request.user, application_id, email_id)
    if messages.confirm(email):
        notice = _("“%(subject)s” goes out in %(delay)s: undo it until then.") % {
            "subject": email.subject,
            "delay": _undo_minutes(),
        }
    else:
        notice = _("“%(subject)s” no longer awaits confirmation.") % {"subject": email.subject}
    return _emails_changed(request, email.application, notice)


def _emails_changed(request, application, notice):
    """The emails as they now are: the section alone for htmx, else the application page."""
    if not request.htmx:
        flash.info(request, notice)
        return redirect(application)
    context = {
        "application": application,
        "candidate_emails": application.emails.select_related("created_by")[:50],
        "manages_candidate": True,  # get_candidate_email_for let only them this far
        "notice": notice,
    }
    response = render(request, "hiring/outreach/_application_emails.html", context)
    return reswap(retarget(response, "#candidate-emails"), "outerHTML")
