from fractions import Fraction
from itertools import permutations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scorecards.agreement import krippendorff_alpha_ordinal

pytestmark = pytest.mark.plain_data

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four observers,
# twelve units, values 1-5, None where an observer gave no value. Rows are observers.
OBSERVERS = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]
PUBLISHED_UNITS = [list(unit) for unit in zip(*OBSERVERS, strict=True)]
FIVE = (1, 2, 3, 4, 5)


def reference_alpha(units, levels):
    """Alpha straight from the definitions with exact fractions, one pair of values at a time."""
    ordered = sorted(levels)
    pairable = [[v for v in unit if v is not None] for unit in units]
    pairable = [values for values in pairable if len(values) >= 2]
    coincidences = {(c, k): Fraction(0) for c in ordered for k in ordered}
    for values in pairable:
        for i, j in permutations(range(len(values)), 2):
            coincidences[values[i], values[j]] += Fraction(1, len(values) - 1)
    n_c = {c: sum(coincidences[c, k] for k in ordered) for c in ordered}
    n = sum(n_c.values())
    if n == 0:
        return None

    def delta(c, k):
        low, high = sorted((c, k))
        between = sum(n_c[g] for g in ordered if low <= g <= high)
        return (between - (n_c[c] + n_c[k]) / 2) ** 2

    observed = sum(coincidences[c, k] * delta(c, k) for c in ordered for k in ordered)
    expected = sum(n_c[c] * n_c[k] * delta(c, k) for c in ordered for k in ordered)
    if expected == 0:
        return None
    return float(1 - (n - 1) * observed / expected)


# Alpha


def test_published_example_ordinal_alpha():
    assert krippendorff_alpha_ordinal(PUBLISHED_UNITS, levels=FIVE) == pytest.approx(
        0.815, abs=1e-3
    )


def test_published_example_matches_the_reference():
    assert krippendorff_alpha_ordinal(PUBLISHED_UNITS, levels=FIVE) == pytest.approx(
        reference_alpha(PUBLISHED_UNITS, FIVE)
    )


def test_perfect_agreement_with_variety_is_one():
    units = [[1, 1, 1], [2, 2, None], [3, 3, 3], [4, None, 4]]

    assert krippendorff_alpha_ordinal(units) == 1.0


def test_raters_at_opposite_ends_give_negative_alpha():
    units = [[1, 4], [4, 1], [1, 4], [4, 1]]

    alpha = krippendorff_alpha_ordinal(units)

    assert alpha is not None
    assert alpha < 0
    # Two raters who never agree on a binary split: 1 - (n - 1) * 8 / (2 * 4 * 4) with n = 8.
    assert alpha == pytest.approx(-0.75)


def test_units_with_a_single_value_are_ignored():
    units = [[1, 2], [3, 3], [4, 4], [2, 1]]
    lonely = [[1, None, None], [None], [], [4]]

    assert krippendorff_alpha_ordinal(units + lonely) == krippendorff_alpha_ordinal(units)


def test_all_identical_values_are_undefined():
    assert krippendorff_alpha_ordinal([[3, 3], [3, 3, 3], [3, None]]) is None


def test_nothing_pairable_is_undefined():
    assert krippendorff_alpha_ordinal([]) is None
    assert krippendorff_alpha_ordinal([[1], [None, 2], [None, None]]) is None


def test_unused_levels_do_not_change_alpha():
    units = [[1, 2], [2, 2], [3, 2], [1, 1]]

    assert krippendorff_alpha_ordinal(units, levels=(1, 2, 3, 4, 5, 6)) == pytest.approx(
        krippendorff_alpha_ordinal(units)
    )


@pytest.mark.parametrize("value", [0, 5, -1, True, 2.5])
def test_a_value_outside_the_levels_is_refused(value):
    with pytest.raises(ValueError, match="not one of the levels"):
        krippendorff_alpha_ordinal([[1, 2], [3, value]])


def test_a_value_outside_the_levels_is_refused_even_in_an_ignored_unit():
    with pytest.raises(ValueError, match="not one of the levels"):
        krippendorff_alpha_ordinal([[1, 2], [7]])


unit_values = st.one_of(st.none(), st.integers(min_value=1, max_value=4))
rated_units = st.lists(st.lists(unit_values, min_size=0, max_size=5), max_size=12)


@given(rated_units)
def test_alpha_is_at_most_one(units):
    alpha = krippendorff_alpha_ordinal(units)

    assert alpha is None or alpha <= 1


@given(rated_units)
def test_alpha_matches_the_reference_computation(units):
    expected = reference_alpha(units, (1, 2, 3, 4))

    alpha = krippendorff_alpha_ordinal(units)

    if expected is None:
        assert alpha is None
    else:
        assert alpha == pytest.approx(expected, abs=1e-9)


@given(rated_units, st.randoms(use_true_random=False))
def test_alpha_ignores_the_order_of_raters_and_units(units, random):
    shuffled = [random.sample(unit, len(unit)) for unit in units]
    random.shuffle(shuffled)

    alpha = krippendorff_alpha_ordinal(units)
    again = krippendorff_alpha_ordinal(shuffled)

    if alpha is None:
        assert again is None
    else:
        assert again == pytest.approx(alpha, abs=1e-9)
