"""Scorecard arithmetic on plain data, so it can be tested without the database.

A score of None means "no evidence": it is left out of every figure, never counted as zero.
"""

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

SCALE = (1, 4)
CATEGORIES = ("skills", "team_fit")
VOTES = ("strong_no", "no", "yes", "strong_yes")


@dataclass(frozen=True)
class Criterion:
    id: int
    category: str
    weight: float

    def __post_init__(self):
        if self.category not in CATEGORIES:
            raise ValueError(f"Unknown category: {self.category!r}")
        if not self.weight > 0:
            raise ValueError(f"Weight must be positive, got {self.weight!r}")


@dataclass(frozen=True)
class Rating:
    interviewer_id: int
    criterion_id: int
    score: int | None

    def __post_init__(self):
        low, high = SCALE
        if self.score is not None and not low <= self.score <= high:
            raise ValueError(f"Score {self.score!r} is outside {SCALE}")


@dataclass(frozen=True)
class Spread:
    count: int
    mean: float
    low: int
    high: int
    range: int
    stdev: float


@dataclass(frozen=True)
class Tally:
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def yes(self) -> int:
        return self.counts["yes"] + self.counts["strong_yes"]

    @property
    def no(self) -> int:
        return self.counts["no"] + self.counts["strong_no"]


def _scores_by_criterion(ratings: Iterable[Rating]) -> dict[int, list[int]]:
    scores = defaultdict(list)
    for rating in ratings:
        if rating.score is not None:
            scores[rating.criterion_id].append(rating.score)
    return dict(scores)


def criterion_means(ratings: Iterable[Rating]) -> dict[int, float]:
    return {
        criterion_id: statistics.fmean(scores)
        for criterion_id, scores in _scores_by_criterion(ratings).items()
    }


def category_scores(
    criteria: Iterable[Criterion], ratings: Iterable[Rating]
) -> dict[str, float | None]:
    """Weighted mean of criterion means per category, over the criteria that have evidence."""
    criteria = list(criteria)
    means = criterion_means(ratings)
    result = {}
    for category in CATEGORIES:
        rated = [
            (c.weight, means[c.id]) for c in criteria if c.category == category and c.id in means
        ]
        if not rated:
            result[category] = None
            continue
        total_weight = sum(weight for weight, _ in rated)
        result[category] = sum(weight * mean for weight, mean in rated) / total_weight
    return result


def criterion_spread(ratings: Iterable[Rating]) -> dict[int, Spread]:
    return {
        criterion_id: Spread(
            count=len(scores),
            mean=statistics.fmean(scores),
            low=min(scores),
            high=max(scores),
            range=max(scores) - min(scores),
            stdev=statistics.pstdev(scores),
        )
        for criterion_id, scores in _scores_by_criterion(ratings).items()
    }


def most_disputed(ratings: Iterable[Rating], limit: int = 3) -> list[tuple[int, Spread]]:
    """The criteria interviewers disagree on most; one rating alone cannot disagree."""
    disputed = [item for item in criterion_spread(ratings).items() if item[1].count >= 2]
    disputed.sort(key=lambda item: (-item[1].range, -item[1].stdev, item[0]))
    return disputed[:limit]


def vote_tally(votes: Iterable[str]) -> Tally:
    counts = Counter(votes)
    unknown = set(counts) - set(VOTES)
    if unknown:
        raise ValueError(f"Unknown votes: {sorted(unknown)}")
    return Tally({vote: counts[vote] for vote in VOTES})
