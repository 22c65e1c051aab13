"""A team's scorecards: templates in a library, copied to openings, edited into new versions."""

from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.functional import Promise
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hiring import freshness
from hiring.models import (
    AuditEvent,
    Team,
    move_in_order,
    refuse_if_saved_since,
    stored_words,
    version_of,
)

from .models import RATING_LEVELS, Category, Criterion, Feedback, Scorecard, ScorecardVersion

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

# Offered in the language of whoever creates the template; stored as the text it became.
STARTER_CRITERIA = [
    {
        "name": gettext_lazy("Problem solving"),
        "category": Category.SKILLS,
        "description": gettext_lazy(
            "Breaks an unfamiliar problem down and reasons towards a working approach."
        ),
        "anchor_1": gettext_lazy("Could not make progress without the solution being handed over."),
        "anchor_2": gettext_lazy("Made progress with frequent hints; missed important cases."),
        "anchor_3": gettext_lazy("Reached a sound approach alone, handled the main edge cases."),
        "anchor_4": gettext_lazy(
            "Compared approaches, chose well and explained the trade-offs unprompted."
        ),
        "questions": gettext_lazy("Walk me through a hard bug you fixed recently."),
    },
    {
        "name": gettext_lazy("Collaboration"),
        "category": Category.TEAM_FIT,
        "description": gettext_lazy(
            "Works with peers: shares context, asks for and gives feedback."
        ),
        "anchor_1": gettext_lazy(
            "Talks about work only as individual effort; dismissive of others."
        ),
        "anchor_2": gettext_lazy("Cooperates when asked; rarely seeks or offers feedback."),
        "anchor_3": gettext_lazy("Seeks feedback, credits others, resolves disagreement openly."),
        "anchor_4": gettext_lazy(
            "Makes the people around them better; examples of mentoring and repair."
        ),
        "questions": gettext_lazy("Tell us about a disagreement with a teammate and how it ended."),
    },
]


@transaction.atomic
@freshness.one_write()
def create_template(team, name, criteria=STARTER_CRITERIA):
    """A new library template; by default one criterion per category for the team to adapt."""
    scorecard = Scorecard.objects.create(team=team, name=name)
    version = ScorecardVersion.objects.create(scorecard=scorecard)
    for position, fields in enumerate(criteria):
        # The starter texts in the creator's language, as plain text.
        fields = {name: str(v) if isinstance(v, Promise) else v for name, v in fields.items()}
        Criterion.objects.create(version=version, position=position, **fields)
    return scorecard


@transaction.atomic
def add_template(team, name):
    """The library's template named `name` and whether it is new: one it holds already (in any
    case) is not added again, so a form sent twice (a double click) adds one."""
    return _once_in_library(team, name, lambda: create_template(team, name))


@transaction.atomic
def copy_to_library(source, name):
    """A copy of `source` in its team's library named `name`, and whether it is new: a
    template of that name (in any case) already there, a copy made by the same click sent
    twice, say, is not made again."""
    return _once_in_library(source.team, name, lambda: copy_scorecard(source, name))


def _once_in_library(team, name, add):
    """The team's library template of `name` (as it is stored: shortened to fit), else add()'s,
    with whether it is new; the team's row held, so that two requests at once add one."""
    Team.objects.select_for_update().filter(pk=team.pk).first()
    templates = Scorecard.objects.filter(team=team, opening__isnull=True)
    found = templates.filter(name__iexact=_fitting(name)).order_by("pk").first()
    return (found, False) if found is not None else (add(), True)


def _fitting(name):
    """A name made from a longer one ("Copy of …", an opening's title) shortened to fit."""
    return Truncator(name).chars(Scorecard._meta.get_field("name").max_length)


@freshness.one_write()
def copy_scorecard(source, name):
    """A new scorecard of the same team with the criteria of `source` as they are now, under
    `name` shortened to fit."""
    scorecard = Scorecard.objects.create(team=source.team, name=_fitting(name))
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


# More criteria than any interview covers: past it, the editor and every form grew unbounded.
MOST_CRITERIA = 50


@freshness.one_write()
def add_criterion(scorecard, fields, by):
    version = editable_version(scorecard)
    criteria = list(version.criteria.all())
    for criterion in criteria:
        if all(getattr(criterion, name) == fields.get(name) for name in CRITERION_FIELDS):
            return criterion  # the same form sent twice (a double click): added once
    if len(criteria) >= MOST_CRITERIA:
        raise ValidationError(
            _("A scorecard holds at most %(most)s criteria.") % {"most": MOST_CRITERIA}
        )
    _refuse_name_taken(criteria, fields["name"])
    position = max((c.position for c in criteria), default=-1) + 1
    criterion = Criterion.objects.create(version=version, position=position, **fields)
    _ask_of_whole_focus(criterion, [c for c in criteria if c.category == criterion.category])
    _audit(AuditEvent.Action.CRITERION_ADDED, scorecard, version, by, f"“{criterion.name}”")
    return criterion


def _ask_of_whole_focus(criterion, of_category):
    """The scorecards given on `criterion`'s version (none submitted: it is edited in place)
    that cover every criterion of its category, `of_category`, as a panel's do, ask it too:
    else the version would list a criterion its interviewers never saw. A scorecard assigned a
    choice of criteria keeps its choice."""
    covering = (
        Feedback.all_objects.filter(version=criterion.version, focus=criterion.category)
        .annotate(covered=Count("criteria", filter=Q(criteria__in=of_category)))
        .filter(covered=len(of_category))
    )
    Feedback.criteria.through.objects.bulk_create(
        Feedback.criteria.through(feedback_id=feedback_id, criterion_id=criterion.pk)
        for feedback_id in covering.values_list("pk", flat=True)
    )


def criterion_version(criterion):
    """The version of `criterion` its edit form carries, to tell on saving whether someone saved
    it since (update_criterion)."""
    return version_of(getattr(criterion, name) for name in CRITERION_FIELDS)


@freshness.one_write()
def update_criterion(scorecard, key, fields, by, based_on=None):
    """Save the criterion `key` of `scorecard` from `fields`, audited when they change.
    `based_on`: the version (criterion_version()) its edit form showed; when someone saved
    another since, ChangedMeanwhile, nothing saved (the anchors they wrote would be gone,
    unseen)."""
    version = editable_version(scorecard)
    criterion = _criterion(version, key)
    refuse_if_saved_since(
        criterion,
        CRITERION_FIELDS,
        fields,
        based_on,
        _(
            "Someone saved this criterion after you opened it. Your text is below, not "
            "saved, and the criterion as it is now under it: save again to replace it with "
            "yours."
        ),
    )
    _refuse_name_taken(version.criteria.exclude(pk=criterion.pk), fields["name"])
    moved = fields["category"] != criterion.category
    if moved:
        keep_one_of_category(criterion)
    changes = _criterion_changes(criterion, fields)
    for name, value in fields.items():
        setattr(criterion, name, value)
    criterion.save()
    if moved:
        # Asked of the other focus now: as if removed from its old one and added to this.
        _take_off_scorecards(criterion)
        of_category = version.criteria.filter(category=criterion.category).exclude(pk=criterion.pk)
        _ask_of_whole_focus(criterion, list(of_category))
    if changes:
        details = f"“{criterion.name}”: {'; '.join(changes)}"
        _audit(AuditEvent.Action.CRITERION_CHANGED, scorecard, version, by, details)
    return criterion


def _criterion_changes(criterion, fields):
    """What `fields` change of `criterion`, for the audit trail in the stored language: its
    name, category and weight before → after (the weight counts in the weighted rule), its
    texts only as changed (they are long)."""
    changes = []
    if fields["name"] != criterion.name:
        changes.append(f"name “{criterion.name}” → “{fields['name']}”")
    if fields["category"] != criterion.category:
        with stored_words():
            before, after = Category(criterion.category).label, Category(fields["category"]).label
            changes.append(f"category {before} → {after}")
    if Decimal(fields["weight"]) != criterion.weight:
        changes.append(f"weight {_plain(criterion.weight)} → {_plain(fields['weight'])}")
    for name in ["description", *(f"anchor_{level}" for level in RATING_LEVELS), "questions"]:
        if fields[name] != getattr(criterion, name):
            changes.append(f"{name.replace('_', ' ')} changed")
    return changes


def _plain(weight):
    """A weight as people write it: 2, 1.5, not 2.00."""
    return format(Decimal(weight).normalize(), "f")


@freshness.one_write()
def remove_criterion(scorecard, key, by):
    version = editable_version(scorecard)
    criterion = _criterion(version, key)
    keep_one_of_category(criterion)
    _take_off_scorecards(criterion)
    criterion.delete()
    _audit(AuditEvent.Action.CRITERION_REMOVED, scorecard, version, by, f"“{criterion.name}”")


def _take_off_scorecards(criterion):
    """No scorecard given on `criterion`'s version (none submitted: it is edited in place) asks
    it any more, and their drafts' ratings of it go. One that asked it alone is asked the rest
    of its focus, as if assigned no choice: else it would be a vote alone."""
    through = Feedback.criteria.through.objects
    asking = through.filter(criterion=criterion).values("feedback")
    alone = list(
        Feedback.all_objects.filter(pk__in=asking)
        .annotate(asked=Count("criteria"))
        .filter(asked=1)
        .values_list("pk", "focus")
    )
    _draft_ratings(criterion).delete()
    through.filter(criterion=criterion).delete()
    rest = defaultdict(list)  # category: the other criteria's pks
    for pk, category in criterion.version.criteria.exclude(pk=criterion.pk).values_list(
        "pk", "category"
    ):
        rest[category].append(pk)
    through.bulk_create(
        Feedback.criteria.through(feedback_id=feedback_id, criterion_id=other)
        for feedback_id, focus in alone
        for other in rest[focus]
    )


def drafts_losing_work(criterion):
    """How many draft scorecards hold a rating or notes on `criterion` (of the current version)
    that removing it deletes, for the page that asks first. Zero once feedback was submitted
    on its version: the removal then goes to a new version, and the drafts keep theirs."""
    if criterion.version.has_submitted_feedback():
        return 0
    # A draft saved whole holds an empty rating of every criterion: nothing is lost with it.
    return _draft_ratings(criterion).exclude(score=None, no_evidence=False, notes="").count()


def _draft_ratings(criterion):
    # Only drafts can rate a criterion of an editable version; their ratings go with it.
    return criterion.ratings.filter(revision__submitted_at=None)


@freshness.one_write()
def move_criterion(scorecard, key, offset, by, seen=None):
    """Move a criterion up (offset -1) or down (+1) the list. `seen`: its place (from 1) on
    the page the move was sent from; moved since (a double click, two tabs), it stays there."""
    version = editable_version(scorecard)
    criteria = list(version.criteria.all())
    moved = _criterion(version, key)
    places = move_in_order(criteria, moved, offset, seen)
    if places is not None:
        details = f"“{moved.name}”: position {places[0]} → {places[1]}"
        _audit(AuditEvent.Action.CRITERION_MOVED, scorecard, version, by, details)


def _audit(action, scorecard, version, by, details):
    """A change of `scorecard`'s criteria in its team's audit trail, naming the scorecard, the
    opening it is of (if any) and the version the change went to: the weighted rule weighs
    feedback by these criteria, so who changed them, and when, is kept."""
    opening = getattr(scorecard, "opening", None)  # a library template is of none
    of = f" of opening “{opening.title}”" if opening else " (library template)"
    AuditEvent.record(
        action,
        by,
        scorecard.team,
        details=f"Scorecard “{scorecard.name}”{of}, version {version.number}: {details}",
    )


def _criterion(version, key):
    criterion = version.criteria.filter(key=key).first()
    if criterion is None:
        raise ValidationError(_("That criterion is not on this scorecard."))
    return criterion


def _refuse_name_taken(others, name):
    """A scorecard's criteria are told apart by their names, on its forms, in the debrief and
    in the reports' rows: a second of one name, in any case, is refused beside the name."""
    if any(other.name.casefold() == name.casefold() for other in others):
        message = _("This scorecard already has a criterion named “%(name)s”.") % {"name": name}
        raise ValidationError({"name": message})


def keep_one_of_category(criterion):
    others = criterion.version.criteria.filter(category=criterion.category).exclude(pk=criterion.pk)
    if not others.exists():
        messages = {
            Category.SKILLS: _("A scorecard needs at least one skills criterion."),
            Category.TEAM_FIT: _("A scorecard needs at least one team fit criterion."),
        }
        raise ValidationError(messages[criterion.category])
