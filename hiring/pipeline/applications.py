"""Openings, candidates and applications: the pipeline a team hires through."""

from django.core.exceptions import ValidationError
from django.db import transaction

from scorecards.editing import copy_scorecard

from ..models import Application, Candidate, Opening, StageChange
from ..outreach import automation


@transaction.atomic
def create_opening(team, template, **fields):
    """An opening with its own copy of a library scorecard, which the team can then adapt."""
    opening = Opening(team=team, **fields)
    opening.scorecard = copy_scorecard(template, name=f"{fields['title']} scorecard")
    opening.save()
    return opening


@transaction.atomic
def add_application(opening, by, **candidate_fields):
    check_open(opening)
    candidate = Candidate.objects.create(**candidate_fields)
    return start_application(candidate, opening, by)


def check_open(opening):
    if opening.status != Opening.Status.OPEN:
        raise ValidationError("This opening is closed to new applications.")


def start_application(candidate, opening, by, **fields):
    """`candidate`'s application to `opening`, in Applied from its first recorded move; `fields`
    are the application's own (source, referred_by, note)."""
    application = Application.objects.create(candidate=candidate, opening=opening, **fields)
    StageChange.objects.create(application=application, to_stage=application.stage, by=by)
    return application


@transaction.atomic
def move_stage(application, stage, by):
    """Move by hand between the stages people may set; decisions set the others."""
    if stage not in Application.MANUAL_STAGES:
        raise ValidationError("Only the team's decision moves an application to that stage.")
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.is_closed:
        raise ValidationError(f"This application is {application.get_stage_display().lower()}.")
    from_stage = application.stage
    application.move_to(stage, by)
    automation.after_move(application, from_stage)
    return application
