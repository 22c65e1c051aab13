"""A team's scorecards: templates in a library, copied to openings, edited into new versions."""

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Category, Criterion, Scorecard, ScorecardVersion

CRITERION_FIELDS = [
    "name",
    "category",
    "description",
    "anchor_1",
    "anchor_2",
    "anchor_3",
    "anchor_4",
    "weight",
    "questions",
]

STARTER_CRITERIA = [
    {
        "name": "Problem solving",
        "category": Category.SKILLS,
        "description": "Breaks an unfamiliar problem down and reasons towards a working approach.",
        "anchor_1": "Could not make progress without the solution being handed over.",
        "anchor_2": "Made progress with frequent hints; missed important cases.",
        "anchor_3": "Reached a sound approach alone, handled the main edge cases.",
        "anchor_4": "Compared approaches, chose well and explained the trade-offs unprompted.",
        "questions": "Walk me through a hard bug you fixed recently.",
    },
    {
        "name": "Collaboration",
        "category": Category.TEAM_FIT,
        "description": "Works with peers: shares context, asks for and gives feedback.",
        "anchor_1": "Talks about work only as individual effort; dismissive of others.",
        "anchor_2": "Cooperates when asked; rarely seeks or offers feedback.",
        "anchor_3": "Seeks feedback, credits others, resolves disagreement openly.",
        "anchor_4": "Makes the people around them better; examples of mentoring and repair.",
        "questions": "Tell us about a disagreement with a teammate and how it ended.",
    },
]


@transaction.atomic
def create_template(team, name, criteria=STARTER_CRITERIA):
    """A new library template; by default one criterion per category for the team to adapt."""
    scorecard = Scorecard.objects.create(team=team, name=name)
    version = ScorecardVersion.objects.create(scorecard=scorecard)
    for position, fields in enumerate(criteria):
        Criterion.objects.create(version=version, position=position, **fields)
    return scorecard


@transaction.atomic
def copy_scorecard(source, name):
    """A new scorecard of the same team with the criteria of `source` as they are now."""
    scorecard = Scorecard.objects.create(team=source.team, name=name)
    version = ScorecardVersion.objects.create(scorecard=scorecard)
    for criterion in source.current_version().criteria.all():
        Criterion.objects.create(
            version=version,
            position=criterion.position,
            **{field: getattr(criterion, field) for field in CRITERION_FIELDS},
        )
    return scorecard


def editable_version(scorecard):
    """The version edits go to: the current one, or a new copy once feedback was submitted on it.

    Call inside a transaction; it locks the scorecard so two editors make one new version.
    """
    Scorecard.objects.select_for_update().get(pk=scorecard.pk)
    current = scorecard.current_version()
    if not current.has_submitted_feedback():
        return current
    version = ScorecardVersion.objects.create(scorecard=scorecard, number=current.number + 1)
    for criterion in current.criteria.all():
        criterion.pk = None
        criterion.version = version
        criterion.save()
    return version


@transaction.atomic
def add_criterion(scorecard, fields):
    version = editable_version(scorecard)
    position = max((c.position for c in version.criteria.all()), default=-1) + 1
    return Criterion.objects.create(version=version, position=position, **fields)


@transaction.atomic
def update_criterion(scorecard, key, fields):
    criterion = _criterion(editable_version(scorecard), key)
    if fields["category"] != criterion.category:
        _keep_one_of_category(criterion)
    for name, value in fields.items():
        setattr(criterion, name, value)
    criterion.save()
    return criterion


@transaction.atomic
def remove_criterion(scorecard, key):
    criterion = _criterion(editable_version(scorecard), key)
    _keep_one_of_category(criterion)
    # Only drafts can rate a criterion of an editable version; their ratings go with it.
    criterion.ratings.filter(revision__submitted_at=None).delete()
    criterion.delete()


@transaction.atomic
def move_criterion(scorecard, key, offset):
    """Move a criterion up (offset -1) or down (+1) the list."""
    version = editable_version(scorecard)
    criteria = list(version.criteria.all())
    index = criteria.index(_criterion(version, key))
    target = index + offset
    if not 0 <= target < len(criteria):
        return
    criteria[index], criteria[target] = criteria[target], criteria[index]
    for position, criterion in enumerate(criteria):
        if criterion.position != position:
            criterion.position = position
            criterion.save(update_fields=["position"])


def _criterion(version, key):
    criterion = version.criteria.filter(key=key).first()
    if criterion is None:
        raise ValidationError("That criterion is not on this scorecard.")
    return criterion


def _keep_one_of_category(criterion):
    others = criterion.version.criteria.filter(category=criterion.category).exclude(pk=criterion.pk)
    if not others.exists():
        raise ValidationError(
            f"A scorecard needs at least one {criterion.get_category_display().lower()} criterion."
        )
