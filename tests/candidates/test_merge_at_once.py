"""Two merges of one pair sent at the same instant on PostgreSQL: the second waits for the
first, then says the records were merged already, as a merge sent after it does."""

import pytest
from django.contrib.messages import get_messages
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from hiring.candidates import merging
from hiring.models import Candidate
from tests.debrief.test_lock_order import while_waiting
from tests.factories import ApplicationFactory, CandidateFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's locks"),
]


def test_a_merge_sent_at_the_same_instant_says_it_was_merged_already(team, recruiter):
    older = CandidateFactory(name="Sam Lee", email="sam@mail.example")
    newer = CandidateFactory(name="Sam Lee", email="SAM@mail.example")
    ApplicationFactory(candidate=older, opening__team=team)
    latest = ApplicationFactory(candidate=newer, opening__team=team)
    client = Client()
    client.force_login(recruiter)
    url = reverse("candidate_merge", args=[older.pk, newer.pk])
    second = {}

    def merging_second():
        second["response"] = client.post(url, {"keep": older.pk})

    def merging_first(held):
        with transaction.atomic():
            merging.merge(newer, older, recruiter)
            held()

    failures = while_waiting(merging_first, merging_second)

    assert failures == []
    response = second["response"]
    assert (response.status_code, response["Location"]) == (302, latest.get_absolute_url())
    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        f"These records were merged already, into record #{newer.pk}."
    ]
    assert list(Candidate.objects.all()) == [newer]
