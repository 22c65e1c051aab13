"""Emails, each sent at most once: a retried or duplicated task finds its key in the ledger."""

from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from ..models import Notification
from ..scheduling import ics


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


def session_invite(session, person, attendees, method=None):
    """An interview invite, or its cancellation, for one person, with the .ics attached."""
    method = method or ("CANCEL" if session.cancelled_at else "REQUEST")
    if method == "REQUEST":
        template = "session_invite"
    else:  # the whole session, or only this person's place in it
        template = "session_cancelled" if session.cancelled_at else "session_released"
    message = templated_email(template, person.email, {"session": session, "person": person})
    organizer_name, organizer_email = parseaddr(settings.DEFAULT_FROM_EMAIL)
    invite = ics.invite(
        method=method,
        uid=session.uid,
        sequence=session.sequence,
        start=session.start,
        end=session.end,
        summary=f"Interview: {session.panel.application.candidate} ({session.get_focus_display()})",
        description=message.body,
        organizer=ics.Person(organizer_name or "Teamfit", organizer_email),
        attendees=attendees,
    )
    message.attach("invite.ics", invite, ics.invite_attachment_content_type(method))
    return message
