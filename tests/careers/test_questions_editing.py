"""A team edits the questions of its own its opening's careers form asks: added, reworded,
reordered and removed on the opening's questions page, each audited on the team's timeline;
nobody outside the team edits them."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from hiring.careers import questions
from hiring.models import MOST_QUESTIONS, ApplicationAnswer, AuditEvent, OpeningQuestion
from tests.factories import HTMX, ApplicationFactory, field_error

Kind = OpeningQuestion.Kind
Action = AuditEvent.Action


def fields(text="Do you need a visa to work in Germany?", **changes):
    return {
        "text": text,
        "help_text": "",
        "kind": Kind.YES_NO,
        "choices": "",
        "required": "on",
        **changes,
    }


def domain_fields(text="Do you need a visa?", **changes):
    return {
        "text": text,
        "help_text": "",
        "kind": Kind.SHORT_TEXT,
        "choices": [],
        "required": False,
        **changes,
    }


def audit(team):
    return list(
        AuditEvent.objects.filter(team=team, action__startswith="question_")
        .order_by("pk")
        .values_list("action", "details")
    )


def answered(question):
    application = ApplicationFactory(opening=question.opening)
    return ApplicationAnswer.objects.create(
        application=application,
        question=question,
        question_text=question.text,
        kind=question.kind,
        answer="yes" if question.kind == Kind.YES_NO else "Django",
    )


@pytest.fixture
def add_url(opening):
    return reverse("opening_question_add", args=[opening.pk])


def test_a_member_adds_a_question_audited(client, member, team, opening, add_url):
    client.force_login(member)

    response = client.post(add_url, fields())

    assert response.status_code == 302
    question = opening.questions.get()
    assert (question.text, question.kind, question.required) == (
        "Do you need a visa to work in Germany?",
        Kind.YES_NO,
        True,
    )
    assert audit(team) == [
        (
            Action.QUESTION_ADDED,
            "Opening “Backend Engineer”: “Do you need a visa to work in Germany?”",
        )
    ]
    page = client.get(reverse("opening_questions", args=[opening.pk]))
    assert "Do you need a visa to work in Germany?" in page.text


def test_a_list_question_keeps_its_choices_one_a_line(client, member, opening, add_url):
    client.force_login(member)

    client.post(add_url, fields("Which project?", kind=Kind.CHOICE, choices="Ledger\n\n Relay \n"))

    assert opening.questions.get().choices == ["Ledger", "Relay"]


@pytest.mark.parametrize(
    ("choices", "message"),
    [
        ("Only one", "Give from 2 to 20 choices, one a line."),
        ("\n".join(f"Choice {n}" for n in range(21)), "Give from 2 to 20 choices, one a line."),
        ("Same\nSame", "Give each choice once."),
        (f"{'x' * 101}\nShort", "is longer than 100 characters."),
    ],
)
def test_bad_choices_are_refused_beside_the_field(
    client, member, opening, add_url, choices, message
):
    client.force_login(member)

    response = client.post(add_url, fields("Which?", kind=Kind.CHOICE, choices=choices), **HTMX)

    assert response.status_code == 400
    assert 'id="id_choices_error"' in response.text
    assert message in response.text
    assert not opening.questions.exists()


def test_a_question_on_two_lines_is_refused_beside_the_field(client, member, opening, add_url):
    client.force_login(member)

    response = client.post(add_url, fields("Line one\nline two"))

    assert response.status_code == 400
    assert (
        field_error("text", "Write this on one line, without line breaks or control characters.")
        in response.text
    )
    assert not opening.questions.exists()


def test_a_question_added_twice_at_once_is_added_once(client, member, team, opening, add_url):
    client.force_login(member)

    first = client.post(add_url, fields())
    second = client.post(add_url, fields())

    assert first.status_code == second.status_code == 302
    assert opening.questions.count() == 1
    assert [action for action, _details in audit(team)] == [Action.QUESTION_ADDED]


def test_a_question_the_form_asks_already_is_refused_beside_it(client, member, opening, add_url):
    client.force_login(member)
    client.post(add_url, fields())

    response = client.post(
        add_url, fields(" do you need a VISA to work in  Germany? ", required="")
    )

    assert response.status_code == 400
    assert field_error("text", "This form asks this question already.") in response.text
    assert opening.questions.count() == 1


def test_a_question_reworded_as_another_is_refused(member, opening):
    questions.add_question(opening, domain_fields("Do you need a visa?"), member)
    other = questions.add_question(opening, domain_fields("Where do you live?"), member)

    with pytest.raises(ValidationError) as refused:
        questions.change_question(other, domain_fields("Do you need a VISA?"), member)

    assert refused.value.message_dict == {"text": ["This form asks this question already."]}
    other.refresh_from_db()
    assert other.text == "Where do you live?"


def test_a_twenty_first_question_is_refused(client, member, team, opening, add_url):
    for number in range(MOST_QUESTIONS):
        questions.add_question(opening, domain_fields(f"Question {number}"), member)
    client.force_login(member)

    response = client.post(add_url, fields("One too many"))

    assert response.status_code == 400
    assert "An opening asks at most 20 questions." in response.text
    assert opening.questions.count() == MOST_QUESTIONS


def test_a_member_rewords_and_requires_a_question_audited(client, member, team, opening):
    question = questions.add_question(opening, domain_fields("Visa?"), member)
    answered(question)
    client.force_login(member)

    response = client.post(
        reverse("opening_question_edit", args=[opening.pk, question.pk]),
        fields("Do you need a visa?", kind=Kind.SHORT_TEXT),
    )

    assert response.status_code == 302
    question.refresh_from_db()
    assert (question.text, question.required) == ("Do you need a visa?", True)
    assert audit(team)[-1] == (
        Action.QUESTION_CHANGED,
        "Opening “Backend Engineer”: “Visa?”; reworded “Do you need a visa?”; required",
    )


def test_a_question_saved_by_a_colleague_since_the_form_opened_is_not_overwritten(
    client, member, teammate, opening
):
    question = questions.add_question(opening, domain_fields("Visa?"), member)
    url = reverse("opening_question_edit", args=[opening.pk, question.pk])
    client.force_login(member)
    based_on = re.search(r'name="based_on" value="([^"]+)"', client.get(url).text)[1]
    questions.change_question(question, domain_fields("Their wording?"), teammate)

    refused = client.post(url, fields("My wording?", based_on=based_on), **HTMX)
    question.refresh_from_db()

    assert refused.status_code == 409
    assert question.text == "Their wording?"
    assert "Someone saved this question after you opened it: it now reads" in refused.text
    assert 'value="My wording?"' in refused.text
    again = re.search(r'name="based_on" value="([^"]+)"', refused.text)[1]
    assert client.post(url, fields("My wording?", based_on=again)).status_code == 302
    question.refresh_from_db()
    assert question.text == "My wording?"
    # The same form sent twice (a double click) saves once, refusing nothing.
    assert client.post(url, fields("My wording?", based_on=again)).status_code == 302


def test_the_kind_of_an_answered_question_no_longer_changes(client, member, team, opening):
    question = questions.add_question(opening, domain_fields("Visa?"), member)
    answered(question)
    client.force_login(member)

    response = client.post(
        reverse("opening_question_edit", args=[opening.pk, question.pk]),
        fields("Visa?", kind=Kind.YES_NO),
        **HTMX,
    )

    assert response.status_code == 400
    assert 'id="edit_kind_error"' in response.text
    assert "Candidates have answered this question" in response.text
    question.refresh_from_db()
    assert question.kind == Kind.SHORT_TEXT
    assert [action for action, _ in audit(team)] == [Action.QUESTION_ADDED]


def test_the_choices_of_an_answered_question_no_longer_change(member, opening):
    question = questions.add_question(
        opening, domain_fields("Which?", kind=Kind.CHOICE, choices=["Django", "Flask"]), member
    )
    answered(question)

    with pytest.raises(Exception, match="no longer change"):
        questions.change_question(
            question, domain_fields("Which?", kind=Kind.CHOICE, choices=["Django", "Rails"]), member
        )

    question.refresh_from_db()
    assert question.choices == ["Django", "Flask"]


def test_a_member_moves_a_question_up_audited(client, member, team, opening):
    first = questions.add_question(opening, domain_fields("First"), member)
    second = questions.add_question(opening, domain_fields("Second"), member)
    client.force_login(member)

    response = client.post(
        reverse("opening_question_move", args=[opening.pk, second.pk]), {"direction": "up"}, **HTMX
    )

    assert response.status_code == 200
    assert list(opening.questions.values_list("pk", flat=True)) == [second.pk, first.pk]
    assert response.text.index("Second") < response.text.index("First")
    assert audit(team)[-1] == (
        Action.QUESTION_MOVED,
        "Opening “Backend Engineer”: “Second”: position 2 → 1",
    )


def test_a_move_clicked_twice_moves_the_question_one_place(client, member, team, opening):
    first, second, third = (
        questions.add_question(opening, domain_fields(text), member)
        for text in ("First", "Second", "Third")
    )
    url = reverse("opening_question_move", args=[opening.pk, third.pk])
    client.force_login(member)
    page = client.get(reverse("opening_questions", args=[opening.pk]))
    assert '<input type="hidden" name="place" value="3">' in page.text

    for _click in range(2):
        client.post(url, {"direction": "up", "place": "3"}, **HTMX)

    assert list(opening.questions.values_list("pk", flat=True)) == [first.pk, third.pk, second.pk]
    assert [action for action, _ in audit(team)].count(Action.QUESTION_MOVED) == 1


def test_removing_asks_first_then_keeps_the_answers_as_asked(client, member, team, opening):
    question = questions.add_question(opening, domain_fields("Visa?"), member)
    answer = answered(question)
    url = reverse("opening_question_remove", args=[opening.pk, question.pk])
    client.force_login(member)

    asked = client.get(url)
    removed = client.post(url)

    assert "Answers already given stay on their applications" in asked.text
    assert removed.status_code == 302
    assert not opening.questions.exists()
    answer.refresh_from_db()
    assert (answer.question, answer.question_text, answer.answer) == (None, "Visa?", "Django")
    assert audit(team)[-1] == (Action.QUESTION_REMOVED, "Opening “Backend Engineer”: “Visa?”")


def test_removing_clicked_twice_removes_once_and_answers_both(client, member, team, opening):
    question = questions.add_question(opening, domain_fields("Visa?"), member)
    url = reverse("opening_question_remove", args=[opening.pk, question.pk])
    client.force_login(member)

    first = client.post(url)
    second = client.post(url)

    questions_page = reverse("opening_questions", args=[opening.pk])
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == questions_page
    assert [action for action, _ in audit(team)] == [Action.QUESTION_ADDED, Action.QUESTION_REMOVED]


@pytest.mark.parametrize("persona", ["outsider", "recruiter", "leadership"])
def test_only_the_team_edits_its_questions(client, request, member, opening, persona):
    question = questions.add_question(opening, domain_fields("Visa?"), member)
    client.force_login(request.getfixturevalue(persona))
    ids = [opening.pk, question.pk]

    responses = [
        client.get(reverse("opening_questions", args=[opening.pk])),
        client.post(reverse("opening_question_add", args=[opening.pk]), fields("Sneaky?")),
        client.post(reverse("opening_question_edit", args=ids), fields("Sneaky?")),
        client.post(reverse("opening_question_move", args=ids), {"direction": "down"}),
        client.post(reverse("opening_question_remove", args=ids)),
    ]

    assert [response.status_code for response in responses] == [404] * 5
    assert list(opening.questions.values_list("text", flat=True)) == ["Visa?"]


def test_a_question_removed_as_a_colleague_saves_or_moves_it_is_left_removed(member, opening):
    first = questions.add_question(opening, domain_fields("First?"), member)
    read = questions.add_question(opening, domain_fields(), member)  # as each request read it
    questions.remove_question(opening, read.pk, member)

    questions.move_question(read, -1, member)
    with pytest.raises(ValidationError, match="Someone removed this question meanwhile"):
        questions.change_question(read, domain_fields("Reworded?"), member)

    assert list(opening.questions.values_list("pk", flat=True)) == [first.pk]
