"""Agreement between raters, on plain data so it can be tested without the database.

Two figures for the reports:

- ``krippendorff_alpha_ordinal``: how consistently a team scores one criterion, as Krippendorff's
  alpha for ordinal data (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability").
- ``calibration``: how each interviewer's ratings and votes sit against the rest of their panels.

Scores of "no evidence" are left out by the callers before they reach this module.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

LEVELS = (1, 2, 3, 4)
VOTE_VALUES = {"strong_no": 1, "no": 2, "yes": 3, "strong_yes": 4}
# How far, on the 1-4 scale, an interviewer's mean offset must be to lean one way.
LEANING_THRESHOLD = 0.5


def krippendorff_alpha_ordinal(
    units: Sequence[Sequence[int | None]], levels: Sequence[int] = LEVELS
) -> float | None:
    """Krippendorff's alpha for ordinal data, by the coincidence-matrix formulation.

    ``units`` holds one sequence per rated unit (an application x criterion), with each rater's
    value or None where that rater gave none. Only pairable values count: a unit with fewer than
    two values is ignored. Each unit with m values adds 1/(m - 1) to the coincidence o_ck of every
    ordered pair of values from different raters; n_c are the marginals and n their total. The
    ordinal distance between levels c <= k is (n_c + ... + n_k - (n_c + n_k) / 2) ** 2, and

        alpha = 1 - (n - 1) * sum(o_ck * delta_ck) / sum(n_c * n_k * delta_ck).

    1.0 is perfect agreement, 0.0 agreement no better than chance, below 0 systematic
    disagreement. Returns None when alpha is undefined: there is no pairable value (n == 0), or
    every pairable value is the same, so there is no expected disagreement to compare with (the
    raters may agree perfectly, but the data cannot tell agreement from a scale used at one point).

    A value outside ``levels`` raises ValueError, wherever it is (even in an ignored unit).
    Levels are ordered by value; levels nobody used do not change the result.
    """
    ordered = sorted(set(levels))
    rank = {level: index for index, level in enumerate(ordered)}

    # Per-level coincidence counts, accumulated unit by unit: only the values present matter.
    coincidences: Counter[tuple[int, int]] = Counter()
    for unit in units:
        values = [value for value in unit if value is not None]
        for value in values:
            if isinstance(value, bool) or value not in rank:
                raise ValueError(f"Value {value!r} is not one of the levels {tuple(ordered)}")
        pairable = len(values)
        if pairable < 2:
            continue
        counts = Counter(rank[value] for value in values)
        for c, n_uc in counts.items():
            for k, n_uk in counts.items():
                pairs = n_uc * (n_uk - 1) if c == k else n_uc * n_uk
                if pairs:
                    coincidences[c, k] += pairs / (pairable - 1)

    marginals = [0.0] * len(ordered)
    for (c, _k), o_ck in coincidences.items():
        marginals[c] += o_ck
    total = sum(marginals)
    if total == 0:
        return None

    # Cumulative sums make each ordinal distance O(1): sum(n_g for g in c..k) = cum[k+1] - cum[c].
    cumulative = [0.0]
    for n_g in marginals:
        cumulative.append(cumulative[-1] + n_g)

    def distance(c: int, k: int) -> float:
        low, high = min(c, k), max(c, k)
        between = cumulative[high + 1] - cumulative[low]
        return (between - (marginals[low] + marginals[high]) / 2) ** 2

    observed = sum(o_ck * distance(c, k) for (c, k), o_ck in coincidences.items() if c != k)
    used = [c for c, n_c in enumerate(marginals) if n_c > 0]
    # The distance is symmetric and zero on the diagonal: count each unordered pair twice.
    expected = 2 * sum(
        marginals[c] * marginals[k] * distance(c, k) for c, k in combinations(used, 2)
    )
    if expected == 0:
        return None
    return 1 - (total - 1) * observed / expected


@dataclass(frozen=True)
class Calibration:
    """One interviewer's ratings and votes against the others on the same panels.

    An offset is the interviewer's value minus the mean of the other interviewers' values on the
    same application (and criterion, for ratings); positive means more generous than the panel.
    An offset is None when there was nothing to compare it with.
    """

    interviewer_id: int
    # Applications where this interviewer and at least one other rated the same criterion or both
    # voted: the panels behind either figure.
    panels: int
    # Mean over the compared (application, criterion) cells, each cell weighing the same.
    mean_offset: float | None
    # Mean over the compared applications, with votes mapped strong_no=1 ... strong_yes=4.
    vote_offset: float | None
    # "lenient", "severe" or "calibrated", from mean_offset (vote_offset when there is no rating
    # to compare), against LEANING_THRESHOLD.
    leaning: str
    # The counts behind each figure: compared cells and their applications, compared votes.
    cells: int = 0
    rating_panels: int = 0
    vote_panels: int = 0


def leaning(offset: float | None) -> str:
    if offset is not None and offset >= LEANING_THRESHOLD:
        return "lenient"
    if offset is not None and offset <= -LEANING_THRESHOLD:
        return "severe"
    return "calibrated"


def _offsets(cells: dict) -> dict[int, list[tuple[object, float]]]:
    """For each interviewer, (cell key, own value - mean of the others) for every shared cell.

    ``cells`` maps a cell key to {interviewer_id: [values]}; an interviewer with several values in
    one cell (say two scorecards on one application) counts once, with their mean.
    """
    offsets: dict[int, list[tuple[object, float]]] = defaultdict(list)
    for key, by_interviewer in cells.items():
        if len(by_interviewer) < 2:
            continue
        own = {who: sum(values) / len(values) for who, values in by_interviewer.items()}
        total = sum(own.values())
        others = len(own) - 1
        for who, value in own.items():
            offsets[who].append((key, value - (total - value) / others))
    return offsets


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def calibration(
    ratings: Iterable[tuple[int, int, int, int]], votes: Iterable[tuple[int, int, str]]
) -> list[Calibration]:
    """Each interviewer's leaning against the rest of their panels, sorted by interviewer id.

    ``ratings`` rows are (application_id, criterion, interviewer_id, score) with scores 1-4 and
    no-evidence left out; ``votes`` rows are (application_id, interviewer_id, vote). A cell where
    an interviewer is alone is skipped, and an interviewer who never shares a cell or a vote with
    another is not listed. Nothing is rounded.
    """
    rating_cells: dict[tuple[int, int], dict[int, list[int]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for application_id, criterion, interviewer_id, score in ratings:
        if isinstance(score, bool) or score not in LEVELS:
            raise ValueError(f"Score {score!r} is not one of {LEVELS}")
        rating_cells[application_id, criterion][interviewer_id].append(score)

    vote_cells: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for application_id, interviewer_id, vote in votes:
        if vote not in VOTE_VALUES:
            raise ValueError(f"Unknown vote: {vote!r}")
        vote_cells[application_id][interviewer_id].append(VOTE_VALUES[vote])

    rating_offsets = _offsets(rating_cells)
    vote_offsets = _offsets(vote_cells)

    result = []
    for interviewer_id in sorted(rating_offsets.keys() | vote_offsets.keys()):
        rated = rating_offsets.get(interviewer_id, [])
        voted = vote_offsets.get(interviewer_id, [])
        rated_applications = {application_id for (application_id, _criterion), _ in rated}
        voted_applications = {application_id for application_id, _ in voted}
        mean_offset = _mean([offset for _, offset in rated])
        vote_offset = _mean([offset for _, offset in voted])
        result.append(
            Calibration(
                interviewer_id=interviewer_id,
                panels=len(rated_applications | voted_applications),
                mean_offset=mean_offset,
                vote_offset=vote_offset,
                leaning=leaning(mean_offset if mean_offset is not None else vote_offset),
                cells=len(rated),
                rating_panels=len(rated_applications),
                vote_panels=len(voted_applications),
            )
        )
    return result
