"""After erasure, nothing Teamfit stores names the candidate: a search of every text column of
every table (the cache table and the sessions decoded), and of every file under MEDIA_ROOT, for
their name, addresses, phone, link and a token from their interview notes finds nothing."""

import base64
from datetime import UTC, datetime, timedelta

from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models
from django.urls import reverse

from hiring.candidates import merging
from hiring.debrief import decisions
from hiring.models import Application, Candidate, CandidateImport, DataExport
from hiring.offers import offers
from hiring.outreach import messages
from hiring.privacy import holds
from hiring.tasks import send_session_invites
from tests.careers.conftest import PDF, application_data, resume
from tests.factories import (
    SKILLS,
    TEAM_FIT,
    ApplicationFactory,
    OpeningFactory,
    assigned,
    fresh,
    submit_as,
    submitted,
    team_fit_panel,
)
from tests.offers.conftest import offer_fields

TOKEN = "QX7731-ROTA"
SEARCHED = [
    "Quartermain",
    "zelda@candidates.example",
    "zq@old.example",
    "7946 0000",
    "zelda.example",
    TOKEN,
]


TEXT = (models.CharField, models.TextField, models.JSONField, models.FileField)


def rows_naming(needles):
    """(table, column, value) of every text-like value in the database holding a needle."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        fields = [field.attname for field in model._meta.concrete_fields if isinstance(field, TEXT)]
        if not fields:
            continue
        for row in model._base_manager.values_list(*fields):
            for column, value in zip(fields, row, strict=True):
                if any(needle.lower() in str(value).lower() for needle in needles):
                    found.append((model._meta.db_table, column, value))
    for session in Session.objects.all():
        if any(needle.lower() in str(session.get_decoded()).lower() for needle in needles):
            found.append(("django_session", "session_data", session.get_decoded()))
    return found


def cache_entries_naming(needles):
    """The keys of the cache's entries holding a needle, on the database or on Redis."""
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        client = cache._cache.get_client()
        entries = [(key, client.get(key)) for key in client.scan_iter()]
    else:
        table = connection.ops.quote_name(cache._table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT cache_key, value FROM {table}")
            entries = [(key, base64.b64decode(value)) for key, value in cursor.fetchall()]
    assert entries, "the pages visited were cached"
    return [
        key
        for key, value in entries
        if any(needle.lower().encode() in value.lower() for needle in needles)
    ]


def files_naming(folder, needles):
    found = []
    for path in folder.rglob("*"):
        text = (
            str(path.relative_to(folder))
            + (path.read_bytes().decode("latin-1") if path.is_file() else "")
        ).lower()
        if any(needle.lower() in text for needle in needles):
            found.append(path)
    return found


def test_after_erasure_no_table_cache_entry_or_file_names_the_candidate(
    client, team, member, teammate, recruiter, leadership, settings, tmp_path,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    settings.MEDIA_ROOT = tmp_path
    opening = OpeningFactory(team=team, title="Platform Engineer")
    with django_capture_on_commit_callbacks(execute=True):
        # Through the careers page: consent, résumé, the confirmation email.
        client.post(
            reverse("careers_opening", args=[opening.pk]),
            application_data(
                name="Zelda Quartermain",
                email="zelda@candidates.example",
                phone="+44 20 7946 0000",
                links="https://zelda.example",
                resume=resume("zelda-quartermain-cv.pdf", PDF + b"Zelda Quartermain's CV"),
                note=f"Zelda Quartermain here, {TOKEN}",
            ),
        )
        candidate = Candidate.objects.get(email="zelda@candidates.example")
        application = candidate.applications.get()
        # An older record of hers, merged in.
        older = ApplicationFactory(
            candidate__name="Zelda Quartermain", candidate__email="zq@old.example"
        ).candidate
        candidate = merging.merge(candidate, older, recruiter)
        Application.objects.filter(pk=application.pk).update(stage=Application.Stage.PANEL)
        # Her interview, booked and its invites sent (the ledger keys name her address).
        session = team_fit_panel(fresh(application), [member, teammate], member).sessions.get()
        start = datetime(2030, 3, 4, 14, tzinfo=UTC)
        session.start, session.end = start, start + timedelta(hours=1)
        session.save()
        session.interviewers.update(start=session.start, end=session.end)
        send_session_invites(session.pk, session.sequence)
        # Scorecards, the team's decision and an offer, all naming her.
        submit_as(
            assigned(fresh(application), member, SKILLS), member, notes=TOKEN, takeaways=TOKEN
        )
        submitted(fresh(application), teammate, TEAM_FIT, "strong_yes", notes=TOKEN)
        decisions.record_decision(fresh(application), member, "hire", f"Zelda Quartermain {TOKEN}")
        draft = offers.prepare(fresh(application), recruiter, **offer_fields(terms=TOKEN))
        offers.send(draft, recruiter)
        messages.queue_email(
            fresh(application),
            "message",
            by=recruiter,
            subject="Hello Zelda Quartermain",
            body=TOKEN,
        )
        # A hold named her, then was released; an export; an import waiting to run.
        holds.put_on_hold(candidate, recruiter, f"Zelda Quartermain's claim {TOKEN}")
        holds.release(candidate, recruiter)
        export = DataExport.objects.create(candidate=candidate, requested_by=recruiter)
        export.file.save("data.zip", SimpleUploadedFile("data.zip", b"Zelda Quartermain"))
        CandidateImport.objects.create(
            opening=opening,
            created_by=recruiter,
            file_name="people.csv",
            rows=[
                {
                    "line": 2,
                    "values": {"name": "Zelda Quartermain", "email": "zelda@candidates.example"},
                    "errors": {},
                }
            ],
        )
    # Her pages, cached as each reader saw them.
    for reader, url in [
        (member, fresh(application).get_absolute_url()),
        (member, reverse("pipeline")),
        (member, reverse("debrief", args=[application.pk])),
        (leadership, reverse("debrief", args=[application.pk])),
        (leadership, reverse("reports")),
        (recruiter, fresh(application).get_absolute_url()),
    ]:
        client.force_login(reader)
        assert client.get(url).status_code == 200
    assert rows_naming(SEARCHED)
    assert cache_entries_naming(SEARCHED)
    assert files_naming(tmp_path, SEARCHED)

    client.force_login(recruiter)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("candidate_erase", args=[candidate.pk]), {"name": "Zelda Quartermain"}
        )
    assert response.status_code == 302

    assert rows_naming(SEARCHED) == []
    assert cache_entries_naming(SEARCHED) == []
    assert files_naming(tmp_path, SEARCHED) == []
