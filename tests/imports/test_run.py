"""The import itself: a worker writes every valid row or none, once, and shows its progress."""

import pytest
from django.db import DatabaseError
from django.db.models.signals import post_save
from django.urls import reverse

from hiring.candidates import merging
from hiring.imports import imports
from hiring.imports.tasks import run_import
from hiring.models import (
    Application,
    AuditEvent,
    Candidate,
    CandidateImport,
    Opening,
    StageChange,
    Team,
)
from hiring.privacy import erasure
from tests.factories import HTMX, ApplicationFactory, CandidateFactory

from .conftest import upload

FILE = (
    "First Name,Last Name,Email Address,Phone,Notes\n"
    "Lia,Lever,lia@example.com,+44 20 7946 0000,great\n"
    "No,Email,,1,\n"
    "Max,Mustermann,max@example.com,,\n"
)


@pytest.fixture
def checked(client, member, opening):
    """The file uploaded and checked by `member`: 2 valid rows of 3."""
    client.force_login(member)
    upload(client, opening, FILE)
    return CandidateImport.objects.get()


def start(client, candidate_import, capture, execute=True):
    with capture(execute=execute):
        return client.post(reverse("import_start", args=[candidate_import.pk]))


def imported(opening):
    return Application.objects.filter(opening=opening, source=Application.Source.IMPORTED)


def test_the_worker_imports_every_valid_row(
    client, member, opening, checked, django_capture_on_commit_callbacks
):
    version = Team.objects.get(pk=opening.team_id).data_version
    response = start(client, checked, django_capture_on_commit_callbacks)
    assert response["Location"] == reverse("import_detail", args=[checked.pk])

    applications = imported(opening).select_related("candidate")
    assert sorted((a.candidate.name, a.candidate.email) for a in applications) == [
        ("Lia Lever", "lia@example.com"),
        ("Max Mustermann", "max@example.com"),
    ]
    assert {a.stage for a in applications} == {Application.Stage.APPLIED}
    assert all(a.decision_rule == opening.rule_snapshot() for a in applications)
    changes = StageChange.objects.filter(application__in=applications)
    assert [(c.from_stage, c.to_stage, c.by) for c in changes] == [("", "applied", member)] * 2
    event = AuditEvent.objects.get(action=AuditEvent.Action.CANDIDATES_IMPORTED)
    assert (event.actor, event.team, event.details) == (
        member,
        opening.team,
        "2 candidates from export.csv",
    )
    assert Team.objects.get(pk=opening.team_id).data_version > version

    checked.refresh_from_db()
    assert checked.status == CandidateImport.Status.DONE
    assert (checked.imported, checked.processed, checked.total) == (2, 2, 2)
    assert checked.rows == []
    assert checked.finished_at is not None


def test_the_board_shows_the_imported_cards(client, checked, django_capture_on_commit_callbacks):
    assert "Lia Lever" not in client.get(reverse("pipeline")).content.decode()  # now cached
    start(client, checked, django_capture_on_commit_callbacks)
    board = client.get(reverse("pipeline")).content.decode()
    assert "Lia Lever" in board
    assert "Max Mustermann" in board


def test_a_known_email_keeps_its_candidate(
    client, opening, checked, django_capture_on_commit_callbacks
):
    known = CandidateFactory(name="Lia L.", email="LIA@example.com")
    start(client, checked, django_capture_on_commit_callbacks)
    assert Candidate.objects.count() == 2
    assert imported(opening).filter(candidate=known).exists()
    known.refresh_from_db()
    assert known.name == "Lia L."


def test_a_row_invalid_by_the_time_of_the_import_stops_all_of_it(
    client, opening, checked, django_capture_on_commit_callbacks
):
    ApplicationFactory(opening=opening, candidate=CandidateFactory(email="max@example.com"))
    start(client, checked, django_capture_on_commit_callbacks)
    checked.refresh_from_db()
    assert checked.status == CandidateImport.Status.FAILED
    assert checked.failure == (
        "Row 4 changed since the check (Email: Already applied to this opening.). "
        "Nothing was imported."
    )
    assert checked.rows == []
    assert not imported(opening).exists()
    assert not Candidate.objects.filter(email="lia@example.com").exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.CANDIDATES_IMPORTED).exists()


def test_a_failure_while_writing_leaves_nothing(
    client, opening, checked, django_capture_on_commit_callbacks
):
    def database_refuses(instance, **kwargs):
        raise DatabaseError("disk full")

    post_save.connect(database_refuses, sender=AuditEvent, dispatch_uid="test-refuses")
    try:
        start(client, checked, django_capture_on_commit_callbacks)
    finally:
        post_save.disconnect(sender=AuditEvent, dispatch_uid="test-refuses")
    checked.refresh_from_db()
    assert checked.status == CandidateImport.Status.FAILED
    assert "Nothing was imported" in checked.failure
    assert Candidate.objects.count() == 0
    assert Application.objects.count() == 0
    assert StageChange.objects.count() == 0
    page = client.get(reverse("import_detail", args=[checked.pk])).content.decode()
    assert checked.failure in page
    assert reverse("import_new", args=[opening.pk]) in page


def test_running_twice_imports_once(client, opening, checked, django_capture_on_commit_callbacks):
    start(client, checked, django_capture_on_commit_callbacks)
    assert start(client, checked, django_capture_on_commit_callbacks).status_code == 302
    assert run_import(checked.pk) is None
    assert imported(opening).count() == 2
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CANDIDATES_IMPORTED).count() == 1


def test_a_run_the_worker_lost_starts_again(opening, checked):
    CandidateImport.objects.filter(pk=checked.pk).update(
        status=CandidateImport.Status.RUNNING, total=2, processed=1
    )
    assert run_import(checked.pk) == 2
    assert imported(opening).count() == 2


def test_a_preview_is_not_run_by_the_worker(opening, checked):
    assert run_import(checked.pk) is None
    assert not imported(opening).exists()


def test_a_file_with_no_valid_row_cannot_start(
    client, member, opening, django_capture_on_commit_callbacks
):
    client.force_login(member)
    upload(client, opening, "Name,Email\nJo,nope\n")
    candidate_import = CandidateImport.objects.get()
    response = start(client, candidate_import, django_capture_on_commit_callbacks)
    assert (
        "No row of this file is ready to import"
        in client.get(response["Location"]).content.decode()
    )
    candidate_import.refresh_from_db()
    assert candidate_import.status == CandidateImport.Status.PREVIEW


def test_an_import_still_being_checked_does_not_start(
    client, member, opening, django_capture_on_commit_callbacks
):
    table = imports.read_csv(FILE.encode())
    candidate_import = imports.upload(opening, member, "export.csv", table)
    client.force_login(member)

    response = start(client, candidate_import, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    candidate_import.refresh_from_db()
    assert candidate_import.status == CandidateImport.Status.CHECKING
    assert not imported(opening).exists()


def test_a_closed_opening_cannot_start(
    client, opening, checked, django_capture_on_commit_callbacks
):
    Opening.objects.filter(pk=opening.pk).update(status=Opening.Status.CLOSED)
    start(client, checked, django_capture_on_commit_callbacks)
    checked.refresh_from_db()
    assert checked.status == CandidateImport.Status.PREVIEW
    assert not imported(opening).exists()


def test_the_progress_polls_while_the_import_runs(
    client, checked, django_capture_on_commit_callbacks
):
    start(client, checked, django_capture_on_commit_callbacks, execute=False)
    url = reverse("import_detail", args=[checked.pk])
    partial = client.get(url, **HTMX).content.decode()
    assert 'hx-trigger="every 1s"' in partial
    assert '<progress max="2" value="0"' in partial
    assert "<html" not in partial
    page = client.get(url).content.decode()
    assert '<meta http-equiv="refresh"' in page  # without JavaScript
    assert f'href="{url}">Refresh</a>' in page


def test_the_progress_stops_polling_when_the_import_is_done(
    client, opening, checked, django_capture_on_commit_callbacks
):
    start(client, checked, django_capture_on_commit_callbacks)
    url = reverse("import_detail", args=[checked.pk])
    partial = client.get(url, **HTMX).content.decode()
    assert "hx-trigger" not in partial
    assert '<progress max="2" value="2"' in partial
    assert "Imported 2 candidates." in partial
    assert opening.get_absolute_url() in partial
    assert '<meta http-equiv="refresh"' not in client.get(url).content.decode()


def test_a_row_at_an_address_merged_into_a_record_joins_that_record(
    client, member, recruiter, opening, django_capture_on_commit_callbacks
):
    """As reported: the row at Ana's old address, merged into her record, made a third one."""
    ana = CandidateFactory(name="Ana Kept", email="ana@work.example")
    old = CandidateFactory(name="Ana Old", email="ana.old@mail.example")
    kept = merging.merge(ana, old, recruiter)
    # Diana's old address holds Ana's: Diana's record is no record of Ana's.
    CandidateFactory(email="diana@work.example", other_emails="diana.old@mail.example")
    client.force_login(member)
    upload(client, opening, "Name,Email\nAna K,Ana.Old@mail.example\n")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("import_start", args=[CandidateImport.objects.get().pk]))

    assert Candidate.objects.count() == 2
    assert imported(opening).get().candidate == kept


def test_an_imported_record_of_a_name_and_phone_already_held_is_up_for_review(
    client, member, opening, checked, django_capture_on_commit_callbacks
):
    """bulk_create() saves no record one by one: the import marks its new records itself."""
    older = CandidateFactory(name="lia lever", email="lia@work.example", phone="+442079460000")
    start(client, checked, django_capture_on_commit_callbacks)

    rows, _before = merging.pairs_to_review()

    assert [(row.name, [d.candidate for d in row.duplicates]) for row in rows] == [
        ("Lia Lever", [older])
    ]


def test_two_addresses_of_one_record_in_a_file_are_caught_at_the_check(
    client, member, recruiter, opening
):
    ana = CandidateFactory(email="ana@work.example", other_emails="ana.old@mail.example")
    client.force_login(member)
    upload(client, opening, "Name,Email\nAna,ana@work.example\nAna K,ana.old@mail.example\n")

    [first, second] = CandidateImport.objects.get().rows
    assert first["errors"] == {}
    assert second["errors"] == {
        "email": ["Row 2 has this candidate at another of their addresses."]
    }
    ApplicationFactory(opening=opening, candidate=ana)
    upload(client, opening, "Name,Email\nAna K,ana.old@mail.example\n")
    [row] = CandidateImport.objects.latest("pk").rows
    assert row["errors"] == {"email": ["Already applied to this opening."]}


@pytest.fixture
def lia_elsewhere(db):
    """Lia's record from an application to another team, which she has erased."""
    return ApplicationFactory(candidate__name="Lia Lever", candidate__email="lia@example.com")


def erase(candidate, by, capture):
    with capture(execute=True):
        erasure.erase(candidate, by=by)


def test_a_queued_import_does_not_bring_back_a_candidate_erased_meanwhile(
    client, member, recruiter, opening, checked, lia_elsewhere, django_capture_on_commit_callbacks
):
    start(client, checked, django_capture_on_commit_callbacks, execute=False)
    erase(lia_elsewhere.candidate, recruiter, django_capture_on_commit_callbacks)

    run_import(checked.pk)

    assert [a.candidate.email for a in imported(opening)] == ["max@example.com"]
    assert not Candidate.objects.filter(email="lia@example.com").exists()


def test_a_running_import_writes_only_the_rows_it_still_holds(
    client, member, recruiter, opening, checked, lia_elsewhere, django_capture_on_commit_callbacks
):
    """Erased between the worker's check of the rows and its write."""
    start(client, checked, django_capture_on_commit_callbacks, execute=False)
    CandidateImport.objects.filter(pk=checked.pk).update(status=CandidateImport.Status.RUNNING)
    running = CandidateImport.objects.select_related("opening", "created_by").get(pk=checked.pk)
    rows = imports._check_again(running)
    erase(lia_elsewhere.candidate, recruiter, django_capture_on_commit_callbacks)

    assert imports._write(running, rows) == 1
    assert [a.candidate.email for a in imported(opening)] == ["max@example.com"]


def test_a_row_joining_the_teams_record_fills_in_its_blanks_and_keeps_its_name(
    client, member, opening, django_capture_on_commit_callbacks
):
    record = CandidateFactory(name="José Núñez", email="jose@example.com", phone="", links="")
    held = CandidateFactory(name="Ana K", email="ana@example.com", phone="+1 555 0100")
    client.force_login(member)
    upload(
        client,
        opening,
        "Name,Email,Phone,Links\n"
        "Jose Nunez,JOSE@example.com,+34 600 000 000,https://jose.example\n"
        "Ana K,ana@example.com,+1 555 0199,\n",
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("import_start", args=[CandidateImport.objects.get().pk]))

    record.refresh_from_db()
    held.refresh_from_db()
    assert (record.name, record.phone, record.links) == (
        "José Núñez",
        "+34 600 000 000",
        "https://jose.example",
    )
    assert held.phone == "+1 555 0100"
    assert Candidate.objects.count() == 2


def test_a_phone_filled_in_by_a_row_marks_the_record_a_possible_duplicate(
    client, member, opening, django_capture_on_commit_callbacks
):
    CandidateFactory(name="Ana K", email="ana@work.example", phone="+1 555 0100")
    later = CandidateFactory(name="Ana K", email="ana@home.example", phone="")
    assert not Candidate.objects.get(pk=later.pk).has_older_match
    client.force_login(member)
    upload(client, opening, "Name,Email,Phone\nAna K,ana@home.example,+1 555 0199\n")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("import_start", args=[CandidateImport.objects.get().pk]))

    assert Candidate.objects.get(pk=later.pk).has_older_match
