"""A sending task whose row was deleted before it ran has nothing to send: it says so in the
log and ends, neither failing nor retried (no retry would find the row again)."""

import logging
from datetime import timedelta

from hiring.models import Application, CandidateEmail, EmailTemplate, User
from hiring.outreach import messages
from hiring.outreach.tasks import send_candidate_email
from hiring.tasks import send_leadership_granted_notices, send_withdrawal_notices
from tests.factories import ApplicationFactory, UserFactory


def test_an_email_deleted_before_its_task_ran_sends_nothing_and_says_so(db, mailoutbox, caplog):
    application = ApplicationFactory()
    email = messages.queue_email(
        application, EmailTemplate.Kind.MESSAGE, delay=timedelta(minutes=-1)
    )
    CandidateEmail.objects.filter(pk=email.pk).delete()

    with caplog.at_level(logging.WARNING, logger="hiring.tasks"):
        assert send_candidate_email(email.pk) is None

    assert mailoutbox == []
    assert f"hiring.outreach.tasks.send_candidate_email({email.pk}) sent nothing" in caplog.text
    assert "CandidateEmail matching query does not exist" in caplog.text


def test_every_sending_task_ends_so_through_the_worker_too(db, mailoutbox, caplog):
    UserFactory(role="recruiter")
    application = ApplicationFactory()
    Application.objects.filter(pk=application.pk).delete()

    with caplog.at_level(logging.WARNING, logger="hiring.tasks"):
        result = send_withdrawal_notices.delay(application.pk)  # eager: as a worker runs it

    assert result.successful()
    assert result.result is None
    assert mailoutbox == []
    assert "Application matching query does not exist" in caplog.text


def test_a_leadership_grant_to_someone_deleted_since_sends_nothing(db, mailoutbox, caplog):
    UserFactory(role="leadership")
    gone = UserFactory(role="leadership")
    User.objects.filter(pk=gone.pk).delete()

    with caplog.at_level(logging.WARNING, logger="hiring.tasks"):
        result = send_leadership_granted_notices.delay(
            gone.pk, None, "2030-03-04T09:00:00+00:00", "role"
        )

    assert result.successful()
    assert mailoutbox == []
    assert "User matching query does not exist" in caplog.text
