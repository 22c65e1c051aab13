"""The decision rule on plain data: exhaustive over small panels, and properties.

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
from scorecards.recommendation import Method, Outcome, Rule, Scorecard, VoteCounting, evaluate
from tests.factories import CRITERIA, FIT, METHODS, SKILL

pytestmark = pytest.mark.plain_data

CRITERION_OF = {"skills": SKILL.id, "team_fit": FIT.id}
# In the exhaustive runs each scorecard rates its focus with the score its vote suggests.
SCORE_OF_VOTE = {"strong_no": 1, "no": 2, "yes": 3, "strong_yes": 4}
NAMES = ("Ana", "Ben", "Cy", "Dee")


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
    # A team decides on feedback: no quorum is met on none, even one of 0.
    return (
        len(cards) >= max(rule.min_scorecards, 1)
        and expected_peers(cards) >= rule.min_team_fit_peers
    )


def expected_means(cards):
    """Category means for panels rated on one weight-1 criterion per category, as fractions."""
    means = {}
    for category in CATEGORIES:
        scores = [
            r.score
            for c in cards
            for r in c.ratings
            if r.criterion_id == CRITERION_OF[category] and r.score is not None
        ]
        means[category] = Fraction(sum(scores), len(scores)) if scores else None
    return means


def expected_votes(rule, cards):
    """One per scorecard, or per interviewer their most negative one."""
    if rule.vote_counting == VoteCounting.PER_SCORECARD:
        return [c.vote for c in cards]
    scale = ["strong_no", "no", "yes", "strong_yes"]
    lowest = {}
    for c in cards:
        lowest[c.interviewer_id] = min(lowest.get(c.interviewer_id, 3), scale.index(c.vote))
    return [scale[index] for index in lowest.values()]


def expected_outcome(rule, cards):
    if not expected_quorum_met(rule, cards):
        return Outcome.NOT_YET
    if rule.strong_no_veto and "strong_no" in [c.vote for c in cards]:
        return Outcome.NO_HIRE
    votes = expected_votes(rule, cards)
    ayes = sum(vote in ("yes", "strong_yes") for vote in votes)
    means = expected_means(cards)
    thresholds = {"skills": rule.skills_threshold, "team_fit": rule.team_fit_threshold}
    both_pass = all(
        means[category] is not None and means[category] >= Fraction(str(thresholds[category]))
        for category in CATEGORIES
    )
    method_passes = {
        Method.UNANIMOUS: bool(votes) and ayes == len(votes),
        Method.MAJORITY: Fraction(ayes) > Fraction(len(votes), 2),
        Method.WEIGHTED: True,
    }[rule.decision_method]
    return Outcome.HIRE if method_passes and both_pass else Outcome.NO_HIRE


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
        # The method's verdict (the weighted method has none of its own), then both categories.
        verdict_count = 2 if rule.decision_method == Method.WEIGHTED else 3
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
    """Every panel of 0-4 scorecards over every vote x focus, under three quorums, counting
    votes per interviewer and per scorecard."""
    rules = [
        Rule(method, low, peers, strong_no_veto=veto, vote_counting=counting)
        for low, peers in QUORUMS
        for counting in VoteCounting.values
    ]
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
    assert cases == 6 * sum(8**size for size in range(5))
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


# -- properties --------------------------------------------------------------------------------

rules = st.builds(
    Rule,
    decision_method=st.sampled_from(METHODS),
    min_scorecards=st.integers(0, 5),
    min_team_fit_peers=st.integers(0, 3),
    # Two decimals, as an opening stores them.
    skills_threshold=st.integers(100 * SCALE[0], 100 * SCALE[1]).map(lambda n: n / 100),
    team_fit_threshold=st.integers(100 * SCALE[0], 100 * SCALE[1]).map(lambda n: n / 100),
    strong_no_veto=st.booleans(),
    vote_counting=st.sampled_from(VoteCounting.values),
)
scores = st.one_of(st.none(), st.integers(SCALE[0], SCALE[1]))


@st.composite
def scorecards(draw, min_size=0, max_size=6):
    count = draw(st.integers(min_size, max_size))
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
def test_a_hire_needs_both_categories_at_or_above_their_bars_under_every_method(rule, cards):
    """SPEC principle 3: skills and team fit are scored separately and both must pass."""
    result = evaluate(rule, cards, CRITERIA)

    if result.outcome == Outcome.HIRE:
        scores = result.category_scores
        assert scores["skills"] is not None
        assert scores["skills"] >= rule.skills_threshold - 1e-9
        assert scores["team_fit"] is not None
        assert scores["team_fit"] >= rule.team_fit_threshold - 1e-9


@settings(max_examples=300)
@given(rule=rules, cards=scorecards())
def test_the_outcome_is_the_independent_expectation(rule, cards):
    """Random panels (an interviewer may hold several scorecards) against the oracle above."""
    assert evaluate(rule, cards, CRITERIA).outcome == expected_outcome(rule, cards)


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
    cards=scorecards(min_size=1, max_size=4),  # no quorum is met on none
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
