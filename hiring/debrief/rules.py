"""An opening's decision rule. The team changes it by a proposal settled by its membership rule
(hiring.teams.membership.propose_decision_rule); the change never reaches an application that
already has submitted feedback: that application keeps the rule its scorecards were given under."""

from django.core.exceptions import ValidationError

from scorecards import recommendation
from scorecards.models import Feedback

from ..models import Opening, rule_snapshot


def checked_snapshot(values):
    """A rule's fields as plain data, or ValidationError when they make no rule."""
    snapshot = rule_snapshot({name: values[name] for name in Opening.RULE_FIELDS})
    try:
        recommendation.Rule(**snapshot)
    except ValueError as error:
        raise ValidationError(str(error)) from error
    return snapshot


def change_rule(opening, snapshot):
    """Give `opening` the rule `snapshot`, and every application of it without submitted
    feedback. Returns how many applications took it."""
    for name, value in snapshot.items():
        setattr(opening, name, value)
    opening.save(update_fields=list(snapshot))
    # A join bypasses Feedback's manager: a practice scorecard, counted nowhere, binds no rule.
    untouched = opening.applications.exclude(
        pk__in=Feedback.objects.filter(submitted_at__isnull=False).values("application")
    )
    return untouched.update(decision_rule=opening.rule_snapshot())
