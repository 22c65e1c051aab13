"""Who may see what in scorecards: each function returns the object for this user or raises 404."""

from django.shortcuts import get_object_or_404

from hiring.models import Team

from .models import Feedback, Scorecard


def get_scorecard_for_member(user, scorecard_id):
    """A scorecard only its team's members may see and edit."""
    return get_object_or_404(
        Scorecard.objects.filter(team__in=Team.objects.of_member(user)).select_related("team"),
        pk=scorecard_id,
    )


def get_feedback_for_author(user, feedback_id):
    """Feedback only its interviewer may open, draft and submit."""
    return get_object_or_404(
        Feedback.objects.select_related("application__candidate", "application__opening__team"),
        pk=feedback_id,
        interviewer=user,
    )


def can_read_all_feedback(user, application, own_feedback):
    """Independence first: others' feedback stays hidden until your own is in.

    Leadership reads all submitted feedback; recruiters never see ratings, notes or votes;
    a panelist sees the others' once all of their own is submitted. Team members off the
    panel read them once the debrief opens.
    """
    if user.is_leadership:
        return True
    if user.is_recruiter:
        return False
    if own_feedback:
        return all(f.is_submitted for f in own_feedback)
    return bool(application.debrief_opened_at) and application.opening.team.has_member(user)
