"""The statistics of predictive validity, on plain data, against scipy as the oracle.

scipy (and the numpy it brings) is in the dev extra only: the product computes in pure Python.
"""

import random
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import spearmanr

from scorecards.validity import (
    Validity,
    average_ranks,
    bootstrap_interval,
    by_key,
    spearman,
    validity,
)

pytestmark = pytest.mark.plain_data

# Scores as the reports pass them: a panel's mean of 1-4 scores (steps of a third or a quarter),
# or one rater's score, so ties are the rule.
PANEL_MEANS = sorted({round(1 + k / 12, 6) for k in range(37)})
SCORES = st.sampled_from(PANEL_MEANS[::3]) | st.integers(1, 4)


def scipy_spearman(xs, ys):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scipy warns, and answers nan, on a constant side
        statistic = float(spearmanr(xs, ys).statistic)
    return None if np.isnan(statistic) else statistic


def reference_interval(xs, ys, level, resamples, seed):
    """The bootstrap done plainly: the same draws, scipy's rho, numpy's percentiles."""
    rng = random.Random(seed)
    n = len(xs)
    statistics = []
    for _ in range(resamples):
        drawn = rng.choices(range(n), k=n)
        statistic = scipy_spearman([xs[i] for i in drawn], [ys[i] for i in drawn])
        if statistic is not None:
            statistics.append(statistic)
    tail = (1 - level) / 2
    low, high = np.percentile(statistics, [100 * tail, 100 * (1 - tail)])
    return float(low), float(high)


def correlated(n, seed, noise=0.6):
    """n hires whose check-in score follows their score at hire, both on the 1-4 scale."""
    rng = random.Random(seed)
    xs = [rng.choice(PANEL_MEANS) for _ in range(n)]
    ys = [min(4, max(1, round(x + rng.gauss(0, noise)))) for x in xs]
    return xs, ys


# Ranks and Spearman's rho


def test_tied_values_share_the_mean_of_their_ranks():
    assert average_ranks([30, 10, 20, 20, 20]) == [5.0, 1.0, 3.0, 3.0, 3.0]
    assert average_ranks([2.5, 2.5]) == [1.5, 1.5]
    assert average_ranks([]) == []


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(SCORES, SCORES), min_size=3, max_size=40))
def test_spearman_is_scipys_statistic_with_ties(pairs):
    xs = [x for x, _y in pairs]
    ys = [y for _x, y in pairs]

    expected = scipy_spearman(xs, ys)

    if expected is None:
        assert spearman(xs, ys) is None
    else:
        assert spearman(xs, ys) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_spearman_is_scipys_statistic_on_larger_samples(seed):
    rng = random.Random(seed)
    n = rng.randint(50, 300)
    xs = [rng.choice(PANEL_MEANS) for _ in range(n)]
    ys = [rng.random() if seed % 2 else rng.randint(1, 4) for _ in range(n)]

    assert spearman(xs, ys) == pytest.approx(scipy_spearman(xs, ys), abs=1e-12)


def test_a_monotone_relation_is_plus_or_minus_one():
    xs = [1, 2, 2.5, 3, 4]

    assert spearman(xs, [x**3 for x in xs]) == 1.0
    assert spearman(xs, [-x for x in xs]) == -1.0


@pytest.mark.parametrize(
    ("xs", "ys"),
    [
        ([], []),
        ([3], [2]),
        ([1, 4], [1, 4]),  # two points always line up: that says nothing
        ([2, 2, 2, 2], [1, 2, 3, 4]),
        ([1, 2, 3, 4], [3, 3, 3, 3]),
    ],
)
def test_spearman_is_undefined_on_tiny_or_constant_input(xs, ys):
    assert spearman(xs, ys) is None


def test_spearman_refuses_unpaired_scores():
    with pytest.raises(ValueError, match="3 scores at hire but 2"):
        spearman([1, 2, 3], [1, 2])


# The bootstrap interval


def test_the_interval_is_the_plain_bootstrap_with_scipy():
    xs, ys = correlated(40, seed=3)

    interval = bootstrap_interval(xs, ys, level=0.9, resamples=300, seed=11)

    assert interval == pytest.approx(reference_interval(xs, ys, 0.9, 300, 11), abs=1e-12)


def test_resamples_with_a_constant_side_are_skipped():
    # One resample in eleven or so draws only the ones at hire: its rho is undefined.
    xs = [1, 1, 1, 1, 2, 3]
    ys = [1, 2, 2, 3, 3, 4]

    interval = bootstrap_interval(xs, ys, level=0.8, resamples=400, seed=5)

    assert interval == pytest.approx(reference_interval(xs, ys, 0.8, 400, 5), abs=1e-12)


def test_the_interval_holds_the_estimate_on_correlated_data():
    for seed in range(3):
        xs, ys = correlated(50, seed)

        low, high = bootstrap_interval(xs, ys, seed=seed)

        assert -1 <= low < spearman(xs, ys) < high <= 1


def test_the_interval_is_reproducible_for_a_seed():
    xs, ys = correlated(30, seed=1)

    first = bootstrap_interval(xs, ys, resamples=500, seed=42)

    assert bootstrap_interval(xs, ys, resamples=500, seed=42) == first
    assert bootstrap_interval(xs, ys, resamples=500, seed=43) != first
    # The default seed is fixed, so a report drawn twice shows the same interval.
    assert bootstrap_interval(xs, ys, resamples=500) == bootstrap_interval(xs, ys, resamples=500)


def test_a_wider_level_gives_a_wider_interval():
    xs, ys = correlated(30, seed=2)

    narrow_low, narrow_high = bootstrap_interval(xs, ys, level=0.5, seed=7)
    wide_low, wide_high = bootstrap_interval(xs, ys, level=0.95, seed=7)

    assert wide_low < narrow_low < narrow_high < wide_high


def test_no_interval_when_most_resamples_are_undefined():
    # A single 2 on each side, on different hires: most resamples miss one of them.
    xs = [2] + [1] * 19
    ys = [1] * 19 + [2]

    assert spearman(xs, ys) is not None
    assert bootstrap_interval(xs, ys, resamples=500) is None


def test_no_interval_below_three_pairs():
    assert bootstrap_interval([1, 2], [2, 1]) is None


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"level": 1.0}, "Level"),
        ({"level": 0}, "Level"),
        ({"resamples": 0}, "Resamples"),
    ],
)
def test_the_interval_refuses_nonsense(arguments, message):
    with pytest.raises(ValueError, match=message):
        bootstrap_interval([1, 2, 3], [1, 2, 3], **arguments)


def test_the_interval_refuses_unpaired_scores():
    with pytest.raises(ValueError, match="at check-in"):
        bootstrap_interval([1, 2, 3], [1, 2, 3, 4])


# The reports' rules: shown from 5 hires up, weak below 15


def test_fewer_than_five_hires_show_nothing():
    xs, ys = correlated(4, seed=0)

    assert validity(zip(xs, ys, strict=True)) is None


@pytest.mark.parametrize(("hires", "weak"), [(5, True), (14, True), (15, False), (40, False)])
def test_five_hires_show_a_correlation_marked_weak_below_fifteen(hires, weak):
    xs, ys = correlated(hires, seed=hires, noise=0.3)

    result = validity(zip(xs, ys, strict=True))

    assert result.hires == hires
    assert result.weak is weak
    assert result.estimate == pytest.approx(spearman(xs, ys))
    assert (result.low, result.high) == bootstrap_interval(xs, ys)


def test_hires_without_evidence_do_not_count():
    pairs = [(1, 1), (2, 2), (3, 4), (4, 3), (2.5, None), (None, 3), (None, None)]

    assert validity(pairs) is None
    assert validity([*pairs, (3.5, 4)]).hires == 5


def test_a_constant_side_shows_the_hires_but_no_correlation():
    pairs = [(score, 3) for score in (1, 2, 3, 4, 2, 3)]

    assert validity(pairs) == Validity(None, None, None, hires=6, weak=True)


def test_the_thresholds_can_be_set():
    xs, ys = correlated(8, seed=0)
    pairs = list(zip(xs, ys, strict=True))

    assert validity(pairs, min_hires=10) is None
    assert validity(pairs, min_hires=3, weak_below=8).weak is False


# Per key


def test_by_key_groups_rows_and_skips_missing_scores():
    xs, ys = correlated(20, seed=4)
    rows = [("communication", x, y) for x, y in zip(xs, ys, strict=True)]
    rows += [("communication", None, 2), ("communication", 3, None)]
    rows += [(7, x, 4 - y) for x, y in zip(xs[:6], ys[:6], strict=True)] + [(7, None, 1)]
    rows += [("unrated", None, 3), ("unrated", 2, None)]
    rows += [(12, 3, 3), (12, 2, 1)]

    results = by_key(rows)

    assert results.keys() == {"communication", 7, "unrated", 12}
    assert results["communication"] == validity(zip(xs, ys, strict=True))
    assert results["communication"].hires == 20
    assert results[7] == validity(zip(xs[:6], [4 - y for y in ys[:6]], strict=True))
    assert results[7].hires == 6
    assert results[7].weak
    assert results["unrated"] is None
    assert results[12] is None


def test_by_key_of_nothing_is_empty():
    assert by_key([]) == {}


# A known signal is recovered


def hires_with_a_signal(n, seed):
    """Rows for n hires: criterion A's check-in follows its score at hire, B's is pure noise.

    Each hire's panel of three scores criteria A and B around the hire's true level; at the
    check-in, A is scored around the same level and B at random.
    """
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        level = rng.uniform(1, 4)
        for criterion in ("A", "B"):
            panel = [min(4, max(1, round(level + rng.gauss(0, 0.5)))) for _ in range(3)]
            at_hire = sum(panel) / 3
            if criterion == "A":
                at_check_in = min(4, max(1, round(at_hire + rng.gauss(0, 0.5))))
            else:
                at_check_in = rng.randint(1, 4)
            rows.append((criterion, at_hire, at_check_in))
    return rows


def test_the_criterion_that_predicts_is_told_from_the_one_that_does_not():
    seeds = range(10)
    covering_zero = 0
    for seed in seeds:
        results = by_key(hires_with_a_signal(60, seed))
        a, b = results["A"], results["B"]

        assert a.hires == b.hires == 60
        assert not a.weak
        assert a.estimate > 0.6
        assert a.low > 0.3
        assert b.low < a.low
        assert abs(b.estimate) < 0.45
        covering_zero += b.low < 0 < b.high
    # A 90% interval over noise holds 0 nine times in ten; 7 or more of 10 fails ~1% of seeds.
    assert covering_zero >= 7
