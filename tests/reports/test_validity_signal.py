"""The validity report recovers the synthetic organisation's known signal (_synthetic.SIGNAL)."""

from datetime import UTC, date, datetime

import pytest

from hiring.management.commands import _synthetic
from hiring.models import Team
from hiring.reports import validity
from hiring.reports.cached import hires_scope

# A fixed day: the organisation, and so every figure below, is the same on every run.
NOW = datetime(2026, 11, 30, tzinfo=UTC)


@pytest.fixture
def organisation(transactional_db):
    # Not in a test transaction: on PostgreSQL the generator ends with VACUUM ANALYZE.
    _synthetic.Generator(500, now=NOW).run()


def test_the_criteria_with_a_signal_predict_and_the_others_do_not(organisation):
    scope = hires_scope(Team.objects.all(), date(2025, 1, 1), NOW.date())

    found = validity.figures(scope)

    criteria = {row["name"]: row for row in found["criteria"]}
    assert set(criteria) == {name for name, _category in _synthetic.CRITERIA}
    for name, row in criteria.items():
        assert row["shown"], row
        assert not row["weak"], row
        if name in _synthetic.SIGNAL:
            assert row["estimate"] > 0.5, row
        else:
            assert row["low"] < 0 < row["high"], row
    assert found["vote"]["estimate"] > 0.3
    assert found["with_check_in"] >= 15
