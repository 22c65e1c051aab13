import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.utils import translation
from django.utils.translation import gettext_lazy

from ..models import CandidateImport
from ..tasks import LONGEST_TIME_LIMIT_S
from . import imports

logger = logging.getLogger(__name__)


# Checking 5,000 rows takes seconds (the candidate form's rules, row by row): in the worker, so
# that no request waits for it; in the request when the broker refuses it, as before the worker
# made it, since its author waits for the rows.
@shared_task(
    soft_time_limit=LONGEST_TIME_LIMIT_S - 30,
    time_limit=LONGEST_TIME_LIMIT_S,
    runs_here_if_refused=True,
)
def check_import(import_id):
    return _in_authors_language(
        import_id,
        imports.check,
        too_long=gettext_lazy(
            "Checking the file took too long and was stopped. Nothing was imported."
        ),
        stopped=gettext_lazy("The check stopped on an error. Nothing was imported."),
    )


# Checking 5,000 rows and writing them takes seconds.
@shared_task(soft_time_limit=LONGEST_TIME_LIMIT_S - 30, time_limit=LONGEST_TIME_LIMIT_S)
def run_import(import_id):
    return _in_authors_language(
        import_id,
        imports.run,
        too_long=gettext_lazy("The import took too long and was stopped. Nothing was imported."),
        stopped=gettext_lazy("The import stopped on an error. Nothing was imported."),
    )


def _in_authors_language(import_id, work, too_long, stopped):
    """work(import_id) in the language of the person who uploaded the file, who reads what it
    says of the rows and of a failure. Stopped at its soft limit or by an error, the import
    fails saying so (`too_long`, `stopped`: lazy, read in that language), and nothing lands."""
    with translation.override(_language(import_id)):
        try:
            return work(import_id)
        except SoftTimeLimitExceeded:
            imports.fail(import_id, str(too_long))
        except Exception:
            logger.exception("Candidate import %s stopped in %s", import_id, work.__name__)
            imports.fail(import_id, str(stopped))
            raise
    return None


def _language(import_id):
    found = CandidateImport.objects.filter(pk=import_id).select_related("created_by").first()
    return found.created_by.language_code if found else None
