"""The organisation's email templates and each team's overrides: checked when saved, every
change audited. A team's template of a kind replaces the organisation's for its candidates
(messages.template_for); free-form messages are many, told apart by name. Each is written in
a language, and goes to the candidates who write in it (messages.fitting_first)."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import (
    Application,
    AuditEvent,
    Candidate,
    ChangedMeanwhile,
    EmailTemplate,
    Opening,
    Organisation,
    Team,
    refuse_if_saved_since,
    stored_words,
    version_of,
)
from . import messages, placeholders

Kind = EmailTemplate.Kind
Stage = Application.Stage

# Kinds that may go out on a stage change: a rejection waits for a recruiter's confirmation,
# and an invitation or an offer needs the link its own step makes.
AUTOMATIC_KINDS = [Kind.APPLICATION_RECEIVED, Kind.MESSAGE]
AUTOMATIC_STAGES = [stage for stage in Stage if stage != Stage.REJECTED]
# One template of each of these per owner; messages, any number.
ONE_PER_OWNER = [kind for kind in Kind if kind != Kind.MESSAGE]


def owned_by(team):
    """The templates of `team`, or the organisation's own when `team` is None."""
    return EmailTemplate.objects.filter(team=team)


def describe(template):
    """What the audit trail says of a template: its kind or name, and its language when it is
    not the default one; never a candidate's data."""
    if template.kind == Kind.MESSAGE:
        described = _("%(kind)s “%(name)s”") % {
            "kind": template.get_kind_display(),
            "name": template.name,
        }
    else:
        described = str(template.get_kind_display())
    return in_language(described, template.language)


def in_language(text, language):
    """`text` (a template's name) with its language named, unless it is the default one."""
    if language == settings.LANGUAGE_CODE:
        return text
    return _("%(template)s (%(language)s)") % {
        "template": text,
        "language": language_name(language),
    }


def language_name(language):
    """A language as settings.LANGUAGES names it: in itself ("Deutsch"), read alike by all."""
    return dict(settings.LANGUAGES)[language]


def _audit(template, by, team, outcome):
    """A change of a template in the audit trail: stored, so in the default language."""
    with stored_words():
        details = f"{describe(template)}: {outcome}"
    AuditEvent.record(AuditEvent.Action.EMAIL_TEMPLATE_CHANGED, by, team, details=details)


def _lock_owner(team):
    """Saves of one owner's templates go one at a time: names and stages stay unique."""
    if team is None:
        Organisation.current()
        Organisation.objects.select_for_update().get(pk=1)
    else:
        Team.objects.select_for_update().get(pk=team.pk)


def check(
    team,
    kind,
    *,
    subject,
    body,
    name="",
    send_on_stage="",
    language=settings.LANGUAGE_CODE,
    template=None,
):
    """ValidationError by field for a template that may not be saved as it stands. Unique per
    owner and language: a kind other than a message, a message's name, a stage's email."""
    errors = dict(placeholders.problems(kind, subject, body))
    if template is None:
        template = _sent_twice(team, kind, name, language, subject, body, send_on_stage)
    others = owned_by(team).filter(language=language)
    if template is not None:
        others = others.exclude(pk=template.pk)
    if kind == Kind.MESSAGE and not name.strip():
        errors["name"] = _("Name this message, so people can choose it.")
    elif kind == Kind.MESSAGE:
        if others.filter(kind=Kind.MESSAGE, name__iexact=name.strip()).exists():
            errors["name"] = _("Another message already has this name.")
    elif template is not None and (other := others.filter(kind=kind).first()) is not None:
        # Another language chosen for a saved one (a new one replaces its own: save()).
        errors["language"] = _("“%(name)s” is already written in %(language)s: edit that one.") % {
            "name": other.get_kind_display(),
            "language": language_name(language),
        }
    if send_on_stage:
        if kind not in AUTOMATIC_KINDS:
            errors["send_on_stage"] = _("This email cannot go out on its own.")
        elif send_on_stage not in AUTOMATIC_STAGES:
            errors["send_on_stage"] = _("Rejections wait for a recruiter: choose another stage.")
        else:
            if (other := others.filter(send_on_stage=send_on_stage).first()) is not None:
                errors["send_on_stage"] = _(
                    "“%(name)s” already goes out on a move to %(stage)s."
                ) % {"name": in_language(other.name, language), "stage": Stage(send_on_stage).label}
    if errors:
        raise ValidationError(errors)


def _sent_twice(team, kind, name, language, subject, body, send_on_stage):
    """The message saved with this very text, when a new message's form is sent again (a
    double click): the second is the first, not another of its name. None for other kinds."""
    if kind != Kind.MESSAGE:
        return None
    return (
        owned_by(team)
        .filter(kind=kind, name=name.strip(), language=language, subject=subject, body=body)
        .filter(send_on_stage=send_on_stage)
        .first()
    )


# What a template's editor page shows of it, and what its version covers.
EDITED = ("name", "language", "subject", "body", "send_on_stage")


def version(template):
    """The version of `template` (None: none saved yet) a page editing it carries, to tell on
    saving whether someone saved it since."""
    return version_of(getattr(template, name) for name in EDITED) if template is not None else ""


PAGE_SALT = "teamfit.email-template-page"


def page_token(template):
    """What a page editing `template` carries to tell, should a colleague delete the template
    meanwhile, which one it edited: signed, so that nobody names a template they never opened."""
    return signing.dumps([template.pk, template.team_id, template.kind], salt=PAGE_SALT)


def edited_on(token, template_id):
    """(team id or None, kind) of the template `template_id` a page carrying `token` edited, or
    None when `token` is not of a page of that template."""
    try:
        pk, team_id, kind = signing.loads(token, salt=PAGE_SALT)
    except signing.BadSignature:
        return None
    return (team_id, kind) if pk == template_id else None


# Someone saved the template after the page that posted was opened: saving would throw their
# text away unseen.
SAVED_MEANWHILE = gettext_lazy(
    "Someone saved this email after you opened this page. Your text is below, not saved, and "
    "theirs under it: save again to replace theirs with yours."
)


@transaction.atomic
def save(
    team,
    kind,
    by,
    *,
    subject,
    body,
    name="",
    send_on_stage="",
    language=settings.LANGUAGE_CODE,
    template=None,
    based_on=None,
):
    """Create or change the template of `team` (None: the organisation's) of `kind` in
    `language`. A new one of a kind other than a message replaces the owner's existing one in
    that language. `based_on`: the version (version()) the editor's page showed, which must
    still be the template's."""
    _lock_owner(team)
    if template is None and kind in ONE_PER_OWNER:
        template = owned_by(team).filter(kind=kind, language=language).first()
    elif template is None:
        template = _sent_twice(team, kind, name, language, subject, body, send_on_stage)
    if template is not None:
        template = EmailTemplate.objects.select_for_update().get(pk=template.pk)
    if kind != Kind.MESSAGE:
        with stored_words():
            name = str(Kind(kind).label)
    fields = {
        "name": name.strip(),
        "language": language,
        "subject": subject,
        "body": body,
        "send_on_stage": send_on_stage,
    }
    if template is None:
        if based_on:  # the page edited one a colleague deleted since
            raise ChangedMeanwhile(SAVED_MEANWHILE, None)
    else:
        refuse_if_saved_since(template, EDITED, fields, based_on, SAVED_MEANWHILE)
    check(
        team,
        kind,
        subject=subject,
        body=body,
        name=name,
        send_on_stage=send_on_stage,
        language=language,
        template=template,
    )
    if template is not None and all(getattr(template, f) == v for f, v in fields.items()):
        return template  # as saved: the same form sent twice changes nothing, audits nothing
    template = template or EmailTemplate(team=team, kind=kind)
    for field, value in fields.items():
        setattr(template, field, value)
    template.updated_by = by
    template.updated_at = timezone.now()
    template.full_clean()
    template.save()
    _audit(template, by, team, "saved")
    return template


@transaction.atomic
def remove(template, by):
    """Delete a template: a message goes, a kind goes back to the text it overrode."""
    template = EmailTemplate.objects.select_for_update().filter(pk=template.pk).first()
    if template is None:
        return
    outcome = "removed" if template.kind == Kind.MESSAGE else "back to the default text"
    _audit(template, by, template.team, outcome)
    template.delete()


def on_stage(application):
    """The template that goes out now that `application` moved to its stage: the team's own,
    else the organisation's, in the candidate's language before the default one
    (messages.fitting_first; one that fails today's check passed over)."""
    templates = list(
        EmailTemplate.objects.filter(
            send_on_stage=application.stage, kind__in=AUTOMATIC_KINDS
        ).of_team(application.opening.team_id)
    )
    if not templates:  # most moves: the candidate is not read for their language
        return None
    return messages.fitting_first(templates, application.candidate.language_code)


@dataclass(frozen=True)
class StartingPoint:
    label: str
    kind: str
    text: placeholders.Text


def starting_points(application):
    """What a person may start an email to the candidate from, by key: a blank message, the
    saved messages of the organisation and the application's team (named with their language
    where it is not the candidate's), and the kinds sent by hand that fit now
    (messages.sent_by_hand) in the text that would go out (messages.fitting_first, as
    messages.template_for chooses it)."""
    language = application.candidate.language_code
    by_hand = messages.sent_by_hand(application)
    saved = list(
        EmailTemplate.objects.of_team(application.opening.team_id)
        .filter(kind__in=[Kind.MESSAGE, *by_hand])
        .select_related("team")
        .order_by(F("team").asc(nulls_last=True), "name")  # the team's own first
    )
    points = {
        f"kind:{Kind.MESSAGE}": StartingPoint(
            _("A blank message"), Kind.MESSAGE, placeholders.DEFAULTS[Kind.MESSAGE]
        )
    }
    for template in saved:
        if template.kind == Kind.MESSAGE:
            owner = template.team.name if template.team else _("organisation")
            label = _("%(name)s (%(owner)s)") % {"name": template.name, "owner": owner}
            if template.language != language:
                label = _("%(template)s (%(language)s)") % {
                    "template": label,
                    "language": language_name(template.language),
                }
            points[f"template:{template.pk}"] = StartingPoint(label, Kind.MESSAGE, _text(template))
    for kind in by_hand:
        chosen = messages.fitting_first([t for t in saved if t.kind == kind], language)
        text = _text(chosen) if chosen else placeholders.DEFAULTS[kind]
        points[f"kind:{kind}"] = StartingPoint(Kind(kind).label, kind, text)
    return points


def _text(template):
    return placeholders.Text(template.subject, template.body, template.language)


def inherited(team, kind, language=settings.LANGUAGE_CODE):
    """What a new template of `team` (None: the organisation's) of `kind` in `language` starts
    from: the organisation's version in `language` for a team, else the built-in text (to be
    read in `language`)."""
    if team is not None and kind != Kind.MESSAGE:
        theirs = owned_by(None).filter(kind=kind, language=language)
        if (chosen := messages.fitting_first(theirs, language)) is not None:
            return _text(chosen)
    return placeholders.DEFAULTS[kind]


def sample_application(team, language=settings.LANGUAGE_CODE):
    """A candidate writing in `language` to preview a template with when the editor sees no
    application: built, never saved."""
    opening = Opening(title="Product Engineer", team=team or Team(name="Platform"))
    candidate = Candidate(name="Alex Example", email="alex@example.com", language=language)
    return Application(pk=0, candidate=candidate, opening=opening)


def sample_values(application, kind):
    """Values for the placeholders only their own step fills in (when a link to pick interview
    times expires, an offer), so a preview reads as the email will; the candidate's links stay
    placeholders, as everywhere but in the email sent (placeholders.LINKS)."""
    now = timezone.now()
    if kind == Kind.INVITATION_TO_SCHEDULE:
        return {"schedule_expires": now + timedelta(days=settings.SLOT_OFFER_MAX_AGE_DAYS)}
    if kind == Kind.OFFER:
        return {
            "offer_title": application.opening.title,
            "offer_start_date": (now + timedelta(days=30)).date(),
            "offer_expires": now + timedelta(days=7),
        }
    return {}
