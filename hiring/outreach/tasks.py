from celery import shared_task

from ..tasks import SENDS_EMAIL
from . import messages


@shared_task(**SENDS_EMAIL)
def send_candidate_email(email_id):
    return messages.send(email_id)


@shared_task(**SENDS_EMAIL)
def send_due_candidate_emails():
    """Polled by beat: emails whose undo delay is over, each sent once."""
    return messages.send_due()
