"""The decision rule on plain data: named examples with their exact reasons, and validation.

No database: these tests build scorecards by hand.
"""

import math

import pytest

from scorecards.aggregation import SCALE, Criterion, Rating
from scorecards.recommendation import Method, Outcome, Recommendation, Rule, Scorecard, evaluate
from tests.factories import CRITERIA, METHODS

pytestmark = pytest.mark.plain_data


def card(name, interviewer_id, focus, vote, *ratings):
    return Scorecard(name, interviewer_id, focus, vote, tuple(ratings))


# -- named examples, exact reasons -------------------------------------------------------------

ANA_SKILLS = card("Ana", 1, "skills", "yes")
BEN_FIT = card("Ben", 2, "team_fit", "yes")
CY_FIT = card("Cy", 3, "team_fit", "yes")


def rated(name, interviewer_id, focus, vote, score=3):
    """A scorecard rating its focus's criterion of CRITERIA (skills 1, team fit 2)."""
    criterion = 1 if focus == "skills" else 2
    return card(name, interviewer_id, focus, vote, Rating(interviewer_id, criterion, score))


# The same panel rated 3 on its focus: both categories pass the default bars of 2.5.
ANA = rated("Ana", 1, "skills", "yes")
BEN = rated("Ben", 2, "team_fit", "yes")
CY = rated("Cy", 3, "team_fit", "yes")
BOTH_PASS = ("skills 3.00 ≥ 2.50", "team fit 3.00 ≥ 2.50")
# The weighted examples below were written for bars of 3.
AT_THREE = {"skills_threshold": 3.0, "team_fit_threshold": 3.0}


def test_quorum_short_of_scorecards():
    result = evaluate(Rule(Method.MAJORITY, min_scorecards=3), [ANA_SKILLS, BEN_FIT], CRITERIA)

    assert result == Recommendation(
        Outcome.NOT_YET,
        ("quorum: 2 of 3 scorecards submitted",),
        {"skills": None, "team_fit": None},
    )


def test_quorum_short_of_team_fit_peers():
    rule = Rule(Method.MAJORITY, min_scorecards=3, min_team_fit_peers=2)
    cards = [ANA_SKILLS, card("Cy", 3, "skills", "yes"), BEN_FIT]

    assert evaluate(rule, cards, CRITERIA).reasons == ("quorum: 1 of 2 team-fit peers submitted",)


def test_quorum_short_of_both_states_both():
    rule = Rule(Method.UNANIMOUS, min_scorecards=3, min_team_fit_peers=1)

    result = evaluate(rule, [ANA_SKILLS], CRITERIA)

    assert result.outcome == Outcome.NOT_YET
    assert result.reasons == (
        "quorum: 1 of 3 scorecards submitted",
        "quorum: 0 of 1 team-fit peer submitted",
    )


def test_unmet_quorum_is_not_yet_even_with_a_strong_no():
    rule = Rule(Method.MAJORITY, min_scorecards=3)
    cards = [card("Ben", 2, "team_fit", "strong_no"), ANA_SKILLS]

    assert evaluate(rule, cards, CRITERIA).outcome == Outcome.NOT_YET


def test_one_interviewer_on_both_focuses_is_two_scorecards_but_one_peer():
    rule = Rule(Method.MAJORITY, min_scorecards=2, min_team_fit_peers=2)
    cards = [card("Ben", 2, "skills", "yes"), card("Ben", 2, "team_fit", "yes")]

    assert evaluate(rule, cards, CRITERIA).reasons == ("quorum: 1 of 2 team-fit peers submitted",)


def test_met_quorum_is_stated():
    rule = Rule(Method.UNANIMOUS, min_scorecards=3, min_team_fit_peers=2)

    result = evaluate(rule, [ANA, BEN, CY], CRITERIA)

    assert result.reasons == (
        "quorum met: 3 scorecards, 2 team-fit peers",
        "unanimous: 3 of 3 voted yes",
        *BOTH_PASS,
    )
    assert result.outcome == Outcome.HIRE


def test_met_quorum_in_the_singular():
    result = evaluate(Rule(Method.MAJORITY, min_scorecards=1), [ANA, BEN], CRITERIA)

    assert result.reasons[:2] == (
        "quorum met: 2 scorecards, 1 team-fit peer",
        "majority: 2 of 2 voted yes",
    )


def test_veto_names_the_interviewer_and_focus_and_still_states_the_verdict():
    cards = [ANA, rated("Ben", 2, "team_fit", "strong_no"), CY]

    result = evaluate(Rule(Method.MAJORITY), cards, CRITERIA)

    assert result.outcome == Outcome.NO_HIRE
    assert result.reasons == (
        "quorum met: 3 scorecards, 2 team-fit peers",
        "veto: Ben voted strong no on team fit",
        "majority: 2 of 3 voted yes",
        *BOTH_PASS,
    )


def test_one_veto_per_strong_no_in_input_order():
    cards = [
        rated("Cy", 3, "team_fit", "strong_no"),
        ANA,
        rated("Ben", 2, "skills", "strong_no"),
    ]

    result = evaluate(Rule(Method.UNANIMOUS), cards, CRITERIA)

    assert result.outcome == Outcome.NO_HIRE
    assert result.reasons == (
        "quorum met: 3 scorecards, 1 team-fit peer",
        "veto: Cy voted strong no on team fit",
        "veto: Ben voted strong no on skills",
        "not unanimous: 2 of 3 voted no",
        *BOTH_PASS,
    )


def test_without_veto_a_strong_no_is_just_a_no():
    cards = [ANA, rated("Ben", 2, "team_fit", "strong_no"), CY]

    result = evaluate(Rule(Method.MAJORITY, strong_no_veto=False), cards, CRITERIA)

    assert result.outcome == Outcome.HIRE
    assert result.reasons == (
        "quorum met: 3 scorecards, 2 team-fit peers",
        "majority: 2 of 3 voted yes",
        *BOTH_PASS,
    )


def test_unanimous_hire_counts_strong_yes_as_yes():
    cards = [ANA, rated("Ben", 2, "team_fit", "strong_yes"), CY]

    result = evaluate(Rule(Method.UNANIMOUS), cards, CRITERIA)

    assert (result.outcome, result.reasons[1]) == (Outcome.HIRE, "unanimous: 3 of 3 voted yes")


def test_not_unanimous():
    cards = [ANA, rated("Ben", 2, "team_fit", "no"), CY]

    result = evaluate(Rule(Method.UNANIMOUS), cards, CRITERIA)

    assert (result.outcome, result.reasons[1]) == (
        Outcome.NO_HIRE,
        "not unanimous: 1 of 3 voted no",
    )


def test_no_scorecard_meets_even_a_quorum_of_0():
    result = evaluate(Rule(Method.UNANIMOUS, min_scorecards=0, min_team_fit_peers=0), [], CRITERIA)

    assert result == Recommendation(
        Outcome.NOT_YET,
        ("quorum: 0 of 1 scorecard submitted",),
        {"skills": None, "team_fit": None},
    )


def test_majority_hire():
    cards = [ANA, rated("Ben", 2, "team_fit", "no"), CY]

    result = evaluate(Rule(Method.MAJORITY), cards, CRITERIA)

    assert (result.outcome, result.reasons[1]) == (Outcome.HIRE, "majority: 2 of 3 voted yes")


def test_a_tie_is_no_majority():
    cards = [ANA, rated("Ben", 2, "team_fit", "no")]

    result = evaluate(Rule(Method.MAJORITY), cards, CRITERIA)

    assert result.outcome == Outcome.NO_HIRE
    assert result.reasons == (
        "quorum met: 2 scorecards, 1 team-fit peer",
        "no majority: 1 of 2 voted yes",
        *BOTH_PASS,
    )


@pytest.mark.parametrize("method", [Method.MAJORITY, Method.UNANIMOUS])
def test_every_yes_is_no_hire_when_a_category_misses_its_bar(method):
    """Both must pass under every method: a unanimous yes with skills at 1.0 is no hire."""
    cards = [rated("Ana", 1, "skills", "yes", score=1), BEN, CY]

    result = evaluate(Rule(method), cards, CRITERIA)

    assert result.outcome == Outcome.NO_HIRE
    assert result.reasons[-2:] == ("skills 1.00 < 2.50", "team fit 3.00 ≥ 2.50")


def test_every_yes_is_no_hire_without_evidence_in_a_category():
    cards = [ANA, card("Ben", 2, "team_fit", "yes"), card("Cy", 3, "team_fit", "yes")]

    result = evaluate(Rule(Method.MAJORITY), cards, CRITERIA)

    assert result.outcome == Outcome.NO_HIRE
    assert result.reasons[-1] == "team fit: no evidence"


def test_one_vote_per_interviewer_is_yes_only_if_all_of_theirs_are():
    """Ana's skills yes and team-fit no count as one no: one yes of two is no majority."""
    cards = [ANA, rated("Ana", 1, "team_fit", "no"), BEN]

    per_interviewer = evaluate(Rule(Method.MAJORITY), cards, CRITERIA)
    per_scorecard = evaluate(Rule(Method.MAJORITY, vote_counting="scorecard"), cards, CRITERIA)

    assert per_interviewer.reasons[1] == "no majority: 1 of 2 voted yes"
    assert per_interviewer.outcome == Outcome.NO_HIRE
    assert per_scorecard.reasons[1] == "majority: 2 of 3 voted yes"
    assert per_scorecard.outcome == Outcome.HIRE


def test_a_strong_no_on_any_scorecard_is_the_interviewers_vote():
    cards = [rated("Ana", 1, "skills", "strong_yes"), rated("Ana", 1, "team_fit", "strong_no")]
    rule = Rule(Method.UNANIMOUS, min_scorecards=1, strong_no_veto=False)

    result = evaluate(rule, cards, CRITERIA)

    assert result.reasons[1] == "not unanimous: 1 of 1 voted no"


WEIGHTED_CRITERIA = (
    Criterion(id=1, category="skills", weight=1.0),
    Criterion(id=2, category="skills", weight=3.0),
    Criterion(id=3, category="team_fit", weight=1.0),
)


def test_weighted_reports_both_categories_against_their_thresholds():
    cards = [
        card("Ana", 1, "skills", "yes", Rating(1, 1, 4), Rating(1, 2, 3)),
        card("Ben", 2, "team_fit", "yes", Rating(2, 3, 2)),
        card("Cy", 3, "team_fit", "yes", Rating(3, 3, 3)),
    ]

    result = evaluate(Rule(Method.WEIGHTED, **AT_THREE), cards, WEIGHTED_CRITERIA)

    assert result == Recommendation(
        Outcome.NO_HIRE,
        (
            "quorum met: 3 scorecards, 2 team-fit peers",
            "skills 3.25 ≥ 3.00",
            "team fit 2.50 < 3.00",
        ),
        {"skills": 3.25, "team_fit": 2.5},
    )


def test_weighted_hire_when_both_meet_their_thresholds():
    cards = [
        card("Ana", 1, "skills", "no", Rating(1, 1, 4), Rating(1, 2, 3)),
        card("Ben", 2, "team_fit", "no", Rating(2, 3, 2), Rating(2, 1, 2)),
        card("Cy", 3, "team_fit", "no", Rating(3, 3, 3)),
    ]
    rule = Rule(Method.WEIGHTED, skills_threshold=2.5, team_fit_threshold=2.5)

    result = evaluate(rule, cards, WEIGHTED_CRITERIA)

    # Votes do not count under the weighted method; Ben's skills rating brings skills to 3.00.
    assert result.outcome == Outcome.HIRE
    assert result.reasons[1:] == ("skills 3.00 ≥ 2.50", "team fit 2.50 ≥ 2.50")


def test_weighted_threshold_met_exactly_passes():
    cards = [
        card("Ana", 1, "skills", "yes", Rating(1, 1, 3)),
        card("Ben", 2, "team_fit", "yes", Rating(2, 3, 3)),
    ]

    result = evaluate(Rule(Method.WEIGHTED, **AT_THREE), cards, WEIGHTED_CRITERIA)

    assert result.outcome == Outcome.HIRE
    assert result.reasons[1:] == ("skills 3.00 ≥ 3.00", "team fit 3.00 ≥ 3.00")


def test_weighted_threshold_met_up_to_floating_point_passes():
    criteria = (
        Criterion(id=1, category="skills", weight=0.1),
        Criterion(id=2, category="skills", weight=0.7),
        Criterion(id=3, category="team_fit", weight=1.0),
    )
    cards = [
        card("Ana", 1, "skills", "yes", Rating(1, 1, 3), Rating(1, 2, 3)),
        card("Ben", 2, "team_fit", "yes", Rating(2, 3, 3)),
    ]

    result = evaluate(Rule(Method.WEIGHTED, **AT_THREE), cards, criteria)

    assert result.category_scores["skills"] < 3.0  # 2.9999999999999996
    assert result.outcome == Outcome.HIRE
    assert result.reasons[1] == "skills 3.00 ≥ 3.00"


def test_weighted_score_just_below_its_threshold_shows_the_difference():
    cards = [
        card("Ana", 1, "skills", "yes", Rating(1, 1, 4)),
        card("Ben", 2, "team_fit", "yes", Rating(2, 3, 3)),
        card("Cy", 3, "team_fit", "yes", Rating(3, 3, 3)),
        card("Dee", 4, "team_fit", "yes", Rating(4, 3, 2)),
    ]
    rule = Rule(Method.WEIGHTED, team_fit_threshold=2.67)

    result = evaluate(rule, cards, WEIGHTED_CRITERIA)

    # 8/3 = 2.666..., which two decimals would show as "2.67 < 2.67".
    assert result.outcome == Outcome.NO_HIRE
    assert result.reasons[-1] == "team fit 2.667 < 2.670"


def test_weighted_category_without_evidence_is_no_hire():
    cards = [
        card("Ana", 1, "skills", "strong_yes", Rating(1, 1, 4)),
        card("Ben", 2, "team_fit", "strong_yes", Rating(2, 3, None)),
    ]

    result = evaluate(Rule(Method.WEIGHTED, **AT_THREE), cards, WEIGHTED_CRITERIA)

    assert result == Recommendation(
        Outcome.NO_HIRE,
        (
            "quorum met: 2 scorecards, 1 team-fit peer",
            "skills 4.00 ≥ 3.00",
            "team fit: no evidence",
        ),
        {"skills": 4.0, "team_fit": None},
    )


def test_weighted_with_a_veto():
    cards = [
        card("Ana", 1, "skills", "strong_no", Rating(1, 1, 4)),
        card("Ben", 2, "team_fit", "yes", Rating(2, 3, 4)),
    ]

    result = evaluate(Rule(Method.WEIGHTED, **AT_THREE), cards, WEIGHTED_CRITERIA)

    assert result.outcome == Outcome.NO_HIRE
    assert result.reasons[1:] == (
        "veto: Ana voted strong no on skills",
        "skills 4.00 ≥ 3.00",
        "team fit 4.00 ≥ 3.00",
    )


@pytest.mark.parametrize("method", METHODS)
def test_category_scores_are_returned_whatever_the_method(method):
    cards = [
        card("Ana", 1, "skills", "yes", Rating(1, 1, 4), Rating(1, 2, 3)),
        card("Ben", 2, "team_fit", "yes", Rating(2, 3, 2)),
    ]

    for rule in (Rule(method), Rule(method, min_scorecards=5)):
        result = evaluate(rule, cards, WEIGHTED_CRITERIA)
        assert result.category_scores == {"skills": 3.25, "team_fit": 2.0}


def test_ratings_on_criteria_not_given_are_ignored():
    cards = [card("Ana", 1, "skills", "yes", Rating(1, 1, 4), Rating(1, 99, 1)), BEN_FIT]

    result = evaluate(Rule(Method.MAJORITY), cards, WEIGHTED_CRITERIA)

    assert result.category_scores == {"skills": 4.0, "team_fit": None}


# -- validation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"decision_method": "plurality"},
        {"decision_method": "Majority"},
        {"decision_method": Method.MAJORITY, "min_scorecards": -1},
        {"decision_method": Method.MAJORITY, "min_team_fit_peers": -1},
        {"decision_method": Method.MAJORITY, "min_scorecards": 1.5},
        {"decision_method": Method.MAJORITY, "min_team_fit_peers": True},
        {"decision_method": Method.WEIGHTED, "skills_threshold": SCALE[0] - 0.01},
        {"decision_method": Method.WEIGHTED, "team_fit_threshold": SCALE[1] + 0.01},
        {"decision_method": Method.WEIGHTED, "skills_threshold": 0},
        {"decision_method": Method.WEIGHTED, "team_fit_threshold": math.nan},
        {"decision_method": Method.WEIGHTED, "skills_threshold": "3"},
        {"decision_method": Method.MAJORITY, "strong_no_veto": "yes"},
    ],
)
def test_invalid_rules_are_refused(kwargs):
    with pytest.raises(ValueError, match="Unknown method|must be"):
        Rule(**kwargs)


def test_rule_edges_are_valid():
    Rule(Method.WEIGHTED, 0, 0, SCALE[0], SCALE[1], strong_no_veto=False)
    Rule(Method.UNANIMOUS, min_scorecards=10, min_team_fit_peers=10)


@pytest.mark.parametrize(
    ("focus", "vote"), [("culture", "yes"), ("skills", "maybe"), ("team_fit", "")]
)
def test_invalid_scorecards_are_refused(focus, vote):
    with pytest.raises(ValueError, match="Unknown"):
        Scorecard("Ana", 1, focus, vote)


def test_scorecard_keeps_its_ratings_as_a_tuple():
    scorecard = Scorecard("Ana", 1, "skills", "yes", [Rating(1, 1, 3)])

    assert scorecard.ratings == (Rating(1, 1, 3),)
    assert hash(scorecard)
