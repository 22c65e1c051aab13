"""Check-in reviews are data about the hire: in their export, notes blanked on erasure."""

import json
import zipfile

import pytest

from hiring.privacy import erasure, export
from hiring.privacy.tasks import build_export
from scorecards.models import CheckInRating, CheckInReview
from tests.checkins.helpers import first, hired, review


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def check_in(team, member, teammate):
    check_in = first(hired(team, member, days_ago=90))
    review(check_in, teammate, score=4, would="strong_yes", notes="BEN-CHECK-IN-NOTES")
    review(check_in, member, notes="ANA-DRAFT", submit=False)
    return check_in


def document(candidate, by=None):
    data_export, _ = export.request_export(candidate, by)
    build_export(data_export.pk)
    data_export.refresh_from_db()
    return json.loads(zipfile.ZipFile(data_export.file.path).read("data.json"))


def test_the_candidates_export_holds_the_submitted_reviews_never_a_draft(check_in):
    data = document(check_in.application.candidate)

    [shown] = data["checkinreview"]
    assert shown["notes"] == "BEN-CHECK-IN-NOTES"
    assert shown["would_hire_again"]["value"] == "strong_yes"
    assert {row["score"] for row in data["checkinrating"]} == {4}
    assert [row["day"] for row in data["checkin"]] == [90, 180, 365]
    assert "ANA-DRAFT" not in json.dumps(data)


def test_a_recruiters_export_leaves_the_reviews_out(check_in, recruiter):
    data = document(check_in.application.candidate, by=recruiter)

    assert data["checkinreview"] == []
    assert data["checkinrating"] == []


def test_erasure_blanks_the_notes_and_keeps_the_scores(
    check_in, recruiter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        erasure.erase(check_in.application.candidate, by=recruiter)

    assert set(CheckInReview.objects.values_list("notes", flat=True)) == {""}
    assert set(CheckInReview.objects.values_list("would_hire_again", flat=True)) == {
        "strong_yes",
        "yes",
    }
    assert {4} <= set(CheckInRating.objects.values_list("score", flat=True))
