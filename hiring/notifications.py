"""Emails, each sent at most once: a retried or duplicated task finds its key in the ledger."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Notification


def send_once(key, build_message):
    """Send the message `build_message()` returns unless `key` was sent before.

    The ledger row stays locked while sending, so a duplicate running at the same
    moment waits and then finds it sent.
    """
    with transaction.atomic():
        notification, _ = Notification.objects.select_for_update().get_or_create(key=key)
        if notification.sent_at:
            return False
        build_message().send()
        notification.sent_at = timezone.now()
        notification.save(update_fields=["sent_at"])
    return True


def templated_email(template, to, context):
    """An email from `templates/email/<template>_subject.txt` and `_body.txt`."""
    context = {"site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"email/{template}_subject.txt", context).strip()
    body = render_to_string(f"email/{template}_body.txt", context)
    return EmailMultiAlternatives(subject=subject, body=body, to=[to])
