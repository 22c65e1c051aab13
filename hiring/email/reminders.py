"""Reminders polled from the database by beat: each is keyed, so it goes out once."""

from datetime import timedelta

from django.utils import timezone

from scorecards.models import Feedback

from ..models import SessionInterviewer
from .notifications import send_once, templated_email

BEFORE_SESSION = timedelta(hours=24)
# Feedback still missing this many days after the interview is escalated to the team.
ESCALATE_AFTER_DAYS = 2


def send_due(now=None):
    now = now or timezone.now()
    return _before_sessions(now) + _overdue_feedback(now)


def _before_sessions(now):
    seats = SessionInterviewer.objects.filter(
        start__gt=now, start__lte=now + BEFORE_SESSION
    ).select_related("user", "session__panel__application__candidate")
    return sum(
        send_once(
            f"reminder:{seat.pk}:{seat.start.isoformat()}",
            lambda seat=seat: templated_email(
                "reminder_before", seat.user.email, {"seat": seat, "session": seat.session}
            ),
        )
        for seat in seats
    )


def _overdue_feedback(now):
    overdue = Feedback.objects.filter(
        submitted_at=None, session__cancelled_at=None, session__end__lte=now
    ).select_related(
        "interviewer", "session", "application__candidate", "application__opening__team"
    )
    sent = 0
    for feedback in overdue:
        days = (now - feedback.session.end).days
        context = {"feedback": feedback, "days": days}
        sent += send_once(
            f"overdue:{feedback.pk}:{days}",
            lambda context=context: templated_email(
                "feedback_overdue", context["feedback"].interviewer.email, context
            ),
        )
        if days >= ESCALATE_AFTER_DAYS:
            team = feedback.application.opening.team
            for member in team.members.exclude(pk=feedback.interviewer_id):
                sent += send_once(
                    f"overdue:{feedback.pk}:{days}:team:{member.pk}",
                    lambda member=member, context=context: templated_email(
                        "feedback_escalated", member.email, {**context, "member": member}
                    ),
                )
    return sent
