"""A broker that does not answer when an import starts: the import is not left queued for
ever, and its page says nothing was imported."""

import pytest
from django.urls import reverse

from hiring.models import Application, CandidateImport

from .conftest import LEVER, upload

pytestmark = pytest.mark.django_db(transaction=True)  # the task is handed over as in a request


def test_an_import_the_broker_refused_can_be_started_again(client, member, opening, broker_down):
    client.force_login(member)
    upload(client, opening, LEVER)
    candidate_import = CandidateImport.objects.get()

    response = client.post(reverse("import_start", args=[candidate_import.pk]), follow=True)

    assert response.status_code == 200
    assert "could not start the import just now, so nothing was imported" in response.text
    candidate_import.refresh_from_db()
    assert candidate_import.status == CandidateImport.Status.PREVIEW
    assert candidate_import.total == 2
    assert not Application.objects.filter(opening=opening).exists()
