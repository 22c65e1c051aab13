import json
from io import StringIO

from django.core.management import call_command

from hiring.models import Application, BusyBlock, InterviewSession, Team, User
from scorecards.models import FeedbackRevision


def counts():
    return [
        model.objects.count()
        for model in (User, Team, Application, InterviewSession, BusyBlock, FeedbackRevision)
    ]


def test_seed_demo_creates_every_persona_and_state_and_runs_again_unchanged(db):
    call_command("seed_demo", stdout=StringIO())
    first = counts()
    out = StringIO()
    call_command("seed_demo", stdout=out)

    assert counts() == first
    assert "cto@teamfit.example" in out.getvalue()
    assert "/schedule/" in out.getvalue()  # a candidate link to try
    assert InterviewSession.objects.exclude(cancelled_at=None).exists()
    assert InterviewSession.objects.filter(cancelled_at=None, start__isnull=False).count() >= 3
    assert FeedbackRevision.objects.filter(number=2).exists()  # an amendment


def test_bench_reports_the_slot_finder_as_json():
    out = StringIO()
    call_command("bench", "--json", "--runs", "3", stdout=out)

    result = json.loads(out.getvalue())
    finder = result["slot_finder"]
    assert finder["options"] == 10
    assert 0 < finder["p50_ms"] <= finder["p95_ms"]
