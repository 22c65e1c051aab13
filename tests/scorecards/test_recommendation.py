"""The decision rule on plain data: exhaustive over small panels, named examples, properties.

No database: these tests build scorecards by hand. The expectations below are written
independently of scorecards.recommendation (exact fractions, no shared helpers) so the two
can disagree.
"""

import itertools
import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecards.aggregation import CATEGORIES, SCALE, VOTES, Criterion, Rating
from scorecards.recommendation import (
    Method,
    Outcome,
    Recommendation,
    Rule,
    Scorecard,
    evaluate,
)

METHODS = (Method.UNANIMOUS, Method.MAJORITY, Method.WEIGHTED)
SKILL = Criterion(id=1, category="skills", weight=1.0)
FIT = Criterion(id=2, category="team_fit", weight=1.0)
CRITERIA = (SKILL, FIT)
CRITERION_OF = {"skills": SKILL.id, "team_fit": FIT.id}
# In the exhaustive runs each scorecard rates its focus with the score its vote suggests.
SCORE_OF_VOTE = {"strong_no": 1, "no": 2, "yes": 3, "strong_yes": 4}
NAMES = ("Ana", "Ben", "Cy", "Dee")


def card(name, interviewer_id, focus, vote, *ratings):
    return Scorecard(name, interviewer_id, focus, vote, tuple(ratings))


def plain_card(position, vote, focus, score):
    """The scorecard at `position` of an exhaustive panel.

    Interviewers are numbered by position modulo 3, so the 4th scorecard shares its interviewer
    with the 1st: distinct team-fit peers are then fewer than team-fit scorecards.
    """
    interviewer_id = position % 3 + 1
    ratings = () if score is None else (Rating(interviewer_id, CRITERION_OF[focus], score),)
    return Scorecard(NAMES[position], interviewer_id, focus, vote, ratings)


# -- the independent expectation --------------------------------------------------------------


def expected_peers(cards):
    return len({c.interviewer_id for c in cards if c.focus == "team_fit"})


def expected_quorum_met(rule, cards):
    return len(cards) >= rule.min_scorecards and expected_peers(cards) >= rule.min_team_fit_peers


def expected_means(cards):
    """Category means for panels rated on one weight-1 criterion per category, as fractions."""
    means = {}
    for category in CATEGORIES:
        scores = [
            r.score for c in cards for r in c.ratings if c.focus == category and r.score is not None
        ]
        means[category] = Fraction(sum(scores), len(scores)) if scores else None
    return means


def expected_outcome(rule, cards):
    if not expected_quorum_met(rule, cards):
        return Outcome.NOT_YET
    votes = [c.vote for c in cards]
    if rule.strong_no_veto and "strong_no" in votes:
        return Outcome.NO_HIRE
    ayes = sum(vote in ("yes", "strong_yes") for vote in votes)
    if rule.decision_method == Method.UNANIMOUS:
        return Outcome.HIRE if votes and ayes == len(votes) else Outcome.NO_HIRE
    if rule.decision_method == Method.MAJORITY:
        return Outcome.HIRE if Fraction(ayes) > Fraction(len(votes), 2) else Outcome.NO_HIRE
    means = expected_means(cards)
    thresholds = {"skills": rule.skills_threshold, "team_fit": rule.team_fit_threshold}
    passes = all(
        means[category] is not None and means[category] >= Fraction(thresholds[category])
        for category in CATEGORIES
    )
    return Outcome.HIRE if passes else Outcome.NO_HIRE


def check(rule, cards, failures):
    result = evaluate(rule, cards, CRITERIA)
    want = expected_outcome(rule, cards)
    problems = []
    if result.outcome != want:
        problems.append(f"outcome {result.outcome}, expected {want}")
    means = expected_means(cards)
    for category in CATEGORIES:
        got, mean = result.category_scores[category], means[category]
        if (got is None) != (mean is None) or (mean is not None and not math.isclose(got, mean)):
            problems.append(f"{category} score {got}, expected {mean}")
    reasons = result.reasons
    if want == Outcome.NOT_YET:
        if not reasons or not all(r.startswith("quorum: ") for r in reasons):
            problems.append(f"unmet quorum reasons {reasons}")
    else:
        vetoes = [
            f"veto: {c.interviewer} voted strong no on {c.focus.replace('_', ' ')}"
            for c in cards
            if rule.strong_no_veto and c.vote == "strong_no"
        ]
        verdict_count = 2 if rule.decision_method == Method.WEIGHTED else 1
        if (
            not reasons[0].startswith("quorum met: ")
            or list(reasons[1 : 1 + len(vetoes)]) != vetoes
            or len(reasons) != 1 + len(vetoes) + verdict_count
        ):
            problems.append(f"reasons {reasons}")
    if problems:
        failures.append((rule, [(c.vote, c.focus, c.interviewer_id) for c in cards], problems))


def report(failures):
    return f"{len(failures)} mismatches, e.g. {failures[:3]}"


# -- exhaustive over small panels --------------------------------------------------------------

QUORUMS = ((2, 1), (0, 0), (3, 2))


@pytest.mark.parametrize("veto", [True, False])
@pytest.mark.parametrize("method", METHODS)
def test_exhaustive_votes_and_focus(method, veto):
    """Every panel of 0-4 scorecards over every vote x focus, under three quorums."""
    rules = [Rule(method, low, peers, strong_no_veto=veto) for low, peers in QUORUMS]
    options = list(itertools.product(VOTES, CATEGORIES))
    failures, cases = [], 0
    for size in range(5):
        for combo in itertools.product(options, repeat=size):
            cards = [
                plain_card(i, vote, focus, SCORE_OF_VOTE[vote])
                for i, (vote, focus) in enumerate(combo)
            ]
            for rule in rules:
                check(rule, cards, failures)
                cases += 1
    assert cases == 3 * sum(8**size for size in range(5))
    assert not failures, report(failures)


THRESHOLDS = ((1.0, 1.0), (3.0, 3.0), (2.5, 3.0), (3.0, 2.5), (4.0, 4.0), (2.0, 3.5))


@pytest.mark.parametrize("veto", [True, False])
def test_exhaustive_weighted_scores(veto):
    """Every panel of 0-3 scorecards over focus x score (None included), for several thresholds.

    Means such as 2.5 and 3.0 land exactly on thresholds, which pass.
    """
    options = list(itertools.product(CATEGORIES, (None, *range(SCALE[0], SCALE[1] + 1))))
    rules = [
        Rule(Method.WEIGHTED, 1, 1, skills, fit, strong_no_veto=veto) for skills, fit in THRESHOLDS
    ]
    failures = []
    for size in range(4):
        for combo in itertools.product(options, repeat=size):
            # The first scorecard votes strong no; a veto then decides whatever the scores.
            cards = [
                plain_card(i, "strong_no" if i == 0 else "yes", focus, score)
                for i, (focus, score) in enumerate(combo)
            ]
            for rule in rules:
                check(rule, cards, failures)
    assert not failures, report(failures)


# -- named examples, exact reasons -------------------------------------------------------------

ANA_SKILLS = card("Ana", 1, "skills", "yes")
BEN_FIT = card("Ben", 2, "team_fit", "yes")
CY_FIT = card("Cy", 3, "team_fit", "yes")


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

    result = evaluate(rule, [ANA_SKILLS, BEN_FIT, CY_FIT], CRITERIA)

    assert result.reasons == (
        "quorum met: 3 scorecards, 2 team-fit peers",
        "unanimous: 3 of 3 voted yes",
    )
    assert result.outcome == Outcome.HIRE


def test_met_quorum_in_the_singular():
    result = evaluate(Rule(Method.MAJORITY, min_scorecards=1), [BEN_FIT], CRITERIA)

    assert result.reasons == (
        "quorum met: 1 scorecard, 1 team-fit peer",
        "majority: 1 of 1 voted yes",
    )


def test_veto_names_the_interviewer_and_focus_and_still_states_the_verdict():
    cards = [ANA_SKILLS, card("Ben", 2, "team_fit", "strong_no"), CY_FIT]

    result = evaluate(Rule(Method.MAJORITY), cards, CRITERIA)

    assert result.outcome == Outcome.NO_HIRE
    assert result.reasons == (
        "quorum met: 3 scorecards, 2 team-fit peers",
        "veto: Ben voted strong no on team fit",
        "majority: 2 of 3 voted yes",
    )


def test_one_veto_per_strong_no_in_input_order():
    cards = [
        card("Cy", 3, "team_fit", "strong_no"),
        ANA_SKILLS,
        card("Ben", 2, "skills", "strong_no"),
    ]

    result = evaluate(Rule(Method.UNANIMOUS), cards, CRITERIA)

    assert result.outcome == Outcome.NO_HIRE
    assert result.reasons == (
        "quorum met: 3 scorecards, 1 team-fit peer",
        "veto: Cy voted strong no on team fit",
        "veto: Ben voted strong no on skills",
        "not unanimous: 2 of 3 voted no",
    )


def test_without_veto_a_strong_no_is_just_a_no():
    cards = [ANA_SKILLS, card("Ben", 2, "team_fit", "strong_no"), CY_FIT]

    result = evaluate(Rule(Method.MAJORITY, strong_no_veto=False), cards, CRITERIA)

    assert result.outcome == Outcome.HIRE
    assert result.reasons == (
        "quorum met: 3 scorecards, 2 team-fit peers",
        "majority: 2 of 3 voted yes",
    )


def test_unanimous_hire_counts_strong_yes_as_yes():
    cards = [ANA_SKILLS, card("Ben", 2, "team_fit", "strong_yes"), CY_FIT]

    result = evaluate(Rule(Method.UNANIMOUS), cards, CRITERIA)

    assert (result.outcome, result.reasons[-1]) == (Outcome.HIRE, "unanimous: 3 of 3 voted yes")


def test_not_unanimous():
    cards = [ANA_SKILLS, card("Ben", 2, "team_fit", "no"), CY_FIT]

    result = evaluate(Rule(Method.UNANIMOUS), cards, CRITERIA)

    assert (result.outcome, result.reasons[-1]) == (
        Outcome.NO_HIRE,
        "not unanimous: 1 of 3 voted no",
    )


def test_unanimous_with_no_votes_at_all_is_no_hire():
    result = evaluate(Rule(Method.UNANIMOUS, min_scorecards=0, min_team_fit_peers=0), [], CRITERIA)

    assert result == Recommendation(
        Outcome.NO_HIRE,
        ("quorum met: 0 scorecards, 0 team-fit peers", "not unanimous: no votes"),
        {"skills": None, "team_fit": None},
    )


def test_majority_hire():
    cards = [ANA_SKILLS, card("Ben", 2, "team_fit", "no"), CY_FIT]

    result = evaluate(Rule(Method.MAJORITY), cards, CRITERIA)

    assert (result.outcome, result.reasons[-1]) == (Outcome.HIRE, "majority: 2 of 3 voted yes")


def test_a_tie_is_no_majority():
    cards = [ANA_SKILLS, card("Ben", 2, "team_fit", "no")]

    result = evaluate(Rule(Method.MAJORITY), cards, CRITERIA)

    assert result.outcome == Outcome.NO_HIRE
    assert result.reasons == (
        "quorum met: 2 scorecards, 1 team-fit peer",
        "no majority: 1 of 2 voted yes",
    )


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

    result = evaluate(Rule(Method.WEIGHTED), cards, WEIGHTED_CRITERIA)

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

    result = evaluate(Rule(Method.WEIGHTED), cards, WEIGHTED_CRITERIA)

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

    result = evaluate(Rule(Method.WEIGHTED), cards, criteria)

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

    result = evaluate(Rule(Method.WEIGHTED), cards, WEIGHTED_CRITERIA)

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

    result = evaluate(Rule(Method.WEIGHTED), cards, WEIGHTED_CRITERIA)

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


# -- properties --------------------------------------------------------------------------------

rules = st.builds(
    Rule,
    decision_method=st.sampled_from(METHODS),
    min_scorecards=st.integers(0, 5),
    min_team_fit_peers=st.integers(0, 3),
    skills_threshold=st.floats(SCALE[0], SCALE[1]),
    team_fit_threshold=st.floats(SCALE[0], SCALE[1]),
    strong_no_veto=st.booleans(),
)
scores = st.one_of(st.none(), st.integers(SCALE[0], SCALE[1]))


@st.composite
def scorecards(draw, max_size=6):
    count = draw(st.integers(0, max_size))
    cards = []
    for _ in range(count):
        interviewer_id = draw(st.integers(1, 4))
        focus = draw(st.sampled_from(CATEGORIES))
        ratings = tuple(
            Rating(interviewer_id, criterion.id, draw(scores))
            for criterion in CRITERIA
            if draw(st.booleans())
        )
        cards.append(
            Scorecard(
                NAMES[interviewer_id - 1],
                interviewer_id,
                focus,
                draw(st.sampled_from(VOTES)),
                ratings,
            )
        )
    return cards


@settings(max_examples=300)
@given(rule=rules, cards=scorecards())
def test_not_yet_exactly_when_the_quorum_is_unmet(rule, cards):
    result = evaluate(rule, cards, CRITERIA)

    assert (result.outcome == Outcome.NOT_YET) == (not expected_quorum_met(rule, cards))


@settings(max_examples=300)
@given(
    rule=rules.filter(lambda rule: rule.strong_no_veto),
    cards=scorecards(),
    interviewer_id=st.integers(1, 5),
    focus=st.sampled_from(CATEGORIES),
    data=st.data(),
)
def test_a_vetoing_strong_no_never_yields_a_hire(rule, cards, interviewer_id, focus, data):
    before = evaluate(rule, cards, CRITERIA).outcome
    position = data.draw(st.integers(0, len(cards)))
    strong_no = Scorecard("Zed", interviewer_id, focus, "strong_no")

    after = evaluate(rule, [*cards[:position], strong_no, *cards[position:]], CRITERIA).outcome

    assert after in (Outcome.NO_HIRE, Outcome.NOT_YET)
    if before != Outcome.NOT_YET:
        # One more scorecard keeps a met quorum met, and the veto then decides.
        assert after == Outcome.NO_HIRE


@settings(max_examples=200)
@given(rule=rules, cards=scorecards(), data=st.data())
def test_outcome_and_scores_do_not_depend_on_scorecard_order(rule, cards, data):
    shuffled = data.draw(st.permutations(cards))

    first, second = evaluate(rule, cards, CRITERIA), evaluate(rule, shuffled, CRITERIA)

    assert first.outcome == second.outcome
    assert sorted(first.reasons) == sorted(second.reasons)
    for category in CATEGORIES:
        a, b = first.category_scores[category], second.category_scores[category]
        assert (a is None and b is None) or math.isclose(a, b)


@settings(max_examples=200)
@given(
    weights=st.lists(st.integers(1, 9), min_size=4, max_size=4),
    cards=scorecards(max_size=4),
    thresholds=st.tuples(
        st.sampled_from([1, 1.5, 2, 2.5, 3, 3.5, 4]), st.sampled_from([1, 1.5, 2, 2.5, 3, 3.5, 4])
    ),
)
def test_weighted_matches_exact_arithmetic(weights, cards, thresholds):
    """Weighted criteria (two per category), checked against exact fractions."""
    criteria = [
        Criterion(id=i + 1, category=CATEGORIES[i // 2], weight=weight / 10)
        for i, weight in enumerate(weights)
    ]
    # Spread each scorecard's ratings over all four criteria.
    cards = [
        Scorecard(
            c.interviewer,
            c.interviewer_id,
            c.focus,
            c.vote,
            tuple(
                Rating(c.interviewer_id, 1 + (r.criterion_id + i) % 4, r.score) for r in c.ratings
            ),
        )
        for i, c in enumerate(cards)
    ]
    rule = Rule(Method.WEIGHTED, 0, 0, *thresholds, strong_no_veto=False)

    result = evaluate(rule, cards, criteria)

    passes = True
    for category, threshold in zip(CATEGORIES, thresholds, strict=True):
        rated = []
        for criterion in criteria:
            if criterion.category != category:
                continue
            given_scores = [
                r.score
                for c in cards
                for r in c.ratings
                if r.criterion_id == criterion.id and r.score is not None
            ]
            if given_scores:
                rated.append(
                    (
                        Fraction(str(criterion.weight)),
                        Fraction(sum(given_scores), len(given_scores)),
                    )
                )
        if not rated:
            passes = False
            continue
        exact = sum(w * m for w, m in rated) / sum(w for w, _ in rated)
        passes = passes and exact >= Fraction(threshold)
    assert result.outcome == (Outcome.HIRE if passes else Outcome.NO_HIRE)
