"""A broker out of reach as the candidate accepts: the offer is accepted and they read that it
is; the recruiters' notice is logged as not queued (hiring.celery.Task)."""

import pytest
from django.urls import reverse

from hiring.models import Application
from tests.factories import fresh

from .test_offer_pages import token_of


@pytest.mark.django_db(transaction=True)  # the notice is queued as the request commits
def test_an_offer_accepted_while_the_broker_is_down_is_accepted(
    client, sent, application, broker_down, caplog
):
    response = client.post(reverse("offer_accept", args=[token_of(sent)]))

    assert response.status_code == 200
    assert "accepted" in response.text
    assert fresh(application).stage == Application.Stage.HIRED
    assert "send_offer_answered_notices" in caplog.text
