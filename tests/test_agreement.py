from fractions import Fraction
from itertools import permutations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scorecards.agreement import (
    LEANING_THRESHOLD,
    Calibration,
    calibration,
    krippendorff_alpha_ordinal,
)

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


# Calibration


def test_lenient_severe_and_calibrated():
    # Application 1, criteria 10 and 11: interviewer 1 scores high, 2 low, 3 in between.
    ratings = [
        (1, 10, 1, 4),
        (1, 10, 2, 1),
        (1, 10, 3, 3),
        (1, 11, 1, 4),
        (1, 11, 2, 2),
        (1, 11, 3, 3),
    ]

    by_id = {c.interviewer_id: c for c in calibration(ratings, [])}

    # Interviewer 1: 4 - (1 + 3) / 2 = 2 and 4 - (2 + 3) / 2 = 1.5.
    assert by_id[1].mean_offset == pytest.approx(1.75)
    assert by_id[1].leaning == "lenient"
    # Interviewer 2: 1 - 3.5 = -2.5 and 2 - 3.5 = -1.5.
    assert by_id[2].mean_offset == pytest.approx(-2.0)
    assert by_id[2].leaning == "severe"
    # Interviewer 3: 3 - 2.5 = 0.5 and 3 - 3 = 0.
    assert by_id[3].mean_offset == pytest.approx(0.25)
    assert by_id[3].leaning == "calibrated"
    assert all(c.panels == 1 and c.cells == 2 and c.rating_panels == 1 for c in by_id.values())
    assert all(c.vote_offset is None and c.vote_panels == 0 for c in by_id.values())


def test_leaning_thresholds_are_inclusive():
    # Two interviewers a point apart: offsets +1 and -1; half a point apart needs the mean.
    ratings = [(1, 10, 1, 3), (1, 10, 2, 2), (2, 10, 1, 2), (2, 10, 2, 2)]

    first, second = calibration(ratings, [])

    assert first.mean_offset == pytest.approx(LEANING_THRESHOLD)
    assert first.leaning == "lenient"
    assert second.mean_offset == pytest.approx(-LEANING_THRESHOLD)
    assert second.leaning == "severe"


def test_result_is_sorted_by_interviewer():
    ratings = [(1, 10, 9, 2), (1, 10, 3, 2), (1, 10, 5, 2)]

    assert [c.interviewer_id for c in calibration(ratings, [])] == [3, 5, 9]


def test_a_lone_rater_gets_no_panel():
    # Interviewer 3 is alone on application 2; interviewer 1 is alone on criterion 11.
    ratings = [
        (1, 10, 1, 3),
        (1, 10, 2, 3),
        (1, 11, 1, 1),
        (2, 10, 3, 4),
    ]
    votes = [(2, 3, "strong_yes")]

    result = calibration(ratings, votes)

    assert result == [
        Calibration(1, 1, 0.0, None, "calibrated", cells=1, rating_panels=1, vote_panels=0),
        Calibration(2, 1, 0.0, None, "calibrated", cells=1, rating_panels=1, vote_panels=0),
    ]


def test_panels_count_applications_not_cells():
    ratings = [
        (app, criterion, who, 2) for app in (1, 2) for criterion in (10, 11) for who in (1, 2)
    ]
    ratings.append((3, 10, 1, 2))  # alone on application 3

    first, second = calibration(ratings, [])

    assert (first.panels, first.cells, first.rating_panels) == (2, 4, 2)
    assert (second.panels, second.cells, second.rating_panels) == (2, 4, 2)


def test_vote_offsets():
    votes = [
        (1, 1, "strong_yes"),  # 4 against (2 + 1) / 2: +2.5
        (1, 2, "no"),  # 2 against (4 + 1) / 2: -0.5
        (1, 3, "strong_no"),  # 1 against (4 + 2) / 2: -2
        (2, 1, "yes"),  # 3 against 3: 0
        (2, 2, "yes"),  # 3 against 3: 0
        (3, 1, "no"),  # alone
    ]

    by_id = {c.interviewer_id: c for c in calibration([], votes)}

    assert by_id[1].vote_offset == pytest.approx(1.25)
    assert (by_id[1].panels, by_id[1].vote_panels) == (2, 2)
    assert by_id[2].vote_offset == pytest.approx(-0.25)
    assert by_id[3].vote_offset == pytest.approx(-2.0)
    assert by_id[3].panels == 1
    # Without a rating to compare, the leaning follows the votes.
    assert by_id[1].mean_offset is None
    assert by_id[1].leaning == "lenient"
    assert by_id[3].leaning == "severe"


def test_panels_join_ratings_and_votes():
    ratings = [(1, 10, 1, 2), (1, 10, 2, 3)]
    votes = [(2, 1, "yes"), (2, 2, "no")]

    first, second = calibration(ratings, votes)

    assert (first.panels, first.rating_panels, first.vote_panels) == (2, 1, 1)
    assert first.mean_offset == pytest.approx(-1.0)
    assert first.vote_offset == pytest.approx(1.0)
    # Ratings decide the leaning when there are any.
    assert first.leaning == "severe"
    assert second.leaning == "lenient"


def test_two_scorecards_by_one_interviewer_count_once_with_their_mean():
    # Interviewer 1 wrote two scorecards on application 1 (two foci) and voted twice.
    ratings = [(1, 10, 1, 4), (1, 10, 1, 2), (1, 10, 2, 3), (1, 10, 3, 1)]
    votes = [(1, 1, "strong_yes"), (1, 1, "yes"), (1, 2, "no")]

    by_id = {c.interviewer_id: c for c in calibration(ratings, votes)}

    assert by_id[1].mean_offset == pytest.approx(3 - (3 + 1) / 2)
    assert by_id[1].cells == 1
    assert by_id[2].mean_offset == pytest.approx(3 - (3 + 1) / 2)
    assert by_id[1].vote_offset == pytest.approx(3.5 - 2)


def test_unknown_votes_and_scores_are_refused():
    with pytest.raises(ValueError, match="Unknown vote"):
        calibration([], [(1, 1, "maybe")])
    with pytest.raises(ValueError, match="not one of"):
        calibration([(1, 10, 1, 5)], [])


scores = st.integers(min_value=1, max_value=4)
rating_rows = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=4),  # application
        st.integers(min_value=1, max_value=3),  # criterion
        st.integers(min_value=1, max_value=5),  # interviewer
        scores,
    ),
    max_size=40,
    unique_by=lambda row: row[:3],
)


@given(rating_rows)
def test_offsets_balance_out_across_each_panel(ratings):
    # In every cell the offsets of its interviewers sum to zero, so the weighted means do too.
    result = calibration(ratings, [])

    assert sum(c.mean_offset * c.cells for c in result) == pytest.approx(0, abs=1e-9)
    for c in result:
        assert c.cells >= c.rating_panels == c.panels >= 1
        assert c.leaning == (
            "lenient"
            if c.mean_offset >= 0.5
            else "severe"
            if c.mean_offset <= -0.5
            else "calibrated"
        )


@given(rating_rows, st.integers(min_value=1, max_value=5))
def test_raising_one_interviewer_by_a_point_raises_their_offset_by_a_point(ratings, who):
    ratings = [
        (app, criterion, interviewer, min(score, 3) if interviewer == who else score)
        for app, criterion, interviewer, score in ratings
    ]
    raised = [
        (app, criterion, interviewer, score + 1 if interviewer == who else score)
        for app, criterion, interviewer, score in ratings
    ]

    before = {c.interviewer_id: c for c in calibration(ratings, [])}
    after = {c.interviewer_id: c for c in calibration(raised, [])}

    assert before.keys() == after.keys()
    if who in before:
        assert after[who].mean_offset == pytest.approx(before[who].mean_offset + 1, abs=1e-9)
    # The others' offsets can only fall, since their panel mean went up.
    for interviewer_id, c in before.items():
        if interviewer_id != who:
            assert after[interviewer_id].mean_offset <= c.mean_offset + 1e-9
