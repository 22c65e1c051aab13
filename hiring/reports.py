"""Reports for leadership and each team: figures computed by the database, a query each."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    Subquery,
    Window,
)
from django.db.models.functions import RowNumber, TruncWeek
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
    """Median days spent in each stage before the next move, and median days to a decision."""
    next_move = StageChange.objects.filter(
        application=OuterRef("application"), at__gt=OuterRef("at")
    ).order_by("at")
    moves = (
        StageChange.objects.filter(application__in=scope.applications)
        .annotate(next_at=Subquery(next_move.values("at")[:1]))
        .exclude(next_at=None)
    )
    spent = _medians(moves, F("next_at") - F("at"), "to_stage")
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
        .values("interviewer__display_name")
        .annotate(overdue=Count("pk"))
        .order_by("-overdue", "interviewer__display_name")
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
