"""Privacy's tasks: thin, taking ids, safe to run twice."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from ..email.notifications import send_once
from ..models import DataExport
from ..tasks import LONGEST_TIME_LIMIT_S, SENDS_EMAIL
from . import export

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
    if built is not None and built.requested_by_id is None:
        send_export_ready.delay(built.pk)
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
    return send_once(f"data-export:{export_id}", lambda: export.ready_email(data_export))


@shared_task(soft_time_limit=LONGEST_TIME_LIMIT_S - 30, time_limit=LONGEST_TIME_LIMIT_S)
def expire_exports():
    """Polled by beat: expired exports' files deleted."""
    return export.expire_due()


# Erasure and retention
