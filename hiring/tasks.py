"""Celery tasks: thin, safe to run twice, and each bounded in time.

At soft_time_limit a task gets SoftTimeLimitExceeded and stops cleanly; at time_limit the
worker kills it. The Redis broker redelivers a task its worker has not acknowledged within
the visibility timeout (CELERY_BROKER_TRANSPORT_OPTIONS in settings), set a minute above the
longest time_limit here (LONGEST_TIME_LIMIT_S): a task still within its bound is never handed
to a second worker, and a dead worker's tasks come back after six minutes, not an hour.
"""

import logging
import os
from datetime import datetime

from celery import current_app, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import EmailMultiAlternatives
from django.db import OperationalError, transaction
from django.utils import timezone
from kombu.exceptions import KombuError
from kombu.utils import json

from .access import (
    opens_organisation_page,
    told_of_departure,
    told_of_leadership_grant,
    told_of_proposals,
)
from .celery import Task
from .email import reminders
from .email.notifications import (
    CLAIM_EXPIRES,
    SENDING_TIME_LIMIT_S,
    ClaimHeld,
    email_to,
    invite_key,
    invite_key_parts,
    invite_keys_of,
    keys_starting,
    send_all,
    send_once,
    session_invite,
    templated_email,
)
from .models import (
    Application,
    Decision,
    InterviewSession,
    Invitation,
    Notification,
    SlotOffer,
    UnqueuedTask,
    User,
)
from .reports import cached as cached_reports
from .scheduling import availability
from .scheduling.ics import Person

logger = logging.getLogger(__name__)

LONGEST_TIME_LIMIT_S = 300
# A worker computing reports yields the machine's cores to the web's requests (on a shared
# machine its runs took a core for a minute and more, and each request's statements waited for
# it). Unprivileged, a process cannot raise its priority again: the worker process stays at
# this niceness, its other tasks background work too (emails, reminders, feeds).
BACKGROUND_NICENESS = 10


def at_background_priority(task=None):
    """This process at BACKGROUND_NICENESS, if it was above it (a niceness below); not when
    `task` runs eagerly, in the process that asked for it (the tests', a request's)."""
    if task is not None and task.request.is_eager:
        return
    if os.getpriority(os.PRIO_PROCESS, 0) < BACKGROUND_NICENESS:
        os.setpriority(os.PRIO_PROCESS, 0, BACKGROUND_NICENESS)


class SendsEmail(Task):
    """A task that sends email about rows it reads by id. One of them deleted before it ran
    (its application or candidate gone, an invitation removed) leaves nothing to send: said in
    the log, not raised, as no retry would find it again."""

    def __call__(self, *args, **kwargs):
        try:
            return super().__call__(*args, **kwargs)
        except ObjectDoesNotExist as gone:
            logger.warning("Task %s sent nothing: %s", self._described(args), gone)
            return None


SENDS_EMAIL = {
    "base": SendsEmail,
    "time_limit": SENDING_TIME_LIMIT_S,
    "soft_time_limit": SENDING_TIME_LIMIT_S - 20,
    # What a later attempt can get past: a claim another attempt holds, the mail server or the
    # network (smtplib's errors are OSErrors), a locked or lost database, a send cut short.
    "autoretry_for": (ClaimHeld, OSError, OperationalError, SoftTimeLimitExceeded),
    # Not sooner than a claim expires, so a retry finds the message sent or free; for an hour.
    "retry_kwargs": {"countdown": CLAIM_EXPIRES.total_seconds(), "max_retries": 24},
}


@shared_task(**SENDS_EMAIL)
def send_invitation(invitation_id):
    invitation = (
        Invitation.objects.select_related("team", "invited_by").filter(pk=invitation_id).first()
    )
    if invitation is None or not invitation.is_pending:
        return False
    context = {"invitation": invitation}
    reader = invitation.reader()  # someone known reads it in their language and zone
    known = (reader.zone_name, reader.language_code) if reader else ()
    return send_once(
        f"invitation:{invitation.pk}",
        lambda: templated_email("invitation", invitation.email, context, *known),
    )


@shared_task(**SENDS_EMAIL)
def send_leadership_invited_notices(invitation_id):
    """Tell who is told of a leadership grant (access.told_of_leadership_grant) that the admin
    invited an address as leadership: while it waits, the grant can still be withdrawn."""
    invitation = Invitation.objects.select_related("invited_by").get(pk=invitation_id)
    return send_all(
        (
            f"leadership-invited:{invitation.pk}:{reader.pk}",
            lambda reader=reader: email_to(
                "leadership_invited", reader, {"invitation": invitation, **_told(reader)}
            ),
        )
        for reader in told_of_leadership_grant(None, invitation.invited_by)
    )


@shared_task(**SENDS_EMAIL)
def send_leadership_granted_notices(person_id, granted_by_id, granted_at, how):
    """Tell who is told of a leadership grant that the person `person_id` now reads every
    team's feedback, granted by `granted_by_id` (None: the operator's invitation) at
    `granted_at` (ISO 8601), `how`: "invitation" (accepted), "role" (changed to leadership)
    or "reactivation" (of a leadership account)."""
    granted_to = User.objects.get(pk=person_id)
    granted_by = User.objects.filter(pk=granted_by_id).first()  # none: the operator's invitation
    context = {
        "granted_to": granted_to,
        "granted_by": granted_by,
        "granted_at": datetime.fromisoformat(granted_at),
        "how": how,
    }
    return send_all(
        (
            f"leadership-granted:{person_id}:{granted_at}:{reader.pk}",
            lambda reader=reader: email_to(
                "leadership_granted", reader, {**context, **_told(reader)}
            ),
        )
        for reader in told_of_leadership_grant(granted_to, granted_by)
    )


@shared_task(**SENDS_EMAIL)
def send_departure_notices(person_id, deactivated_at):
    """Tell who schedules each panel whose sessions still to come seat `person_id`, deactivated
    at `deactivated_at` (ISO 8601), to replace them (access.told_of_departure): once a
    deactivation and reader, listing that reader's sessions. Asked as it runs: the sessions
    replaced or cancelled since are left out, and nothing goes once they are active again."""
    person = User.objects.get(pk=person_id)
    if person.is_active:
        return 0
    sessions = (
        InterviewSession.objects.filter(
            interviewers__user=person, cancelled_at=None, start__gt=timezone.now()
        )
        .select_related("panel__created_by", "panel__application__candidate")
        .select_related("panel__application__opening__team")
        .order_by("start", "pk")
    )
    readers, told, by_panel = {}, {}, {}
    for session in sessions:
        if session.panel_id not in by_panel:  # a panel's sessions have the same readers
            by_panel[session.panel_id] = told_of_departure(session.panel)
        for reader in by_panel[session.panel_id]:
            readers.setdefault(reader.pk, reader)
            told.setdefault(reader.pk, []).append(session)
    context = {"departed": person, "deactivated_at": datetime.fromisoformat(deactivated_at)}
    return send_all(
        (
            f"departed:{person_id}:{deactivated_at}:{reader.pk}",
            lambda reader=reader: email_to(
                "interviewer_departed",
                reader,
                {**context, "reader": reader, "sessions": told[reader.pk]},
            ),
        )
        for reader in readers.values()
    )


def _told(reader):
    """Who reads a leadership notice, and whether its link to the organisation's page opens for
    them (leadership's does not: they ask its admins)."""
    return {"reader": reader, "opens_organisation": opens_organisation_page(reader)}


@shared_task(**SENDS_EMAIL, runs_here_if_refused=True)
def send_account_email(key, message):
    """An allauth email the web process rendered (hiring/accounts/adapter.py), sent once; from
    the request itself when the broker refuses it (hiring.celery.Task.runs_here_if_refused)."""

    def build():
        email = EmailMultiAlternatives(
            subject=message["subject"],
            body=message["body"],
            from_email=message["from_email"],
            to=message["to"],
            headers=message["headers"],
            alternatives=[tuple(alternative) for alternative in message["alternatives"]],
        )
        email.content_subtype = message["content_subtype"]
        return email

    return send_once(f"account:{key}", build)


@shared_task(**SENDS_EMAIL)
def send_session_invites(session_id, sequence, _moved_from=None, joined=(), only=None, first=False):
    """The session's invite (or cancellation) at `sequence`, once to each person; one after a
    move says the start it moved from: the one its invites last told (announced_start), except
    to those who `joined` the session with it (user ids), whose first invite it is. `first`:
    everyone's first invite to it, though its SEQUENCE is not 0 (a session booked again after
    its cancellation): an invitation, not an update; so is one of a session never announced.
    `only` (user ids): to them alone, as to someone replacing an interviewer, whose change is
    nobody else's news, and to whoever was never sent this session's invite (the booking's,
    still queued when this change came, found it changed and sent nothing); to everyone if a
    move nobody was told of came before it. (`_moved_from`: the start before the change, as
    tasks queued before announced_start pass it; read from the session now.)"""
    session = (
        InterviewSession.objects.select_related("panel__application__candidate")
        .prefetch_related("interviewers__user")
        .filter(pk=session_id, sequence=sequence)
        .first()
    )
    if session is None:  # changed again since (cancelled, moved): that change sends its own
        return 0
    attendees = session_attendees(session)
    first = first or session.announced_start is None
    moved_from = None if first else session.moved_from
    # A copy of a move within a day its reader was reminded of stands for their reminder.
    told = {} if first else reminders.told_by_the_move(session, moved_from)
    # Whoever was never sent its invite, seated by a change whose invites never went, too.
    invited = set().union(*_reached_by_invites(session, sequence))
    newcomers = {seat.user.email for seat in session.interviewers.all() if seat.user_id in joined}
    newcomers |= {person.email for person in attendees if person.email not in invited}
    recipients = attendees
    if session.cancelled_at:
        recipients = _to_tell_of_cancellation(session, sequence, attendees)
    elif only is not None and moved_from is None:
        chosen = {seat.user.email for seat in session.interviewers.all() if seat.user_id in only}
        recipients = [person for person in attendees if person.email in newcomers | chosen]
    sent = send_all(
        (
            invite_key(session.uid, sequence, person.email, bool(session.cancelled_at)),
            lambda person=person: (
                session_invite(
                    session,
                    person,
                    attendees,
                    moved_from=moved_from,
                    joined=first or person.email in newcomers,
                )
                if _still_to_send(session, sequence)
                else None
            ),
            told.get(person.email, ()),
        )
        for person in recipients
    )
    # What the next move's invites say it moved from, unless another change came meanwhile
    # (its invites tell more than these did).
    InterviewSession.objects.filter(pk=session.pk, sequence=sequence).update(
        announced_start=None if session.cancelled_at else session.start
    )
    return sent


def _still_to_send(session, sequence):
    """Whether the session's message at `sequence`, claimed, still goes: its cancellation
    does (news to whoever had its invite, whatever came since), its invite not once the
    session changed again (a cancellation, a move), which may come as the invites go: that
    change's cancellation finds in the ledger an invite claimed before this, and would miss
    one sent after it read."""
    return (
        session.cancelled_at is not None
        or InterviewSession.objects.filter(pk=session.pk, sequence=sequence).exists()
    )


def _reached_by_invites(session, before):
    """The addresses told of the session by the ledger, as (told, being_told): those whose last
    message of it before SEQUENCE `before` is an invite (not a cancellation), sent or claimed by
    an attempt that ended without saying (a dead worker's, which may have sent it); being told,
    those whose last an attempt is sending now. Neither holds those only queued, refused by the
    mail server, or let go as the session changed meanwhile."""
    rows = (
        Notification.objects.filter(keys_starting(invite_keys_of(session.uid)))
        .exclude(sent_at=None, claimed_at=None)
        .values_list("key", "sent_at", "claimed_at")
    )
    held_since = timezone.now() - CLAIM_EXPIRES
    last = {}
    for key, sent_at, claimed_at in rows:
        sequence, cancellation, address = invite_key_parts(session.uid, key)
        if sequence < before:
            heard = (sequence, cancellation, sent_at is None and claimed_at > held_since)
            last[address] = max(last.get(address, heard), heard)
    invited = {address: held for address, (_, cancelled, held) in last.items() if not cancelled}
    told = {address for address, held in invited.items() if not held}
    return told, invited.keys() - told


def _to_tell_of_cancellation(session, sequence, people):
    """Of `people`, those to send the session's cancellation at `sequence` (or their release
    from it): the ones its invites reached, by what the ledger says was sent, not by what was
    queued. Nobody hears of the cancellation of an interview they were never invited to, the
    candidate included. InviteBeingSent (a ClaimHeld) while the invite of one of them is being
    sent: the retry finds it sent (then they are told) or let go as the session changed (then
    nothing)."""
    told, being_told = _reached_by_invites(session, sequence)
    if any(person.email in being_told for person in people):
        raise InviteBeingSent(invite_keys_of(session.uid))
    return [person for person in people if person.email in told]


class InviteBeingSent(ClaimHeld):
    """An invite of the session is being sent to someone its cancellation is for: whether
    they are to be told is known once it went (or was let go)."""


@shared_task(**SENDS_EMAIL)
def send_session_cancellations(session_id, sequence, user_ids, freed_from=None):
    """A cancellation for people taken off a session that goes on without them, saying the
    start they no longer need to keep (`freed_from`, ISO 8601), if they were sent its invite
    (_to_tell_of_cancellation). Sent though the session changed again since: that change's
    invites go to those on it, so nobody else tells the people it let go; those it seated
    again are invited by it instead."""
    session = (
        InterviewSession.objects.select_related("panel__application__candidate")
        .filter(pk=session_id)
        .first()
    )
    if session is None:
        return 0
    released = User.objects.filter(pk__in=user_ids).exclude(
        pk__in=session.interviewers.values("user")
    )
    people = [Person(user.display_name, user.email) for user in released]
    freed_from = datetime.fromisoformat(freed_from) if freed_from else None
    return send_all(
        (
            invite_key(session.uid, sequence, person.email, cancellation=True),
            lambda person=person: session_invite(
                session, person, [person], method="CANCEL", moved_from=freed_from
            ),
        )
        for person in _to_tell_of_cancellation(session, sequence, people)
    )


@shared_task(**SENDS_EMAIL)
def send_windows_proposed(offer_id):
    """Tell whoever offered the candidate times that they proposed their own (the recruiters,
    if they left since): once per link and person, listing those proposed by then (the panel
    page lists every one)."""
    offer = (
        SlotOffer.objects.select_related(
            "created_by", "panel__application__candidate", "panel__application__opening__team"
        )
        .filter(pk=offer_id)
        .first()
    )
    if offer is None:  # the panel was deleted since
        return False
    application = offer.panel.application
    context = {
        "candidate": application.candidate,
        "opening": application.opening,
        "windows": offer.panel.candidate_windows.filter(created_at__gte=offer.created_at),
        "panel_url": offer.panel.get_absolute_url(),
    }
    return send_all(
        (
            f"windows-proposed:{offer.pk}:{person.pk}",
            lambda person=person: email_to(
                "windows_proposed", person, {**context, "recruiter": person}
            ),
        )
        for person in told_of_proposals(offer)
    )


def session_attendees(session):
    candidate = session.panel.application.candidate
    seats = session.interviewers.all()
    if not session.cancelled_at:
        seats = [seat for seat in seats if seat.start]
    return [Person(seat.user.display_name, seat.user.email) for seat in seats] + [
        Person(candidate.name, candidate.email)
    ]


# How many kept tasks one sweep queues again: a long outage's backlog goes in turns.
UNQUEUED_BATCH = 500


@shared_task(soft_time_limit=LONGEST_TIME_LIMIT_S - 30, time_limit=LONGEST_TIME_LIMIT_S)
def queue_unqueued():
    """Polled by beat: the tasks the broker did not take as their writes committed
    (hiring.celery.Task, UnqueuedTask), queued again, oldest first, each then forgotten. Stops
    at the first the broker refuses: it is still away. Returns how many were queued."""
    queued = 0
    for pk in UnqueuedTask.objects.order_by("pk").values_list("pk", flat=True)[:UNQUEUED_BATCH]:
        with transaction.atomic():
            # Locked, skipped by another sweep running meanwhile: queued once.
            kept = UnqueuedTask.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if kept is None:
                continue
            task = current_app.tasks.get(kept.name)
            if task is None:
                # Kept before a release renamed or removed it: it can never run, and left in
                # place it would stop every sweep here, holding up the tasks kept after it.
                logger.error("Kept task %s dropped: this release has no such task", kept.name)
                kept.delete()
                continue
            arguments = json.loads(kept.payload)
            try:
                task.apply_async(arguments["args"], arguments["kwargs"])
            except (KombuError, OSError):
                logger.warning("Kept tasks not queued again yet: the broker is still away")
                break
            kept.delete()
        queued += 1
    return queued


@shared_task(**SENDS_EMAIL)
def send_due_reminders():
    """Polled by beat: reminders due now, each sent once however often this runs. One cut
    short by its time limit is retried, and the next poll goes on where it stopped."""
    return reminders.send_due()


# Feeds take about a minute a run today: stopped at five, a feed not reached yet keeps its
# previous busy blocks until the next hourly run.
@shared_task(soft_time_limit=LONGEST_TIME_LIMIT_S - 30, time_limit=LONGEST_TIME_LIMIT_S)
def refresh_calendar_feeds():
    return availability.refresh_feeds()


@shared_task(**SENDS_EMAIL)
def send_decision_notices(decision_id):
    """Tell each recruiter the team's decision: its outcome, not the scores behind it. One task
    for them all, so the decision's write neither reads the recruiters nor queues a task each."""
    decision = (
        Decision.objects.select_related("application__candidate", "application__opening__team")
        .filter(pk=decision_id)
        .first()
    )
    if decision is None:  # a hold the team reopened before its notices went: nothing to tell
        return 0
    return send_all(
        (
            f"decision:{decision.pk}:{recruiter.pk}",
            lambda recruiter=recruiter: email_to(
                "decision_notice", recruiter, {"decision": decision, "recruiter": recruiter}
            ),
        )
        for recruiter in User.objects.recruiters()
    )


@shared_task(**SENDS_EMAIL)
def send_withdrawal_notices(application_id):
    """Tell each recruiter the candidate withdrew their application through their link, and
    why when they said."""
    application = Application.objects.select_related("candidate", "opening__team").get(
        pk=application_id
    )
    withdrawal = application.own_withdrawal()
    return send_all(
        (
            f"withdrawn:{application.pk}:{recruiter.pk}",
            lambda recruiter=recruiter: email_to(
                "withdrawal_notice",
                recruiter,
                {"application": application, "recruiter": recruiter, "withdrawal": withdrawal},
            ),
        )
        for recruiter in User.objects.recruiters()
    )


# A warming run can take up to 15 minutes at a large company (WARMING_TIMEOUT_S). Each report
# is cached as soon as it is computed, so a run stopped at its soft limit keeps what it warmed
# and frees the warming lock, and the run beat starts a minute later goes on from there (warm
# reports are cache hits). That keeps every task within five minutes, and the broker's
# visibility timeout short enough to bring a dead worker's emails back soon.
@shared_task(bind=True, soft_time_limit=LONGEST_TIME_LIMIT_S - 30, time_limit=LONGEST_TIME_LIMIT_S)
def refresh_report(self, page, team_ids, start, end, zone, language, query, leaving_out=()):
    """A report page a reader found out of date, computed again (hiring/reports/cached.py)."""
    at_background_priority(self)
    cached_reports.refresh(page, team_ids, start, end, zone, language, query, leaving_out)


@shared_task(bind=True, soft_time_limit=LONGEST_TIME_LIMIT_S - 30, time_limit=LONGEST_TIME_LIMIT_S)
def warm_default_reports(self):
    at_background_priority(self)
    try:
        return cached_reports.warm_default_reports()
    except SoftTimeLimitExceeded:
        logger.info("Report warming stopped at its time limit; the next run goes on.")
        return None
