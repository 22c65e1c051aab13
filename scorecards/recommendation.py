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
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from . import aggregation


class Method(TextChoices):
    MAJORITY = "majority", gettext_lazy("Majority yes")
    UNANIMOUS = "unanimous", gettext_lazy("Unanimous yes")
    WEIGHTED = "weighted", gettext_lazy("Weighted score in both categories")


class VoteCounting(TextChoices):
    PER_INTERVIEWER = "interviewer", gettext_lazy("One vote per interviewer")
    PER_SCORECARD = "scorecard", gettext_lazy("One vote per scorecard")


class Outcome(TextChoices):
    HIRE = "hire", gettext_lazy("Hire")
    NO_HIRE = "no_hire", gettext_lazy("No hire")
    NOT_YET = "not_yet", gettext_lazy("Not yet")


# The method and the vote counting inside a sentence (their labels in lower case, in English).
METHOD_PHRASES = {
    Method.MAJORITY: gettext_lazy("majority yes"),
    Method.UNANIMOUS: gettext_lazy("unanimous yes"),
    Method.WEIGHTED: gettext_lazy("weighted score in both categories"),
}
VOTE_COUNTING_PHRASES = {
    VoteCounting.PER_INTERVIEWER: gettext_lazy("one vote per interviewer"),
    VoteCounting.PER_SCORECARD: gettext_lazy("one vote per scorecard"),
}
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
            str(METHOD_PHRASES[self.decision_method]),
            _("quorum %(scorecards)s and %(peers)s")
            % {
                "scorecards": _scorecards(self.min_scorecards),
                "peers": _peers(self.min_team_fit_peers),
            },
            _("skills ≥ %(skills)s, team fit ≥ %(team_fit)s")
            % {
                "skills": _decimal(f"{self.skills_threshold:.2f}"),
                "team_fit": _decimal(f"{self.team_fit_threshold:.2f}"),
            },
            str(VOTE_COUNTING_PHRASES[self.vote_counting]),
        ]
        if self.strong_no_veto:
            parts.append(_("a strong no vetoes"))
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


# The reasons are in the active language (the recorded decision keeps them in English).
def _scorecards(count: int) -> str:
    return ngettext("%(count)s scorecard", "%(count)s scorecards", count) % {"count": count}


def _peers(count: int) -> str:
    return ngettext("%(count)s team-fit peer", "%(count)s team-fit peers", count) % {"count": count}


def _decimal(shown: str) -> str:
    """A number formatted with a point, with the active language's decimal separator."""
    return shown.replace(".", get_format("DECIMAL_SEPARATOR"))


def quorum(rule: Rule, scorecards: Sequence[Scorecard]) -> tuple[bool, list[str]]:
    """Whether enough scorecards are in: it reads who submitted, never what they said."""
    submitted = len(scorecards)
    peers = len({card.interviewer_id for card in scorecards if card.focus == "team_fit"})
    missing = []
    # Never met on no feedback: a rule given a quorum of 0 (once allowed) still waits for one.
    required = max(rule.min_scorecards, 1)
    if submitted < required:
        missing.append(
            ngettext(
                "quorum: %(submitted)s of %(required)s scorecard submitted",
                "quorum: %(submitted)s of %(required)s scorecards submitted",
                required,
            )
            % {"submitted": submitted, "required": required}
        )
    if peers < rule.min_team_fit_peers:
        missing.append(
            ngettext(
                "quorum: %(submitted)s of %(required)s team-fit peer submitted",
                "quorum: %(submitted)s of %(required)s team-fit peers submitted",
                rule.min_team_fit_peers,
            )
            % {"submitted": peers, "required": rule.min_team_fit_peers}
        )
    if missing:
        return False, missing
    return True, [
        _("quorum met: %(scorecards)s, %(peers)s")
        % {"scorecards": _scorecards(submitted), "peers": _peers(peers)}
    ]


def _vetoes(scorecards: Sequence[Scorecard]) -> list[str]:
    vetoes = {
        "skills": _("veto: %(interviewer)s voted strong no on skills"),
        "team_fit": _("veto: %(interviewer)s voted strong no on team fit"),
    }
    return [
        vetoes[card.focus] % {"interviewer": card.interviewer}
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
    tally = aggregation.vote_tally(votes)  # never empty: no quorum is met without a scorecard
    if tally.no == 0:
        return True, [
            _("unanimous: %(yes)s of %(total)s voted yes")
            % {"yes": tally.yes, "total": tally.total}
        ]
    return False, [
        _("not unanimous: %(no)s of %(total)s voted no") % {"no": tally.no, "total": tally.total}
    ]


def _majority(votes: Sequence[str]) -> tuple[bool, list[str]]:
    tally = aggregation.vote_tally(votes)
    counts = {"yes": tally.yes, "total": tally.total}
    if 2 * tally.yes > tally.total:
        return True, [_("majority: %(yes)s of %(total)s voted yes") % counts]
    return False, [_("no majority: %(yes)s of %(total)s voted yes") % counts]


def _format_pair(score: float, threshold: float) -> tuple[str, str]:
    """Two decimals, or as many more as it takes for a score below its threshold to show it."""
    for decimals in range(2, 7):
        shown = f"{score:.{decimals}f}", f"{threshold:.{decimals}f}"
        if shown[0] != shown[1]:
            break
    return shown


def _category_reasons():
    """Per category: (no evidence, at or above the threshold, below it)."""
    return {
        "skills": (
            _("skills: no evidence"),
            _("skills %(score)s ≥ %(threshold)s"),
            _("skills %(score)s < %(threshold)s"),
        ),
        "team_fit": (
            _("team fit: no evidence"),
            _("team fit %(score)s ≥ %(threshold)s"),
            _("team fit %(score)s < %(threshold)s"),
        ),
    }


def _both_categories(rule: Rule, scores: dict[str, float | None]) -> tuple[bool, list[str]]:
    passed, reasons = True, []
    wording = _category_reasons()
    for category in aggregation.CATEGORIES:
        score, threshold = scores[category], rule.threshold(category)
        no_evidence, meets, misses = wording[category]
        if score is None:
            passed = False
            reasons.append(no_evidence)
        elif score >= threshold - _TOLERANCE:
            reasons.append(
                meets
                % {"score": _decimal(f"{score:.2f}"), "threshold": _decimal(f"{threshold:.2f}")}
            )
        else:
            passed = False
            shown_score, shown_threshold = _format_pair(score, threshold)
            reasons.append(
                misses % {"score": _decimal(shown_score), "threshold": _decimal(shown_threshold)}
            )
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
