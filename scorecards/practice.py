"""A trainee's practice scorecards against their panels' consensus, and their path to graduation.

A practice scorecard is compared once the debrief opens: per criterion, its score minus the
mean of the panel's scores (the latest submitted revision of each scorecard that counts);
overall, whether its vote fell on the same side as most of the panel's (yes and strong yes
against no and strong no). The pure functions take plain data; the rest reads the database.
"""

from dataclasses import dataclass, field, replace
from statistics import fmean

from django.db.models import F, Prefetch

from .access import PanelFeedback, reads_panel_feedback
from .models import Feedback, Rating, Vote

POSITIVE = {Vote.YES, Vote.STRONG_YES}
NEGATIVE = {Vote.NO, Vote.STRONG_NO}


def side(vote):
    """+1 for yes or strong yes, -1 for no or strong no, None for no vote."""
    if vote in POSITIVE:
        return 1
    if vote in NEGATIVE:
        return -1
    return None


def panel_side(votes):
    """The side most of the panel's votes fell on; None when they split evenly or none voted."""
    total = sum(filter(None, map(side, votes)))
    return (total > 0) - (total < 0) or None


@dataclass(frozen=True)
class Comparison:
    # criterion key -> (practice score, panel mean, difference); only criteria both scored
    differences: dict = field(default_factory=dict)
    vote_agreed: bool | None = None  # None: the panel split evenly, or a vote is missing

    @property
    def mean_absolute(self):
        """Mean absolute difference per criterion; None when no criterion could be compared."""
        gaps = [abs(difference) for _score, _mean, difference in self.differences.values()]
        return fmean(gaps) if gaps else None

    def within(self, tolerance):
        mean = self.mean_absolute
        return mean is not None and mean <= float(tolerance)


def compare(practice_scores, panel_scores, practice_vote, panel_votes):
    """`practice_scores`: criterion key -> score or None (no evidence); `panel_scores`: criterion
    key -> the panel's scores; the votes as Vote values."""
    differences = {}
    for key, score in practice_scores.items():
        scores = [s for s in panel_scores.get(key, ()) if s is not None]
        if score is None or not scores:
            continue
        mean = fmean(scores)
        differences[key] = (score, mean, score - mean)
    mine, theirs = side(practice_vote), panel_side(panel_votes)
    agreed = None if mine is None or theirs is None else mine == theirs
    return Comparison(differences=differences, vote_agreed=agreed)


@dataclass(frozen=True)
class Summary:
    compared: int  # practice cases with a comparison
    within: int  # of them, within the tolerance
    mean_absolute: float | None  # over every criterion compared, all cases together
    vote_agreement: float | None  # share of the cases with a panel side where the vote agreed


def summarise(comparisons, tolerance):
    gaps = [abs(d) for c in comparisons for _s, _m, d in c.differences.values()]
    votes = [c.vote_agreed for c in comparisons if c.vote_agreed is not None]
    return Summary(
        compared=len(comparisons),
        within=sum(1 for c in comparisons if c.within(tolerance)),
        mean_absolute=fmean(gaps) if gaps else None,
        vote_agreement=votes.count(True) / len(votes) if votes else None,
    )


# The database.


@dataclass
class Case:
    feedback: Feedback
    comparison: Comparison | None = None  # until submitted and the debrief opened
    criteria: list = field(default_factory=list)  # (criterion, score, panel mean, difference)

    @property
    def application(self):
        return self.feedback.application


def practice_of(trainee, team):
    """The trainee's practice scorecards on the team's applications, with their latest
    submission and its ratings."""
    found = (
        Feedback.all_objects.practice()
        .filter(interviewer=trainee, application__opening__team=team)
        .select_related("application__candidate", "application__opening", "latest_submission")
        .prefetch_related(
            Prefetch(
                "latest_submission__ratings",
                queryset=Rating.objects.select_related("criterion"),
            )
        )
        .order_by("-assigned_at", "-pk")
    )
    for feedback in found:
        # One team object for all: whether a reader is its member is read once (shown_to).
        feedback.application.opening.team = team
    return found


def _panels(application_ids):
    """Per application: criterion key -> the panel's scores, and the panel's votes."""
    scores, votes = {}, {}
    ratings = Rating.objects.filter(
        revision__feedback__application__in=application_ids,
        revision__feedback__practice=False,
        revision__feedback__latest_submission=F("revision"),
    ).values_list("revision__feedback__application_id", "criterion__key", "score")
    for application_id, key, score in ratings:
        scores.setdefault(application_id, {}).setdefault(key, []).append(score)
    latest = Feedback.objects.filter(
        application__in=application_ids, latest_submission__isnull=False
    ).values_list("application_id", "latest_submission__vote")
    for application_id, vote in latest:
        votes.setdefault(application_id, []).append(vote)
    return scores, votes


def cases(trainee, team):
    """Each practice case of the trainee in the team, compared once it can be."""
    found = [Case(feedback) for feedback in practice_of(trainee, team)]
    opened = [
        case.application.pk
        for case in found
        if case.application.debrief_opened_at and case.feedback.is_submitted
    ]
    scores, votes = _panels(opened)
    for case in found:
        application_id = case.application.pk
        # A scorecard still to write has nothing to compare, even beside a submitted one.
        if application_id not in opened or not case.feedback.is_submitted:
            continue
        revision = case.feedback.latest_submission
        ratings = list(revision.ratings.all())
        panel = scores.get(application_id, {})
        case.comparison = compare(
            {r.criterion.key: r.score for r in ratings},
            panel,
            revision.vote,
            votes.get(application_id, []),
        )
        for rating in sorted(ratings, key=lambda r: (r.criterion.position, r.criterion.pk)):
            _score, mean, difference = case.comparison.differences.get(
                rating.criterion.key, (rating.score, None, None)
            )
            case.criteria.append((rating.criterion, rating.score, mean, difference))
    return found


def shown_to(viewer, trainee, found):
    """The cases `viewer` may read: the trainee all their own (they wrote them), a member of
    the team those compared. A comparison tells the panel's scores: only to those who read
    them (scorecards.access.reads_panel_feedback), not to someone still writing a scorecard
    there, nor to the hire it was about, who may have joined the team."""
    theirs = {}
    compared = [case.application.pk for case in found if case.comparison]
    for feedback in Feedback.all_objects.filter(interviewer=viewer, application__in=compared):
        theirs.setdefault(feedback.application_id, []).append(feedback)
    shown = [
        case
        if not case.comparison
        or reads_panel_feedback(
            viewer, case.application, PanelFeedback(theirs.get(case.application.pk, []))
        )
        else replace(case, comparison=None, criteria=[])
        for case in found
    ]
    return shown if viewer.pk == trainee.pk else [case for case in shown if case.comparison]


def ready(found, team):
    """Whether the cases hold at least the team's number of practice scorecards within its
    tolerance: then a member may propose the trainee as a full interviewer."""
    comparisons = [case.comparison for case in found if case.comparison]
    return summarise(comparisons, team.practice_tolerance).within >= team.practice_to_graduate


def graduation_ready(trainee, team, seen_by=None):
    """ready() of the trainee's cases, those `seen_by` may read if given: a member still writing
    on a case learns nothing of it from whether the trainee is ready."""
    found = cases(trainee, team)
    return ready(found if seen_by is None else shown_to(seen_by, trainee, found), team)
