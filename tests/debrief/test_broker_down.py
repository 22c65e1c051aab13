"""A broker out of reach as a decision commits: the decision stands and the member reads that
it does; the notices' task is logged as not queued (hiring.celery.Task)."""

import pytest
from django.urls import reverse

from hiring.models import Decision


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
