"""Fixtures of the careers modules: an open opening of `team`, a candidate's form and a
temporary MEDIA_ROOT to look for stored résumés in."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import OpeningFactory

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << >> endobj\n"


def resume(name="cv.pdf", content=PDF):
    return SimpleUploadedFile(name, content, "application/octet-stream")


def application_data(**changes):
    """What a candidate sends from an opening's page, `changes` aside."""
    return {
        "name": "Dana Candidate",
        "email": "dana@candidates.example",
        "phone": "",
        "links": "https://dana.example\n",
        "resume": resume(),
        "note": "I built payment systems for ten years.",
        "consent": "on",
        "time_zone": "Europe/Berlin",
        "website": "",
        **changes,
    }


def stored_files(folder):
    return [path for path in folder.rglob("*") if path.is_file()]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def opening(team):
    return OpeningFactory(team=team, title="Backend Engineer", description="Build our API.")


@pytest.fixture
def send(client, django_capture_on_commit_callbacks):
    """POST the application form of `opening`, emails sent as the transaction commits."""

    def post(opening, remote_addr="192.0.2.10", **changes):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("careers_opening", args=[opening.pk]),
                application_data(**changes),
                REMOTE_ADDR=remote_addr,
            )

    return post
