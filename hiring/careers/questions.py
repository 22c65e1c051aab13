"""An opening's own questions on its careers form: a team adds, rewords, reorders and removes
them; a candidate's answers are kept with the question as it was asked."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import (
    MOST_QUESTIONS,
    ApplicationAnswer,
    AuditEvent,
    Opening,
    OpeningQuestion,
    move_in_order,
    refuse_if_saved_since,
    stored_words,
    version_of,
)

Kind = OpeningQuestion.Kind
QUESTION_FIELDS = ["text", "help_text", "kind", "choices", "required"]


@transaction.atomic
def add_question(opening, fields, by):
    """A new question at the end of `opening`'s form, audited. At most MOST_QUESTIONS, each
    asked once: the same question sent twice (a double click, two tabs) is added once."""
    opening = _locked(opening)
    questions = list(opening.questions.all())
    asked = _asked_already(questions, fields)
    if asked is not None and all(getattr(asked, name) == fields[name] for name in QUESTION_FIELDS):
        return asked
    _refuse_if_asked(asked)
    if len(questions) >= MOST_QUESTIONS:
        raise ValidationError(
            _("An opening asks at most %(most)s questions.") % {"most": MOST_QUESTIONS}
        )
    position = max((question.position for question in questions), default=-1) + 1
    question = OpeningQuestion.objects.create(opening=opening, position=position, **fields)
    _audit(AuditEvent.Action.QUESTION_ADDED, opening, by, f"“{question.text}”")
    return question


def question_version(question):
    """The version of `question` its edit form carries, to tell on saving whether someone saved
    it since (change_question)."""
    return version_of(getattr(question, name) for name in QUESTION_FIELDS)


@transaction.atomic
def change_question(question, fields, by, based_on=None):
    """Save `question` from `fields`, audited when they change. Once answered, its kind and
    choices stay: the answers were given to them (a ValidationError on the field, nothing
    saved); its wording and whether it is required may change. `based_on`: the version
    (question_version()) the form showed; when someone saved another since, ChangedMeanwhile,
    nothing saved; removed since, a ValidationError."""
    opening = _locked(question.opening)
    question = opening.questions.filter(pk=question.pk).first()
    if question is None:  # removed by someone since this request read it
        raise ValidationError(_("Someone removed this question meanwhile: nothing was saved."))
    refuse_if_saved_since(
        question,
        QUESTION_FIELDS,
        fields,
        based_on,
        _(
            "Someone saved this question after you opened it: it now reads “%(text)s”. Your "
            "text is below, not saved: save again to replace theirs with yours."
        )
        % {"text": question.text},
    )
    _refuse_if_asked(_asked_already(opening.questions.exclude(pk=question.pk), fields))
    if question.answers.exists():
        for name in ("kind", "choices"):
            if fields[name] != getattr(question, name):
                raise ValidationError(
                    {
                        name: _(
                            "Candidates have answered this question: its kind of answer and "
                            "its choices no longer change. Add a new question instead."
                        )
                    }
                )
    changes = _changes(question, fields)
    for name in QUESTION_FIELDS:
        setattr(question, name, fields[name])
    question.save(update_fields=QUESTION_FIELDS)
    if changes:
        _audit(AuditEvent.Action.QUESTION_CHANGED, opening, by, "; ".join(changes))
    return question


@transaction.atomic
def remove_question(opening, question_id, by):
    """Remove question `question_id` from `opening`'s form; its answers stay, with the text it
    was asked in. Removed already (a double click, two tabs), nothing more happens."""
    opening = _locked(opening)
    question = opening.questions.filter(pk=question_id).first()
    if question is None:
        return
    question.delete()
    _audit(AuditEvent.Action.QUESTION_REMOVED, opening, by, f"“{question.text}”")


@transaction.atomic
def move_question(question, offset, by, seen=None):
    """Move `question` up (offset -1) or down (+1) the form. `seen`: its place (from 1) on the
    page the move was sent from; moved since (a double click, two tabs), it stays where it is."""
    opening = _locked(question.opening)
    questions = list(opening.questions.all())
    moved = next((q for q in questions if q.pk == question.pk), None)
    if moved is None:
        return  # removed by someone since this request read it: nothing to move
    places = move_in_order(questions, moved, offset, seen)
    if places is not None:
        details = f"“{moved.text}”: position {places[0]} → {places[1]}"
        _audit(AuditEvent.Action.QUESTION_MOVED, opening, by, details)


def _asked_already(questions, fields):
    """The question of `questions` asking what `fields` ask, whatever the case and spaces of
    its text, or None: a candidate asked one question twice cannot tell which answer counts."""
    text = " ".join(fields["text"].split()).casefold()
    return next((q for q in questions if " ".join(q.text.split()).casefold() == text), None)


def _refuse_if_asked(asked):
    if asked is not None:
        raise ValidationError({"text": _("This form asks this question already.")})


def _locked(opening):
    """`opening` with its row locked, so two editors count and number its questions in turn."""
    return Opening.objects.select_for_update(of=("self",)).select_related("team").get(pk=opening.pk)


def _changes(question, fields):
    """What `fields` change of `question`, for the audit trail in the stored language; nothing
    when they change nothing."""
    changes = []
    if fields["text"] != question.text:
        changes.append(f"reworded “{fields['text']}”")
    if fields["help_text"] != question.help_text:
        changes.append("help text changed")
    if fields["kind"] != question.kind:
        with stored_words():
            before, after = Kind(question.kind).label, Kind(fields["kind"]).label
        changes.append(f"kind {before} → {after}")
    if fields["choices"] != question.choices:
        changes.append(f"choices {' / '.join(fields['choices'])}")
    if fields["required"] != question.required:
        changes.append("required" if fields["required"] else "optional")
    return [f"“{question.text}”", *changes] if changes else []


def _audit(action, opening, by, details):
    AuditEvent.record(action, by, opening.team, details=f"Opening “{opening.title}”: {details}")


def save_answers(application, answers):
    """The candidate's `answers` ([(question, answer)], in the form's order), each with the
    question as it was asked; in the caller's transaction, with the application, its opening
    locked. A question removed since the form read it keeps its answer, as a removal does."""
    asked = [question.pk for question, _answer in answers]
    still = set(OpeningQuestion.objects.filter(pk__in=asked).values_list("pk", flat=True))
    ApplicationAnswer.objects.bulk_create(
        ApplicationAnswer(
            application=application,
            question=question if question.pk in still else None,
            question_text=question.text,
            kind=question.kind,
            position=position,
            answer=answer,
        )
        for position, (question, answer) in enumerate(answers)
    )
