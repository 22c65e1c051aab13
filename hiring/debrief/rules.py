"""An opening's decision rule. The team changes it by a proposal settled by its membership rule
(hiring.teams.membership.propose_decision_rule); the change never reaches an application that
already has submitted feedback: that application keeps the rule its scorecards were given under."""

from django.core.exceptions import ValidationError

from scorecards import recommendation
from scorecards.models import Feedback

from ..models import Application, Opening, rule_snapshot


def checked_snapshot(values):
    """A rule's fields as plain data, or ValidationError when they make no rule."""
    snapshot = rule_snapshot({name: values[name] for name in Opening.RULE_FIELDS})
    try:
        recommendation.Rule(**snapshot)
    except ValueError as error:
        raise ValidationError(str(error)) from error
    return snapshot


def reached(applications):
    """Of `applications`, those a rule change still reaches: without submitted feedback nor an
    open debrief. A join would bypass Feedback's manager: a practice scorecard, counted nowhere,
    binds no rule. Nor does one whose debrief opened: the team decides there by the rule it
    opened under."""
    return applications.filter(debrief_opened_at=None).exclude(
        pk__in=Feedback.objects.filter(submitted_at__isnull=False).values("application")
    )


def lock_applications(openings):
    """Lock `openings` (a query of openings) and the applications of them a rule change still
    reaches, each in pk order. Every write that reaches an application locks its row before the
    team's (a submission, a decision and its withdrawal, whose team versions move as they end),
    and one that starts an application locks its opening first: a rule change, made under the
    team's lock, locks the openings and applications it may change before it takes the team's.
    One it no longer reaches never will again (a submission stays, a debrief stays open), and
    is left to the writes on it."""
    list(Opening.objects.filter(pk__in=openings).select_for_update().order_by("pk").values("pk"))
    applications = reached(Application.objects.filter(opening__in=openings))
    list(applications.select_for_update(of=("self",)).order_by("pk").values_list("pk"))


def change_rule(opening, snapshot):
    """Give `opening` the rule `snapshot`, and every application of it without submitted
    feedback nor an open debrief. Returns how many applications took it."""
    # Locked before they are chosen: a submission under way holds its application's row, and
    # the feedback it submits is seen, once it commits, by the UPDATE below (a statement read
    # after the lock), which so leaves that application its rule.
    lock_applications(Opening.objects.filter(pk=opening.pk))
    for name, value in snapshot.items():
        setattr(opening, name, value)
    opening.save(update_fields=list(snapshot))
    return reached(opening.applications.all()).update(decision_rule=opening.rule_snapshot())
