"""A checked import its author never runs does not keep the candidates' rows: the nightly
retention run deletes them after CANDIDATE_IMPORT_PREVIEW_DAYS, and the import says it expired."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from hiring.imports import imports
from hiring.models import Application, CandidateImport
from hiring.privacy.tasks import run_retention
from tests.factories import OpeningFactory

from .conftest import LEVER, upload

Status = CandidateImport.Status


@pytest.fixture
def uploaded(client, member, opening, settings):
    """`member`'s upload of LEVER, checked `days` ago, to `opening` or another of its team's."""
    settings.CANDIDATE_IMPORT_PREVIEW_DAYS = 7
    client.force_login(member)

    def uploaded(days, status=Status.PREVIEW, to=opening):
        upload(client, to, LEVER)
        candidate_import = CandidateImport.objects.latest("pk")
        CandidateImport.objects.filter(pk=candidate_import.pk).update(
            created_at=timezone.now() - timedelta(days=days), status=status
        )
        return candidate_import

    return uploaded


def test_the_nightly_run_deletes_the_rows_of_an_import_left_unrun(team, uploaded):
    old = uploaded(days=8)
    # The worker's: it holds the rows it runs.
    queued = uploaded(days=8, status=Status.QUEUED, to=OpeningFactory(team=team))
    recent = uploaded(days=6, to=OpeningFactory(team=team))

    assert run_retention()["imports_expired"] == 1

    old.refresh_from_db()
    assert (old.status, old.rows, old.file_name) == (Status.EXPIRED, [], "export.csv")
    assert old.finished_at is not None
    assert [len(CandidateImport.objects.get(pk=i.pk).rows) for i in (queued, recent)] == [2, 2]
    assert CandidateImport.objects.get(pk=recent.pk).status == Status.PREVIEW
    assert run_retention()["imports_expired"] == 0


def test_the_page_of_an_expired_import_says_it_must_be_uploaded_again(client, opening, uploaded):
    expired = uploaded(days=8)
    run_retention()

    response = client.get(reverse("import_detail", args=[expired.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Expired without being run" in page
    assert "This import was not run within 7 days of its upload" in page
    assert reverse("import_new", args=[opening.pk]) in page
    assert "lia@example.com" not in page


def test_an_expired_import_cannot_be_started(
    client, opening, uploaded, django_capture_on_commit_callbacks
):
    expired = uploaded(days=8)
    run_retention()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("import_start", args=[expired.pk]), follow=True)

    assert "Upload the file again to import it." in response.content.decode()
    assert CandidateImport.objects.get(pk=expired.pk).status == Status.EXPIRED
    assert not Application.objects.filter(opening=opening).exists()


def test_an_import_expired_after_its_page_was_read_is_refused_too(uploaded):
    read_before = uploaded(days=8)  # as the page read it: checked, waiting
    run_retention()

    with pytest.raises(ValidationError, match="not run within 7 days"):
        imports.start(read_before)
