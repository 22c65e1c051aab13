"""Adding a candidate: links are web links, names and phone numbers one line; the form sent
twice, or someone the opening already holds, adds nobody a second time."""

import html

import pytest
from django.contrib.messages import get_messages
from django.db import OperationalError, connection
from django.urls import reverse

from hiring.careers import careers
from hiring.models import Application, Candidate, User
from hiring.pipeline import applications
from tests.careers.conftest import resume, stored_files
from tests.factories import ApplicationFactory, CandidateFactory, OpeningFactory


@pytest.fixture
def opening(team):
    return ApplicationFactory(opening__team=team).opening


def said(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def add_candidate(client, opening, follow=False, **fields):
    data = {"name": "Dana Candidate", "email": "dana@candidates.example", **fields}
    return client.post(reverse("application_create", args=[opening.pk]), data, follow=follow)


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


def test_the_second_of_a_double_click_says_they_were_already_on_the_opening(
    client, recruiter, opening
):
    client.force_login(recruiter)

    add_candidate(client, opening, follow=True)
    again = said(add_candidate(client, opening))

    assert again == [
        "Dana Candidate was already on this opening: nothing was added, here is their application."
    ]


def test_someone_who_applied_already_is_said_to_be_there_already(client, recruiter, opening):
    careers.apply(opening, name="Dana Candidate", email="dana@candidates.example")
    client.force_login(recruiter)

    response = add_candidate(client, opening, follow=True)

    text = html.unescape(response.content.decode())
    assert "Dana Candidate was already on this opening: nothing was added" in text
    assert "Dana Candidate added." not in text


def test_a_record_joined_under_another_name_keeps_its_name_and_says_so(client, recruiter, opening):
    applied = careers.apply(opening, name="José Núñez", email="dana@candidates.example")
    other = OpeningFactory(team=opening.team)
    client.force_login(recruiter)

    response = add_candidate(client, other, name="Jose Nunez")

    applied.candidate.refresh_from_db()
    assert applied.candidate.name == "José Núñez"
    assert other.applications.get().candidate == applied.candidate
    assert said(response) == [
        "José Núñez added.",
        "The team already holds this email address as “José Núñez”: the record keeps that "
        "name, not “Jose Nunez”.",
    ]


def test_the_same_name_says_nothing_of_the_record(client, recruiter, opening):
    careers.apply(opening, name="Dana Candidate", email="dana@candidates.example")
    client.force_login(recruiter)

    response = add_candidate(client, OpeningFactory(team=opening.team))

    assert said(response) == ["Dana Candidate added."]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_an_addition_that_fails_leaves_no_resume_behind(opening, media):
    """An adder who was never saved fails the addition after the résumé was written."""
    with pytest.raises(ValueError, match="unsaved related object"):
        applications.add_application(
            opening,
            User(email="ghost@example.com"),
            name="Lee",
            email="lee@candidates.example",
            resume=resume(),
        )

    assert not Candidate.objects.filter(email="lee@candidates.example").exists()
    assert stored_files(media) == []


def test_a_failed_addition_leaves_no_resume_on_the_record_it_filled_in(opening, media):
    record = CandidateFactory(email="lee@candidates.example")
    ApplicationFactory(opening__team=opening.team, candidate=record)

    with pytest.raises(ValueError, match="unsaved related object"):
        applications.add_application(
            opening,
            User(email="ghost@example.com"),
            name=record.name,
            email="lee@candidates.example",
            resume=resume(),
        )

    record.refresh_from_db()
    assert record.resume.name == ""
    assert stored_files(media) == []


def refusing(verb):
    """The database refusing each `verb` ("INSERT", "UPDATE") of a candidate's row."""

    def refuse(execute, sql, params, many, context):
        if sql.startswith(verb) and '"hiring_candidate"' in sql:
            raise OperationalError("the database refused the write")
        return execute(sql, params, many, context)

    return connection.execute_wrapper(refuse)


def test_a_record_whose_insert_fails_leaves_no_resume_behind(opening, media, member):
    with refusing("INSERT"), pytest.raises(OperationalError):
        applications.add_application(
            opening, member, name="Lee", email="lee@candidates.example", resume=resume()
        )

    assert not Candidate.objects.filter(email="lee@candidates.example").exists()
    assert stored_files(media) == []


def test_a_record_whose_update_fails_leaves_no_resume_behind(opening, media, member):
    record = CandidateFactory(email="lee@candidates.example")
    ApplicationFactory(opening__team=opening.team, candidate=record)

    with refusing("UPDATE"), pytest.raises(OperationalError):
        applications.add_application(
            opening, member, name=record.name, email="lee@candidates.example", resume=resume()
        )

    record.refresh_from_db()
    assert record.resume.name == ""
    assert stored_files(media) == []


def test_a_resume_the_record_has_already_is_kept_and_the_recruiter_told(
    client, recruiter, opening, media
):
    applied = careers.apply(
        opening, name="Dana Candidate", email="dana@candidates.example", resume=resume()
    )
    kept = applied.candidate.resume.name
    client.force_login(recruiter)

    response = add_candidate(client, OpeningFactory(team=opening.team), resume=resume("new.pdf"))

    applied.candidate.refresh_from_db()
    assert applied.candidate.resume.name == kept
    assert said(response) == [
        "Dana Candidate added.",
        "The team's record already holds a résumé: it keeps it, and the file you chose was not "
        "stored.",
    ]
    assert len(stored_files(media)) == 1
