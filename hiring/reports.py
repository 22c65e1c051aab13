"""Reports for leadership and each team: figures computed by the database, a query each."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import (
    Avg,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import TruncWeek
from django.utils import timezone

from scorecards import agreement
from scorecards.models import Feedback, FeedbackRevision, Rating

from .models import Application, Decision, SessionInterviewer, StageChange

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
    created = applications.filter(created_at__date__gte=start, created_at__date__lte=end)
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
    """Mean days spent in each stage before the next move, and mean days to a decision."""
    next_move = StageChange.objects.filter(
        application=OuterRef("application"), at__gt=OuterRef("at")
    ).order_by("at")
    spent = (
        StageChange.objects.filter(application__in=scope.applications)
        .annotate(next_at=Subquery(next_move.values("at")[:1]))
        .exclude(next_at=None)
        .annotate(spent=ExpressionWrapper(F("next_at") - F("at"), output_field=DurationField()))
        .values_list("to_stage")
        .annotate(mean=Avg("spent"), moves=Count("pk"))
    )
    by_stage = {stage: (mean, moves) for stage, mean, moves in spent}
    rows = [
        {"stage": stage.label, "mean_days": _days(by_stage[stage][0]), "moves": by_stage[stage][1]}
        for stage in Stage
        if stage in by_stage
    ]
    to_decision = Decision.objects.filter(application__in=scope.applications).aggregate(
        mean=Avg(
            ExpressionWrapper(
                F("recorded_at") - F("application__created_at"), output_field=DurationField()
            )
        ),
        decisions=Count("pk"),
    )
    return rows, {"mean_days": _days(to_decision["mean"]), "decisions": to_decision["decisions"]}


def _days(duration):
    return round(duration.total_seconds() / 86400, 1) if duration is not None else None


def overdue_feedback(scope, now=None):
    now = now or timezone.now()
    return list(
        Feedback.objects.filter(
            application__in=scope.applications,
            submitted_at=None,
            excused_at=None,
            session__cancelled_at=None,
            session__end__lt=now,
        )
        .values("interviewer__display_name")
        .annotate(overdue=Count("pk"))
        .order_by("-overdue", "interviewer__display_name")
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
        .values("user__display_name", "user__weekly_interview_cap", "week")
        .annotate(interviews=Count("pk"))
        .order_by("week", "user__display_name")
    )
    return [
        {
            "interviewer": row["user__display_name"],
            "week": row["week"].date(),
            "interviews": row["interviews"],
            "cap": row["user__weekly_interview_cap"],
            "over_cap": row["user__weekly_interview_cap"] is not None
            and row["interviews"] > row["user__weekly_interview_cap"],
        }
        for row in rows
    ]


def _latest_submitted():
    """Submitted revisions that no later submitted revision of the same feedback replaces."""
    later = FeedbackRevision.objects.filter(
        feedback=OuterRef("revision__feedback"),
        number__gt=OuterRef("revision__number"),
        submitted_at__isnull=False,
    )
    return Q(revision__submitted_at__isnull=False) & ~Q(Exists(later))


def rater_agreement(scope):
    """Krippendorff's alpha (ordinal) per criterion, from counts the database groups."""
    counts = (
        Rating.objects.filter(
            _latest_submitted(),
            revision__feedback__application__in=scope.applications,
            score__isnull=False,
        )
        .values_list("criterion__name", "revision__feedback__application_id", "score")
        .annotate(n=Count("pk"))
    )
    units = {}
    for name, application_id, score, n in counts:
        units.setdefault(name, {}).setdefault(application_id, []).extend([score] * n)
    rows = []
    for name, by_application in sorted(units.items()):
        alpha = agreement.krippendorff_alpha_ordinal(list(by_application.values()))
        pairable = sum(1 for values in by_application.values() if len(values) > 1)
        rows.append({"criterion": name, "alpha": alpha, "panels": pairable})
    return rows


def calibration(scope, names):
    """Each interviewer's ratings and votes against the rest of their panels."""
    ratings = Rating.objects.filter(
        _latest_submitted(),
        revision__feedback__application__in=scope.applications,
        score__isnull=False,
    ).values_list(
        "revision__feedback__application_id",
        "criterion__key",
        "revision__feedback__interviewer_id",
        "score",
    )
    votes = (
        FeedbackRevision.objects.filter(
            feedback__application__in=scope.applications, submitted_at__isnull=False
        )
        .exclude(
            Exists(
                FeedbackRevision.objects.filter(
                    feedback=OuterRef("feedback"),
                    number__gt=OuterRef("number"),
                    submitted_at__isnull=False,
                )
            )
        )
        .values_list("feedback__application_id", "feedback__interviewer_id", "vote")
    )
    return [
        {"interviewer": names.get(row.interviewer_id, row.interviewer_id), **row.__dict__}
        for row in agreement.calibration(ratings, votes)
    ]


def bar_chart(title, rows, label, value):
    """Geometry of a horizontal bar chart drawn as SVG on the server (400 x 24 per bar)."""
    largest = max((row[value] or 0 for row in rows), default=0) or 1
    bars = [
        {
            "label": str(row[label]),
            "value": row[value],
            "y": 24 * index,
            "width": round(240 * (row[value] or 0) / largest, 1),
        }
        for index, row in enumerate(rows)
    ]
    return {"title": title, "bars": bars, "height": max(24 * len(bars), 24)}
