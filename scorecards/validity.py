"""Predictive validity, on plain data so it can be tested without the database.

Reliability (``agreement``) says whether a team scores a criterion consistently; validity says
whether those scores foretold anything: how the team's hires did at their check-ins.

- ``spearman``: the rank correlation between scores at hire and at check-in. Ranks, not the
  scores themselves, because the 1-4 scale is ordinal and a panel's mean is not an interval
  measure; Spearman's rho is what the literature on structured interviews reports.
- ``bootstrap_interval``: how uncertain that correlation is, by resampling hires, since a team
  has tens of hires, not thousands, and no formula for rho's interval holds with ties that small.
- ``validity`` and ``by_key``: the rules the reports show it by (from ``MIN_HIRES`` hires up,
  weak below ``WEAK_BELOW``), for one list of pairs or per criterion, category or interviewer.

A score of None means "no evidence" (or a missing check-in): that hire is left out, never
counted as zero.
"""

import math
import random
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate, repeat, starmap
from operator import add, mul

# Below this many hires with a score on both sides, a correlation is not shown at all; below
# WEAK_BELOW it is shown marked weak (issue 16): even with 15 hires a 90% interval is about 0.5
# wide for a real correlation and 0.8 for none, so a rank correlation there is a hint.
MIN_HIRES = 5
WEAK_BELOW = 15
LEVEL = 0.9
RESAMPLES = 2000
# A fixed seed: the same hires give the same interval every time a report is drawn, so a
# reader who reloads it sees no jitter they could take for news.
SEED = 16
# An interval is told only if at least this share of resamples had a defined correlation:
# below it, the resamples that count are a biased few (those that happened to vary).
MIN_DEFINED_SHARE = 0.5


@dataclass(frozen=True)
class Validity:
    """How well scores at hire predicted check-in scores over ``hires`` hires.

    ``estimate`` is Spearman's rho, None when everyone scored the same on one side (there is no
    order to compare); ``low`` and ``high`` bound its bootstrap interval, None when too few
    resamples define it. ``weak`` marks a sample too small to read much into.
    """

    estimate: float | None
    low: float | None
    high: float | None
    hires: int
    weak: bool


def average_ranks(values: Sequence[float]) -> list[float]:
    """1-based ranks of ``values``, tied values sharing the mean of the ranks they span."""
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start + 1
        while end < len(order) and values[order[end]] == values[order[start]]:
            end += 1
        # Positions start..end-1 hold one value: 1-based ranks start+1..end, whose mean is this.
        rank = (start + end + 1) / 2
        for position in range(start, end):
            ranks[order[position]] = rank
        start = end
    return ranks


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Spearman's rank correlation: Pearson's correlation of the average ranks of xs and ys.

    This is scipy.stats.spearmanr's statistic, ties included. None with fewer than 3 pairs (two
    points are always perfectly correlated, which says nothing) or when either side is constant
    (no order to compare). Raises ValueError when xs and ys differ in length.
    """
    if len(xs) != len(ys):
        raise ValueError(f"{len(xs)} scores at hire but {len(ys)} at check-in")
    if len(xs) < 3:
        return None
    return _pearson(average_ranks(xs), average_ranks(ys))


def _pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    mean_x = math.fsum(xs) / len(xs)
    mean_y = math.fsum(ys) / len(ys)
    dxs = [x - mean_x for x in xs]
    dys = [y - mean_y for y in ys]
    sxx = math.fsum(dx * dx for dx in dxs)
    syy = math.fsum(dy * dy for dy in dys)
    if sxx == 0 or syy == 0:
        return None
    sxy = math.fsum(dx * dy for dx, dy in zip(dxs, dys, strict=True))
    return _clip(sxy / math.sqrt(sxx * syy))


def _clip(r: float) -> float:
    """Keep rounding from carrying a correlation past +-1."""
    return max(-1.0, min(1.0, r))


def bootstrap_interval(
    xs: Sequence[float],
    ys: Sequence[float],
    level: float = LEVEL,
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> tuple[float, float] | None:
    """A percentile bootstrap interval for ``spearman(xs, ys)``: (low, high) at ``level``.

    Each resample draws len(xs) hires with replacement (the draws of
    ``random.Random(seed).choices(range(len(xs)), k=len(xs))``, one resample after another) and
    ranks them afresh, a hire drawn twice being two tied observations. The bounds are the
    (1 - level) / 2 and (1 + level) / 2 percentiles of the resampled correlations, interpolated
    linearly between order statistics (numpy's default). Resamples where the correlation is
    undefined (one side constant) are skipped; None when fewer than 3 pairs or fewer than
    ``MIN_DEFINED_SHARE`` of the resamples remain.

    Fast for a few hundred hires in pure Python (no numpy in the product): the values are sorted
    once, a resample counts how often each distinct value was drawn and sorts only those, and
    the per-hire work runs in C (map, operator.mul, sum): about 0.3 s for 200 hires scored on
    the 1-4 scale, 2000 resamples.
    """
    if len(xs) != len(ys):
        raise ValueError(f"{len(xs)} scores at hire but {len(ys)} at check-in")
    if not 0 < level < 1:
        raise ValueError(f"Level must be between 0 and 1, got {level!r}")
    if resamples < 1:
        raise ValueError(f"Resamples must be at least 1, got {resamples!r}")
    n = len(xs)
    if n < 3:
        return None

    # Each pair's value on each side as its position among that side's distinct values, so a
    # resample ranks small integers by counting them.
    x_of_pair = _levels(xs)
    y_of_pair = _levels(ys)
    rng = random.Random(seed)
    statistics = []
    for _ in range(resamples):
        drawn = _draw(rng, n)
        x_drawn = list(map(x_of_pair.__getitem__, drawn))
        y_drawn = list(map(y_of_pair.__getitem__, drawn))
        x_ranks, sxx = _twice_centred_ranks(x_drawn)
        y_ranks, syy = _twice_centred_ranks(y_drawn)
        if sxx == 0 or syy == 0:
            continue
        sxy = sum(map(mul, map(x_ranks.__getitem__, x_drawn), map(y_ranks.__getitem__, y_drawn)))
        statistics.append(_clip(sxy / math.sqrt(sxx * syy)))
    if len(statistics) < max(1, MIN_DEFINED_SHARE * resamples):
        return None
    statistics.sort()
    tail = (1 - level) / 2
    return _percentile(statistics, tail), _percentile(statistics, 1 - tail)


def _draw(rng: random.Random, n: int) -> list[int]:
    """n indices below n drawn with replacement, the draws of ``rng.choices(range(n), k=n)``.

    The same arithmetic as ``choices`` (floor(random() * n)), run in C by map and starmap.
    """
    return list(map(math.floor, map(mul, starmap(rng.random, repeat((), n)), repeat(float(n)))))


def _levels(values: Sequence[float]) -> list[int]:
    """Each value's position among the distinct values, in ascending order."""
    position = {value: index for index, value in enumerate(sorted(set(values)))}
    return [position[value] for value in values]


def _twice_centred_ranks(levels: Sequence[int]) -> tuple[dict[int, int], int]:
    """Twice each level's average rank among ``levels`` less the mean rank; their sum of squares.

    All draws of one level tie: drawn `count` times with `below` draws under it, it has the mean
    of ranks below + 1 .. below + count, which less the mean rank (n + 1) / 2 and doubled is
    below + (below + count) - n. Doubled, the ranks are integers and every sum over them exact;
    the factor cancels in rho, the sum of their products over the root of their squares.
    """
    tally = Counter(levels)
    drawn = sorted(tally)
    counts = list(map(tally.__getitem__, drawn))
    below = accumulate(counts, initial=0)
    through = accumulate(counts)
    ranks = list(map((-len(levels)).__add__, map(add, below, through)))
    squares = sum(map(mul, counts, map(mul, ranks, ranks)))
    return dict(zip(drawn, ranks, strict=True)), squares


def _percentile(ordered: Sequence[float], q: float) -> float:
    """The q-quantile of sorted values, interpolating linearly between neighbours."""
    position = q * (len(ordered) - 1)
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def validity(
    pairs: Iterable[tuple[float | None, float | None]],
    min_hires: int = MIN_HIRES,
    weak_below: int = WEAK_BELOW,
    level: float = LEVEL,
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> Validity | None:
    """How well scores at hire predicted check-in scores, by the reports' rules.

    ``pairs`` holds (score at hire, score at check-in) per hire; a pair with None on either side
    is no evidence and is left out. None below ``min_hires`` hires with evidence: a correlation
    over fewer says nothing a reader should act on. Weak below ``weak_below``.
    """
    evidence = [(x, y) for x, y in pairs if x is not None and y is not None]
    hires = len(evidence)
    if hires < min_hires:
        return None
    xs = [x for x, _y in evidence]
    ys = [y for _x, y in evidence]
    estimate = spearman(xs, ys)
    interval = None
    if estimate is not None:
        interval = bootstrap_interval(xs, ys, level=level, resamples=resamples, seed=seed)
    low, high = interval if interval is not None else (None, None)
    return Validity(estimate, low, high, hires, weak=hires < weak_below)


def by_key(
    rows: Iterable[tuple[Hashable, float | None, float | None]],
    min_hires: int = MIN_HIRES,
    weak_below: int = WEAK_BELOW,
    level: float = LEVEL,
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> dict[Hashable, Validity | None]:
    """``validity`` per key, in one pass over compact rows (key, score at hire, at check-in).

    The key is whatever the scores are grouped by: a criterion id, a category, an interviewer
    id. Rows with None on either side are no evidence and are skipped; a key with rows but none
    with evidence still appears, as None, so a report can say it has too few hires rather than
    leave it out. Every key is resampled with the same seed, so each is reproducible alone.
    """
    grouped: defaultdict[Hashable, list[tuple[float, float]]] = defaultdict(list)
    for key, at_hire, at_check_in in rows:
        pairs = grouped[key]
        if at_hire is not None and at_check_in is not None:
            pairs.append((at_hire, at_check_in))
    return {
        key: validity(
            pairs,
            min_hires=min_hires,
            weak_below=weak_below,
            level=level,
            resamples=resamples,
            seed=seed,
        )
        for key, pairs in grouped.items()
    }
