import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecards.aggregation import (
    CATEGORIES,
    SCALE,
    VOTES,
    Criterion,
    Rating,
    Spread,
    category_scores,
    criterion_means,
    criterion_spread,
    most_disputed,
    vote_tally,
)

pytestmark = pytest.mark.plain_data


def ratings_for(criterion_id, *scores):
    return [Rating(i, criterion_id, score) for i, score in enumerate(scores, start=1)]


def test_criterion_means_leave_out_no_evidence():
    ratings = ratings_for(1, 2, 3, None) + ratings_for(2, None, None)

    assert criterion_means(ratings) == {1: 2.5}


def test_category_score_is_weighted_by_criterion_weight():
    criteria = [Criterion(1, "skills", 1), Criterion(2, "skills", 3)]
    ratings = ratings_for(1, 1, 3) + ratings_for(2, 4, 4)

    # (1 * 2 + 3 * 4) / (1 + 3)
    assert category_scores(criteria, ratings)["skills"] == 3.5


def test_no_evidence_does_not_pull_the_score_down():
    criteria = [Criterion(1, "skills", 1), Criterion(2, "skills", 5)]
    ratings = ratings_for(1, 4, None) + ratings_for(2, None, None)

    assert category_scores(criteria, ratings)["skills"] == 4.0


def test_category_without_evidence_is_none():
    criteria = [Criterion(1, "skills", 1), Criterion(2, "team_fit", 1)]
    ratings = ratings_for(1, 3) + ratings_for(2, None, None)

    assert category_scores(criteria, ratings) == {"skills": 3.0, "team_fit": None}


def test_category_scores_ignore_ratings_for_other_criteria():
    criteria = [Criterion(1, "team_fit", 2)]
    ratings = ratings_for(1, 2) + ratings_for(99, 4)

    assert category_scores(criteria, ratings) == {"skills": None, "team_fit": 2.0}


def test_criteria_and_ratings_reject_bad_values():
    with pytest.raises(ValueError, match="positive"):
        Criterion(1, "skills", 0)
    with pytest.raises(ValueError, match="category"):
        Criterion(1, "culture", 1)
    with pytest.raises(ValueError, match="outside"):
        Rating(1, 1, 5)


def test_criterion_spread():
    ratings = ratings_for(1, 1, 4, None, 4) + ratings_for(2, 3)

    assert criterion_spread(ratings) == {
        # pstdev of 1, 4, 4: deviations -2, 1, 1 around 3, so sqrt(6 / 3)
        1: Spread(count=3, mean=3.0, low=1, high=4, range=3, stdev=math.sqrt(2)),
        2: Spread(count=1, mean=3.0, low=3, high=3, range=0, stdev=0.0),
    }


def test_most_disputed_orders_by_range_then_stdev_then_id():
    ratings = (
        ratings_for(1, 2, 3)  # range 1
        + ratings_for(2, 1, 4)  # range 3
        + ratings_for(4, 1, 1, 3, 3)  # range 2, stdev 1
        + ratings_for(5, 1, 3, 3)  # range 2, stdev 0.94
        + ratings_for(7, 2, 4)  # range 2, stdev 1
        + ratings_for(8, 1, None)  # a single rating cannot disagree
    )

    assert [criterion_id for criterion_id, _ in most_disputed(ratings, limit=10)] == [2, 4, 7, 5, 1]
    assert [criterion_id for criterion_id, _ in most_disputed(ratings)] == [2, 4, 7]


def test_vote_tally():
    tally = vote_tally(["yes", "strong_yes", "no", "yes"])

    assert tally.counts == {"strong_no": 0, "no": 1, "yes": 2, "strong_yes": 1}
    assert (tally.total, tally.yes, tally.no, tally.counts["strong_no"]) == (4, 3, 1, 0)


def test_vote_tally_of_nothing_has_every_vote_at_zero():
    assert vote_tally([]).counts == dict.fromkeys(VOTES, 0)


def test_unknown_vote_raises():
    with pytest.raises(ValueError, match="maybe"):
        vote_tally(["yes", "maybe"])


weights = st.floats(min_value=0.01, max_value=100)
scores = st.none() | st.integers(*SCALE)


@st.composite
def scorecards(draw):
    """Criteria and a full grid of ratings: every interviewer rates every criterion."""
    criteria = [
        Criterion(i, draw(st.sampled_from(CATEGORIES)), draw(weights))
        for i in range(draw(st.integers(1, 5)))
    ]
    interviewers = range(draw(st.integers(1, 4)))
    ratings = [Rating(p, c.id, draw(scores)) for p in interviewers for c in criteria]
    return criteria, ratings


def assert_same_scores(actual, expected):
    assert actual.keys() == expected.keys()
    for category, score in expected.items():
        if score is None:
            assert actual[category] is None
        else:
            assert math.isclose(actual[category], score)


@settings(max_examples=100)
@given(scorecards(), st.floats(min_value=0.01, max_value=100))
def test_scaling_all_weights_changes_no_score(scorecard, factor):
    criteria, ratings = scorecard
    scaled = [Criterion(c.id, c.category, c.weight * factor) for c in criteria]

    assert_same_scores(category_scores(scaled, ratings), category_scores(criteria, ratings))


@settings(max_examples=100)
@given(scorecards())
def test_scores_and_means_stay_within_scale(scorecard):
    criteria, ratings = scorecard
    low, high = SCALE

    for score in category_scores(criteria, ratings).values():
        assert score is None or low <= score <= high
    for mean in criterion_means(ratings).values():
        assert low <= mean <= high


@settings(max_examples=100)
@given(scorecards())
def test_a_twin_for_every_interviewer_changes_no_score(scorecard):
    # Only the whole panel can be doubled: a twin of one interviewer adds weight to their view.
    criteria, ratings = scorecard
    new_id = max(r.interviewer_id for r in ratings) + 1
    twins = [Rating(new_id + r.interviewer_id, r.criterion_id, r.score) for r in ratings]
    doubled = category_scores(criteria, ratings + twins)

    assert_same_scores(doubled, category_scores(criteria, ratings))


@settings(max_examples=100)
@given(st.lists(st.sampled_from(VOTES)))
def test_tally_total_is_the_number_of_votes(votes):
    tally = vote_tally(votes)

    assert tally.total == len(votes)
    assert tally.yes + tally.no == len(votes)
