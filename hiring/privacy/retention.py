"""Retention: a candidate's data is erased Organisation.retention_months after their last
application closed (or after they last asked to be kept, if later), once they were told
RETENTION_NOTICE_DAYS before. The notice carries a link to keep their data, which renews the
period. Checked imports left unrun for CANDIDATE_IMPORT_PREVIEW_DAYS lose their rows; the
access log and ended sessions' records are pruned. Beat runs it daily (tasks.run_retention):
each step finds its work again in the database, so a run stopped half-way, or run twice, leaves
nothing half-done and does nothing twice. Stored files no row references go in a task of their
own (tasks.sweep_stored_files).
"""

import logging
import time
from dataclasses import dataclass
from datetime import timedelta

from allauth.usersessions.models import UserSession
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ..candidates.merging import record_now
from ..email.notifications import email_to
from ..imports import imports
from ..models import (
    Application,
    Candidate,
    CandidateAccess,
    Consent,
    LinkError,
    Organisation,
)
from . import erasure

logger = logging.getLogger(__name__)

KEEP_SALT = "teamfit.retention-keep"


@dataclass
class Run:
    noticed: int = 0
    erased: int = 0
    batches: int = 0
    longest_batch_s: float = 0.0
    pruned: int = 0
    sessions_purged: int = 0
    imports_expired: int = 0


def run(now=None, on_batch=None):
    """The access log's pruning, ended sessions' records, unrun imports' rows, notices and
    erasures due at `now`. `on_batch(run)` is called after each batch of erasures (the
    run_retention command reports progress with it)."""
    now = now or timezone.now()
    months = Organisation.current().retention_months
    # The short chores first: last, they were never reached on the nights a backlog of
    # erasures took the run to its time limit. Each commits as it goes.
    figures = Run(
        pruned=prune_access_log(now, months),
        sessions_purged=purge_ended_sessions(now),
        imports_expired=imports.expire_unrun(now),
    )
    figures.noticed = notify(now, months)
    figures.erased = erase_requested()
    size = settings.RETENTION_BATCH_SIZE
    # One pass finds them all; each batch checks them again under lock (erasure.erase_batch).
    ids = list(due(now, months).values_list("pk", flat=True))
    for start in range(0, len(ids), size):
        began = time.perf_counter()
        figures.erased += erasure.erase_batch(
            due(now, months).filter(pk__in=ids[start : start + size])
        )
        figures.batches += 1
        took = time.perf_counter() - began
        figures.longest_batch_s = max(figures.longest_batch_s, took)
        if on_batch:
            on_batch(figures)
        # As long again without a transaction: SQLite's writers waiting for its lock get it,
        # rather than finding the next batch holding it again.
        time.sleep(took)
    return figures


def period_start():
    """When a candidate's retention period began: their last application's last move (all are
    closed when it counts), or their latest wish to be kept if later; the record's creation
    for a record without either."""
    last_move = models.Subquery(
        Application.objects.filter(candidate=models.OuterRef("pk"))
        .order_by("-stage_changed_at")
        .values("stage_changed_at")[:1]
    )
    last_keep = models.Subquery(
        Consent.objects.filter(candidate=models.OuterRef("pk"), purpose=Consent.Purpose.KEEP)
        .order_by("-given_at")
        .values("given_at")[:1]
    )
    return Greatest(
        Coalesce(last_move, models.F("created_at")), Coalesce(last_keep, models.F("created_at"))
    )


def _retained():
    """Candidates retention may erase one day: not erased, not held, nothing in motion."""
    return (
        Candidate.objects.filter(erased_at=None, held_at=None)
        .exclude(models.Exists(erasure.in_motion()))
        .annotate(period_start=period_start())
    )


def to_notify(now, months):
    """Those whose period ends within RETENTION_NOTICE_DAYS and who were not told since it
    began."""
    notice = timedelta(days=settings.RETENTION_NOTICE_DAYS)
    return _retained().filter(
        models.Q(retention_notice_at=None)
        | models.Q(retention_notice_at__lte=models.F("period_start")),
        period_start__lte=now + notice - relativedelta(months=months),
    )


def due(now, months):
    """Those whose period is over and who were told at least RETENTION_NOTICE_DAYS ago, since
    it began."""
    notice = timedelta(days=settings.RETENTION_NOTICE_DAYS)
    return _retained().filter(
        period_start__lte=now - relativedelta(months=months),
        retention_notice_at__gt=models.F("period_start"),
        retention_notice_at__lte=now - notice,
    )


def notify(now, months):
    """Mark the candidates to tell, a batch per transaction, each batch's emails sent by a
    worker once it commits. Returns how many."""
    from .tasks import send_retention_notices  # here: the tasks module imports this one

    noticed = 0
    ids = list(to_notify(now, months).values_list("pk", flat=True))
    size = settings.RETENTION_BATCH_SIZE
    for start in range(0, len(ids), size):
        with transaction.atomic():
            batch = list(
                to_notify(now, months)
                .filter(pk__in=ids[start : start + size])
                .select_for_update()
                .values_list("pk", flat=True)
            )
            Candidate.objects.filter(pk__in=batch).update(retention_notice_at=now)
            send_retention_notices.delay_on_commit(batch)
        noticed += len(batch)
    return noticed


def erase_requested():
    """Candidates who asked to be erased while on legal hold, now that it was released.
    Returns how many were erased."""
    requested = Candidate.objects.filter(
        erasure_requested_at__isnull=False, erased_at=None, held_at=None
    )
    erased = 0
    for candidate in requested:
        try:
            if erasure.erase(candidate, how=erasure.AT_THEIR_REQUEST, requested=True):
                erased += 1
        except ValidationError:  # held again, or cancellations not sent: the next run
            logger.warning("Candidate record #%s not erased yet", candidate.pk, exc_info=True)
    return erased


def prune_access_log(now, months):
    """The one deletion from the append-only access log (AppendOnlyQuerySet refuses delete()):
    entries older than the retention period go, a batch per transaction; a candidate on legal
    hold keeps theirs, as the rest of their data (privacy/holds.py)."""
    old = CandidateAccess.objects.filter(at__lt=now - relativedelta(months=months)).exclude(
        candidate__held_at__isnull=False
    )
    pruned = 0
    while batch := list(old.values_list("pk", flat=True)[: settings.RETENTION_BATCH_SIZE * 10]):
        deleted, _ = models.QuerySet.delete(CandidateAccess.objects.filter(pk__in=batch))
        pruned += deleted
    return pruned


def purge_ended_sessions(now):
    """Where staff signed in from (an address, a browser) is theirs too: kept while the session
    lasts, for its sessions page, and no longer. A session ends signed out, expired, or
    replaced by a new key (a password change). Expired sessions go as `clearsessions` would
    take them: nothing reads them again, and the table would grow with every sign-in."""
    Session.objects.filter(expire_date__lte=now).delete()
    live = Session.objects.filter(session_key=models.OuterRef("session_key"))
    purged, _ = UserSession.objects.exclude(models.Exists(live)).delete()
    return purged


# The notice, and the candidate's link to keep their data


def notice_email(candidate):
    """The notice: when their data goes (on or after the notice period), and the keep link."""
    erased_from = candidate.retention_notice_at + timedelta(days=settings.RETENTION_NOTICE_DAYS)
    context = {
        "candidate": candidate,
        "organisation": Organisation.current(),
        "erased_from": erased_from,
        "keep_url": keep_url(candidate),
    }
    return email_to("retention_notice", candidate, context)


def keep_url(candidate):
    return reverse("candidate_keep_data", args=[signing.dumps(candidate.pk, salt=KEEP_SALT)])


def candidate_to_keep(token):
    """The candidate behind a keep link, or LinkError. The link works until they are erased:
    wishing to be kept is never too late before then."""
    try:
        pk = signing.loads(token, salt=KEEP_SALT)
    except signing.BadSignature as error:
        raise LinkError(_("This link is not valid. Check that you copied all of it.")) from error
    candidate = record_now(pk)
    if _gone(candidate):
        raise LinkError(_("We no longer hold your data."))
    return candidate


def _gone(candidate):
    """Whether `candidate` is erased, or being erased (erasure._wind_down withdrew their
    applications): too late to be kept, unless a hold stopped it meanwhile."""
    return (
        candidate is None
        or candidate.erased_at is not None
        or (candidate.erasure_started_at is not None and candidate.held_at is None)
    )


@transaction.atomic
def keep(candidate):
    """The candidate asks to be kept: their consent is recorded, and their period starts again
    from now. Returns when it ends. Once per notice: asked again since their latest notice (a
    double click, the link opened again), the consent already given answers. Locked against a
    retention batch erasing them meanwhile, and found again: their record may have been merged
    into another since the link was read. An erasure they asked for while on legal hold is
    cancelled: their latest wish is the one that counts (they may ask to be erased again), on
    every record it was made for (erasure.records_requested_with)."""
    found = record_now(candidate.pk)
    if found is None:
        raise LinkError(_("We no longer hold your data."))
    requested = [record.pk for record in erasure.records_requested_with(found)]
    # In the order of their keys: the person's two links kept at once wait for each other.
    locked = Candidate.objects.select_for_update().filter(pk__in=requested).order_by("pk")
    candidate = {record.pk: record for record in locked}.get(found.pk)
    if _gone(candidate):
        raise LinkError(_("We no longer hold your data."))
    consent = _kept_since_notice(candidate) or Consent.objects.create(
        candidate=candidate,
        purpose=Consent.Purpose.KEEP,
        notice_version=settings.PRIVACY_NOTICE_VERSION,
    )
    _requests(requested).update(erasure_requested_at=None, erasure_started_at=None)
    return _kept_until(consent)


def _requests(ids):
    """The records of `ids` holding an erasure request a wish to be kept cancels: one being
    erased already (_gone) is past cancelling."""
    return (
        Candidate.objects.filter(pk__in=ids, erased_at=None)
        .exclude(erasure_requested_at=None)
        .exclude(erasure_started_at__isnull=False, held_at=None)
    )


def erasure_requested_at(candidate):
    """When the candidate last asked to be erased, if keeping their data cancels it: on any
    record the request was made for (keep), not only the link's. None if not."""
    requested = [record.pk for record in erasure.records_requested_with(candidate)]
    return _requests(requested).aggregate(at=models.Max("erasure_requested_at"))["at"]


def kept_until(candidate):
    """When the period the candidate asked for since their latest notice ends, or None: the
    keep link opened again says so rather than ask again."""
    consent = _kept_since_notice(candidate)
    return consent and _kept_until(consent)


def _kept_since_notice(candidate):
    """The candidate's wish to be kept given since their latest retention notice, if any, and
    not overtaken by a request to erase them made since (while on legal hold)."""
    kept = candidate.consents.filter(purpose=Consent.Purpose.KEEP)
    for since in (candidate.retention_notice_at, candidate.erasure_requested_at):
        if since is not None:
            kept = kept.filter(given_at__gte=since)
    return kept.order_by("-given_at").first()


def _kept_until(consent):
    return consent.given_at + relativedelta(months=Organisation.current().retention_months)
