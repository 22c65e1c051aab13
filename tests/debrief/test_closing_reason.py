"""The team's no-hire rejects its application with the reason the team's decision, and says no
more: the outcome recruiters see anyway."""

import pytest

from hiring.debrief import decisions
from hiring.models import ClosingReason, Decision
from tests.factories import SKILLS, TEAM_FIT, ApplicationFactory, Stage, fresh, submitted


@pytest.fixture
def application(team):
    return ApplicationFactory(opening__team=team, stage=Stage.PANEL)


def test_a_no_hire_records_the_teams_decision_as_the_reason(application, member, teammate):
    submitted(application, member, SKILLS, "yes")
    submitted(application, teammate, TEAM_FIT, "strong_no")

    decisions.record_decision(fresh(application), member, Decision.Outcome.NO_HIRE)

    decided, rejected = fresh(application).stage_changes.filter(
        to_stage__in=["decided", "rejected"]
    )
    assert (decided.reason, rejected.reason) == ("", ClosingReason.TEAM_DECISION)
    assert rejected.reason_note == ""
    event = application.audit_events.filter(details__contains="→ Rejected").get()
    assert event.details == "Decided → Rejected (The team decided not to hire)"


def test_a_hire_records_no_reason(application, member, teammate):
    submitted(application, member, SKILLS, "yes")
    submitted(application, teammate, TEAM_FIT, "strong_yes")

    decisions.record_decision(fresh(application), member, Decision.Outcome.HIRE)

    assert set(fresh(application).stage_changes.values_list("reason", flat=True)) == {""}
