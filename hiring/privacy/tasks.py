"""Privacy's tasks: thin, taking ids, safe to run twice."""

import dataclasses
import logging
import time

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from ..email.notifications import export_ready_key, retention_notice_key, send_all, send_once
from ..models import Candidate, DataExport
from ..tasks import LONGEST_TIME_LIMIT_S, SENDS_EMAIL
from . import erasure, export, files, links, retention

logger = logging.getLogger(__name__)


# Export


@shared_task(soft_time_limit=LONGEST_TIME_LIMIT_S - 30, time_limit=LONGEST_TIME_LIMIT_S)
def build_export(export_id):
    """Build the ZIP; the candidate's own export then goes to them by email."""
    try:
        built = export.build(export_id)
    except SoftTimeLimitExceeded:
        export.fail(export_id)
        return None
    except Exception:
        logger.exception("Data export %s failed", export_id)
        export.fail(export_id)
        raise
    # Also when this run found it built: the run that built it may have died before queuing
    # the email. The task sends only the candidate's own export's, and once. Kept if the
    # broker refuses it: nothing would run this again to queue it.
    send_export_ready.delay_or_keep(export_id)
    return export_id if built else None


@shared_task(**SENDS_EMAIL)
def send_export_ready(export_id):
    data_export = (
        DataExport.objects.select_related("candidate")
        .filter(pk=export_id, status=DataExport.Status.READY, requested_by=None)
        .first()
    )
    if data_export is None:
        return False
    return send_once(export_ready_key(export_id), lambda: export.ready_email(data_export))


@shared_task(soft_time_limit=LONGEST_TIME_LIMIT_S - 30, time_limit=LONGEST_TIME_LIMIT_S)
def expire_exports():
    """Polled by beat: expired exports' files deleted."""
    return export.expire_due()


# Erasure and retention


@shared_task(**SENDS_EMAIL)
def send_erasure_confirmation(application_id, asked_at):
    """The link confirming a candidate's erasure request, at most once an application in
    erasure.CONFIRMATION_EVERY. A task queued by the release before carries the request's id,
    a text, where the time asked is: it counts from now, so its candidate still gets a link."""
    if isinstance(asked_at, str):
        asked_at = time.time()
    return erasure.send_confirmation(application_id, asked_at)


@shared_task(**SENDS_EMAIL)
def send_status_links(address_digest, candidate_ids, asked_at):
    """The links the privacy page was asked for, at most once an address in links.EMAIL_EVERY."""
    return links.send(address_digest, candidate_ids, asked_at)


# Stopped at its time limit, a run loses only the batch under way (rolled back); the next day's
# run goes on from there.
@shared_task(soft_time_limit=LONGEST_TIME_LIMIT_S - 30, time_limit=LONGEST_TIME_LIMIT_S)
def run_retention():
    """Polled by beat daily: the access log's pruning, ended sessions, unrun imports' rows,
    then notices and erasures."""
    try:
        return dataclasses.asdict(retention.run())
    except SoftTimeLimitExceeded:
        logger.info("Retention stopped at its time limit; the next run goes on.")
        return None


@shared_task(**SENDS_EMAIL)
def send_retention_notices(candidate_ids):
    """Each candidate's notice, once per notice (its time is in the key)."""
    candidates = Candidate.objects.filter(
        pk__in=candidate_ids, erased_at=None, held_at=None, retention_notice_at__isnull=False
    )
    return send_all(
        (
            retention_notice_key(candidate.pk, candidate.retention_notice_at),
            lambda candidate=candidate: retention.notice_email(candidate),
        )
        for candidate in candidates
    )


# Its own task, with its own time limit: swept at the end of the retention run, the files were
# never reached on the nights a backlog of erasures took the run to its time limit.
@shared_task(soft_time_limit=LONGEST_TIME_LIMIT_S - 30, time_limit=LONGEST_TIME_LIMIT_S)
def sweep_stored_files():
    """Polled by beat daily: stored files no row references deleted. A store too large for a
    night is swept over several: each stops a minute before its soft time limit, and the next
    goes on from there."""
    return files.sweep(budget_s=LONGEST_TIME_LIMIT_S - 90)
