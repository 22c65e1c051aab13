"""Erasing candidates never changes a team's statistics: every report's figures, for the
organisation and for each team, and each debrief's numbers are the same before and after."""

from datetime import date

from django.core.cache import cache
from django.db.models import Exists

from hiring.debrief import decisions
from hiring.management.commands import _synthetic
from hiring.models import Application, Candidate, StageChange, Team
from hiring.privacy import erasure
from hiring.reports import cached

ERASED = 40


def report_figures():
    """Every report's figures over all time, for the organisation and for each team."""
    cache.clear()  # computed afresh, not read back
    teams = list(Team.objects.order_by("pk"))
    scopes = [teams] + [[team] for team in teams]
    start, end = date(2000, 1, 1), date.today()
    return [cached.report_data(cached.teams_scope(scope, start, end), scope) for scope in scopes]


def debrief_figures(applications):
    """What each debrief shows: the rule's recommendation and the panel's numbers."""
    figures = []
    for application in applications:
        feedback = decisions.panel_feedback(application)
        summary = decisions.panel_summary(application, feedback)
        figures.append(
            (
                decisions.recommend(application, feedback),
                summary["category_scores"],
                summary["tally"],
                [(criterion.pk, spread) for criterion, spread in summary["disputed"]],
            )
        )
    return figures


def test_erasing_candidates_leaves_every_figure_as_it_was(transactional_db):
    # Not in a test transaction: on PostgreSQL the generator ends with VACUUM ANALYZE.
    _synthetic.Generator(300).run()
    # Candidates whose applications all closed, at every end of the pipeline, none with an
    # interview to come: erasure winds nothing down, so only what identifies them changes.
    chosen = list(
        Candidate.objects.exclude(Exists(erasure.in_motion()))
        .filter(applications__feedback__isnull=False)
        .distinct()
        .order_by("pk")[:ERASED]
    )
    assert len(chosen) == ERASED
    applications = list(Application.objects.filter(candidate__in=chosen).order_by("pk"))
    assert {application.stage for application in applications} >= {
        Application.Stage.HIRED,
        Application.Stage.REJECTED,
        Application.Stage.WITHDRAWN,
    }
    reports, debriefs = report_figures(), debrief_figures(applications)
    # Why applications closed is among the figures, the erased candidates' reasons with it.
    closing = {str(row["reason"]) for row in reports[0]["closing"]}
    assert {"The team decided not to hire", "Accepted another offer", "Not recorded"} <= closing
    assert StageChange.objects.filter(application__in=applications).exclude(reason="").exists()

    for candidate in chosen:
        assert erasure.erase(candidate, how=erasure.BY_RETENTION)

    assert set(Candidate.objects.filter(pk__in=[c.pk for c in chosen]).values_list("name")) == {
        ("Erased candidate",)
    }
    assert report_figures() == reports
    assert debrief_figures(applications) == debriefs
