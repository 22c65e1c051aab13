"""A broker out of reach as a decision commits: the decision stands and the member reads that
it does; the notices' task is kept and queued again by beat once the broker is back
(hiring.celery.Task, hiring.tasks.queue_unqueued)."""

import pytest
from django.urls import reverse

from hiring.models import Decision, UnqueuedTask
from hiring.tasks import queue_unqueued


@pytest.mark.django_db(transaction=True)  # the notices are queued as the request commits
def test_a_decision_recorded_while_the_broker_is_down_stands(
    client, opened, member, broker_down, caplog
):
    client.force_login(member)

    response = client.post(
        reverse("record_decision", args=[opened.pk]), {"outcome": "no_hire"}, follow=True
    )

    assert response.status_code == 200
    assert Decision.objects.get(application=opened).outcome == "no_hire"
    assert "send_decision_notices" in caplog.text
    assert "not queued: the broker did not take it" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_the_notices_of_a_decision_recorded_while_the_broker_was_down_go_once_it_is_back(
    client, opened, member, recruiter, broker_down, monkeypatch, mailoutbox
):
    client.force_login(member)
    client.post(reverse("record_decision", args=[opened.pk]), {"outcome": "no_hire"})
    assert queue_unqueued() == 0  # still down: kept
    [kept] = UnqueuedTask.objects.all()
    assert kept.name == "hiring.tasks.send_decision_notices"
    assert mailoutbox == []

    monkeypatch.undo()  # the broker is back
    assert queue_unqueued() == 1

    assert not UnqueuedTask.objects.exists()
    assert recruiter.email in {address for message in mailoutbox for address in message.to}
    assert queue_unqueued() == 0  # queued once


@pytest.mark.django_db(transaction=True)
def test_a_kept_task_this_release_no_longer_has_is_dropped_and_holds_up_none_after_it(
    client, opened, member, recruiter, broker_down, monkeypatch, mailoutbox, caplog
):
    # Kept before an upgrade renamed its task (send_offer_answered, one per person, is now
    # send_offer_answered_notices): older than the decision's, so the sweep meets it first.
    UnqueuedTask.objects.create(
        name="hiring.offers.tasks.send_offer_answered", payload='{"args": [1, 2], "kwargs": {}}'
    )
    client.force_login(member)
    client.post(reverse("record_decision", args=[opened.pk]), {"outcome": "no_hire"})
    monkeypatch.undo()  # the broker is back

    assert queue_unqueued() == 1

    assert not UnqueuedTask.objects.exists()
    assert recruiter.email in {address for message in mailoutbox for address in message.to}
    assert "Kept task hiring.offers.tasks.send_offer_answered dropped" in caplog.text
