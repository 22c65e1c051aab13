"""A team's decision rule, evaluated on plain data into a recommendation with its reasons.

No database here: callers hand in the submitted scorecards (latest revision of each) and the
criteria, and get back what the rule recommends and why, in words a team can read at a debrief.

The order of evaluation, which is also the order of the reasons:

1. Quorum. Too few submitted scorecards, or too few distinct team-fit interviewers among them,
   and the answer is "not yet", whatever the votes say.
2. Veto. With ``strong_no_veto``, every "strong no" is a veto and the answer is "no hire".
3. The method: unanimous yes or majority yes over the votes, or the weighted scores. Its
   verdict is stated even when a veto has already decided the outcome.
4. Both categories. Whatever the method, skills and team fit each need a weighted score at or
   above their own threshold (SPEC principle 3): the weighted method is this check alone.

Votes are counted as the rule says: one per interviewer (yes only if all of their scorecards
vote yes; a strong no on any of them is theirs), or one per scorecard.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import TextChoices

from . import aggregation


class Method(TextChoices):
    MAJORITY = "majority", "Majority yes"
    UNANIMOUS = "unanimous", "Unanimous yes"
    WEIGHTED = "weighted", "Weighted score in both categories"


class VoteCounting(TextChoices):
    PER_INTERVIEWER = "interviewer", "One vote per interviewer"
    PER_SCORECARD = "scorecard", "One vote per scorecard"


class Outcome(TextChoices):
    HIRE = "hire", "Hire"
    NO_HIRE = "no_hire", "No hire"
    NOT_YET = "not_yet", "Not yet"


CATEGORY_LABELS = {"skills": "skills", "team_fit": "team fit"}
YES_VOTES = ("yes", "strong_yes")

# Weighted means of whole scores can land a hair below a threshold they equal (e.g. 2.9999999...);
# such a score meets the threshold.
_TOLERANCE = 1e-9


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class Rule:
    """Its fields are an opening's rule fields (`Opening.RULE_FIELDS` is read from here)."""

    decision_method: str  # a Method
    min_scorecards: int = 2  # quorum: submitted scorecards
    min_team_fit_peers: int = 1  # quorum: distinct interviewers who submitted a team-fit scorecard
    skills_threshold: float = 2.5  # every method: each category's score must be >= its own
    team_fit_threshold: float = 2.5
    strong_no_veto: bool = True  # combinable with any method
    vote_counting: str = VoteCounting.PER_INTERVIEWER  # a VoteCounting

    def __post_init__(self):
        if self.decision_method not in Method.values:
            raise ValueError(
                f"Unknown method: {self.decision_method!r}; expected one of {Method.values}"
            )
        for name in ("min_scorecards", "min_team_fit_peers"):
            value = getattr(self, name)
            if not _is_count(value) or value < 0:
                raise ValueError(f"{name} must be a whole number of at least 0, got {value!r}")
        low, high = aggregation.SCALE
        for name in ("skills_threshold", "team_fit_threshold"):
            value = getattr(self, name)
            if (
                not isinstance(value, int | float)
                or isinstance(value, bool)
                or not low <= value <= high
            ):
                raise ValueError(
                    f"{name} must be a number within {aggregation.SCALE}, got {value!r}"
                )
        if self.vote_counting not in VoteCounting.values:
            raise ValueError(
                f"Unknown vote counting: {self.vote_counting!r}; "
                f"expected one of {VoteCounting.values}"
            )
        if not isinstance(self.strong_no_veto, bool):
            raise ValueError(f"strong_no_veto must be True or False, got {self.strong_no_veto!r}")

    def describe(self) -> str:
        """The rule in the words of the debrief."""
        parts = [
            Method(self.decision_method).label.lower(),
            f"quorum {self.min_scorecards} {_plural(self.min_scorecards, 'scorecard')} and "
            f"{self.min_team_fit_peers} {_plural(self.min_team_fit_peers, 'team-fit peer')}",
            f"skills ≥ {self.skills_threshold:.2f}, team fit ≥ {self.team_fit_threshold:.2f}",
            VoteCounting(self.vote_counting).label.lower(),
        ]
        if self.strong_no_veto:
            parts.append("a strong no vetoes")
        return "; ".join(parts)

    def threshold(self, category: str) -> float:
        return {"skills": self.skills_threshold, "team_fit": self.team_fit_threshold}[category]


@dataclass(frozen=True)
class Scorecard:
    """One submitted scorecard (its latest revision)."""

    interviewer: str  # display name, used in reasons
    interviewer_id: int
    focus: str  # "skills" | "team_fit"
    vote: str  # one of aggregation.VOTES
    ratings: tuple[aggregation.Rating, ...] = ()

    def __post_init__(self):
        if self.focus not in aggregation.CATEGORIES:
            raise ValueError(f"Unknown focus: {self.focus!r}")
        if self.vote not in aggregation.VOTES:
            raise ValueError(f"Unknown vote: {self.vote!r}")
        # Accept any iterable of ratings, keep a tuple so the scorecard stays hashable.
        object.__setattr__(self, "ratings", tuple(self.ratings))


@dataclass(frozen=True)
class Recommendation:
    outcome: str  # an Outcome
    reasons: tuple[str, ...]  # in order: quorum first, then veto, then the method's verdict
    category_scores: dict[str, float | None]


def _plural(count: int, noun: str) -> str:
    return noun if count == 1 else f"{noun}s"


def quorum(rule: Rule, scorecards: Sequence[Scorecard]) -> tuple[bool, list[str]]:
    """Whether enough scorecards are in: it reads who submitted, never what they said."""
    submitted = len(scorecards)
    peers = len({card.interviewer_id for card in scorecards if card.focus == "team_fit"})
    missing = []
    if submitted < rule.min_scorecards:
        missing.append(
            f"quorum: {submitted} of {rule.min_scorecards} "
            f"{_plural(rule.min_scorecards, 'scorecard')} submitted"
        )
    if peers < rule.min_team_fit_peers:
        missing.append(
            f"quorum: {peers} of {rule.min_team_fit_peers} "
            f"{_plural(rule.min_team_fit_peers, 'team-fit peer')} submitted"
        )
    if missing:
        return False, missing
    return True, [
        f"quorum met: {submitted} {_plural(submitted, 'scorecard')}, "
        f"{peers} {_plural(peers, 'team-fit peer')}"
    ]


def _vetoes(scorecards: Sequence[Scorecard]) -> list[str]:
    return [
        f"veto: {card.interviewer} voted strong no on {CATEGORY_LABELS[card.focus]}"
        for card in scorecards
        if card.vote == "strong_no"
    ]


def counted_votes(rule: Rule, scorecards: Sequence[Scorecard]) -> list[str]:
    """The votes as the rule counts them: each scorecard's, or each interviewer's, which is the
    lowest of their scorecards' (yes only if all are yes; a strong no on any is theirs)."""
    if rule.vote_counting == VoteCounting.PER_SCORECARD:
        return [card.vote for card in scorecards]
    theirs = {}
    for card in scorecards:
        theirs.setdefault(card.interviewer_id, []).append(card.vote)
    return [min(votes, key=aggregation.VOTES.index) for votes in theirs.values()]


def _unanimous(votes: Sequence[str]) -> tuple[bool, list[str]]:
    tally = aggregation.vote_tally(votes)
    if tally.total == 0:
        return False, ["not unanimous: no votes"]
    if tally.no == 0:
        return True, [f"unanimous: {tally.yes} of {tally.total} voted yes"]
    return False, [f"not unanimous: {tally.no} of {tally.total} voted no"]


def _majority(votes: Sequence[str]) -> tuple[bool, list[str]]:
    tally = aggregation.vote_tally(votes)
    if 2 * tally.yes > tally.total:
        return True, [f"majority: {tally.yes} of {tally.total} voted yes"]
    return False, [f"no majority: {tally.yes} of {tally.total} voted yes"]


def _format_pair(score: float, threshold: float) -> tuple[str, str]:
    """Two decimals, or as many more as it takes for a score below its threshold to show it."""
    for decimals in range(2, 7):
        shown = f"{score:.{decimals}f}", f"{threshold:.{decimals}f}"
        if shown[0] != shown[1]:
            break
    return shown


def _both_categories(rule: Rule, scores: dict[str, float | None]) -> tuple[bool, list[str]]:
    passed, reasons = True, []
    for category in aggregation.CATEGORIES:
        label, score, threshold = (
            CATEGORY_LABELS[category],
            scores[category],
            rule.threshold(category),
        )
        if score is None:
            passed = False
            reasons.append(f"{label}: no evidence")
        elif score >= threshold - _TOLERANCE:
            reasons.append(f"{label} {score:.2f} ≥ {threshold:.2f}")
        else:
            passed = False
            shown_score, shown_threshold = _format_pair(score, threshold)
            reasons.append(f"{label} {shown_score} < {shown_threshold}")
    return passed, reasons


def evaluate(
    rule: Rule, scorecards: Sequence[Scorecard], criteria: Sequence[aggregation.Criterion]
) -> Recommendation:
    """What `rule` recommends given the submitted `scorecards`, and why."""
    scorecards = list(scorecards)
    scores = aggregation.category_scores(
        criteria, [rating for card in scorecards for rating in card.ratings]
    )

    quorum_met, reasons = quorum(rule, scorecards)
    if not quorum_met:
        return Recommendation(Outcome.NOT_YET, tuple(reasons), scores)

    vetoes = _vetoes(scorecards) if rule.strong_no_veto else []
    reasons += vetoes

    votes = counted_votes(rule, scorecards)
    passed, verdict = True, []
    if rule.decision_method == Method.UNANIMOUS:
        passed, verdict = _unanimous(votes)
    elif rule.decision_method == Method.MAJORITY:
        passed, verdict = _majority(votes)
    categories_pass, checks = _both_categories(rule, scores)
    reasons += verdict + checks

    outcome = Outcome.HIRE if passed and categories_pass and not vetoes else Outcome.NO_HIRE
    return Recommendation(outcome, tuple(reasons), scores)
