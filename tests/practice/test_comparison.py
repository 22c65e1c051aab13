"""The comparison with the panel's consensus, on plain data."""

import pytest

from scorecards.practice import compare, panel_side, side, summarise

pytestmark = pytest.mark.plain_data


def test_each_criterion_is_compared_with_the_panels_mean():
    comparison = compare({"a": 3, "b": 1}, {"a": [2, 4, 3], "b": [3, 4]}, "yes", ["yes"])

    assert comparison.differences == {"a": (3, 3.0, 0.0), "b": (1, 3.5, -2.5)}
    assert comparison.mean_absolute == pytest.approx(1.25)


def test_no_evidence_and_criteria_the_panel_did_not_score_are_left_out():
    comparison = compare({"a": None, "b": 2, "c": 4}, {"a": [3], "b": [None, 4]}, "", [])

    assert comparison.differences == {"b": (2, 4.0, -2.0)}
    assert compare({"a": None}, {"a": [3]}, "", []).mean_absolute is None


def test_the_vote_agrees_when_it_falls_on_the_panels_side():
    assert compare({}, {}, "strong_yes", ["yes", "yes", "no"]).vote_agreed is True
    assert compare({}, {}, "no", ["yes", "strong_yes"]).vote_agreed is False
    assert compare({}, {}, "strong_no", ["no", "strong_no"]).vote_agreed is True


def test_an_evenly_split_panel_or_a_missing_vote_has_no_agreement():
    assert compare({}, {}, "yes", ["yes", "no"]).vote_agreed is None
    assert compare({}, {}, "", ["yes"]).vote_agreed is None
    assert panel_side([]) is None
    assert [side(v) for v in ("strong_no", "no", "yes", "strong_yes", "")] == [-1, -1, 1, 1, None]


def test_within_the_tolerance_is_at_most_the_mean_absolute_difference():
    comparison = compare({"a": 3, "b": 2}, {"a": [2], "b": [3]}, "yes", ["yes"])

    assert comparison.within("1.0")
    assert not comparison.within("0.99")
    assert not compare({}, {}, "yes", ["yes"]).within(3)


def test_the_summary_pools_every_criterion_and_counts_agreeing_votes():
    close = compare({"a": 3, "b": 3}, {"a": [3], "b": [2]}, "yes", ["yes"])  # 0 and 1: 0.5
    far = compare({"a": 1}, {"a": [4]}, "yes", ["no"])  # 3
    split = compare({"a": 2}, {"a": [2]}, "yes", ["yes", "no"])  # 0, no side

    summary = summarise([close, far, split], tolerance=0.75)

    assert summary.compared == 3
    assert summary.within == 2
    assert summary.mean_absolute == pytest.approx((0 + 1 + 3 + 0) / 4)
    assert summary.vote_agreement == pytest.approx(0.5)
    assert summarise([], 0.75).mean_absolute is None
    assert summarise([], 0.75).vote_agreement is None
