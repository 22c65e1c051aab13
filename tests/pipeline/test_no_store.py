"""Pages and files with candidates' data tell browsers and proxies to keep no copy."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import ApplicationFactory, CandidateFactory


@pytest.fixture
def application(team, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    resume = SimpleUploadedFile("cv.pdf", b"%PDF-1.4 a resume")
    return ApplicationFactory(opening__team=team, candidate=CandidateFactory(resume=resume))


def views_with_candidates(application):
    """(method, URL) of every pipeline view that shows a candidate, a form that comes back
    with errors included."""
    app, opening = application.pk, application.opening_id
    return [
        ("get", "/pipeline/"),
        ("get", "/pipeline/columns/applied/"),
        ("post", f"/pipeline/applications/{app}/move/"),
        ("get", "/pipeline/columns/applied/reject/"),
        ("post", "/pipeline/columns/applied/reject/"),
        ("get", f"/openings/{opening}/"),
        ("post", f"/openings/{opening}/applications/"),
        ("post", f"/openings/{opening}/rule/"),
        ("get", f"/applications/{app}/"),
        ("post", f"/applications/{app}/stage/"),
        ("post", f"/applications/{app}/interviewers/"),
        ("get", f"/applications/{app}/resume/"),
    ]


def test_every_view_with_candidates_says_no_store(client, member, application):
    client.force_login(member)

    for method, url in views_with_candidates(application):
        response = getattr(client, method)(url)
        assert response.status_code in (200, 400), (url, response.status_code)
        assert "no-store" in response["Cache-Control"], url


def test_htmx_keeps_no_copy_of_the_board_in_the_browser(client, member, application):
    client.force_login(member)

    assert 'hx-history="false"' in client.get("/pipeline/").text
