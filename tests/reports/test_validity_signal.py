"""The validity report recovers the synthetic organisation's known signal (_synthetic.SIGNAL)."""

from collections import defaultdict
from datetime import UTC, date, datetime
from statistics import fmean

import pytest
from django.utils import timezone

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


def test_the_criteria_with_a_signal_predict_and_the_others_do_not(organisation, monkeypatch):
    """Each team's criteria are rows of their own (a dozen hires each, so weak): across the
    teams, those with the signal predict and the others do not."""
    # Read on the organisation's day: later, its check-ins still open would close and count.
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    teams = Team.objects.all()
    scope = hires_scope(teams, date(2025, 1, 1), NOW.date())

    found = validity.figures(scope)

    criteria = {row["name"]: row for row in found["criteria"]}
    assert set(criteria) == {
        f"{name} ({team.name})" for name, _category in _synthetic.CRITERIA for team in teams
    }
    estimates = defaultdict(list)
    for row in criteria.values():
        assert row["shown"], row
        estimates[row["name"].rsplit(" (", 1)[0]].append(row["estimate"])
    for name, across_teams in estimates.items():
        if name in _synthetic.SIGNAL:
            assert fmean(across_teams) > 0.6, (name, across_teams)
        else:
            assert fmean(across_teams) < 0.3, (name, across_teams)
    assert found["vote"]["estimate"] > 0.3
    assert found["with_check_in"] >= 15
