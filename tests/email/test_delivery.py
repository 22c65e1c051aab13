"""Each email is claimed in the ledger before it is sent and carries a Message-ID made from its
key: a task run again after a crash sends at most one more copy, with the same Message-ID."""

import smtplib

import pytest
from celery.exceptions import Retry
from django.utils import timezone

from hiring.email.notifications import (
    CLAIM_EXPIRES,
    ClaimHeld,
    message_id,
    send_once,
    templated_email,
)
from hiring.models import Notification, User
from hiring.tasks import send_invitation, send_session_invites
from hiring.teams import invitations
from tests.email.backends import WorkerDied
from tests.email.helpers import booked_panel
from tests.factories import ApplicationFactory, UserFactory

OUTBOX = "django.core.mail.backends.locmem.EmailBackend"
DYING = "tests.email.backends.AcceptsThenWorkerDies"
REFUSING = "tests.email.backends.Refuses"


@pytest.fixture
def invitation(db):
    admin = UserFactory(role=User.Role.ADMIN)
    return invitations.invite("rosa@example.com", invited_by=admin, role=User.Role.RECRUITER)


def message_ids(mailoutbox):
    return [message.message()["Message-ID"] for message in mailoutbox]


def expire_claims():
    """As if the attempts that made the claims had been gone for longer than any may run."""
    for notification in Notification.objects.exclude(claimed_at=None):
        notification.claimed_at -= CLAIM_EXPIRES
        notification.save(update_fields=["claimed_at"])


def crash_after_acceptance(settings, task, *args):
    settings.EMAIL_BACKEND = DYING
    with pytest.raises(WorkerDied):
        task.delay(*args)
    settings.EMAIL_BACKEND = OUTBOX


def retry_of(task, *args):
    """The retry the task asks for; eager Celery raises it instead of scheduling it."""
    with pytest.raises(Retry) as retry:
        task.delay(*args)
    return retry.value


def test_the_message_id_is_made_from_the_key(invitation, mailoutbox):
    send_invitation.delay(invitation.pk)

    [sent] = message_ids(mailoutbox)
    assert sent == message_id(f"invitation:{invitation.pk}")
    assert sent.endswith("@teamfit.example>")
    assert len(sent) == len("<@teamfit.example>") + 32
    assert message_id("invitation:1") != message_id("invitation:2")


def test_the_claim_is_left_behind_by_a_worker_that_died_after_the_server_accepted(
    settings, invitation, mailoutbox
):
    crash_after_acceptance(settings, send_invitation, invitation.pk)

    assert len(mailoutbox) == 1
    notification = Notification.objects.get()
    assert notification.claimed_at is not None
    assert notification.sent_at is None


def test_a_redelivery_sends_nothing_while_the_claim_may_be_alive(settings, invitation, mailoutbox):
    crash_after_acceptance(settings, send_invitation, invitation.pk)

    retry = retry_of(send_invitation, invitation.pk)

    # The attempt that made the claim may still be sending: the task comes back once no
    # attempt that old can be alive.
    assert isinstance(retry.exc, ClaimHeld)
    assert retry.when == CLAIM_EXPIRES.total_seconds()
    assert len(mailoutbox) == 1


def test_a_redelivery_after_the_claim_expired_sends_one_copy_with_the_same_message_id(
    settings, invitation, mailoutbox
):
    crash_after_acceptance(settings, send_invitation, invitation.pk)
    expire_claims()

    assert send_invitation.delay(invitation.pk).get() is True
    assert send_invitation.delay(invitation.pk).get() is False

    assert message_ids(mailoutbox) == [message_id(f"invitation:{invitation.pk}")] * 2
    notification = Notification.objects.get()
    assert notification.sent_at is not None
    assert notification.attempts == 2


def test_each_crash_adds_at_most_one_copy(settings, invitation, mailoutbox):
    crash_after_acceptance(settings, send_invitation, invitation.pk)
    expire_claims()
    crash_after_acceptance(settings, send_invitation, invitation.pk)
    retry_of(send_invitation, invitation.pk)
    expire_claims()

    send_invitation.delay(invitation.pk)
    send_invitation.delay(invitation.pk)

    assert len(set(message_ids(mailoutbox))) == 1
    assert len(mailoutbox) == 3  # two crashes, three copies
    assert Notification.objects.get().attempts == 3


def test_a_refused_message_is_sent_by_the_next_attempt_at_once(settings, db, mailoutbox):
    def build():
        return templated_email("invitation", "rosa@example.com", {})

    settings.EMAIL_BACKEND = REFUSING
    with pytest.raises(smtplib.SMTPServerDisconnected):
        send_once("refused", build)
    settings.EMAIL_BACKEND = OUTBOX

    assert send_once("refused", build) is True
    assert message_ids(mailoutbox) == [message_id("refused")]
    assert Notification.objects.get().attempts == 2


def test_a_message_held_by_another_attempt_holds_up_no_one_else(
    team, member, teammate, recruiter, mailoutbox
):
    application = ApplicationFactory(opening__team=team)
    session = booked_panel(application, [member, teammate], recruiter).sessions.get()
    # An attempt that just claimed the candidate's invite and may be sending it now.
    Notification.objects.create(
        key=f"invite:{session.uid}:0:{application.candidate.email}",
        claimed_at=timezone.now(),
    )

    retry = retry_of(send_session_invites, session.pk, session.sequence)

    assert isinstance(retry.exc, ClaimHeld)
    assert sorted(m.to[0] for m in mailoutbox) == sorted([member.email, teammate.email])
