"""A candidate's data export labels each field, and writes each date, in the candidate's
language."""

import re
import zipfile
from datetime import UTC, date, datetime

import pytest
from django.core.files.base import ContentFile
from django.utils import translation
from django.utils.text import capfirst

from hiring.models import Offer
from hiring.privacy import export
from hiring.privacy.inventory import HOLDINGS
from hiring.privacy.tasks import build_export
from tests.factories import ApplicationFactory

# What German writes as English does.
SAME_IN_GERMAN = {"ID", "Name", "Status", "Team", "Links", "Feedback", "Version"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def candidate(team):
    application = ApplicationFactory(
        opening__team=team,
        candidate__name="Quinn Rowe",
        candidate__time_zone="Europe/Berlin",
        candidate__language="de",
    )
    application.candidate.resume.save("quinn-cv.pdf", ContentFile(b"%PDF-1.4"))
    return application.candidate


def summary_of(candidate):
    data_export, _ = export.request_export(candidate)
    build_export(data_export.pk)
    data_export.refresh_from_db()
    return zipfile.ZipFile(data_export.file.path).read("summary.html").decode()


def test_a_german_candidates_summary_labels_each_field_in_german(candidate):
    with translation.override("en-gb"):
        english = {
            capfirst(str(field.verbose_name))
            for holding in HOLDINGS
            for field in holding.model._meta.concrete_fields
        }

    labels = set(re.findall(r'<th scope="row">(.*?)</th>', summary_of(candidate)))

    assert {"E-Mail", "Zeitzone", "Erstellt am", "Phase geändert am"} <= labels
    assert labels & english <= SAME_IN_GERMAN


def test_a_german_candidates_summary_writes_a_date_as_german_does(candidate, member):
    Offer.objects.create(
        application=candidate.applications.get(),
        title="Platform Engineer",
        start_date=date(2030, 3, 4),
        terms="€70,000 a year.",
        expires_at=datetime(2030, 2, 1, tzinfo=UTC),
        created_by=member,
    )

    summary = summary_of(candidate)

    assert '<th scope="row">Startdatum</th><td>4. Mär 2030</td>' in summary
