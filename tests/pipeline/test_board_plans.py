"""A team's columns of the stale-only board are counted through an index led by its openings
(board_team_column, or application_opening_moved), not by walking every team's cards of each
stage (board_column): SQLite, which is given no planner statistics, takes one only when the
board asks for the openings by a subquery and for every column, or one stage at a time
(hiring/pipeline/board.py). The other boards' counts are the openings' stage counts
(tests/pipeline/test_stage_counts.py). PostgreSQL plans by its statistics and is not checked
here."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hiring.models import Application
from hiring.pipeline import board
from tests.factories import ApplicationFactory, OpeningFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's plans; this run is on another database"
)


def plans_of_counts(user, query, only=None):
    """The plan of each query that counts or dates the board's columns for `user` under the
    filters of `query` (all its columns, or those of the stages `only`)."""
    filters, _ = board.follow_team(user, board.Filters.from_query(query))
    with CaptureQueriesContext(connection) as queries:
        board.first_pages(user, filters, now=timezone.now(), only=only)
    aggregates = [
        q["sql"] for q in queries if '"hiring_application"."stage" AS "stage"' in q["sql"]
    ]
    assert aggregates
    plans = []
    with connection.cursor() as cursor:
        for sql in aggregates:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            plans.append(" ".join(row[-1] for row in cursor.fetchall()))
    return plans


@pytest.fixture
def cards(team):
    opening = OpeningFactory(team=team)
    for stage in ("applied", "screen", "rejected"):
        ApplicationFactory(opening=opening, stage=stage)


def in_the_teams_index(plan):
    return "hiring_application USING COVERING INDEX board_team_column" in plan or (
        "hiring_application USING INDEX application_opening_moved" in plan
    )


@pytest.mark.parametrize("only", [None, ["applied", "screen"]], ids=["every column", "two"])
def test_a_teams_stale_columns_are_counted_in_its_own_index(leadership, team, cards, only):
    for plan in plans_of_counts(leadership, {"stale": "1", "team": str(team.pk)}, only):
        assert in_the_teams_index(plan), plan


def test_a_members_stale_columns_are_counted_in_their_teams_index(member, cards):
    for plan in plans_of_counts(member, {"stale": "1"}):
        assert in_the_teams_index(plan), plan


def test_a_stale_only_board_reads_no_closed_column(leadership, team, cards):
    filters, _ = board.follow_team(leadership, board.Filters.from_query({"stale": "1"}))
    with CaptureQueriesContext(connection) as queries:
        columns, _joins_at = board.first_pages(leadership, filters, now=timezone.now())

    assert [stage for stage, *_ in columns] == Application.Stage.values
    pages = [q["sql"] for q in queries if "LIMIT" in q["sql"] and "hiring_candidate" in q["sql"]]
    assert len(pages) == len(Application.Stage.values) - len(Application.CLOSED_STAGES)
