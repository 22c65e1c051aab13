"""Emails, each keyed in a ledger (Notification) so that a retried, redelivered or duplicated
task delivers it once.

The guarantee, exactly: every keyed message reaches the mail server at least once, provided its
task runs again after a failure (Celery retries it; the broker redelivers the task of a worker
that died). Every copy of a message carries the same Message-ID, made from its key, so a
receiver that drops duplicate Message-IDs shows it once. A second copy goes out only when an
attempt ended without knowing whether the server accepted it (its worker died, or the mail
connection broke, after the message was handed over and before the ledger recorded it), and at
most one per such attempt: the claim it left is taken over by a single later attempt, and only
once it is older than the sending tasks' time limit, when the attempt that made it is surely
over. Time limits are enforced by the prefork pool (`make run`, production), not by the solo
and threads pools.
"""

import hashlib
import zoneinfo
from datetime import timedelta
from email.utils import parseaddr
from functools import cache, reduce
from operator import or_

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import F, Q
from django.template import engines
from django.template.backends.django import DjangoTemplates
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..accounts import zones
from ..models import Notification, User, single_line
from ..scheduling import ics

# The hard time limit of every task that sends email (hiring/tasks.py): the worker kills one
# still running then, so no attempt is still sending after it.
SENDING_TIME_LIMIT_S = 120
# A claim older than this belongs to an attempt that is over. The margin covers the clocks of
# two worker machines disagreeing.
CLAIM_EXPIRES = timedelta(seconds=SENDING_TIME_LIMIT_S + 30)


class ClaimHeld(Exception):
    """Another attempt claimed this message and may be sending it now: try again once the
    claim has expired (CLAIM_EXPIRES), when it is sent or free to take over."""


def send_once(key, build_message, also=()):
    """Send the message `build_message()` returns unless `key` was sent before. True if it
    was sent now; False if before, or if `build_message()` returned None: it is no longer to
    be sent (what it tells changed since it was queued), and its key is left as never sent.
    Raises ClaimHeld (see the module's docstring). The keys
    `also` are recorded sent with it: those of what else it tells (the candidate's reminder
    of a day's interviews is one email, and each interview in it is reminded once).

    Call it outside a transaction, as tasks do: the claim must be committed before the
    message goes out, or a crash would roll it back and the next attempt not see it.
    """
    notification = _claim(key)
    if notification is None:
        return False
    try:
        message = build_message()
        if message is None:
            _let_go(notification)
            return False
        message.extra_headers["Message-ID"] = message_id(key)
        message.send()
    except Exception:
        # Refused by the mail server, or never built: the next attempt may send it at once.
        _let_go(notification)
        raise
    notification.sent_at = timezone.now()
    with transaction.atomic():
        notification.save(update_fields=["sent_at"])
        Notification.objects.bulk_create(
            [
                Notification(
                    key=other, claimed_at=notification.claimed_at, sent_at=notification.sent_at
                )
                for other in also
            ],
            ignore_conflicts=True,
        )
    return True


def send_all(messages):
    """send_once() for each `(key, build_message)` or `(key, build_message, also)`; one that
    another attempt holds does not hold up the rest, and its ClaimHeld is raised after them.
    Returns how many were sent."""
    sent, held = 0, None
    for key, build_message, *also in messages:
        try:
            sent += send_once(key, build_message, *also)
        except ClaimHeld as error:
            held = error
    if held:
        raise held
    return sent


def _claim(key):
    """The ledger row of `key`, claimed for this attempt; None if it was sent already."""
    now = timezone.now()
    notification, created = Notification.objects.get_or_create(
        key=key, defaults={"claimed_at": now}
    )
    if created:
        return notification
    if notification.sent_at:
        return None
    if notification.claimed_at and notification.claimed_at > now - CLAIM_EXPIRES:
        raise ClaimHeld(key)
    # Take it over only if no other attempt did since we read it.
    taken_over = Notification.objects.filter(
        pk=notification.pk, sent_at=None, claimed_at=notification.claimed_at
    ).update(claimed_at=now, attempts=F("attempts") + 1)
    if not taken_over:
        raise ClaimHeld(key)
    notification.refresh_from_db()
    return notification


def _let_go(notification):
    """The claim of `notification` given up, its message not sent: the ledger holds it unsent."""
    notification.claimed_at = None
    notification.save(update_fields=["claimed_at"])


def message_id(key):
    """The Message-ID of every copy of the message keyed `key`."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "teamfit"
    return f"<{digest}@{domain}>"


@cache
def text_templates():
    """The project's templates rendered as plain text, never HTML-escaped: every email and
    calendar text goes through here, so no template can forget `{% autoescape off %}`."""
    html = engines["django"]
    return DjangoTemplates(
        {
            "NAME": "text",
            "DIRS": html.dirs,
            "APP_DIRS": html.app_dirs,
            "OPTIONS": {"autoescape": False},
        }
    )


def render_text(template, context):
    return text_templates().get_template(template).render(context)


def templated_email(template, to, context, zone=zones.UTC, language=None):
    """An email from `templates/email/<template>_subject.txt` and `_body.txt`, its times in
    `zone` and its words in `language`: the recipient's own (UTC and the default language for
    someone nobody knows yet)."""
    context = {"site_url": settings.SITE_URL, **context}
    # Whoever sends it (a worker, or a request in another person's zone), it reads alike.
    language = language or settings.LANGUAGE_CODE
    with timezone.override(zoneinfo.ZoneInfo(zone)), translation.override(language):
        subject = single_line(render_text(f"email/{template}_subject.txt", context))
        body = render_text(f"email/{template}_body.txt", context)
    return EmailMultiAlternatives(subject=subject, body=body, to=[to])


def email_to(template, reader, context):
    """templated_email() to a user or a candidate, in their zone and language."""
    return templated_email(template, reader.email, context, reader.zone_name, reader.language_code)


def translated(language, build, *args):
    """`build(*args)` in `language`, for text put together outside a template."""
    with translation.override(language or settings.LANGUAGE_CODE):
        return build(*args)


# What a cancellation's key has before its address, apart from an invite's: whoever was sent a
# cancellation last is told of no booking of the session (hiring/tasks.py). Those sent before
# this prefix are keyed as invites.
CANCELLATION = "cancelled:"


def invite_key(uid, sequence, address, cancellation=False):
    """The ledger key of the invite (or `cancellation`, of the session or of the person's place
    in it) of the session `uid` at `sequence` to `address`."""
    return f"{invite_keys_of(uid)}{sequence}:{CANCELLATION if cancellation else ''}{address}"


def invite_key_parts(uid, key):
    """(sequence, cancellation, address) of `key`, an invite_key() of the session `uid`."""
    sequence, _, address = key.removeprefix(invite_keys_of(uid)).partition(":")
    return int(sequence), address.startswith(CANCELLATION), address.removeprefix(CANCELLATION)


def seat_reminder_key(seat):
    """The ledger key of the reminder of the interview seat `seat` to its person at its start
    (hiring/email/reminders.py): whoever replaces them in the seat (the same row) is reminded."""
    return f"{seat_reminder_keys_of(seat)}{seat.start.isoformat()}"


def seat_reminder_keys_of(seat):
    """What the ledger key of each reminder of `seat` to its person starts with, whatever the
    start it was reminded at."""
    return f"reminder:{seat.pk}:{seat.user_id}:"


def candidate_reminder_key(session_id, start):
    """The ledger key of the candidate's reminder of their interview `session_id` at `start`
    (hiring/email/reminders.py)."""
    return f"{candidate_reminder_keys_of(session_id)}{start.isoformat()}"


def candidate_reminder_keys_of(session_id):
    """What the ledger key of each of the candidate's reminders of their interview `session_id`
    starts with, whatever the start it was reminded at (it may have moved since)."""
    return f"reminder:candidate:session:{session_id}:"


def candidate_day_reminder_keys_of(application_id):
    """What the key of each reminder of the candidate's interviews of `application_id` started
    with before migration 0070 (of a day's interviews, by the start of its first). Its rows
    stay in the ledger."""
    return f"reminder:candidate:{application_id}:"


def retention_notice_key(candidate_id, noticed_at):
    return f"{retention_notice_keys_of(candidate_id)}{noticed_at.isoformat()}"


def retention_notice_keys_of(candidate_id):
    """What the ledger key of each retention notice to the candidate `candidate_id` starts
    with: only the latest notice's time is stored (Candidate.retention_notice_at)."""
    return f"retention-notice:{candidate_id}:"


def erasure_confirmation_key(application_id):
    return f"erasure-confirmation:{application_id}"


def export_ready_key(export_id):
    return f"data-export:{export_id}"


def keys_starting(prefix):
    """The ledger's keys that start with `prefix`, as a Q read through the key's index: on
    PostgreSQL LIKE reads the pattern index Django gives a unique text column; SQLite's LIKE
    ignores case and reads no index, but its keys compare byte by byte, so a range does."""
    starting = Q(key__startswith=prefix)
    if connection.vendor == "sqlite":
        starting &= Q(key__gte=prefix, key__lt=prefix[:-1] + chr(ord(prefix[-1]) + 1))
    return starting


# SQLite refuses an expression more than 1000 deep, and each prefix's range adds a few levels
# to an OR of them: the reminders of a retention batch's candidates alone have more prefixes.
PREFIXES_AT_ONCE = 200


def keys_starting_any(prefixes):
    """keys_starting() of any of `prefixes`, however many: in subqueries of PREFIXES_AT_ONCE
    prefixes each when they are more, each read through the key's index."""
    if len(prefixes) <= PREFIXES_AT_ONCE:
        return reduce(or_, map(keys_starting, prefixes), Q(pk__in=[]))
    return reduce(
        or_,
        (
            Q(
                pk__in=Notification.objects.filter(
                    keys_starting_any(prefixes[at : at + PREFIXES_AT_ONCE])
                )
            )
            for at in range(0, len(prefixes), PREFIXES_AT_ONCE)
        ),
    )


def invite_keys_of(uid):
    """What every ledger key of the session `uid`'s invites starts with."""
    return f"invite:{uid}:"


def session_invite(session, person, attendees, method=None, moved_from=None, joined=False):
    """An interview invite, or its cancellation, for one person, with the .ics attached. A
    reschedule's says the start it moved from (`moved_from`, the one they were last told of),
    unless the person `joined` the session with it (their first invite); the release of
    someone it does without says the start they no longer keep."""
    method = method or ("CANCEL" if session.cancelled_at else "REQUEST")
    if method == "REQUEST":
        template = "session_invite"
    else:  # the whole session, or only this person's place in it
        template = "session_cancelled" if session.cancelled_at else "session_released"
    # SEQUENCE 0 is the first booking; each reschedule raises it (scheduling/booking.py). A
    # session booked again after its cancellation is invited afresh, as `joined`.
    application = session.panel.application
    candidate = application.candidate
    is_candidate = person.email == candidate.email
    moved_from = None if joined else moved_from
    interviewers = [attendee for attendee in attendees if attendee.email != candidate.email]
    if is_candidate:
        # The candidate's copy names their interviewers and lists the candidate alone: the
        # interviewers' addresses are the organisation's, not to be handed out with an invite.
        attendees = [attendee for attendee in attendees if attendee.email == person.email]
    context = {
        "session": session,
        "person": person,
        "moved": session.sequence > 0 and not joined,
        "moved_from": moved_from,
        # A cancellation names the start its reader kept: a release's, the one before the
        # session moved on without them. The session's own later start read as a reschedule
        # they were never told of.
        "cancelled_start": moved_from or session.start,
        # The candidate reads of their interview for the job, not of an interview with themselves.
        "for_candidate": is_candidate,
        "interviewer_names": ", ".join(single_line(attendee.name) for attendee in interviewers),
        # The candidate's copy carries their status link, as every email to them does.
        "status_url": application.status_url() if is_candidate else "",
    }
    if is_candidate:
        zone, language = candidate.zone_name, candidate.language_code
    else:
        zone, language = _reader(person.email)
    message = templated_email(template, person.email, context, zone, language)
    organizer_name, organizer_email = parseaddr(settings.DEFAULT_FROM_EMAIL)
    invite = ics.invite(
        method=method,
        uid=session.uid,
        sequence=session.sequence,
        start=session.start,
        end=session.end,
        summary=translated(language, interview_summary, session, is_candidate),
        description=message.body,
        organizer=ics.Person(single_line(organizer_name) or "Teamfit", organizer_email),
        attendees=[ics.Person(single_line(p.name), p.email) for p in attendees],
    )
    message.attach("invite.ics", invite, ics.invite_attachment_content_type(method))
    return message


def interview_summary(session, for_candidate):
    """The interview's name in a calendar: the candidate's names the job, an interviewer's the
    candidate."""
    application = session.panel.application
    focus = session.get_focus_display()
    if for_candidate:
        opening = application.opening
        return single_line(
            _("%(focus)s interview: %(opening)s (%(team)s)")
            % {"focus": focus, "opening": opening.title, "team": opening.team}
        )
    return _("Interview: %(candidate)s (%(focus)s)") % {
        "candidate": single_line(application.candidate),
        "focus": focus,
    }


def _reader(email):
    """The zone and language of the person with this email: a user's from their profile."""
    user = User.objects.filter(email=email).only("time_zone", "language").first()
    return (user.time_zone, user.language_code) if user else (zones.UTC, None)
