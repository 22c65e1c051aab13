"""No email address and no signed link in a log line. A mail server's refusal, a database's
duplicate key or a task's arguments can name an address (a candidate's, a member's), and Django
logs the path of every 4xx and 5xx answer, a candidate's link in it (whoever holds it withdraws
their application or confirms their erasure): every process's records have them blanked as
they are made, whoever configured the handlers (Django's LOGGING, Celery's own)."""

import logging
import logging.config
import re
import traceback

# Each starts where a run of its first characters starts (the look behind): tried at every
# character of a long run, a line of 16,000 letters (a 404's path) took 12 s to blank, and the
# request logging it waited.
EMAIL_ADDRESS = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
BLANKED = "<email address>"
# django.core.signing's values: what was signed, its time if any, and the signature (HMAC-SHA256
# in URL-safe base64, 43 characters).
SIGNED_VALUE = re.compile(r"(?<![\w.-])[\w.-]+(?::[\w-]+)?:[\w-]{43}(?![\w-])")
SIGNED_BLANKED = "<signed link>"


def configure(logging_settings):
    """LOGGING_CONFIG: Django's LOGGING applied, in every process Django sets up (the web's,
    a worker's before it forks its pool, a command's)."""
    logging.config.dictConfig(logging_settings)
    make_record = logging.getLogRecordFactory()
    if not getattr(make_record, "blanks_email_addresses", False):
        logging.setLogRecordFactory(blanking(make_record))


def blanking(make_record):
    """A record factory making records with `make_record`, what they will print blanked."""

    def blanked_record(*args, **kwargs):
        record = make_record(*args, **kwargs)
        try:
            record.msg, record.args = _blanked(record.getMessage()), ()
        except Exception:  # arguments that do not fit: the handler reports them, as it would
            return record
        if record.exc_info and record.exc_info[0]:
            # Formatted now, so formatters print this text, not the exception's own.
            text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
            record.exc_text = _blanked(text)
        return record

    blanked_record.blanks_email_addresses = True
    return blanked_record


def _blanked(text):
    return SIGNED_VALUE.sub(SIGNED_BLANKED, EMAIL_ADDRESS.sub(BLANKED, text))
