"""A broker that does not answer when a data export is asked for: the export is not left
queued for ever (asking again would find it still under way), and the asker is told. One that
refuses the email of an export just built: the email is kept and goes once the broker is
back."""

import pytest
from django.urls import reverse

from hiring.models import DataExport, UnqueuedTask
from hiring.privacy import export
from hiring.privacy.tasks import build_export
from hiring.tasks import queue_unqueued
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


def test_the_email_of_an_export_built_while_the_broker_refuses_goes_once_it_is_back(
    monkeypatch, broker_down, mailoutbox
):
    candidate = ApplicationFactory(candidate__email="quinn@candidates.example").candidate
    data_export, _ = export.request_export(candidate, None)

    build_export(data_export.pk)  # the worker had the task; the broker then refused its email

    assert DataExport.objects.get().status == DataExport.Status.READY
    [kept] = UnqueuedTask.objects.all()
    assert kept.name == "hiring.privacy.tasks.send_export_ready"
    assert mailoutbox == []
    monkeypatch.undo()  # the broker is back
    assert queue_unqueued() == 1
    [message] = mailoutbox
    assert message.to == ["quinn@candidates.example"]
