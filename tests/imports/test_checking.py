"""An upload's rows are checked by the worker, not in the request (5,000 rows take seconds):
its page shows the check's progress, then the checked rows."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hiring.celery import Task
from hiring.imports import imports
from hiring.imports.tasks import check_import
from hiring.models import CandidateImport, Opening
from hiring.privacy import erasure
from tests.factories import ApplicationFactory

from .conftest import LEVER, upload

Status = CandidateImport.Status


@pytest.fixture
def queued(monkeypatch):
    """The broker is the outside world: what is handed to it is kept here, not run."""
    handed = []

    def apply_async(task, args=(), kwargs=None, **options):
        handed.append(tuple(args))

    monkeypatch.setattr(Task, "apply_async", apply_async)
    return handed


def test_the_request_hands_the_check_to_the_worker(client, member, opening, queued):
    client.force_login(member)
    response = upload(client, opening, LEVER)

    candidate_import = CandidateImport.objects.get()
    assert queued == [(candidate_import.pk,)]
    assert candidate_import.status == Status.CHECKING
    assert candidate_import.total == 2
    assert all("errors" not in row for row in candidate_import.rows)
    page = client.get(response["Location"]).text
    assert "Checking the rows" in page
    assert "0 of 2 rows checked." in page
    assert 'hx-trigger="every 1s"' in page
    assert "Import 2 valid rows" not in page


def test_the_page_shows_the_rows_once_the_worker_checked_them(client, member, opening, queued):
    client.force_login(member)
    location = upload(client, opening, LEVER)["Location"]
    candidate_import = CandidateImport.objects.get()

    assert check_import(candidate_import.pk) == 2

    candidate_import.refresh_from_db()
    assert candidate_import.status == Status.PREVIEW
    assert candidate_import.processed == 0
    assert [row["errors"] for row in candidate_import.rows] == [{}, {}]
    polled = client.get(location, headers={"HX-Request": "true"})
    assert polled.headers["HX-Refresh"] == "true"
    assert "Import 2 valid rows" in client.get(location).text
    assert check_import(candidate_import.pk) is None  # checked once


def test_the_check_keeps_the_row_of_a_candidate_erased_meanwhile_out(
    member, opening, django_capture_on_commit_callbacks
):
    table = imports.read_csv(LEVER.encode())
    candidate_import = imports.upload(opening, member, "export.csv", table)
    lia = ApplicationFactory(opening=opening, candidate__email="lia@example.com").candidate
    with django_capture_on_commit_callbacks(execute=True):
        erasure.erase(lia, by=member)

    assert check_import(candidate_import.pk) == 1

    candidate_import.refresh_from_db()
    assert [row["values"]["email"] for row in candidate_import.rows] == ["max@example.com"]
    assert candidate_import.total == 1


def test_a_check_for_an_opening_closed_meanwhile_fails_saying_so(client, member, opening, queued):
    client.force_login(member)
    location = upload(client, opening, LEVER)["Location"]
    Opening.objects.filter(pk=opening.pk).update(status=Opening.Status.CLOSED)

    assert check_import(CandidateImport.objects.get().pk) is None

    candidate_import = CandidateImport.objects.get()
    assert candidate_import.status == Status.FAILED
    assert candidate_import.rows == []
    page = client.get(location).text
    assert "This opening is closed to new applications. Nothing was imported." in page
    assert reverse("import_new", args=[opening.pk]) in page


def test_a_second_upload_leaves_the_first_one_checking(client, member, opening, queued):
    client.force_login(member)
    upload(client, opening, LEVER)
    first = CandidateImport.objects.get()
    upload(client, opening, LEVER, name="second.csv")

    assert check_import(first.pk) == 2
    assert CandidateImport.objects.get(pk=first.pk).status == Status.PREVIEW


def test_the_check_is_made_in_the_request_when_the_broker_refuses_it(
    client, member, opening, broker_down
):
    client.force_login(member)
    location = upload(client, opening, LEVER)["Location"]

    assert CandidateImport.objects.get().status == Status.PREVIEW
    assert "Import 2 valid rows" in client.get(location).text


def test_a_check_the_worker_lost_expires_with_the_unrun_previews(
    client, member, opening, queued, settings
):
    settings.CANDIDATE_IMPORT_PREVIEW_DAYS = 7
    client.force_login(member)
    upload(client, opening, LEVER)
    CandidateImport.objects.update(created_at=timezone.now() - timedelta(days=8))

    assert imports.expire_unrun(timezone.now()) == 1

    candidate_import = CandidateImport.objects.get()
    assert candidate_import.status == Status.EXPIRED
    assert candidate_import.rows == []


def test_the_rows_problems_are_in_the_language_of_whoever_uploaded(client, member, opening, queued):
    member.language = "de"
    member.save(update_fields=["language"])
    client.force_login(member)
    upload(client, opening, "Name,Email\nLia,not-an-email\n")

    check_import(CandidateImport.objects.get().pk)

    [row] = CandidateImport.objects.get().rows
    assert row["errors"]["email"] == ["Bitte gültige E-Mail-Adresse eingeben."]


def test_a_check_stops_at_its_next_chunk_once_the_import_expired(member, opening, monkeypatch):
    table = imports.read_csv(
        ("Name,Email\n" + "".join(f"P{n},p{n}@example.com\n" for n in range(3))).encode()
    )
    first = imports.upload(opening, member, "first.csv", table)
    monkeypatch.setattr(imports, "CHUNK_ROWS", 1)
    checked = []
    real_check_rows = imports.check_rows

    def check_rows(*args):
        checked.append(args[1])
        if len(checked) == 1:  # the retention run expires it while the first chunk is checked
            imports.expire_unrun(timezone.now() + timedelta(days=30))
        return real_check_rows(*args)

    monkeypatch.setattr(imports, "check_rows", check_rows)

    assert check_import(first.pk) is None
    assert len(checked) == 1
    assert CandidateImport.objects.get().status == Status.EXPIRED


def test_the_opening_lists_its_recent_imports_to_those_who_run_its_pipeline(
    client, member, recruiter, leadership, opening, queued
):
    client.force_login(recruiter)
    upload(client, opening, LEVER, name="lever.csv")
    candidate_import = CandidateImport.objects.get()

    page = client.get(opening.get_absolute_url()).text
    assert reverse("import_detail", args=[candidate_import.pk]) in page
    assert "lever.csv</a>: Checking the rows" in page
    assert f"uploaded by {recruiter.display_name}" in page

    client.force_login(leadership)  # reads the opening, runs no pipeline
    response = client.get(opening.get_absolute_url())
    assert response.status_code == 200
    page = response.text
    assert "Recent imports" not in page
    assert reverse("import_detail", args=[candidate_import.pk]) not in page
