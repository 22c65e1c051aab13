"""The application page shows the candidate's answers to the opening's own questions, each as it
was asked, to everyone who sees the application; nothing when the application has none."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hiring.careers import careers, questions
from hiring.models import OpeningQuestion
from tests.factories import ApplicationFactory, OpeningFactory

Kind = OpeningQuestion.Kind


def ask(opening, by, text, kind=Kind.SHORT_TEXT, choices=()):
    fields = {"text": text, "help_text": "", "kind": kind, "choices": list(choices)}
    return questions.add_question(opening, {**fields, "required": False}, by)


def applied(opening, answers):
    return careers.apply(
        opening, answers=answers, name="Dana Candidate", email="dana@candidates.example"
    )


@pytest.fixture
def opening(team):
    return OpeningFactory(team=team, title="Backend Engineer")


@pytest.fixture
def application(opening, member):
    visa = ask(opening, member, "Do you need a visa?", Kind.YES_NO)
    project = ask(opening, member, "Which project?", Kind.CHOICE, ["Ledger", "Relay"])
    why = ask(opening, member, "Why us?", Kind.LONG_TEXT)
    return applied(opening, [(visa, "no"), (project, "Relay"), (why, "")])


def answers_section(response):
    text = response.text
    return text[
        text.index('id="answers-heading"') : text.index(
            "</section>", text.index('id="answers-heading"')
        )
    ]


@pytest.mark.parametrize("persona", ["member", "recruiter", "leadership"])
def test_those_who_see_the_application_read_its_answers(client, request, application, persona):
    client.force_login(request.getfixturevalue(persona))

    section = answers_section(client.get(application.get_absolute_url()))

    assert "Application answers" in section
    assert "<dt>Do you need a visa?</dt>\n        <dd>No</dd>" in section
    assert "<dt>Which project?</dt>\n        <dd>Relay</dd>" in section
    assert '<dt>Why us?</dt>\n        <dd><span class="muted">Not answered</span></dd>' in section


def test_an_outsider_gets_a_404(client, outsider, application):
    client.force_login(outsider)

    response = client.get(application.get_absolute_url())

    assert response.status_code == 404
    assert "Relay" not in response.text


def test_an_application_that_came_another_way_shows_no_answers(client, member, team):
    application = ApplicationFactory(opening__team=team)
    ask(application.opening, member, "Do you need a visa?", Kind.YES_NO)
    client.force_login(member)

    response = client.get(application.get_absolute_url())

    assert response.status_code == 200
    assert "Application answers" not in response.text


def test_a_reworded_or_removed_question_leaves_the_answer_as_asked(
    client, member, opening, application
):
    visa, project, _why = opening.questions.all()
    questions.change_question(
        visa,
        {
            "text": "Do you need sponsorship?",
            "help_text": "",
            "kind": Kind.YES_NO,
            "choices": [],
            "required": True,
        },
        member,
    )
    questions.remove_question(project.opening, project.pk, member)
    client.force_login(member)

    section = answers_section(client.get(application.get_absolute_url()))

    assert "Do you need a visa?" in section
    assert "sponsorship" not in section
    assert "<dt>Which project?</dt>\n        <dd>Relay</dd>" in section


def queries_of_page_with(client, opening, member, count):
    """The queries of the application page, read afresh, of an application answering `count`
    questions; and its page."""
    asked = [ask(opening, member, f"Question {n}") for n in range(count)]
    answers = [(question, f"Answer {n}") for n, question in enumerate(asked)]
    application = careers.apply(
        opening, answers=answers, name=f"Candidate {count}", email=f"c{count}@candidates.example"
    )
    client.get(application.get_absolute_url())  # the session and the cache warmed
    application.refresh_from_db()
    application.page_version += 1  # read afresh, not from the cache
    application.save(update_fields=["page_version"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(application.get_absolute_url())
    assert response.text.count("<dt>Question ") == count
    return len(queries)


def test_the_page_runs_as_many_queries_whatever_the_number_of_answers(client, member, team):
    client.force_login(member)

    one = queries_of_page_with(client, OpeningFactory(team=team), member, 1)
    ten = queries_of_page_with(client, OpeningFactory(team=team), member, 10)

    assert one == ten
