"""What a stage change writes to the candidate, queued in the transaction of the move: the
template chosen to go out on the new stage after the undo delay, or, for a rejection, the
rejection email waiting for a recruiter's confirmation. A move also takes back what an earlier
move queued and has not sent yet: it speaks of a stage the application has left."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from ..models import Application, CandidateEmail, EmailTemplate
from . import editing, messages

Kind = EmailTemplate.Kind
Stage = Application.Stage


def undo_delay():
    return timedelta(minutes=settings.CANDIDATE_EMAIL_UNDO_MINUTES)


def after_move(application, from_stage):
    """A move by hand (or the candidate's) from `from_stage` to the application's stage now.
    A move back within the undo delay of the one before undoes it, as if it was never made: the
    candidate hears of neither (a card dropped in the wrong column, whose stage has no news,
    and taken straight back is no news again of the stage it returns to), and the news the
    move undone took back, still to go then, goes again."""
    take_back_stage_emails(application)
    if application.stage == Stage.REJECTED:  # closed: no move takes it back
        kind = (
            Kind.REJECTED_AFTER_SCREEN
            if from_stage in Application.BEFORE_INTERVIEWS  # it says the team read the application
            else Kind.REJECTED_AFTER_INTERVIEWS
        )
        return messages.queue_email(application, kind, awaiting_confirmation=True)
    template = editing.on_stage(application)
    # Asked only of a stage with news: most moves have none, and read nothing more.
    if template is not None and _undone_with_no_news_taken_back(application, from_stage):
        return None
    return _on_stage(application, template)


def after_decision(application):
    """The team's decision took effect: the application is decided, at the offer stage or
    rejected after its interviews."""
    take_back_stage_emails(application)
    if application.stage == Stage.REJECTED:
        return messages.queue_email(
            application, Kind.REJECTED_AFTER_INTERVIEWS, awaiting_confirmation=True
        )
    return _on_stage(application, editing.on_stage(application))


def _on_stage(application, template):
    """The email of `template` (editing.on_stage()), if any, queued after the undo delay."""
    if template is None:
        return None
    return messages.queue_email(application, template.kind, template=template, delay=undo_delay())


def take_back_stage_emails(application):
    """Cancel the emails an earlier move queued (Teamfit's, not a person's) still in their undo
    delay: "you are through to the panel" must not reach a candidate rejected, withdrawn or
    moved back since. The move itself renews the application's page. All an erasure's
    withdrawal does here (status.withdraw): the candidate did not withdraw, nothing tells them
    they did."""
    pending = _stage_emails(application).filter(
        status=CandidateEmail.Status.SCHEDULED, send_after__gt=timezone.now()
    )
    messages.cancel_unsent(pending)


def _stage_emails(application):
    """The emails moves queued to the candidate: Teamfit's, not a person's."""
    return application.emails.filter(created_by=None, kind__in=editing.AUTOMATIC_KINDS)


def _undone_with_no_news_taken_back(application, from_stage):
    """Whether the move just made returns the application to the stage the one before left,
    within the undo delay of that one, which took back no news still to go (that news, of this
    stage, is to go again)."""
    undone = (
        application.stage_changes.filter(to_stage=from_stage, at__gt=timezone.now() - undo_delay())
        .order_by("-at", "-pk")
        .values_list("from_stage", "at")
        .first()
    )
    if undone is None or undone[0] != application.stage:
        return False
    moved_at = undone[1]
    taken_back = _stage_emails(application).filter(
        status=CandidateEmail.Status.CANCELLED, created_at__lt=moved_at, cancelled_at__gte=moved_at
    )
    return not taken_back.exists()
