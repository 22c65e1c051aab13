"""Agreement between raters, on plain data so it can be tested without the database.

- ``krippendorff_alpha_ordinal``: how consistently a team scores one criterion, as Krippendorff's
  alpha for ordinal data (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability");
  ``alpha_from_coincidences`` is its second half, for coincidences a database has summed.
- ``leaning``: what an interviewer's calibration offset says (the reports compute the offsets).

Scores of "no evidence" are left out by the callers before they reach this module.
"""

from collections import Counter
from collections.abc import Mapping, Sequence
from itertools import combinations

from django.utils.translation import gettext_lazy

LEVELS = (1, 2, 3, 4)
VOTE_VALUES = {"strong_no": 1, "no": 2, "yes": 3, "strong_yes": 4}
# How far, on the 1-4 scale, an interviewer's mean offset must be to lean one way.
LEANING_THRESHOLD = 0.5
# The fewest panels and ratings (or votes) compared before a leaning is told: below them an
# offset says more about a few candidates than about the interviewer.
LEANING_MIN_PANELS = 5
LEANING_MIN_RATINGS = 10
# Words for a reader, lazy: the reports keep them computed, and each reader reads their language.
NOT_ENOUGH_YET = gettext_lazy("not enough yet")
LENIENT = gettext_lazy("lenient")
SEVERE = gettext_lazy("severe")
CALIBRATED = gettext_lazy("calibrated")


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
    # Per-level coincidence counts, accumulated unit by unit: only the values present matter.
    coincidences: Counter[tuple[int, int]] = Counter()
    for unit in units:
        values = [value for value in unit if value is not None]
        for value in values:
            if isinstance(value, bool) or value not in levels:
                raise ValueError(
                    f"Value {value!r} is not one of the levels {tuple(sorted(levels))}"
                )
        coincidences.update(unit_coincidences(values))
    return alpha_from_coincidences(coincidences, levels)


def unit_coincidences(values: Sequence[int]) -> dict[tuple[int, int], float]:
    """One unit's part of the coincidences o_ck: with m values, n_c of them at level c, it adds
    n_c * n_k / (m - 1) for levels c != k and n_c * (n_c - 1) / (m - 1) for c = k. Nothing for
    a unit with fewer than two values: it is not pairable."""
    pairable = len(values)
    if pairable < 2:
        return {}
    counts = Counter(values)
    return {
        (c, k): (n_c * (n_k - 1) if c == k else n_c * n_k) / (pairable - 1)
        for c, n_c in counts.items()
        for k, n_k in counts.items()
        if c != k or n_c > 1
    }


def gaps(values: Mapping[object, float]) -> dict[object, float]:
    """Each rater's value in one cell minus the mean of the other raters' values there: their
    calibration gaps. None for a cell with a single rater: there is nobody to compare with."""
    if len(values) < 2:
        return {}
    total = sum(values.values())
    others = len(values) - 1
    return {rater: value - (total - value) / others for rater, value in values.items()}


def alpha_from_coincidences(
    coincidences: Mapping[tuple[int, int], float], levels: Sequence[int] = LEVELS
) -> float | None:
    """Alpha from the coincidences o_ck of ordered pairs of levels (c, k), as described above."""
    ordered = sorted(set(levels))
    rank = {level: index for index, level in enumerate(ordered)}
    ranked = {(rank[c], rank[k]): o_ck for (c, k), o_ck in coincidences.items()}

    marginals = [0.0] * len(ordered)
    for (c, _k), o_ck in ranked.items():
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

    observed = sum(o_ck * distance(c, k) for (c, k), o_ck in ranked.items() if c != k)
    used = [c for c, n_c in enumerate(marginals) if n_c > 0]
    # The distance is symmetric and zero on the diagonal: count each unordered pair twice.
    expected = 2 * sum(
        marginals[c] * marginals[k] * distance(c, k) for c, k in combinations(used, 2)
    )
    if expected == 0:
        return None
    return 1 - (total - 1) * observed / expected


def leaning(offset: float | None, panels: int, ratings: int) -> str:
    """What an offset over `panels` panels and `ratings` ratings compared says, if enough."""
    if offset is None or panels < LEANING_MIN_PANELS or ratings < LEANING_MIN_RATINGS:
        return NOT_ENOUGH_YET
    if offset >= LEANING_THRESHOLD:
        return LENIENT
    if offset <= -LEANING_THRESHOLD:
        return SEVERE
    return CALIBRATED
