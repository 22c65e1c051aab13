"""The board's column counts come from the counts the database keeps of each opening's stages
(StageCount, kept by triggers: migration 0033), which equal the applications counted afresh
after any sequence of writes, whatever makes them."""

import random

import pytest
from django.db import connection, transaction
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hiring.models import Application, Candidate, StageCount
from hiring.pipeline import applications, board
from tests.factories import (
    ApplicationFactory,
    CandidateFactory,
    OpeningFactory,
    TeamFactory,
    at_once,
)


def kept():
    return {
        (row.opening_id, row.stage): row.applications
        for row in StageCount.objects.exclude(applications=0)
    }


def counted_afresh():
    rows = Application.objects.values_list("opening_id", "stage").annotate(found=Count("pk"))
    return {(opening, stage): found for opening, stage, found in rows.order_by()}


class RollBack(Exception):
    pass


class Writes:
    """Writes of every kind the product (or an operator) makes to applications."""

    def __init__(self, rng, openings, by):
        self.rng, self.openings, self.by = rng, openings, by

    def some(self, count=1):
        return list(Application.objects.order_by("?")[:count])

    def apply(self):
        ApplicationFactory(opening=self.rng.choice(self.openings))

    def import_several(self):
        candidates = CandidateFactory.create_batch(2)
        Application.objects.bulk_create(
            Application(candidate=candidate, opening=self.rng.choice(self.openings))
            for candidate in candidates
        )

    def move_by_hand(self):
        for application in self.some():
            if not application.is_closed:
                stage = self.rng.choice(Application.MANUAL_STAGES)
                if stage != application.stage:
                    # (A withdrawal says why; other moves record no reason.)
                    applications.move_stage(application, stage, self.by, reason="personal")

    def decide(self):
        for application in self.some():
            application.move_through([Application.Stage.DECIDED, Application.Stage.OFFER], self.by)

    def update_many(self):
        picked = [application.pk for application in self.some(3)]
        stage = self.rng.choice(Application.Stage.values)
        Application.objects.filter(pk__in=picked).update(stage=stage)

    def move_to_another_opening(self):
        picked = [application.pk for application in self.some(2)]
        Application.objects.filter(pk__in=picked).update(opening=self.rng.choice(self.openings))

    def unaudited(self):
        # The audit trail keeps the applications it names (on_delete=PROTECT).
        return Application.objects.filter(audit_events=None).order_by("?")[:1]

    def delete(self):
        for application in self.unaudited():
            application.delete()

    def delete_a_candidate(self):
        # A candidate's deletion deletes their applications (on_delete=CASCADE), in SQL.
        Candidate.objects.filter(applications__in=self.unaudited()).delete()

    def roll_back(self):
        try:
            with transaction.atomic():
                ApplicationFactory(opening=self.rng.choice(self.openings))
                self.update_many()
                raise RollBack
        except RollBack:
            pass


WRITES = [
    "apply",
    "import_several",
    "move_by_hand",
    "decide",
    "update_many",
    "move_to_another_opening",
    "delete",
    "delete_a_candidate",
    "roll_back",
]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kept_counts_equal_counts_made_afresh_after_any_writes(db, member, seed):
    team, other = TeamFactory(members=[member]), TeamFactory()
    openings = [OpeningFactory(team=team), OpeningFactory(team=team), OpeningFactory(team=other)]
    writes = Writes(random.Random(seed), openings, member)
    for _ in range(5):
        writes.apply()
    for _ in range(40):
        kind = writes.rng.choice(WRITES)
        getattr(writes, kind)()
        assert kept() == counted_afresh(), kind


def test_the_boards_counts_read_no_application(member, teammate, team, leadership):
    opening, elsewhere = OpeningFactory(team=team), OpeningFactory()
    for stage in ("applied", "applied", "screen", "rejected"):
        ApplicationFactory(opening=opening, stage=stage)
    ApplicationFactory(opening=elsewhere, stage="applied")
    now = timezone.now()

    for user, query, expected in [
        (member, {}, {"applied": 2, "screen": 1, "rejected": 1}),
        (leadership, {}, {"applied": 3, "screen": 1, "rejected": 1}),
        (leadership, {"team": str(team.pk)}, {"applied": 2, "screen": 1, "rejected": 1}),
        (leadership, {"opening": str(elsewhere.pk)}, {"applied": 1}),
    ]:
        filters = board.Filters.from_query(query)
        with CaptureQueriesContext(connection) as queries:
            counts = board.column_counts(user, filters, board.shown_stages(filters), now)
        assert counts == expected, (user, query)
        assert not any("hiring_application" in q["sql"] for q in queries), queries.captured_queries
        # What the board shows is what counting the cards it may show finds.
        matching = board.matching(user, filters, now).values_list("stage").annotate(Count("pk"))
        assert counts == dict(matching.order_by())


def moved(application, stage, by):
    def move():
        try:
            applications.move_stage(application, stage, by)
        except Exception as error:  # noqa: BLE001 - a deadlock is what this looks for
            return f"{type(error).__name__}: {error}"
        return "moved"

    return move


@pytest.mark.django_db(transaction=True)
def test_opposite_moves_in_one_opening_at_once_both_land(member, team):
    """Each move locks its opening's two counts in one order (PostgreSQL; SQLite takes turns):
    two moves the opposite way at the same moment wait for each other, and neither is lost to
    a deadlock."""
    opening = OpeningFactory(team=team)
    for _ in range(10):
        up = ApplicationFactory(opening=opening, stage="screen")
        down = ApplicationFactory(opening=opening, stage="panel")

        results = at_once(moved(up, "panel", member), moved(down, "screen", member))

        assert results == ["moved", "moved"]
    assert kept() == counted_afresh()
    assert kept() == {(opening.pk, "screen"): 10, (opening.pk, "panel"): 10}
