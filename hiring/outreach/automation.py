"""What a stage change writes to the candidate, queued in the transaction of the move: the
template chosen to go out on the new stage after the undo delay, or, for a rejection, the
rejection email waiting for a recruiter's confirmation."""

from datetime import timedelta

from django.conf import settings

from ..models import Application, EmailTemplate
from . import editing, messages

Kind = EmailTemplate.Kind
Stage = Application.Stage


def undo_delay():
    return timedelta(minutes=settings.CANDIDATE_EMAIL_UNDO_MINUTES)


def after_move(application, from_stage):
    """A move by hand from `from_stage` to the application's stage now."""
    if application.stage == Stage.REJECTED:
        kind = (
            Kind.REJECTED_AFTER_SCREEN
            if from_stage in Application.BEFORE_INTERVIEWS  # it says the team read the application
            else Kind.REJECTED_AFTER_INTERVIEWS
        )
        return messages.queue_email(application, kind, awaiting_confirmation=True)
    return _on_stage(application)


def after_decision(application):
    """The team's decision took effect: the application is decided, at the offer stage or
    rejected after its interviews."""
    if application.stage == Stage.REJECTED:
        return messages.queue_email(
            application, Kind.REJECTED_AFTER_INTERVIEWS, awaiting_confirmation=True
        )
    return _on_stage(application)


def _on_stage(application):
    template = editing.on_stage(application.opening.team_id, application.stage)
    if template is None:
        return None
    return messages.queue_email(application, template.kind, template=template, delay=undo_delay())
