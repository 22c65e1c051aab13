"""The results on plain data."""

from hiring.checkins.checkins import CriterionResult, results, would_hire_again_tally
from scorecards.models import Vote


def test_the_mean_is_over_the_scored_no_evidence_left_out():
    rows = results([1, 2], [{1: 4, 2: None}, {1: 2, 2: None}])

    assert rows == [CriterionResult(1, [4, 2], 3.0), CriterionResult(2, [None, None], None)]


def test_would_hire_again_is_tallied_in_the_scales_order():
    tally = would_hire_again_tally(["yes", "strong_no", "yes"])

    assert tally == [(Vote.STRONG_NO, 1), (Vote.YES, 2)]
