"""The running figures kept up to date change by change equal the figures rebuilt from scratch,
after any sequence of changes made the way the product makes them (hypothesis stateful)."""

import contextlib
from collections import Counter, defaultdict
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, initialize, invariant, precondition, rule

from hiring.debrief import decisions
from hiring.models import (
    Application,
    ClosingCount,
    ClosingReason,
    Decision,
    FiguresOutdated,
    InterviewSession,
    Membership,
    Team,
)
from hiring.pipeline import applications
from hiring.reports import figures
from hiring.scheduling import booking
from scorecards import scoring
from scorecards.models import Vote
from tests.factories import (
    ApplicationFactory,
    OpeningFactory,
    RolledBack,
    TeamFactory,
    UserFactory,
    assigned,
    stored_figures,
    submit,
    team_fit_panel,
)

pytestmark = pytest.mark.django_db(transaction=False)


def refused():
    """What the product refuses (a closed application, a decision not open yet) changes
    nothing: the sequence goes on."""
    return contextlib.suppress(ValidationError, PermissionDenied)


class ChangesMachine(RolledBack):
    """Two teams of three; applications created over three weeks, moved, closed with a reason
    or none, scored, amended, excused, decided, confirmed, interviewed, rescheduled and
    cancelled in any order."""

    applications = Bundle("applications")

    def __init__(self):
        super().__init__()
        self.now = timezone.now()
        self.teams = []
        for _ in range(2):
            team = TeamFactory()
            people = [UserFactory() for _ in range(3)]
            for person in people:
                Membership.objects.create(team=team, user=person)
            # One scorecard opens the debrief: the figures from scores are reached early.
            opening = OpeningFactory(team=team, min_scorecards=1, min_team_fit_peers=0)
            self.teams.append((team, opening, people))
        self.booked = self.created = 0

    @initialize(target=applications)
    def first_application(self):
        return self._apply(0, 1, 9)

    # A few applications, so that changes meet on the same ones.
    @precondition(lambda self: self.created < 4)
    @rule(
        target=applications,
        team=st.integers(0, 1),
        days=st.integers(0, 20),
        hour=st.integers(0, 23),
    )
    def apply(self, team, days, hour):
        return self._apply(team, days, hour)

    def _apply(self, team, days, hour):
        _team, opening, _people = self.teams[team]
        self.created += 1
        created = self.now - timedelta(days=days, hours=hour)
        return ApplicationFactory(opening=opening, created_at=created).pk

    def _application(self, pk):
        application = Application.objects.get(pk=pk)
        _team, _opening, people = next(
            each for each in self.teams if each[0].pk == application.opening.team_id
        )
        return application, people

    @rule(pk=applications, stage=st.sampled_from(sorted(Application.MANUAL_STAGES)))
    def move(self, pk, stage):
        application, people = self._application(pk)
        with refused():
            applications.move_stage(application, stage, by=people[0])

    @rule(
        pk=applications,
        stage=st.sampled_from([Application.Stage.REJECTED, Application.Stage.WITHDRAWN]),
        reason=st.sampled_from(["", *ClosingReason.values]),
    )
    def close(self, pk, stage, reason):
        """Rejected or withdrawn, with why (or nothing recorded), as the pipeline closes one."""
        application, people = self._application(pk)
        if application.is_closed:
            return
        with transaction.atomic():
            application.move_to(stage, people[0], reason=reason, reason_note="Noted")

    @rule(
        pk=applications,
        stage=st.sampled_from(sorted(Application.MANUAL_STAGES)),
        other=applications,
        later=st.sampled_from(sorted(Application.MANUAL_STAGES)),
    )
    def move_while_a_rebuild_reads(self, pk, stage, other, later):
        """A move marks its days; the worker reads them, and another move (of the same
        application or not) commits before the worker stores what it read."""
        self.move(pk, stage)
        marks = defaultdict(list)
        for mark, team, day in FiguresOutdated.objects.values_list("pk", "team", "day"):
            marks[team].append((mark, day))
        reads = [figures.read_days(team, team_marks) for team, team_marks in marks.items()]
        self.move(other, later)
        for read in reads:
            figures.store_days(read)

    @rule(
        pk=applications,
        person=st.integers(0, 2),
        focus=st.sampled_from(["skills", "team_fit"]),
        vote=st.sampled_from(Vote.values),
        score=st.integers(1, 4),
        submitting=st.booleans(),
    )
    def score(self, pk, person, focus, vote, score, submitting):
        """Assign a scorecard (a late one holds the figures back) and maybe submit it."""
        application, people = self._application(pk)
        item = application.feedback.filter(interviewer=people[person], focus=focus).first()
        with refused():
            if item is None:
                item = assigned(application, people[person], focus)
            if submitting and not item.is_submitted and not item.excused_at:
                submit(item, vote=vote, score=score)

    @rule(pk=applications, person=st.integers(0, 2), score=st.integers(1, 4))
    def amend(self, pk, person, score):
        application, people = self._application(pk)
        item = application.feedback.filter(interviewer=people[person]).exclude(submitted_at=None)
        item = item.first()
        if item is not None:
            ratings = {
                c.pk: {"score": score, "notes": "On reflection"} for c in item.criteria.all()
            }
            with refused():
                scoring.start_amendment(item, item.interviewer)
                draft = scoring.save_draft(item, item.interviewer, ratings=ratings)
                scoring.submit(item, item.interviewer, draft.number, amend_reason="Second look")

    @rule(pk=applications, person=st.integers(0, 2))
    def excuse(self, pk, person):
        application, people = self._application(pk)
        item = application.feedback.filter(submitted_at=None, excused_at=None).first()
        if item is not None:
            with refused():
                decisions.excuse(item, people[person], "Away")

    @rule(pk=applications, person=st.integers(0, 2), outcome=st.sampled_from(["hire", "no_hire"]))
    def decide(self, pk, person, outcome):
        application, people = self._application(pk)
        with refused():  # not open yet, decided already, or theirs to wait for
            decisions.record_decision(application, people[person], outcome, rationale="Because")

    @rule(pk=applications, person=st.integers(0, 2))
    def confirm(self, pk, person):
        """A decision departing from the recommendation takes effect once confirmed."""
        waiting = Decision.objects.filter(application=pk, confirmed_at=None).first()
        if waiting is not None:
            with refused():  # it follows the recommendation, or it is theirs
                decisions.confirm_decision(waiting, self._application(pk)[1][person])

    @rule(pk=applications, days=st.integers(-3, 10))
    def book(self, pk, days):
        """A one-session panel for two of the team, booked on its own hour."""
        application, people = self._application(pk)
        if hasattr(application, "panel"):
            return
        with refused():
            panel = team_fit_panel(application, people[1:], people[0])
            self._place(panel.sessions.get(), days)

    @rule(pk=applications, days=st.integers(-3, 10))
    def reschedule(self, pk, days):
        session = InterviewSession.objects.filter(
            panel__application=pk, cancelled_at=None, start__isnull=False
        ).first()
        if session is not None:
            self._place(session, days)

    @rule(pk=applications)
    def cancel(self, pk):
        application, people = self._application(pk)
        session = InterviewSession.objects.filter(
            panel__application=application, cancelled_at=None, start__isnull=False
        ).first()
        if session is not None:
            with refused():  # one that has begun (booked days ago) is no longer cancelled
                booking.cancel_session(session, people[0])

    def _place(self, session, days):
        # Each booking its own hour, so nobody's seats overlap.
        self.booked += 1
        start = self.now.replace(minute=15 * (self.booked % 4)) + timedelta(
            days=days, hours=self.booked
        )
        session.start, session.end = start, start + timedelta(hours=1)
        session.save(update_fields=["start", "end"])
        for seat in session.interviewers.all():
            seat.start, seat.end = session.start, session.end
            seat.save(update_fields=["start", "end"])

    @invariant()
    def closings_counted_by_their_last_move(self):
        """The closing counts kept say how each closed application closed: the stage it left,
        where it is and why, from its last move."""
        figures.bring_up_to_date(Team.objects.values("pk"))
        expected = Counter()
        for application in Application.objects.filter(stage__in=figures.CLOSED_WITHOUT_HIRE):
            last = application.stage_changes.order_by("pk").last()
            expected[last.from_stage, last.to_stage, last.reason] += 1
        kept = Counter()
        for *how, count in ClosingCount.objects.values_list(
            "from_stage", "to_stage", "reason", "count"
        ):
            kept[tuple(how)] += count
        assert kept == expected

    @invariant()
    def kept_equal_rebuilt(self):
        figures.bring_up_to_date(Team.objects.values("pk"))
        kept = stored_figures()
        figures.rebuild()
        assert kept == stored_figures()


def test_figures_kept_up_to_date_equal_the_figures_rebuilt():
    ChangesMachine.run(steps=15)
