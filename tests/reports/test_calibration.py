"""Interviewer calibration and rater agreement, computed by the database (hiring/reports/queries.py)
from scorecards stored here for each case: ratings are (application, criterion, interviewer,
score) and votes are (application, interviewer, vote), with numbers standing for the objects."""

import importlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from itertools import count

import pytest
from django.apps import apps
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hiring.models import Application, Coincidences, FiguresOutdated, Team
from hiring.reports import figures, queries
from scorecards import scoring
from scorecards.agreement import (
    LEANING_MIN_PANELS,
    LEANING_MIN_RATINGS,
    LEANING_THRESHOLD,
    NOT_ENOUGH_YET,
    krippendorff_alpha_ordinal,
)
from scorecards.models import Criterion, Feedback, FeedbackRevision, Rating
from tests.factories import ApplicationFactory, OpeningFactory, UserFactory, assigned

pytestmark = pytest.mark.django_db
# Each example stores its scorecards (and rolls them back): fewer examples than pure tests.
STORED_EXAMPLES = {
    "max_examples": 25,
    "suppress_health_check": [HealthCheck.function_scoped_fixture],
}
FOCI = ("skills", "team_fit")


@dataclass(frozen=True)
class Calibration:
    interviewer_id: int
    panels: int
    mean_offset: float | None
    vote_offset: float | None
    leaning: str
    cells: int = 0
    rating_panels: int = 0
    vote_panels: int = 0
    leaning_sample: tuple = ()


def calibration(ratings, votes):
    """queries.calibration over these rows, stored as submitted scorecards and rolled back.

    An interviewer with two values in one cell wrote two scorecards (two foci) there.
    """
    with transaction.atomic():
        scope, people = stored(ratings, votes)
        numbers = {person.pk: n for n, person in people.items()}
        result = [
            Calibration(
                numbers[row["interviewer_id"]],
                row["panels"],
                row["mean_offset"],
                row["vote_offset"],
                row["leaning"],
                cells=row["cells"],
                rating_panels=row["rating_panels"],
                vote_panels=row["vote_panels"],
                leaning_sample=(
                    row["leaning_panels"],
                    row["leaning_compared"],
                    row["leaning_from"],
                ),
            )
            for row in queries.calibration(scope, {})
        ]
        transaction.set_rollback(True)
    return result


def stored(ratings, votes, **opening):
    """The rows as submitted scorecards: the scope of their applications, and the people.
    `opening`: the fields of the opening they are made on (its team, say)."""
    opening = OpeningFactory(**opening)
    version = opening.scorecard.current_version()
    criteria = {
        n: Criterion.objects.create(version=version, name=f"Criterion {n}", category="skills")
        for n in sorted({row[1] for row in ratings})
    }
    # Everyone submitted: the debrief has opened on each (reports count no other).
    applications = {
        n: ApplicationFactory(opening=opening, debrief_opened_at=timezone.now())
        for n in sorted({row[0] for row in ratings} | {row[0] for row in votes})
    }
    people = {
        n: UserFactory() for n in sorted({row[2] for row in ratings} | {row[1] for row in votes})
    }
    scorecards = defaultdict(lambda: defaultdict(lambda: {"scores": {}, "vote": ""}))
    for application, criterion, interviewer, score in ratings:
        theirs = scorecards[application, interviewer]
        first_free = next(i for i in count() if criterion not in theirs[i]["scores"])
        theirs[first_free]["scores"][criterion] = score
    for application, interviewer, vote in votes:
        theirs = scorecards[application, interviewer]
        theirs[next(i for i in count() if not theirs[i]["vote"])]["vote"] = vote
    for (application, interviewer), theirs in scorecards.items():
        for index, scorecard in theirs.items():
            person = people[interviewer]
            item = Feedback.objects.create(
                application=applications[application],
                interviewer=person,
                focus=FOCI[index],
                version=version,
                assigned_by=person,
            )
            revision = FeedbackRevision.objects.create(
                feedback=item, vote=scorecard["vote"], submitted_at=timezone.now()
            )
            item.latest_submission = revision
            item.save(update_fields=["latest_submission"])
            for criterion, score in scorecard["scores"].items():
                Rating.objects.create(revision=revision, criterion=criteria[criterion], score=score)
    today = timezone.localdate()
    scope = queries.scope_for(
        [opening.team_id],
        today - timedelta(days=1),
        today + timedelta(days=1),
    )
    return scope, people


@pytest.mark.django_db
def test_applications_whose_debrief_has_not_opened_are_left_out():
    """A member with a draft must not recover the others' votes from the reports."""
    ratings = [(1, 10, 1, 4), (1, 10, 2, 1), (2, 10, 1, 3), (2, 10, 2, 3)]
    votes = [(1, 1, "strong_yes"), (1, 2, "strong_no"), (2, 1, "yes"), (2, 2, "yes")]
    scope, _ = stored(ratings, votes)
    first = scope.applications.order_by("pk").first()
    first.debrief_opened_at = None
    first.save(update_fields=["debrief_opened_at"])

    offsets = {row["mean_offset"] for row in queries.calibration(scope, {})}
    [agreement] = queries.rater_agreement(scope)

    assert offsets == {0.0}  # only the second application, where both gave 3
    assert (agreement["panels"], agreement["alpha"]) == (1, None)


def still_to_write(application, assign):
    """`assign()` a scorecard on `application` as if before its debrief opened."""
    opened = application.debrief_opened_at
    Application.objects.filter(pk=application.pk).update(debrief_opened_at=None)
    application.debrief_opened_at = None
    assign()
    Application.objects.filter(pk=application.pk).update(debrief_opened_at=opened)


@pytest.mark.django_db
def test_applications_where_someone_still_scores_are_left_out():
    """An interviewer still to write reads no figure from that application, even where its
    debrief opened (kept from before a debrief closed the panel to new scorecards)."""
    ratings = [(1, 10, 1, 4), (1, 10, 2, 1), (2, 10, 1, 3), (2, 10, 2, 3)]
    scope, _ = stored(ratings, [])
    first = scope.applications.order_by("pk").first()
    late = UserFactory()
    first.opening.team.memberships.create(user=late)
    still_to_write(first, lambda: assigned(first, late, "team_fit"))

    offsets = {row["mean_offset"] for row in queries.calibration(scope, {})}

    assert offsets == {0.0}


@pytest.mark.django_db
def test_applications_where_a_trainee_still_writes_practice_are_left_out():
    """The trainee reads nothing of that panel until their practice scorecard is in: with one
    panel, their calibration row gave the others' scores away."""
    ratings = [(1, 10, 1, 4), (1, 10, 2, 1), (2, 10, 1, 3), (2, 10, 2, 3)]
    scope, _ = stored(ratings, [])
    first = scope.applications.order_by("pk").first()
    trainee = UserFactory()
    first.opening.team.memberships.create(user=trainee)
    still_to_write(
        first,
        lambda: scoring.assign(first, trainee, "team_fit", assigned_by=trainee, practice=True),
    )

    offsets = {row["mean_offset"] for row in queries.calibration(scope, {})}

    assert offsets == {0.0}


def on_applications(rows, copies):
    """`rows` (application first) repeated on `copies` applications for each one: a sample."""
    return [(row[0] * 100 + copy, *row[1:]) for row in rows for copy in range(copies)]


def test_lenient_severe_and_calibrated_from_enough_panels():
    # Criteria 10 and 11: interviewer 1 scores high, 2 low, 3 in between, on five applications.
    ratings = on_applications(
        [
            (1, 10, 1, 4),
            (1, 10, 2, 1),
            (1, 10, 3, 3),
            (1, 11, 1, 4),
            (1, 11, 2, 2),
            (1, 11, 3, 3),
        ],
        copies=LEANING_MIN_PANELS,
    )

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
    for c in by_id.values():
        assert (c.panels, c.cells, c.rating_panels) == (5, 10, 5)
        assert c.leaning_sample == (5, 10, "rating")
        assert c.vote_offset is None
        assert c.vote_panels == 0


def test_one_rated_panel_is_not_enough_to_lean_whatever_the_votes():
    """Ana voted on many panels but rated one: her leaning is not told from that one."""
    ratings = [(1, 10, 1, 4), (1, 10, 2, 1), (1, 11, 1, 4), (1, 11, 2, 1)]
    votes = [(app, who, "yes") for app in range(1, 24) for who in (1, 2)]

    ana, ben = calibration(ratings, votes)

    assert ana.panels == 23
    assert ana.mean_offset == pytest.approx(3.0)
    assert ana.leaning == NOT_ENOUGH_YET
    assert ana.leaning_sample == (1, 2, "rating")
    assert ben.leaning == NOT_ENOUGH_YET


def test_a_leaning_needs_both_enough_panels_and_enough_ratings():
    one_criterion = [(1, 10, 1, 4), (1, 10, 2, 1)]
    few_panels = on_applications(
        [
            (1, c, who, score)
            for c in range(10, 10 + LEANING_MIN_RATINGS)
            for who, score in ((1, 4), (2, 1))
        ],
        copies=1,
    )

    ratings_short = calibration(on_applications(one_criterion, LEANING_MIN_RATINGS - 1), [])
    panels_short = calibration(few_panels, [])
    enough = calibration(on_applications(one_criterion, LEANING_MIN_RATINGS), [])

    assert ratings_short[0].leaning_sample == (9, 9, "rating")
    assert ratings_short[0].leaning == NOT_ENOUGH_YET
    assert panels_short[0].leaning_sample == (1, 10, "rating")
    assert panels_short[0].leaning == NOT_ENOUGH_YET
    assert enough[0].leaning == "lenient"


def test_leaning_thresholds_are_inclusive():
    # Two interviewers a point apart: offsets +1 and -1; half a point apart needs the mean.
    ratings = on_applications(
        [(1, 10, 1, 3), (1, 10, 2, 2), (2, 10, 1, 2), (2, 10, 2, 2)], copies=LEANING_MIN_PANELS
    )

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

    alone = {"cells": 1, "rating_panels": 1, "leaning_sample": (1, 1, "rating")}
    assert result == [
        Calibration(1, 1, 0.0, None, NOT_ENOUGH_YET, **alone),
        Calibration(2, 1, 0.0, None, NOT_ENOUGH_YET, **alone),
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
    # Without a rating to compare, the leaning would follow the votes: two panels are too few.
    assert by_id[1].mean_offset is None
    assert by_id[1].leaning_sample == (2, 2, "vote")
    assert by_id[1].leaning == NOT_ENOUGH_YET


def test_without_ratings_the_leaning_follows_enough_votes():
    votes = on_applications(
        [(1, 1, "strong_yes"), (1, 2, "no"), (1, 3, "no")], copies=LEANING_MIN_RATINGS
    )

    by_id = {c.interviewer_id: c for c in calibration([], votes)}

    assert by_id[1].leaning_sample == (10, 10, "vote")
    assert by_id[1].leaning == "lenient"  # 4 against 2: +2
    assert by_id[2].leaning == "severe"  # 2 against 3: -1


def test_panels_join_ratings_and_votes():
    ratings = [(1, 10, 1, 2), (1, 10, 2, 3)]
    votes = [(2, 1, "yes"), (2, 2, "no")]

    first, second = calibration(ratings, votes)

    assert (first.panels, first.rating_panels, first.vote_panels) == (2, 1, 1)
    assert first.mean_offset == pytest.approx(-1.0)
    assert first.vote_offset == pytest.approx(1.0)
    # Ratings decide the leaning when there are any (too few here to tell one).
    assert first.leaning_sample == second.leaning_sample == (1, 1, "rating")
    assert first.leaning == second.leaning == NOT_ENOUGH_YET


def test_two_scorecards_by_one_interviewer_count_once_with_their_mean():
    # Interviewer 1 wrote two scorecards on application 1 (two foci) and voted twice.
    ratings = [(1, 10, 1, 4), (1, 10, 1, 2), (1, 10, 2, 3), (1, 10, 3, 1)]
    votes = [(1, 1, "strong_yes"), (1, 1, "yes"), (1, 2, "no")]

    by_id = {c.interviewer_id: c for c in calibration(ratings, votes)}

    assert by_id[1].mean_offset == pytest.approx(3 - (3 + 1) / 2)
    assert by_id[1].cells == 1
    assert by_id[2].mean_offset == pytest.approx(3 - (3 + 1) / 2)
    assert by_id[1].vote_offset == pytest.approx(3.5 - 2)


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


@settings(**STORED_EXAMPLES)
@given(rating_rows)
def test_offsets_balance_out_across_each_panel(ratings):
    # In every cell the offsets of its interviewers sum to zero, so the weighted means do too.
    result = calibration(ratings, [])

    assert sum(c.mean_offset * c.cells for c in result) == pytest.approx(0, abs=1e-9)
    for c in result:
        assert c.cells >= c.rating_panels == c.panels >= 1
        assert c.leaning == (
            NOT_ENOUGH_YET
            if c.rating_panels < LEANING_MIN_PANELS or c.cells < LEANING_MIN_RATINGS
            else "lenient"
            if c.mean_offset >= 0.5
            else "severe"
            if c.mean_offset <= -0.5
            else "calibrated"
        )


@settings(**STORED_EXAMPLES)
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


@settings(**STORED_EXAMPLES)
@given(rating_rows)
def test_agreement_from_the_database_is_krippendorffs_alpha_of_the_same_ratings(ratings):
    units = defaultdict(list)
    for application, criterion, _interviewer, score in ratings:
        units[f"Criterion {criterion}"].append((application, score))

    with transaction.atomic():
        scope, _people = stored(ratings, [])
        rows = {row["criterion"]: row for row in queries.rater_agreement(scope)}
        transaction.set_rollback(True)

    assert set(rows) == set(units)
    for name, values in units.items():
        by_application = defaultdict(list)
        for application, score in values:
            by_application[application].append(score)
        expected = krippendorff_alpha_ordinal(list(by_application.values()))
        if expected is None:
            assert rows[name]["alpha"] is None
        else:
            assert rows[name]["alpha"] == pytest.approx(expected, abs=1e-9)
        pairable = sum(1 for scores in by_application.values() if len(scores) > 1)
        assert rows[name]["panels"] == pairable


def test_a_scope_without_applications_has_no_figures():
    scope = queries.scope_for([], timezone.localdate(), timezone.localdate())

    assert queries.calibration(scope, {}) == []
    assert queries.rater_agreement(scope) == []


@pytest.mark.django_db
def test_a_criterion_renamed_on_a_new_version_is_one_criterion_to_agreement():
    """Ben rated Collaboration on the first version; it was renamed on the second, on which Cai
    rated it: one criterion (its key), whose two ratings agree or not, under its latest name.
    By name they were two criteria of one rating each, and the panel counted for neither."""
    scope, people = stored([(1, 1, 1, 3), (1, 1, 2, 3)], [])
    renamed = Criterion.objects.get(name="Criterion 1")
    second = renamed.version.scorecard.versions.create(number=2)
    latest = Criterion.objects.create(
        version=second, key=renamed.key, name="Teamwork", category="skills"
    )
    Rating.objects.filter(revision__feedback__interviewer=people[2]).update(criterion=latest)
    Feedback.objects.filter(interviewer=people[2]).update(version=second)
    scope = queries.scope_for(list(scope.teams), scope.start, scope.end)

    assert [(row["criterion"], row["panels"]) for row in queries.rater_agreement(scope)] == [
        ("Teamwork", 1)
    ]


def test_two_teams_criteria_of_one_name_are_a_row_each_named_with_their_team():
    """Both teams rate a "Criterion 1" of their own: across teams, a row for each team's, named
    with it. As one row they mixed panels that rated different things (3 and 3 agreeing, 1 and
    4 not)."""
    agreeing, _ = stored([(1, 1, 1, 3), (1, 1, 2, 3)], [])
    apart, _ = stored([(1, 1, 1, 1), (1, 1, 2, 4)], [])
    first, second = (Team.objects.get(pk=scope.teams[0]) for scope in (agreeing, apart))
    scope = queries.scope_for([first.pk, second.pk], agreeing.start, agreeing.end)

    rows = [
        (row["criterion"], row["alpha"], row["panels"]) for row in queries.rater_agreement(scope)
    ]

    assert rows == [
        (f"Criterion 1 ({first.name})", None, 1),
        (f"Criterion 1 ({second.name})", 0.0, 1),
    ]
    assert [row["criterion"] for row in queries.rater_agreement(agreeing)] == ["Criterion 1"]


def test_two_scorecards_criteria_of_one_name_in_a_team_are_named_with_their_scorecard():
    """Two openings of one team each rate their own copy of "Criterion 1": a row for each
    (they are two criteria, by key), told apart by their scorecard's name."""
    first, _ = stored([(1, 1, 1, 3), (1, 1, 2, 3)], [], title="Backend")
    team = Team.objects.get(pk=first.teams[0])
    stored([(1, 1, 1, 1), (1, 1, 2, 4)], [], team=team, title="Frontend")

    rows = [(row["criterion"], row["alpha"]) for row in queries.rater_agreement(first)]

    assert rows == [
        ("Criterion 1 (Backend scorecard)", None),
        ("Criterion 1 (Frontend scorecard)", 0.0),
    ]


def test_two_criteria_of_one_name_on_one_scorecard_are_told_apart():
    """Two "Criterion 1" stored on one scorecard before a second of one name was refused: named
    alike by their scorecard, the agreeing one and the other read the same."""
    scope, _ = stored([(1, 1, 1, 3), (1, 1, 2, 3), (1, 2, 1, 1), (1, 2, 2, 4)], [], title="Backend")
    Criterion.objects.filter(name="Criterion 2").update(name="Criterion 1")

    rows = [(row["criterion"], row["alpha"]) for row in queries.rater_agreement(scope)]

    assert rows == [
        ("Criterion 1 (Backend scorecard, #1)", None),
        ("Criterion 1 (Backend scorecard, #2)", 0.0),
    ]


def test_two_scorecards_of_one_name_in_a_team_tell_their_criteria_of_one_name_apart():
    """Two openings of one title: their copies of "Criterion 1" were named by the same
    scorecard's name."""
    first, _ = stored([(1, 1, 1, 3), (1, 1, 2, 3)], [], title="Backend")
    team = Team.objects.get(pk=first.teams[0])
    stored([(1, 1, 1, 1), (1, 1, 2, 4)], [], team=team, title="Backend")

    names = {row["criterion"] for row in queries.rater_agreement(first)}

    assert names == {"Criterion 1 (Backend scorecard, #1)", "Criterion 1 (Backend scorecard, #2)"}


def test_the_names_say_more_only_where_they_read_alike():
    """distinct_names: `where` always; the qualifiers only for names alike (in any case),
    one level at a time; a number for those still alike, in their order."""
    rows = {
        "a": ("Collaboration", ["Platform"], ["Backend", "Skills"], 2),
        "b": ("collaboration", ["Platform"], ["Frontend", "Skills"], 1),
        "c": ("Design", ["Platform"], ["Backend"], 3),
        "d": ("Teamwork", [], ["X", "Team fit"], 4),
        "e": ("Teamwork", [], ["X", "Team fit"], 5),
        "f": ("Teamwork", [], ["X", "Skills"], 6),
    }

    assert queries.distinct_names(rows) == {
        "a": "Collaboration (Platform, Backend)",
        "b": "collaboration (Platform, Frontend)",
        "c": "Design (Platform)",
        "d": "Teamwork (X, Team fit, #1)",
        "e": "Teamwork (X, Team fit, #2)",
        "f": "Teamwork (X, Skills)",
    }


def test_the_migration_to_criteria_by_key_marks_the_days_kept_by_name_for_a_rebuild():
    """Migration 0066_agreement_per_team_criterion drops the coincidences kept per criterion
    name, and marks their days outdated: the report counts them again, by key, on first read."""
    migration = importlib.import_module("hiring.migrations.0066_agreement_per_team_criterion")
    scope, _ = stored([(1, 1, 1, 3), (1, 1, 2, 3), (2, 1, 1, 1), (2, 1, 2, 4)], [])
    figures.rebuild()
    kept = set(Coincidences.objects.values_list("team", "day"))

    migration.mark_agreement_days_outdated(apps, None)

    assert not Coincidences.objects.exists()
    assert set(FiguresOutdated.objects.values_list("team", "day")) == kept
    again = queries.scope_for(scope.teams, scope.start, scope.end)
    assert [row["panels"] for row in queries.rater_agreement(again)] == [2]
