import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from ..tasks import LONGEST_TIME_LIMIT_S
from . import imports

logger = logging.getLogger(__name__)


# Checking 5,000 rows and writing them takes seconds; stopped at its soft limit, an import
# writes nothing and says so.
@shared_task(soft_time_limit=LONGEST_TIME_LIMIT_S - 30, time_limit=LONGEST_TIME_LIMIT_S)
def run_import(import_id):
    try:
        return imports.run(import_id)
    except SoftTimeLimitExceeded:
        imports.fail(import_id, "The import took too long and was stopped. Nothing was imported.")
    except Exception:
        logger.exception("Candidate import %s stopped", import_id)
        imports.fail(import_id, "The import stopped on an error. Nothing was imported.")
        raise
    return None
