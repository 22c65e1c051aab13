"""Who may see what in scorecards: each function returns the object for this user or raises 404."""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from hiring.access import is_the_candidate
from hiring.models import Team, User

from .models import Criterion, Feedback, Scorecard


def get_scorecard_for_member(user, scorecard_id):
    """A scorecard only its team's members may see and edit, with its team and opening (if any):
    the editor names the opening, and so does the audit trail an edit writes to the team's."""
    scorecards = Scorecard.objects.filter(team__in=Team.objects.of_member(user))
    return get_object_or_404(scorecards.select_related("team", "opening"), pk=scorecard_id)


def get_feedback_for_author(user, feedback_id, locked=False):
    """Feedback only its interviewer may open, draft and submit (a practice one too), while a
    member of the application's team: one who left amended their scorecard, a veto from
    outside the team. `locked`: for a write, its row and its application's locked until the
    caller's transaction ends, one read for the check and the write."""
    feedback = Feedback.all_objects.select_related(
        "application__candidate", "application__opening__team"
    ).filter(application__opening__team__memberships__user=user)
    if locked:
        feedback = feedback.select_for_update(of=("self", "application"))
    return get_object_or_404(feedback, pk=feedback_id, interviewer=user)


def criteria_for_author(user, feedback_id):
    """The criteria of the feedback `feedback_id`, in the form's order, if this user is its
    interviewer; none otherwise. Whether they may still write it (a member of its team) is the
    write's own locked read's to decide (get_feedback_for_author): asked here too, it cost
    PostgreSQL a millisecond of planning the joins up to the memberships."""
    theirs = Feedback.criteria.through.objects.filter(
        feedback_id=feedback_id, feedback__interviewer=user
    )
    return list(
        Criterion.objects.filter(pk__in=theirs.values("criterion_id")).order_by("position", "pk")
    )


class PanelFeedback(list):
    """The application's scorecards that count, and who still writes a practice one (in the
    same query: a page asks who may read the panel without one more)."""

    def __init__(self, feedback):
        super().__init__(f for f in feedback if not f.practice)
        self.practising = {f.interviewer_id for f in feedback if f.practice and f.is_waiting}


def reads_panel_feedback(user, application, panel):
    """Independence: whether `user` may read the others' submitted feedback on `application`
    (ratings, notes, takeaways, votes, amendment reasons) and all that is derived from it
    (tallies, the recommendation and its reasons, category scores, spreads). `panel` is the
    application's feedback (a PanelFeedback), of which only `user`'s own scorecards are read.
    Nobody ever reads another's draft.

    A panelist still to write their scorecard reads nothing, whatever their role, nor does a
    trainee still to write their practice scorecard, nor the candidate (a member who applied,
    a hire who joined the team: hiring.access.is_the_candidate).
    Then: leadership reads (and records nothing); a panelist once their own is submitted; a
    member of the team once the debrief opened. Recruiters and admins as such never do.
    """
    own = [feedback for feedback in panel if feedback.interviewer_id == user.pk]
    if still_to_score(user, panel):
        return False
    if user.is_leadership or any(feedback.is_submitted for feedback in own):
        reads = True
    else:
        reads = bool(application.debrief_opened_at) and application.opening.team.has_member(user)
    # Asked last: only of someone who would read.
    return reads and not is_the_candidate(user, application)


def still_to_score(user, panel):
    """Whether `user` has a scorecard on this panel still to write, a practice one too: they
    read nobody else's and take no part in the decision until it is in. `panel` is
    hiring.debrief.decisions.panel_feedback's."""
    practising = getattr(panel, "practising", ())
    return user.pk in practising or any(f.is_waiting for f in panel if f.interviewer_id == user.pk)


def get_trainee_for(viewer, team_id, trainee_id):
    """A trainee's path in a team, and the team: for the trainee and the team's members only.
    A trainee is a trainee in one of the team's pools, or has written practice there."""
    team = get_object_or_404(Team.objects.of_member(viewer), pk=team_id)
    trainees = User.objects.filter(
        Q(pk__in=team.pool_members.filter(trainee=True).values("user"))
        | Q(
            pk__in=Feedback.all_objects.practice()
            .filter(application__opening__team=team)
            .values("interviewer")
        )
    )
    return team, get_object_or_404(trainees, pk=trainee_id)
