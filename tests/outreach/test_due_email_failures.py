"""A delayed email, sent by beat's poll rather than a task of its own, is not lost when the
mail server refuses it or the worker dies while sending it: later polls send it once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hiring.email.notifications import message_id
from hiring.models import CandidateEmail, EmailTemplate
from hiring.outreach import messages
from hiring.privacy import erasure
from tests.email.backends import WorkerDied
from tests.email.test_delivery import DYING, OUTBOX, REFUSING, expire_claims, message_ids


@pytest.fixture
def due(application):
    """An email queued with an undo delay, now over."""
    email = messages.queue_email(
        application, EmailTemplate.Kind.REJECTED_AFTER_SCREEN, delay=timedelta(minutes=10)
    )
    CandidateEmail.objects.filter(pk=email.pk).update(send_after=timezone.now())
    return email


def refused_once(settings):
    settings.EMAIL_BACKEND = REFUSING
    assert messages.send_due() == 0
    settings.EMAIL_BACKEND = OUTBOX


def test_an_email_the_mail_server_refused_goes_out_at_the_next_poll(settings, due, mailoutbox):
    refused_once(settings)

    assert messages.send_due() == 1
    assert messages.send_due() == 0
    assert message_ids(mailoutbox) == [message_id(due.ledger_key)]


def test_a_refused_email_holds_up_no_other(settings, application, due, mailoutbox):
    settings.EMAIL_BACKEND = "tests.email.backends.RefusesTheRecipient"
    other = messages.queue_email(
        application,
        EmailTemplate.Kind.MESSAGE,
        subject="Hi",
        body="Hello",
        delay=timedelta(minutes=1),
    )
    CandidateEmail.objects.filter(pk=other.pk).update(send_after=timezone.now())

    assert messages.send_due() == 0

    assert set(CandidateEmail.objects.values_list("status", flat=True)) == {"sent"}
    settings.EMAIL_BACKEND = OUTBOX
    assert messages.send_due() == 2


def test_an_email_whose_worker_died_while_sending_goes_out_once_its_claim_expired(
    settings, due, mailoutbox
):
    settings.EMAIL_BACKEND = DYING
    with pytest.raises(WorkerDied):
        messages.send_due()
    settings.EMAIL_BACKEND = OUTBOX

    assert messages.send_due() == 0  # the dead attempt's claim may still be alive
    expire_claims()
    assert messages.send_due() == 1
    assert messages.send_due() == 0
    # At least once: the copy the server took before the crash, and the one sent after it.
    assert message_ids(mailoutbox) == [message_id(due.ledger_key)] * 2


def test_a_refused_email_is_tried_for_an_hour(settings, due, mailoutbox):
    refused_once(settings)
    CandidateEmail.objects.filter(pk=due.pk).update(
        sent_at=timezone.now() - messages.RETRIED_FOR - timedelta(seconds=1)
    )

    assert messages.send_due() == 0
    assert mailoutbox == []


def test_a_refused_email_to_a_candidate_erased_since_is_not_tried_again(
    settings, application, due, mailoutbox
):
    refused_once(settings)
    erasure.erase(application.candidate)

    assert messages.send_due() == 0
    assert mailoutbox == []
