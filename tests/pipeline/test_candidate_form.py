"""Adding a candidate: links are web links, names and phone numbers one line."""

import pytest
from django.urls import reverse

from hiring.models import Candidate
from tests.factories import ApplicationFactory, CandidateFactory


@pytest.fixture
def opening(team):
    return ApplicationFactory(opening__team=team).opening


def add_candidate(client, opening, **fields):
    data = {"name": "Dana Candidate", "email": "dana@candidates.example", **fields}
    return client.post(reverse("application_create", args=[opening.pk]), data)


def test_web_links_are_stored_one_per_line(client, member, opening):
    client.force_login(member)

    response = add_candidate(
        client, opening, links="  https://github.com/dana \n\nHTTP://dana.example/cv?lang=en\n"
    )

    assert response.status_code == 302
    candidate = Candidate.objects.get(email="dana@candidates.example")
    assert candidate.links == "https://github.com/dana\nHTTP://dana.example/cv?lang=en"


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(document.cookie)",
        " JaVaScRiPt:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "//evil.example/",
        "ftp://files.example/cv.pdf",
        "my portfolio",
    ],
)
def test_anything_but_a_web_link_is_refused_beside_the_field(client, member, opening, link):
    client.force_login(member)

    response = add_candidate(client, opening, links=f"https://github.com/dana\n{link}")

    assert response.status_code == 400
    assert 'id="id_links_error"' in response.text
    assert "Line 2 is not a web link" in response.text
    assert not Candidate.objects.filter(email="dana@candidates.example").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "Dana\nCandidate"),
        ("name", "Dana\rCandidate"),
        ("name", "Dana\u2028Candidate"),
        ("name", "Dana\x1b[31mCandidate"),
        ("phone", "+44 20\n7946 0000"),
    ],
)
def test_line_breaks_and_control_characters_are_refused_beside_the_field(
    client, member, opening, field, value
):
    client.force_login(member)

    response = add_candidate(client, opening, **{field: value})

    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.text
    assert "Write this on one line" in response.text
    assert not Candidate.objects.filter(email="dana@candidates.example").exists()


def test_a_link_stored_before_the_check_shows_as_text(client, member, team):
    candidate = CandidateFactory(links="javascript:alert(1)\nhttps://github.com/dana")
    application = ApplicationFactory(opening__team=team, candidate=candidate)
    client.force_login(member)

    page = client.get(application.get_absolute_url()).text

    assert 'href="javascript:' not in page
    assert "javascript:alert(1)" in page
    assert 'href="https://github.com/dana"' in page
