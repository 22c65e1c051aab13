"""The careers form asks the opening's own questions after the candidate's details, each with
the widget of its kind; the answers are kept with the application, in the same transaction,
and only answers the form offers."""

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hiring.careers import careers, questions
from hiring.models import (
    LONGEST_LONG_ANSWER,
    LONGEST_SHORT_ANSWER,
    Application,
    ApplicationAnswer,
    Candidate,
    OpeningQuestion,
)
from tests.careers.conftest import application_data
from tests.factories import OpeningFactory, field_error

Kind = OpeningQuestion.Kind


def ask(opening, by, text, kind=Kind.SHORT_TEXT, required=False, choices=(), help_text=""):
    fields = {
        "text": text,
        "help_text": help_text,
        "kind": kind,
        "choices": list(choices),
        "required": required,
    }
    return questions.add_question(opening, fields, by)


@pytest.fixture
def asked(opening, member):
    """A yes/no question required, a list optional, a short and a long text optional."""
    return [
        ask(opening, member, "Do you need a visa?", Kind.YES_NO, required=True),
        ask(opening, member, "Which project?", Kind.CHOICE, choices=["Ledger", "Relay"]),
        ask(opening, member, "Your GitHub handle", help_text="As on your profile."),
        ask(opening, member, "Why us?", Kind.LONG_TEXT),
    ]


def name(question):
    return f"question_{question.pk}"


def answers_of(application):
    return list(application.answers.values_list("question_text", "kind", "answer"))


def test_the_form_asks_each_question_in_order_with_its_widget(client, opening, asked):
    visa, project, handle, why = asked

    text = client.get(reverse("careers_opening", args=[opening.pk])).text

    assert text.index('name="note"') < text.index(name(visa)) < text.index(name(project))
    assert text.index(name(project)) < text.index(name(handle)) < text.index(name(why))
    assert text.index(name(why)) < text.index('name="consent"')
    assert f'type="radio" name="{name(visa)}" value="yes"' in text
    assert f'type="radio" name="{name(visa)}" value="no"' in text
    assert f'type="radio" name="{name(project)}" value="Relay"' in text
    assert f'<textarea name="{name(why)}"' in text
    assert f'maxlength="{LONGEST_SHORT_ANSWER}"' in text
    assert "As on your profile." in text
    assert "Which project? (optional)" in text


def test_the_answers_are_saved_with_the_application(send, opening, asked):
    visa, project, handle, why = asked

    response = send(
        opening, **{name(visa): "yes", name(project): "Relay", name(handle): "dana", name(why): ""}
    )

    assert response.status_code == 302
    application = Application.objects.get()
    assert answers_of(application) == [
        ("Do you need a visa?", Kind.YES_NO, "yes"),
        ("Which project?", Kind.CHOICE, "Relay"),
        ("Your GitHub handle", Kind.SHORT_TEXT, "dana"),
        ("Why us?", Kind.LONG_TEXT, ""),
    ]
    assert [answer.question for answer in application.answers.all()] == asked


def test_a_required_question_is_required_beside_it_and_nothing_is_saved(send, opening, asked):
    response = send(opening, **{name(asked[2]): "kept-handle"})

    assert response.status_code == 400
    assert field_error(name(asked[0]), "This field is required.") in response.text
    # What they typed stays in the form.
    assert 'value="kept-handle"' in response.text
    assert not Candidate.objects.exists()
    assert not ApplicationAnswer.objects.exists()
    # The summary at the top links to the question's first choice, which the focus can reach.
    first_choice = f"id_{name(asked[0])}_0"
    assert f'<a href="#{first_choice}">Do you need a visa?: This field is required.</a>' in (
        response.text
    )
    assert f'id="{first_choice}"' in response.text


@pytest.mark.parametrize("value", ["Rails", "ledger", "Ledger\nRelay"])
def test_a_list_takes_only_its_own_choices(send, opening, asked, value):
    visa, project = asked[:2]

    response = send(opening, **{name(visa): "no", name(project): value})

    assert response.status_code == 400
    assert f'id="id_{name(project)}_error"' in response.text
    assert not Application.objects.exists()


def test_a_yes_no_takes_only_yes_or_no(send, opening, asked):
    response = send(opening, **{name(asked[0]): "maybe"})

    assert response.status_code == 400
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("index", "length"), [(2, LONGEST_SHORT_ANSWER + 1), (3, LONGEST_LONG_ANSWER + 1)]
)
def test_answers_are_bounded(send, opening, asked, index, length):
    response = send(opening, **{name(asked[0]): "no", name(asked[index]): "x" * length})

    assert response.status_code == 400
    assert f'id="id_{name(asked[index])}_error"' in response.text
    assert not Application.objects.exists()


def test_the_application_and_its_answers_are_one_write(opening, asked):
    """An answer the database refuses (none at all) leaves no candidate nor application."""
    fields = {key: value for key, value in application_data().items() if key in FIELDS}

    with pytest.raises(IntegrityError):
        careers.apply(opening, answers=[(asked[0], "yes"), (asked[1], None)], **fields)

    assert not Candidate.objects.exists()
    assert not Application.objects.exists()
    assert not ApplicationAnswer.objects.exists()


FIELDS = {"name", "email", "phone", "links", "note"}


def test_an_answer_to_a_question_removed_as_the_form_was_sent_is_kept(opening, asked, member):
    fields = {key: value for key, value in application_data().items() if key in FIELDS}
    questions.remove_question(opening, asked[2].pk, member)  # after the form read its questions

    application = careers.apply(
        opening, answers=[(asked[0], "yes"), (asked[2], "dana-dev")], **fields
    )

    connection.check_constraints()
    assert list(application.answers.values_list("question", "question_text", "answer")) == [
        (asked[0].pk, "Do you need a visa?", "yes"),
        (None, "Your GitHub handle", "dana-dev"),
    ]


def test_a_question_added_after_the_form_opened_is_asked_on_sending(send, opening, member):
    ask(opening, member, "Visa?", Kind.YES_NO, required=True)

    response = send(opening)

    assert response.status_code == 400
    assert not Application.objects.exists()


def queries_of_form_asking(client, team, member, count):
    opening = OpeningFactory(team=team)
    asked = [ask(opening, member, f"Question {n}", Kind.YES_NO) for n in range(count)]
    url = reverse("careers_opening", args=[opening.pk])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert all(name(question) in response.text for question in asked)
    return len(queries)


def test_the_opening_page_runs_as_many_queries_whatever_the_number_of_questions(
    client, team, member, django_assert_max_num_queries
):
    queries_of_form_asking(client, team, member, 0)  # what a first request reads once
    one = queries_of_form_asking(client, team, member, 1)
    ten = queries_of_form_asking(client, team, member, 10)

    assert one == ten
    # The organisation, the opening and its questions.
    url = reverse("careers_opening", args=[OpeningFactory(team=team).pk])
    with django_assert_max_num_queries(3):
        client.get(url)
