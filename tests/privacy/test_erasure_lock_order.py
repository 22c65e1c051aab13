"""Erasure and the writes beside it on PostgreSQL: an email written to the candidate as their
erasure runs is committed before the erasure cancels and blanks their emails (or, written
after, finds them erased: tests/outreach/test_erased_candidates.py); an application made as it
runs finds the record erased, and starts a new one."""

import pytest
from django.db import connection, transaction

from hiring.careers import careers
from hiring.models import Application, Candidate, CandidateEmail, EmailTemplate
from hiring.outreach import messages
from hiring.privacy import erasure
from tests.debrief.test_lock_order import while_waiting
from tests.factories import ApplicationFactory, OpeningFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's row locks"),
]


def while_held(write, then):
    """`write` in a transaction kept open (its locks held) while `then` runs beside it
    (while_waiting); what `then` returned."""
    returned = {}

    def writing(held):
        with transaction.atomic():
            write()
            held()

    def meanwhile():
        returned["value"] = then()

    assert while_waiting(writing, meanwhile) == []
    return returned["value"]


def test_an_email_written_as_the_erasure_runs_is_cancelled_and_blanked_by_it(team, recruiter):
    """The erasure waits for the email's transaction before its own statements: one that
    cancelled their emails first left this one awaiting a recruiter."""
    application = ApplicationFactory(
        opening__team=team,
        candidate__email="zelda@candidates.example",
        stage=Application.Stage.REJECTED,
    )

    while_held(
        lambda: messages.queue_email(
            application, EmailTemplate.Kind.MESSAGE, by=recruiter, awaiting_confirmation=True
        ),
        lambda: erasure.erase(application.candidate, by=recruiter),
    )

    email = CandidateEmail.objects.get()
    assert (email.to, email.subject, email.body) == ("", "", "")
    assert email.status == CandidateEmail.Status.CANCELLED


def test_an_application_sent_as_their_record_is_erased_starts_a_new_record(team):
    """As found: the careers form read their record before its erasure committed, then filled
    in its blank phone and applied on it: the erased record held a phone and a new application
    again, under "Erased candidate"."""
    application = ApplicationFactory(
        opening__team=team,
        candidate__email="zelda@candidates.example",
        candidate__phone="",
        stage=Application.Stage.REJECTED,
    )
    erased, opening = application.candidate, OpeningFactory(team=team)

    applied = while_held(
        lambda: erasure.erase_batch(Candidate.objects.filter(pk=erased.pk)),
        lambda: careers.apply(
            opening,
            name="Zelda Quartermain",
            email="zelda@candidates.example",
            phone="+44 20 7946 0000",
        ),
    )

    erased = Candidate.objects.get(pk=erased.pk)
    assert (erased.name, erased.phone, erased.applications.count()) == ("Erased candidate", "", 1)
    assert applied.candidate.email == "zelda@candidates.example"
