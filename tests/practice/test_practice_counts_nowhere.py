"""A practice scorecard counts in no tally: every figure derived from a debrief is the same with
and without one, whatever the trainee wrote."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from hiring.accounts import next_steps
from hiring.debrief import decisions
from hiring.email import reminders
from hiring.models import Application, InterviewSession, Panel, User
from hiring.pipeline import board
from hiring.reports import queries
from hiring.reports.cached import teams_scope
from hiring.reports.views import CSV_COLUMNS
from scorecards.models import Feedback
from tests.factories import (
    SKILLS,
    TEAM_FIT,
    ApplicationFactory,
    TeamFactory,
    UserFactory,
    assigned,
    fresh,
    submitted,
)

from .helpers import practice, submitted_practice, trainee_in


@pytest.fixture
def trainee(db):
    return UserFactory(display_name="Dan Trainee")


def ended_session(application, by):
    """An interview that ended two hours ago: its unwritten scorecards are overdue."""
    panel = Panel.objects.create(application=application, created_by=by)
    end = timezone.now() - timedelta(hours=2)
    return InterviewSession.objects.create(
        panel=panel, focus=TEAM_FIT, start=end - timedelta(hours=1), end=end
    )


def build(team, member, teammate, peer, trainee=None):
    """A debriefed application and one still waiting for a scorecard whose interview ended;
    with `trainee`, their practice scorecards on both: one submitted against the panel, one
    still to write after the interview."""
    debriefed = ApplicationFactory(opening__team=team, stage=Application.Stage.PANEL)
    if trainee:
        # Written first, against everyone: the debrief neither waits for it nor counts it.
        submitted_practice(debriefed, trainee, TEAM_FIT, vote="strong_no", score=1)
    submitted(debriefed, member, SKILLS, "yes", score=3)
    submitted(debriefed, teammate, TEAM_FIT, "yes", score=4)
    submitted(debriefed, peer, TEAM_FIT, "no", score=2)
    waiting = ApplicationFactory(opening__team=team, stage=Application.Stage.PANEL)
    session = ended_session(waiting, member)
    Feedback.objects.filter(pk=assigned(waiting, teammate, TEAM_FIT).pk).update(session=session)
    if trainee:
        Feedback.all_objects.filter(pk=practice(waiting, trainee).pk).update(session=session)
    return fresh(debriefed), fresh(waiting)


def figures(client, leadership, team, debriefed, waiting, people):
    feedback = decisions.panel_feedback(debriefed)
    recommended = decisions.recommend(debriefed, feedback)
    scope = teams_scope([team], timezone.now().date() - timedelta(days=7), timezone.now().date())
    names = dict(User.objects.values_list("pk", "display_name"))
    client.force_login(leadership)
    csvs = {
        name: list(csv.reader(io.StringIO(client.get(csv_url).content.decode())))
        for name in CSV_COLUMNS
        for csv_url in [f"/reports/{name}.csv?team={team.pk}"]
    }
    filters = board.Filters.from_query({"team": str(team.pk)})
    opening_page = client.get(debriefed.opening.get_absolute_url()).text
    return {
        "opening page": re.findall(r"\d+/\d+ feedback", opening_page),
        "debrief opened": debriefed.debrief_opened_at is not None,
        "waiting": [str(f.interviewer) for f in decisions.waiting_for(debriefed, feedback)],
        "waiting elsewhere": [
            str(f.interviewer)
            for f in decisions.waiting_for(waiting, decisions.panel_feedback(waiting))
        ],
        "recommendation": (recommended.outcome, list(recommended.reasons)),
        "quorum": decisions.quorum(debriefed, feedback),
        "summary": decisions.panel_summary(debriefed, feedback),
        "votes": decisions.counted_votes(debriefed, feedback),
        "calibration": queries.calibration(scope, names),
        "agreement": queries.rater_agreement(scope),
        "overdue": queries.overdue_feedback(scope),
        "csv": csvs,
        "reminders sent": reminders.send_due(),
        "board": [
            (card.pk, card.assigned, card.submitted, bool(card.overdue_feedback))
            for person in people
            for _stage, _count, page, _cursor in board.first_pages(person, filters)[0]
            for card in page
        ],
        "next steps": [
            [
                item.focus
                for item in next_steps.scorecards_to_write(person, timezone.now()).rows
                if item.application.opening.team_id == team.pk
            ]
            for person in people
        ],
    }


def test_every_figure_is_the_same_with_and_without_practice_scorecards(
    client, team, member, teammate, peer, leadership, trainee
):
    people = [member, teammate, peer]
    without = figures(client, leadership, team, *build(team, member, teammate, peer), people)
    # The same people, the same scorecards, in a twin team that has a trainee too.
    twin = TeamFactory(members=people)
    trainee_in(twin, trainee)
    with_practice = figures(
        client, leadership, twin, *build(twin, member, teammate, peer, trainee), people
    )

    assert Feedback.all_objects.practice().count() == 2
    assert without["debrief opened"] is True
    assert without["calibration"]
    assert without["overdue"]
    assert without["reminders sent"]
    assert _normalised(with_practice) == _normalised(without)


def test_the_trainee_has_no_reminder_nor_next_step_for_their_practice(team, member, trainee):
    trainee_in(team, trainee)
    application = ApplicationFactory(opening__team=team)
    session = ended_session(application, member)
    Feedback.all_objects.filter(pk=practice(application, trainee).pk).update(session=session)

    assert reminders.send_due() == 0
    assert next_steps.scorecards_to_write(trainee, timezone.now()).rows == []


def _normalised(found):
    """The two runs made different rows: compare what they show, not their ids."""
    found = dict(found)
    found["board"] = [row[1:] for row in found["board"]]
    summary = found["summary"]
    found["summary"] = {**summary, "disputed": [(c.name, s) for c, s in summary["disputed"]]}
    return found
