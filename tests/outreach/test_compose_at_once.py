"""The compose form sent twice at the same instant (a double click that beat the first answer)
queues one email: the check for the first and the write hold the application's row.

The sends start while another transaction holds that row for a moment, as a slow write would:
both are then surely under way together when it lets go."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from hiring.models import Application, CandidateEmail, Organisation
from tests.factories import at_once

pytestmark = pytest.mark.django_db(transaction=True)

WRITTEN = {
    "start": "kind:message",
    "subject": "Your interview with {team_name}",
    "body": "Hello {first_name},\n\nSee you on Monday.",
    "action": "send",
}


def held_for_a_moment(application):
    """A thread holding `application`'s row (on SQLite, the database's write lock) for a
    second; returned once it holds it."""
    holding = threading.Event()

    def hold():
        try:
            with transaction.atomic():
                Application.objects.select_for_update().get(pk=application.pk)
                holding.set()
                time.sleep(1)  # long enough for both sends to reach the row
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(timeout=10)
    return holder


def test_two_sends_at_the_same_instant_queue_one_email(application, member):
    url = reverse("candidate_email_compose", args=[application.pk])
    Organisation.current()  # made once, as a running site has it, not by the first send
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(member)

    holder = held_for_a_moment(application)
    answers = at_once(*[lambda client=client: client.post(url, WRITTEN) for client in clients])
    holder.join()

    assert [answer.status_code for answer in answers] == [302, 302]
    assert CandidateEmail.objects.count() == 1
