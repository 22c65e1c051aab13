"""Adding a candidate: links are web links, names and phone numbers one line; the form sent
twice, or someone the opening already holds, adds nobody a second time."""

import pytest
from django.urls import reverse

from hiring.careers import careers
from hiring.models import Application, Candidate
from tests.factories import ApplicationFactory, CandidateFactory, OpeningFactory


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


def test_a_double_click_adds_the_candidate_once(client, recruiter, opening):
    client.force_login(recruiter)

    first = add_candidate(client, opening)
    second = add_candidate(client, opening)

    application = Application.objects.get(candidate__email="dana@candidates.example")
    assert first.url == second.url == application.get_absolute_url()
    assert Candidate.objects.filter(email="dana@candidates.example").count() == 1


def test_someone_who_applied_already_is_not_added_again(client, recruiter, opening):
    applied = careers.apply(opening, name="Dana Candidate", email="dana@candidates.example")
    client.force_login(recruiter)

    response = add_candidate(client, opening, email=" DANA@candidates.example", phone="+4930123")

    assert response.url == applied.get_absolute_url()
    assert opening.applications.filter(candidate__name="Dana Candidate").count() == 1
    assert Candidate.objects.filter(email__iexact="dana@candidates.example").count() == 1


def test_the_candidate_of_the_team_is_added_to_its_other_opening(client, recruiter, opening):
    applied = careers.apply(opening, name="Dana Candidate", email="dana@candidates.example")
    other = OpeningFactory(team=opening.team)
    client.force_login(recruiter)

    add_candidate(client, other, phone="+4930123")

    added = other.applications.get()
    assert added.candidate == applied.candidate
    applied.candidate.refresh_from_db()
    assert applied.candidate.phone == "+4930123"  # what was blank is filled in


def test_another_teams_candidate_is_never_joined(client, recruiter, opening, outsider):
    theirs = careers.apply(
        OpeningFactory(team=outsider.teams.first()),
        name="Dana Candidate",
        email="dana@candidates.example",
    )
    client.force_login(recruiter)

    add_candidate(client, opening)

    assert opening.applications.get(candidate__email="dana@candidates.example").candidate != (
        theirs.candidate
    )
