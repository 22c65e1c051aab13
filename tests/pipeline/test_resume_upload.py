"""A résumé is taken for what its content is, not for its name."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hiring.models import Candidate
from tests.factories import ApplicationFactory, field_errors

REFUSED = "This file is not a PDF, a DOCX or ODT document, nor plain UTF-8 text"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def opening(team):
    return ApplicationFactory(opening__team=team).opening


def zipped(*members, compression=zipfile.ZIP_DEFLATED):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", compression) as writing:
        for name, content in members:
            writing.writestr(name, content)
    return archive.getvalue()


DOCX = zipped(("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w:document/>"))
ODT = zipped(
    ("mimetype", "application/vnd.oasis.opendocument.text"),
    ("content.xml", "<office:document-content/>"),
    compression=zipfile.ZIP_STORED,
)


def upload(client, opening, name, content, **changes):
    data = {
        "name": "Dana Candidate",
        "email": "dana@candidates.example",
        "resume": SimpleUploadedFile(name, content, "application/octet-stream"),
        **changes,
    }
    return client.post(reverse("application_create", args=[opening.pk]), data)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("cv.pdf", b"%PDF-1.7\n%binary \xe2\xe3\xcf\xd3\n"),
        ("cv.docx", DOCX),
        ("cv.odt", ODT),
        ("cv.txt", "Dana Candidate, Zürich — 10 years of Go\n".encode()),
        ("cv.rtf", rb"{\rtf1\ansi Dana Candidate}"),
    ],
)
def test_each_kind_of_resume_is_taken(client, member, opening, media, name, content):
    client.force_login(member)

    response = upload(client, opening, name, content)

    assert response.status_code == 302
    resume = Candidate.objects.get(email="dana@candidates.example").resume
    assert resume.name.endswith(name.removeprefix("cv"))
    assert resume.read() == content


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("cv.pdf", b"MZ\x90\x00\x03\x00\x00\x00"),  # a Windows program
        ("cv.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64),  # Word 97, macros and all
        ("cv.docx", zipped(("payload.exe", b"MZ"))),
        ("cv.docx", b"PK\x03\x04 a zip cut short"),
        ("cv.odt", zipped(("mimetype", "application/vnd.oasis.opendocument.spreadsheet"))),
        ("cv.txt", b"Dana\x00Candidate"),
        ("cv.txt", "Dana Candidate, Zürich".encode("latin-1")),
    ],
)
def test_anything_else_is_refused_beside_the_field(client, member, opening, media, name, content):
    client.force_login(member)

    response = upload(client, opening, name, content)

    assert response.status_code == 400
    assert 'id="id_resume_error"' in response.text
    assert REFUSED in response.text
    assert not Candidate.objects.filter(email="dana@candidates.example").exists()
    assert not [path for path in media.rglob("*") if path.is_file()]


def test_a_form_refused_for_another_field_asks_for_the_resume_again(client, member, opening, media):
    """A browser never fills a file input in again, and the résumé is optional here: the
    recruiter who fixes the refused email and sends again would add the candidate without it,
    unless the page says so beside it."""
    client.force_login(member)

    response = upload(client, opening, "cv.pdf", b"%PDF-1.7\n", email="dana at candidates")

    assert response.status_code == 400
    assert "Choose the résumé again" in field_errors(response.text, "resume")
    assert not Candidate.objects.filter(name="Dana Candidate").exists()
    assert not [path for path in media.rglob("*") if path.is_file()]


@pytest.mark.parametrize(
    ("name", "content", "stored_as"),
    [("cv.txt", b"%PDF-1.4 a resume", ".pdf"), ("cv.pdf", b"<html><script>", ".txt")],
)
def test_a_resume_is_stored_under_the_name_its_content_says(
    client, member, opening, media, name, content, stored_as
):
    client.force_login(member)

    assert upload(client, opening, name, content).status_code == 302

    resume = Candidate.objects.get(email="dana@candidates.example").resume
    assert resume.name.endswith(stored_as)


@pytest.mark.parametrize("name", ["💥.pdf", "?!.pdf", "—.pdf"])
def test_a_name_without_letters_is_stored_as_resume(client, member, opening, media, name):
    client.force_login(member)

    assert upload(client, opening, name, b"%PDF-1.7\n").status_code == 302

    resume = Candidate.objects.get(email="dana@candidates.example").resume
    assert resume.name.rsplit("/", 1)[-1].startswith("resume")
    assert resume.name.endswith(".pdf")
