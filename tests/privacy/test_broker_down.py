"""A broker that does not answer when a data export is asked for: the export is not left
queued for ever (asking again would find it still under way), and the asker is told."""

import pytest
from django.urls import reverse

from hiring.models import DataExport
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db(transaction=True)  # the task is handed over as in a request


def test_an_export_the_broker_refused_is_asked_for_again(
    client, recruiter, monkeypatch, broker_down
):
    candidate = ApplicationFactory().candidate
    client.force_login(recruiter)

    response = client.post(reverse("candidate_export", args=[candidate.pk]), follow=True)

    assert "could not start the export just now" in response.text
    assert DataExport.objects.get().status == DataExport.Status.FAILED
    monkeypatch.undo()
    client.post(reverse("candidate_export", args=[candidate.pk]))
    assert DataExport.objects.filter(status=DataExport.Status.READY).count() == 1


def test_the_candidate_is_told_when_their_request_could_not_start(client, broker_down):
    application = ApplicationFactory()
    status = application.status_url()

    copy = client.post(f"{status}export/", follow=True)
    erase = client.post(f"{status}erase/", follow=True)

    assert "could not start preparing a copy of your data just now" in copy.text
    assert DataExport.objects.get().status == DataExport.Status.FAILED
    assert "could not send you the link just now, and nothing was erased" in erase.text
