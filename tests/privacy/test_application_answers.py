"""A candidate's answers to an opening's own questions are theirs: in their data export, with
the question as asked, and emptied by erasure (the team's question stays)."""

import json
import zipfile

import pytest
from django.utils import translation

from hiring.careers import careers, questions
from hiring.models import ApplicationAnswer, OpeningQuestion
from hiring.privacy import erasure, export
from hiring.privacy.tasks import build_export
from tests.factories import OpeningFactory

Kind = OpeningQuestion.Kind
ANSWER = "KESTREL-I-maintain-the-ledger-fork"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def candidate(team, member):
    opening = OpeningFactory(team=team, title="Platform Engineer")
    fields = {"help_text": "", "choices": [], "required": False}
    visa = questions.add_question(
        opening, {**fields, "text": "Do you need a visa?", "kind": Kind.YES_NO}, member
    )
    used = questions.add_question(
        opening, {**fields, "text": "Which of our projects?", "kind": Kind.SHORT_TEXT}, member
    )
    application = careers.apply(
        opening,
        answers=[(visa, "yes"), (used, ANSWER)],
        name="Quinn Rowe",
        email="quinn@candidates.example",
        language="de",
    )
    return application.candidate


def built(candidate):
    data_export, _ = export.request_export(candidate)
    build_export(data_export.pk)
    data_export.refresh_from_db()
    return zipfile.ZipFile(data_export.file.path)


def test_the_export_holds_each_answer_with_the_question_as_asked(candidate):
    archive = built(candidate)
    answers = json.loads(archive.read("data.json"))["applicationanswer"]

    assert [(a["question_text"], a["answer"]) for a in answers] == [
        ("Do you need a visa?", "yes"),
        ("Which of our projects?", ANSWER),
    ]
    assert ANSWER in archive.read("summary.html").decode()


def test_the_summary_shows_a_yes_or_no_in_the_candidates_words(candidate):
    summary = built(candidate).read("summary.html").decode()

    # The candidate's language is German: their "yes" reads as the form offered it.
    assert '<th scope="row">Antwort</th><td>Ja</td>' in summary
    assert "<td>yes</td>" not in summary


def test_the_export_names_what_the_answers_are(candidate):
    with translation.override("en-gb"):
        keys = export.keys()

    assert keys["applicationanswer"] == "Their answers to each opening's own questions"


def test_erasure_empties_the_answers_and_keeps_the_teams_questions(
    candidate, recruiter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        erasure.erase(candidate, by=recruiter)

    assert list(ApplicationAnswer.objects.values_list("question_text", "answer")) == [
        ("Do you need a visa?", ""),
        ("Which of our projects?", ""),
    ]
    assert not ApplicationAnswer.objects.filter(answer__contains="KESTREL").exists()
    assert OpeningQuestion.objects.count() == 2
