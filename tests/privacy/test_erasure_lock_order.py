"""Erasure and the writes beside it on PostgreSQL: an email written to the candidate as their
erasure runs is committed before the erasure cancels and blanks their emails (or, written
after, finds them erased: tests/outreach/test_erased_candidates.py)."""

import threading

import pytest
from django.db import connection, transaction

from hiring.models import Application, CandidateEmail, EmailTemplate
from hiring.outreach import messages
from hiring.privacy import erasure
from tests.debrief.test_lock_order import in_thread, waits_for_a_lock
from tests.factories import ApplicationFactory
from tests.services import wait_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's row locks"),
]


def test_an_email_written_as_the_erasure_runs_is_cancelled_and_blanked_by_it(team, recruiter):
    """The erasure waits for the email's transaction before its own statements: one that
    cancelled their emails first left this one awaiting a recruiter."""
    application = ApplicationFactory(
        opening__team=team,
        candidate__email="zelda@candidates.example",
        stage=Application.Stage.REJECTED,
    )
    written, go, eraser = threading.Event(), threading.Event(), {}
    failures = []

    def writing():
        with transaction.atomic():
            messages.queue_email(
                application, EmailTemplate.Kind.MESSAGE, by=recruiter, awaiting_confirmation=True
            )
            written.set()
            go.wait(30)

    def erasing():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            eraser["pid"] = cursor.fetchone()[0]
        erasure.erase(application.candidate, by=recruiter)

    writer = in_thread(writing, failures)
    assert written.wait(30)
    erasing_thread = in_thread(erasing, failures)
    wait_for(
        lambda: (
            not erasing_thread.is_alive() or ("pid" in eraser and waits_for_a_lock(eraser["pid"]))
        ),
        30,
    )
    go.set()
    writer.join(60)
    erasing_thread.join(60)

    assert failures == []
    email = CandidateEmail.objects.get()
    assert (email.to, email.subject, email.body) == ("", "", "")
    assert email.status == CandidateEmail.Status.CANCELLED
