"""The sweep of stored files no row references (hiring/privacy/files.py): an orphan older than
the grace period goes, whatever left it; a young one, a referenced one and anything outside our
upload folders stay."""

import logging
import os
import time
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hiring.careers import careers
from hiring.models import DataExport, export_path
from hiring.privacy import files
from hiring.privacy.tasks import sweep_stored_files
from tests.factories import CandidateFactory, OpeningFactory


class RolledBack(Exception):
    pass


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored(name, content=b"%PDF a CV"):
    return default_storage.save(name, ContentFile(content))


def aged(media, name, hours=25):
    """`name` last changed `hours` ago: past the grace period of 24 hours."""
    then = time.time() - hours * 3600
    os.utime(media / name, (then, then))


def applied_then_rolled_back(opening):
    """The name of the résumé stored by an application that a block around it then undid."""
    try:
        with transaction.atomic():
            candidate = careers.apply(
                opening,
                name="Ada Lovelace",
                email="ada@candidates.example",
                resume=SimpleUploadedFile("ada-cv.pdf", b"%PDF Ada's CV"),
            ).candidate
            raise RolledBack
    except RolledBack:
        return candidate.resume.name


def test_a_resume_stored_in_a_transaction_an_outer_block_rolled_back_goes_once_old(
    team, media, caplog
):
    name = applied_then_rolled_back(OpeningFactory(team=team))
    assert (media / name).exists()

    assert files.sweep() == 0  # within the grace: its transaction might still be open
    aged(media, name)
    with caplog.at_level(logging.INFO, logger="hiring.privacy.files"):
        assert files.sweep() == 1

    assert not (media / name).exists()
    assert "Deleted 1 stored files no row references" in caplog.messages


def test_a_young_orphan_is_kept(db, media):
    name = stored("resumes/2026/12/cv.pdf")
    aged(media, name, hours=23)

    assert files.sweep() == 0
    assert (media / name).exists()


def test_referenced_files_are_kept_however_old(db, media):
    candidate = CandidateFactory(resume=SimpleUploadedFile("cv.pdf", b"%PDF a CV"))
    export = DataExport.objects.create(candidate=candidate)
    export.file.save("teamfit-data.zip", ContentFile(b"PK"), save=True)
    for name in (candidate.resume.name, export.file.name):
        aged(media, name, hours=24 * 365)

    assert files.sweep() == 0
    assert (media / candidate.resume.name).exists()
    assert (media / export.file.name).exists()


def test_files_outside_the_upload_folders_are_untouched(db, media):
    for name in ("notes.txt", "backups/2026/candidates.csv", "resumes-old/cv.pdf"):
        aged(media, stored(name), hours=24 * 365)

    assert files.sweep() == 0
    assert sorted(str(path.relative_to(media)) for path in media.rglob("*") if path.is_file()) == [
        "backups/2026/candidates.csv",
        "notes.txt",
        "resumes-old/cv.pdf",
    ]


def test_an_orphan_export_goes_with_its_folder(db, media):
    name = stored(export_path(None, "teamfit-data.zip"), b"PK")
    aged(media, name)

    assert files.sweep() == 1
    assert list((media / "exports").iterdir()) == []


def test_beat_sweeps_daily_apart_from_the_retention_run(db, media, settings):
    """As found: the retention run swept last, so a run its time limit stopped (a backlog of
    erasures) never reached the sweep, night after night while the backlog lasted. The sweep
    is beat's own task, with its own time limit."""
    aged(media, stored("resumes/2026/12/cv.pdf"))

    entry = settings.CELERY_BEAT_SCHEDULE["sweep-stored-files"]
    assert entry["task"] == "hiring.privacy.tasks.sweep_stored_files"
    assert entry["schedule"].remaining_estimate(timezone.now()) <= timedelta(days=1)
    assert sweep_stored_files.delay().get() == 1
    assert not (media / "resumes/2026/12/cv.pdf").exists()


def test_a_sweep_its_budget_stops_is_gone_on_with_by_the_next(db, media):
    """As found: each night's sweep started from the beginning of the store, so one too large
    for its time limit never reached its later folders. A budget of 0 stops each sweep after
    its first chunk, as the time limit stops a night's sweep of a larger store."""
    export = stored(export_path(None, "teamfit-data.zip"), b"PK")
    young = [
        stored(f"resumes/2026/{month}/cv-{number}.pdf")
        for month in (10, 11)
        for number in range(files.CHUNK * 3 // 5)
    ]
    orphans = [export, stored("resumes/2026/12/cv.pdf")]
    for name in orphans:
        aged(media, name)

    # In the order of their folders' names (exports/, then resumes/), a chunk at a time; each
    # from the folder the last stopped in (resumes/2026/11: the second reads half of it).
    assert [files.sweep(budget_s=0) for _ in range(3)] == [1, 0, 1]
    assert not any((media / name).exists() for name in orphans)
    assert all((media / name).exists() for name in young)

    # Once at the end, the next starts from the beginning again.
    assert files.sweep(budget_s=0) == 0
    aged(media, stored("exports/older/teamfit-data.zip", b"PK"))
    assert files.sweep(budget_s=0) == 1


def test_a_sweep_without_a_budget_sweeps_the_whole_store(db, media):
    """The run_retention command's: from the beginning, wherever beat's last stopped."""
    aged(media, stored("exports/m/teamfit-data.zip", b"PK"))
    assert files.sweep(budget_s=0) == 1
    aged(media, stored("exports/a/teamfit-data.zip", b"PK"))  # before where it stopped
    aged(media, stored("resumes/2026/12/cv.pdf"))

    assert files.sweep() == 2


def test_the_store_is_read_a_chunk_of_names_at_a_time(db, media):
    """One query a chunk of names for the résumés' folder, whatever the number of files (and
    where the sweep got to, in the cache: the database's without Redis)."""
    for number in range(2 * files.CHUNK + 1):
        stored(f"resumes/2026/12/cv-{number}.pdf")

    with CaptureQueriesContext(connection) as queries:
        assert files.sweep() == 0

    sqls = [query["sql"] for query in queries]
    assert len([sql for sql in sqls if "hiring_candidate" in sql]) == 3
    others = [sql for sql in sqls if "hiring_candidate" not in sql]
    assert all("teamfit_cache" in sql or "SAVEPOINT" in sql for sql in others)
