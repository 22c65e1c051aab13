"""Emails to candidates: written from the team's template (else the organisation's, else the
built-in text), in the candidate's language where one is written in it, when they are queued,
so what a preview showed is what goes out; sent once through the notification ledger; each on
the application's timeline as a CandidateEmail."""

import hashlib
import logging
import zoneinfo
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import freshness
from ..accounts import zones
from ..email.notifications import ClaimHeld, send_once
from ..models import (
    Application,
    CandidateEmail,
    EmailTemplate,
    Organisation,
    SlotOffer,
    single_line,
)
from . import placeholders

logger = logging.getLogger(__name__)

Status = CandidateEmail.Status

REJECTIONS = [
    EmailTemplate.Kind.REJECTED_AFTER_SCREEN,
    EmailTemplate.Kind.REJECTED_AFTER_INTERVIEWS,
]
# What people send by hand from the application page, besides messages: invitations and offers
# go out from their own steps (offering interview times, sending an offer).
BY_HAND = [EmailTemplate.Kind.APPLICATION_RECEIVED, *REJECTIONS]
NO_REJECTION_NOW = gettext_lazy(
    "No rejection goes to this candidate now: past the screen, only the team's decision "
    "rejects an application."
)

# A beat run sends at most this many; the next run, a minute later, goes on.
SENT_PER_RUN = 200
# How long the polls go on trying an email the mail server refused, as long as a sending
# task's retries last (hiring.tasks.SENDS_EMAIL).
RETRIED_FOR = timedelta(hours=1)


def template_for(application, kind):
    """The text an email of `kind` about `application` starts from: the team's or the
    organisation's own in the candidate's language, else in the default one, else the built-in
    text (fitting_first). Free-form messages start from the built-in."""
    if kind != EmailTemplate.Kind.MESSAGE:
        templates = EmailTemplate.objects.filter(kind=kind).of_team(application.opening.team_id)
        chosen = fitting_first(templates, application.candidate.language_code)
        if chosen is not None:
            return placeholders.Text(chosen.subject, chosen.body, chosen.language)
    return placeholders.DEFAULTS[kind]


def fitting_first(templates, language):
    """Which of `templates`, a team's and the organisation's (EmailTemplate.objects.of_team),
    a candidate writing in `language` gets: the team's in `language`, else the organisation's
    in it, else the team's in the default language, else the organisation's; None: neither
    wrote one, the candidate gets Teamfit's built-in text in `language`. A version in their
    language wins; without one, the team's or organisation's own words still win over ours.
    One saved before today's check that it fails (placeholders.fits) is passed over: its
    text would reach the candidate as written, braces and all. The templates page says which
    is passed over and why. Chosen in Python among the few rows: an ORDER BY with NULLS LAST
    cost more to build than the query, which runs on every move and decision."""
    ranks = {settings.LANGUAGE_CODE: 1, language: 0}
    fitting = [
        template
        for template in templates
        if template.language in ranks and placeholders.fits(template)
    ]
    return min(
        fitting,
        key=lambda t: (ranks[t.language], t.team_id is None, t.kind, t.name),
        default=None,
    )


def candidate_zone(candidate):
    return zoneinfo.ZoneInfo(candidate.zone_name)


def shown_to(candidate, value):
    """A value as the candidate reads it: times in their own zone, named."""
    if isinstance(value, datetime):
        with timezone.override(candidate_zone(candidate)):
            return zones.shown(value, "l j F Y, H:i")
    if isinstance(value, date):
        return zones.written(value, "l j F Y")
    return str(value)


def status_link(application):
    return settings.SITE_URL + application.status_url()


def links_for(application, text):
    """The candidate's links `text` holds as placeholders (placeholders.LINKS), as the email
    goes out: their status page, the latest times offered to them, the offer sent to them."""
    links = {"status_link": status_link(application)}
    if "{schedule_link}" in text:
        offered = SlotOffer.objects.filter(panel__application=application).order_by("-created_at")
        if latest := offered.first():
            links["schedule_link"] = settings.SITE_URL + latest.get_absolute_url()
    if "{offer_link}" in text:
        # Whatever became of it since: answered before its email went out, its page says so.
        sent = application.offers.exclude(sent_at=None).order_by("-sent_at")
        if latest := sent.first():
            links["offer_link"] = settings.SITE_URL + latest.get_absolute_url()
    return links


def values_for(application, by=None, values=None):
    """Every placeholder's value for an email about `application` but the candidate's links,
    which only the email as it goes out holds (placeholders.LINKS)."""
    candidate = application.candidate
    name = single_line(candidate.name)
    organisation = Organisation.current().name
    common = {
        "candidate_name": name,
        "first_name": name.split(" ")[0] if name else "",
        "opening_title": application.opening.title,
        "team_name": application.opening.team.name,
        "organisation_name": organisation,
        "sender_name": by.display_name if by else organisation,
    }
    extra = {key: shown_to(candidate, value) for key, value in (values or {}).items()}
    # What people typed ("{status_link}" as an opening's title) stays text: see message().
    return {key: placeholders.inert(value) for key, value in {**common, **extra}.items()}


def compose(application, kind, *, text=None, by=None, values=None):
    """The subject and body of an email of `kind` about `application`, placeholders filled.
    The built-in text is Teamfit's, written in the candidate's language; a team's or an
    organisation's own goes as it wrote it, its dates in the language it is written in."""
    text = text or template_for(application, kind)
    built_in = text is placeholders.DEFAULTS[kind]
    language = application.candidate.language_code if built_in else text.written_in
    with translation.override(language):
        filled = values_for(application, by, values)
        return (
            single_line(placeholders.fill(str(text.subject), filled))[:200],
            placeholders.fill(str(text.body), filled),
        )


@transaction.atomic(savepoint=False)  # the caller's transaction, mostly: its lock below
def queue_email(
    application,
    kind,
    *,
    by=None,
    template=None,
    values=None,
    subject=None,
    body=None,
    delay=None,
    awaiting_confirmation=False,
):
    """Write an email to the candidate and queue it: sent once this transaction commits, after
    `delay` (time to undo it), or once a recruiter confirms it (`awaiting_confirmation`).
    `template` is an EmailTemplate to start from; `subject` and `body` are a recruiter's own
    text, placeholders filled in the same way. None, nothing written, once the candidate is
    erased."""
    text = template and placeholders.Text(template.subject, template.body, template.language)
    if subject is not None or body is not None:
        start = text or template_for(application, kind)
        text = placeholders.Text(subject or start.subject, body or start.body, start.language)
    # The application locked, then its candidate read again: an erasure locks it before it
    # blanks their emails, so it finds this one, or this one finds them erased.
    locked = Application.objects.select_for_update(no_key=True, of=("self",))
    candidate = locked.select_related("candidate").get(pk=application.pk).candidate
    if candidate.erased_at:
        return None
    subject, body = compose(application, kind, text=text, by=by, values=values)
    email = CandidateEmail.objects.create(
        application=application,
        kind=kind,
        to=candidate.email,
        subject=subject,
        body=body,
        status=Status.AWAITING_CONFIRMATION if awaiting_confirmation else Status.SCHEDULED,
        send_after=timezone.now() + (delay or timedelta(0)),
        created_by=by,
    )
    if not (awaiting_confirmation or delay):
        from .tasks import send_candidate_email  # here: the tasks module imports this one

        send_candidate_email.delay_on_commit(email.pk)
    return email


def sent_by_hand(application):
    """The kinds of BY_HAND a person may send about `application` now. A rejection only once it
    is rejected, or while a move by hand may reject it (Application.stages_by_hand): until the
    team decides, a "no" from a person would tell the candidate what the team has not decided."""
    Stage = Application.Stage
    if application.stage == Stage.REJECTED or Stage.REJECTED in application.stages_by_hand():
        return BY_HAND
    return [kind for kind in BY_HAND if kind not in REJECTIONS]


ERASED = gettext_lazy("This candidate's data was erased: nothing more is sent to them.")

# A form sent again within this long, the same text by the same person, is the first sent twice.
SENT_TWICE_WITHIN = timedelta(minutes=2)


def queue_written(application, kind, *, by, subject, body, delay):
    """Queue the email `by` wrote to the candidate, unless it is the one they queued a moment
    ago: the form sent twice (a double click, the back button) queues it once. The check and
    the write hold the application's row, so a second form sent at the same instant waits for
    the first to commit, and then finds its email. A rejection is refused once the application
    moved past the screen, as the form refuses it: since the form was checked, too."""
    with freshness.one_write():
        locked = Application.objects.select_for_update(of=("self",)).select_related("candidate")
        # Read again: the page was opened before the candidate's data may have been erased.
        current = locked.get(pk=application.pk)
        if current.candidate.erased_at:
            raise ValidationError(ERASED)
        if kind in REJECTIONS and kind not in sent_by_hand(current):
            raise ValidationError({"start": NO_REJECTION_NOW})
        text = placeholders.Text(subject, body)
        return _queued_just_now(application, kind, by=by, text=text) or queue_email(
            application, kind, by=by, subject=subject, body=body, delay=delay
        )


def _queued_just_now(application, kind, *, by, text):
    """The email `by` queued to the candidate a moment ago with this very text, still to go
    out."""
    subject, body = compose(application, kind, text=text, by=by)
    return application.emails.filter(
        created_by=by,
        subject=subject,
        body=body,
        status=Status.SCHEDULED,
        created_at__gte=timezone.now() - SENT_TWICE_WITHIN,
    ).first()


def cancel(email):
    """Undo an email not sent yet; False once it has gone (or was cancelled)."""
    return _shown_changed(email, cancel_unsent(CandidateEmail.objects.filter(pk=email.pk)))


def cancel_unsent(emails):
    """Undo those of `emails` not sent yet, in one statement; how many."""
    return emails.unsent().update(status=Status.CANCELLED, cancelled_at=timezone.now())


def confirm(email, delay=None):
    """A recruiter lets an email that awaited them go out, after the undo delay."""
    undo = timedelta(minutes=settings.CANDIDATE_EMAIL_UNDO_MINUTES) if delay is None else delay
    changed = CandidateEmail.objects.filter(
        pk=email.pk, status=Status.AWAITING_CONFIRMATION
    ).update(status=Status.SCHEDULED, send_after=timezone.now() + undo)
    return _shown_changed(email, changed)


def _shown_changed(email, changed):
    """update() sends no signal: the application's cached page learns of the change here."""
    if changed:
        freshness.pages_changed(Application.objects.filter(pk=email.application_id))
    return bool(changed)


def send(email_id):
    """Send one email once it is due: from then on it can no longer be undone, and the
    ledger delivers it once however often this runs. True if it went out now."""
    email = CandidateEmail.objects.select_related("application__candidate", "created_by").get(
        pk=email_id
    )
    if email.application.candidate.erased_at:
        # Queued as the erasure went through (it cancels those it finds): never to go.
        cancel(email)
        return False
    if email.status == Status.SCHEDULED:
        committed = CandidateEmail.objects.filter(
            pk=email.pk, status=Status.SCHEDULED, send_after__lte=timezone.now()
        ).update(status=Status.SENT, sent_at=timezone.now())
        if not _shown_changed(email, committed):
            return False
    elif email.status != Status.SENT:  # cancelled, or still awaiting a recruiter
        return False
    return send_once(email.ledger_key, lambda: message(email))


def message(email, links=True):
    """The email as it goes out: its text with the candidate's links, a footer with their
    status page's (in their language), replies to who wrote it. Without `links`, as Teamfit
    shows it: the links left as placeholders."""
    with translation.override(email.application.candidate.language_code):
        where = _("Where your application stands: %(link)s") % {"link": "{status_link}"}
    body = f"{email.body}\n\n--\n{where}\n"
    if links:
        body = placeholders.fill(body, links_for(email.application, body))
    reply_to = [email.created_by.email] if email.created_by else []
    return EmailMultiAlternatives(
        subject=email.subject, body=body, to=[email.to], reply_to=reply_to
    )


def preview(application, kind, *, text=None, by=None, values=None):
    """The email as it would go out now (subject, body with its footer), stored nowhere."""
    subject, body = compose(application, kind, text=text, by=by, values=values)
    email = CandidateEmail(
        application=application,
        kind=kind,
        to=application.candidate.email,
        subject=subject,
        body=body,
        created_by=by,
    )
    return message(email, links=False)


def fingerprint(previewed):
    """What a preview showed (preview()'s email), to tell whether the email changed since."""
    return hashlib.sha256(f"{previewed.subject}\0{previewed.body}".encode()).hexdigest()


def send_due():
    """Polled by beat: every scheduled email whose undo delay is over, and, for RETRIED_FOR
    after it went from scheduled to sent, every one the mail server has not taken yet: no
    task of its own retries those, and no later poll would find them scheduled again. One that
    fails waits for the next poll without holding up the rest. Returns how many went out."""
    now = timezone.now()
    retried = CandidateEmail.objects.undelivered(since=now - RETRIED_FOR).order_by("sent_at")
    due = CandidateEmail.objects.due(now).order_by("send_after")
    sent = 0
    for emails in (retried, due):
        for pk in list(emails.values_list("pk", flat=True)[:SENT_PER_RUN]):
            try:
                sent += send(pk)
            except ClaimHeld:
                pass  # another attempt is sending it; a later poll finds it sent or free
            except OSError:  # smtplib's errors: the mail server refused or was away
                logger.warning("Candidate email %s not sent; the next poll tries again", pk)
    return sent
