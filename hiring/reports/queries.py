"""Reports for leadership and each team: figures computed by the database, a query each."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    Window,
)
from django.db.models.functions import RowNumber, TruncWeek
from django.utils import timezone

from scorecards import agreement
from scorecards.models import Feedback

from ..models import Application, Decision, SessionInterviewer, StageChange

Stage = Application.Stage
# The path a hire takes; pass-through is measured along it.
FUNNEL = [
    Stage.APPLIED,
    Stage.SCREEN,
    Stage.PANEL,
    Stage.DEBRIEF,
    Stage.DECIDED,
    Stage.OFFER,
    Stage.HIRED,
]


@dataclass(frozen=True)
class Scope:
    """Whose data and which period: applications created between `start` and `end`."""

    applications: object  # an Application queryset the user may see
    start: date
    end: date

    @property
    def start_at(self):
        return datetime.combine(self.start, time(), tzinfo=timezone.get_current_timezone())

    @property
    def end_at(self):
        return datetime.combine(
            self.end + timedelta(days=1), time(), tzinfo=timezone.get_current_timezone()
        )


def scope_for(applications, start, end):
    scope = Scope(applications=applications, start=start, end=end)
    # A range on the column itself, not on its date: the index on (opening, created_at) serves.
    created = applications.filter(created_at__gte=scope.start_at, created_at__lt=scope.end_at)
    return Scope(applications=created, start=start, end=end)


def funnel(scope):
    """(stage, applications that reached it or went beyond, share of the previous stage's)."""
    moves = StageChange.objects.filter(application=OuterRef("pk"))

    def got_to(later):
        return Q(stage__in=later) | Q(Exists(moves.filter(to_stage__in=later)))

    # Every application starts applied; a stage skipped on the way still counts as passed.
    reached = scope.applications.aggregate(
        **{
            stage.value: Count("pk", filter=got_to(FUNNEL[index:]) if index else None)
            for index, stage in enumerate(FUNNEL)
        }
    )
    rows, previous = [], None
    for stage in FUNNEL:
        count = reached[stage.value]
        rate = round(100 * count / previous) if previous else None
        rows.append({"stage": stage.label, "reached": count, "pass_through_pct": rate})
        previous = count
    return rows


def time_in_stage(scope):
    """Median days spent in each stage before the next move, and median days to a decision."""
    moves = StageChange.objects.filter(application__in=scope.applications, left_at__isnull=False)
    spent = _medians(moves, F("left_at") - F("at"), "to_stage")
    rows = [
        {"stage": stage.label, "median_days": _days(spent[stage][0]), "moves": spent[stage][1]}
        for stage in Stage
        if stage in spent
    ]
    decisions = Decision.objects.filter(application__in=scope.applications)
    median, count = _medians(decisions, F("recorded_at") - F("application__created_at"), None).get(
        None, (None, 0)
    )
    return rows, {"median_days": _days(median), "decisions": count}


def time_to_hire(scope):
    """Median days from an application to its hire (the candidate accepting the offer)."""
    hires = StageChange.objects.filter(application__in=scope.applications, to_stage=Stage.HIRED)
    median, count = _medians(hires, F("at") - F("application__created_at"), None).get(
        None, (None, 0)
    )
    return {"median_days": _days(median), "hires": count}


def _medians(queryset, duration, group):
    """{value of `group` (None without one): (median duration, rows)}, computed by the database:
    each row is ranked within its group, and only the middle one or two rows come back."""
    duration = ExpressionWrapper(duration, output_field=DurationField())
    partition = [F(group)] if group else None
    fields = [group] if group else []
    middle = (
        queryset.annotate(
            duration=duration,
            rank=Window(RowNumber(), partition_by=partition, order_by=[duration.asc(), "pk"]),
            rows=Window(Count("pk"), partition_by=partition),
        )
        # Ranks n/2 to n/2 + 1: the middle row when n is odd, the middle two when it is even.
        .filter(rank__gte=F("rows") / 2.0, rank__lte=F("rows") / 2.0 + 1)
        .values_list(*fields, "duration", "rows")
    )
    found = {}
    for *key, value, rows in middle:
        values, _ = found.setdefault(key[0] if group else None, ([], rows))
        values.append(value)
    return {
        key: (sum(values, timedelta()) / len(values), rows) for key, (values, rows) in found.items()
    }


def _days(duration):
    return round(duration.total_seconds() / 86400, 1) if duration is not None else None


def _unwritten(scope):
    """Scorecards of interviews still on that are neither submitted nor excused."""
    return Feedback.objects.filter(
        application__in=scope.applications,
        submitted_at=None,
        excused_at=None,
        session__cancelled_at=None,
    )


def overdue_feedback(scope, now=None):
    now = now or timezone.now()
    return list(
        _unwritten(scope)
        .filter(session__end__lt=now)
        .values(interviewer_name=F("interviewer__display_name"))
        .annotate(overdue=Count("pk"))
        .order_by("-overdue", "interviewer_name")
    )


def next_overdue_at(scope, now=None):
    """When the next interview with an unwritten scorecard ends: the overdue report changes."""
    now = now or timezone.now()
    return (
        _unwritten(scope)
        .filter(session__end__gte=now)
        .aggregate(first=Min("session__end"))["first"]
    )


def interviewer_load(scope):
    """Interviews per interviewer and week in the period, against their weekly cap."""
    rows = (
        SessionInterviewer.objects.filter(
            session__panel__application__in=scope.applications,
            start__gte=scope.start_at,
            start__lt=scope.end_at,
        )
        .annotate(week=TruncWeek("start"))
        .values("user", "user__display_name", "user__weekly_interview_cap", "week")
        .annotate(interviews=Count("pk"))
        .order_by("week", "user__display_name")
    )
    return [
        {
            "interviewer_id": row["user"],
            "interviewer": row["user__display_name"],
            "week": row["week"].date(),
            "interviews": row["interviews"],
            "cap": row["user__weekly_interview_cap"],
            "over_cap": row["user__weekly_interview_cap"] is not None
            and row["interviews"] > row["user__weekly_interview_cap"],
        }
        for row in rows
    ]


def load_by_interviewer(weeks):
    """Each interviewer's weeks from `interviewer_load`: those most often over their cap first."""
    people = {}
    for week in weeks:
        person = people.setdefault(
            week["interviewer_id"],
            {
                "interviewer": week["interviewer"],
                "cap": week["cap"],
                "weeks": 0,
                "interviews": 0,
                "busiest": 0,
                "weeks_over_cap": 0,
            },
        )
        person["weeks"] += 1
        person["interviews"] += week["interviews"]
        person["busiest"] = max(person["busiest"], week["interviews"])
        person["weeks_over_cap"] += week["over_cap"]
    return sorted(
        people.values(),
        key=lambda person: (-person["weeks_over_cap"], -person["busiest"], person["interviewer"]),
    )


# Each scorecard's latest submitted revision, on applications in the scope: what the agreement
# and calibration figures are computed from (an amendment replaces what it amends). Raw SQL
# bypasses Feedback's manager: it leaves out a trainee's practice scorecards itself.
LATEST_SUBMITTED = """
    latest AS (
        SELECT revision.id, feedback.application_id, feedback.interviewer_id, revision.vote
        FROM scorecards_feedback feedback
        JOIN scorecards_feedbackrevision revision ON revision.id = feedback.latest_submission_id
        WHERE feedback.application_id IN ({applications}) AND NOT feedback.practice
    )"""

# Per unit (application x criterion, by name): its m ratings and n_c of them at each level c.
# Krippendorff's coincidences are sums over the pairable units (m >= 2) of n_c * n_k / (m - 1)
# for levels c != k and n_c * (n_c - 1) / (m - 1) for c = k: with four levels, sixteen sums in
# one pass, and no pairing of rows.
UNIT_COUNTS = """
    units AS (
        SELECT criterion.name AS criterion, latest.application_id AS unit, COUNT(*) AS m,
               {level_counts}
        FROM latest
        JOIN scorecards_rating rating ON rating.revision_id = latest.id
        JOIN scorecards_criterion criterion ON criterion.id = rating.criterion_id
        WHERE rating.score IS NOT NULL
        GROUP BY criterion.name, latest.application_id
    )"""

COINCIDENCES = """
    SELECT criterion, SUM(CASE WHEN m > 1 THEN 1 ELSE 0 END), {coincidences}
    FROM units
    GROUP BY criterion"""


def _coincidence_sql():
    """UNIT_COUNTS and COINCIDENCES for agreement.LEVELS, and the (c, k) order of the sums."""
    levels = agreement.LEVELS
    level_counts = ", ".join(
        f"SUM(CASE WHEN rating.score = {level} THEN 1 ELSE 0 END) AS n{level}" for level in levels
    )
    pairs = [(c, k) for c in levels for k in levels]
    sums = ", ".join(
        f"SUM(CASE WHEN m > 1 THEN n{c} * (n{k}{' - 1' if c == k else ''}) * 1.0 / (m - 1) END)"
        for c, k in pairs
    )
    return (
        UNIT_COUNTS.format(level_counts=level_counts),
        COINCIDENCES.format(coincidences=sums),
        pairs,
    )


# An interviewer's value in a cell is the mean of their values there (two scorecards on one
# application count once); their gap is that value minus the mean of the others' values in the
# same cell. Rating cells are application x criterion (by key, the same across versions); vote
# cells are applications. Only cells with at least two interviewers are compared.
CALIBRATION_GAPS = """
    rated AS (
        SELECT latest.application_id, criterion.key AS cell, latest.interviewer_id,
               AVG(rating.score * 1.0) AS value
        FROM latest
        JOIN scorecards_rating rating ON rating.revision_id = latest.id
        JOIN scorecards_criterion criterion ON criterion.id = rating.criterion_id
        WHERE rating.score IS NOT NULL
        GROUP BY latest.application_id, criterion.key, latest.interviewer_id
    ),
    voted AS (
        SELECT application_id, interviewer_id, AVG({vote_value}) AS value
        FROM latest WHERE vote IN ({votes})
        GROUP BY application_id, interviewer_id
    ),
    rating_gaps AS (
        SELECT application_id, interviewer_id, COUNT(*) OVER cell AS raters,
               value - (SUM(value) OVER cell - value) / NULLIF(COUNT(*) OVER cell - 1, 0) AS gap
        FROM rated WINDOW cell AS (PARTITION BY application_id, cell)
    ),
    vote_gaps AS (
        SELECT application_id, interviewer_id, COUNT(*) OVER cell AS raters,
               value - (SUM(value) OVER cell - value) / NULLIF(COUNT(*) OVER cell - 1, 0) AS gap
        FROM voted WINDOW cell AS (PARTITION BY application_id)
    ),
    compared AS (
        SELECT 'rating' AS kind, application_id, interviewer_id, gap FROM rating_gaps
        WHERE raters > 1
        UNION ALL
        SELECT 'vote', application_id, interviewer_id, gap FROM vote_gaps WHERE raters > 1
    )"""

CALIBRATION_BY_INTERVIEWER = """
    SELECT interviewer_id,
           COUNT(DISTINCT application_id),
           AVG(CASE WHEN kind = 'rating' THEN gap END),
           AVG(CASE WHEN kind = 'vote' THEN gap END),
           SUM(CASE WHEN kind = 'rating' THEN 1 ELSE 0 END),
           COUNT(DISTINCT CASE WHEN kind = 'rating' THEN application_id END),
           COUNT(DISTINCT CASE WHEN kind = 'vote' THEN application_id END)
    FROM compared
    GROUP BY interviewer_id
    ORDER BY interviewer_id"""


def _run(scope, *parts):
    """Rows of a statement made of WITH parts and a final SELECT, over the scope's applications
    whose debrief opened and where nobody still scores (an interviewer assigned late): a figure
    computed from feedback never moves while anyone scores, nor gives a vote away to someone
    who may not read it yet (scorecards.access.reads_panel_feedback)."""
    still_scored = Feedback.objects.filter(
        application=OuterRef("pk"), latest_submission=None, excused_at=None
    )
    debriefed = scope.applications.filter(debrief_opened_at__isnull=False).exclude(
        Exists(still_scored)
    )
    try:
        applications, params = debriefed.values("pk").query.sql_with_params()
    except EmptyResultSet:  # a scope that can hold nothing, such as no teams
        return []
    *ctes, select = parts
    statement = "WITH " + ",".join([LATEST_SUBMITTED.format(applications=applications), *ctes])
    with connection.cursor() as cursor:
        cursor.execute(statement + select, params)
        return cursor.fetchall()


def rater_agreement(scope):
    """Krippendorff's alpha (ordinal) per criterion, from coincidences the database sums."""
    unit_counts, coincidences, pairs = _coincidence_sql()
    rows = []
    for criterion, pairable, *sums in sorted(_run(scope, unit_counts, coincidences)):
        matrix = {pair: float(o_ck) for pair, o_ck in zip(pairs, sums, strict=True) if o_ck}
        rows.append(
            {
                "criterion": criterion,
                "alpha": agreement.alpha_from_coincidences(matrix),
                "panels": pairable,
            }
        )
    return rows


def calibration(scope, names):
    """Each interviewer's ratings and votes against the rest of their panels."""
    vote_value = "CASE vote {} END".format(
        " ".join(f"WHEN '{vote}' THEN {value}.0" for vote, value in agreement.VOTE_VALUES.items())
    )
    votes = ", ".join(f"'{vote}'" for vote in agreement.VOTE_VALUES)
    rows = []
    gaps = CALIBRATION_GAPS.format(vote_value=vote_value, votes=votes)
    for row in _run(scope, gaps, CALIBRATION_BY_INTERVIEWER):
        interviewer_id, panels, mean_offset, vote_offset, cells, rating_panels, vote_panels = row
        mean_offset = None if mean_offset is None else float(mean_offset)
        vote_offset = None if vote_offset is None else float(vote_offset)
        # Ratings decide the leaning; votes (one per panel) when there is no rating to compare.
        if mean_offset is None:
            offset, compared, basis = vote_offset, (vote_panels, vote_panels), "vote"
        else:
            offset, compared, basis = mean_offset, (rating_panels, cells), "rating"
        rows.append(
            {
                "interviewer": names.get(interviewer_id, interviewer_id),
                "interviewer_id": interviewer_id,
                "panels": panels,
                "mean_offset": mean_offset,
                "vote_offset": vote_offset,
                "leaning": agreement.leaning(offset, *compared),
                "leaning_panels": compared[0],
                "leaning_compared": compared[1],
                "leaning_from": basis,
                "cells": cells,
                "rating_panels": rating_panels,
                "vote_panels": vote_panels,
            }
        )
    return rows
