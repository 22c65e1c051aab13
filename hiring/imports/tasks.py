import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.utils import translation
from django.utils.translation import gettext as _

from ..models import CandidateImport
from ..tasks import LONGEST_TIME_LIMIT_S
from . import imports

logger = logging.getLogger(__name__)


# Checking 5,000 rows and writing them takes seconds; stopped at its soft limit, an import
# writes nothing and says so.
@shared_task(soft_time_limit=LONGEST_TIME_LIMIT_S - 30, time_limit=LONGEST_TIME_LIMIT_S)
def run_import(import_id):
    # What it says of a failure is read by the person who uploaded the file: in their language.
    with translation.override(_language(import_id)):
        try:
            return imports.run(import_id)
        except SoftTimeLimitExceeded:
            imports.fail(
                import_id, _("The import took too long and was stopped. Nothing was imported.")
            )
        except Exception:
            logger.exception("Candidate import %s stopped", import_id)
            imports.fail(import_id, _("The import stopped on an error. Nothing was imported."))
            raise
    return None


def _language(import_id):
    found = CandidateImport.objects.filter(pk=import_id).select_related("created_by").first()
    return found.created_by.language_code if found else None
