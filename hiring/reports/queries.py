"""Reports for leadership and each team, from the running figures (figures.py): each report
adds up the days of its period, whatever the size of the organisation."""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property
from typing import NamedTuple

from django.db.models import Count, F, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from scorecards import agreement
from scorecards.models import Criterion, Feedback

from ..models import Application, ClosingReason, User
from . import figures
from .figures import FUNNEL, TO_DECISION, TO_HIRE

Stage = Application.Stage


@dataclass(frozen=True)
class Scope:
    """Whose data and which period: the teams' applications created between `start` and `end`
    (days in the current time zone), and the interviews held in it (the interviewer load: in
    each interviewer's days, in their time zone)."""

    teams: object  # the teams (or their ids) the reader may see
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

    @property
    def applications(self):
        return Application.objects.filter(opening__team__in=self.teams)

    @property
    def created(self):
        # A range on the column itself, not on its date: the index on (opening, created_at)
        # serves.
        return self.applications.filter(created_at__gte=self.start_at, created_at__lt=self.end_at)

    def days_of_week(self, monday):
        """How many days of the week from `monday` the period holds: 7, but in a week it cuts
        (its first when it starts after a Monday, its last when it ends before a Sunday)."""
        first, last = max(monday, self.start), min(monday + timedelta(days=6), self.end)
        return (last - first).days + 1

    @property
    def cut_weeks(self):
        """(Monday, days in the period) of each week the period cuts."""
        mondays = {day - timedelta(days=day.weekday()) for day in (self.start, self.end)}
        weeks = [(monday, self.days_of_week(monday)) for monday in sorted(mondays)]
        return [(monday, days) for monday, days in weeks if days < 7]

    @cached_property
    def totals(self):
        return figures.totals(self.teams, self.start_at, self.end_at)


def scope_for(teams, start, end):
    return Scope(teams=teams, start=start, end=end)


def funnel(scope):
    """(stage, applications that reached it or went beyond, share of the previous stage's).
    Every application starts applied; a stage skipped on the way still counts as passed."""
    rows, previous = [], None
    for stage in FUNNEL:
        count = scope.totals.reached[stage]
        rate = round(100 * count / previous) if previous else None
        rows.append({"stage": stage.label, "reached": count, "pass_through_pct": rate})
        previous = count
    return rows


def in_progress(scope):
    """The period's applications neither hired nor closed yet: the funnel counts each as not
    through the stages it has yet to reach (a hire who did not start closed as withdrawn)."""
    totals = scope.totals
    closed = sum(totals.closings.values())
    return totals.reached[Stage.APPLIED] - totals.reached[Stage.HIRED] - closed


def closing_reasons(scope):
    """Why the period's applications closed without a hire: a row per reason recorded, in
    ClosingReason's order and "Not recorded" last, with how many were rejected and how many
    withdrew, how many closed before the interviews (from Applied or the screen, or came in
    closed) and after, and their share of all closed."""
    counted = {}
    for (from_stage, to_stage, reason), count in scope.totals.closings.items():
        if reason not in ClosingReason.values:
            reason = ""  # a reason no longer offered reads as none recorded
        row = counted.setdefault(reason, Counter())
        row[to_stage] += count
        row["after"] += count if from_stage not in ["", *Application.BEFORE_INTERVIEWS] else 0
    closed = sum(scope.totals.closings.values())
    rows = []
    for reason in [*ClosingReason.values, ""]:
        if reason not in counted:
            continue
        row = counted[reason]
        total = row[Stage.REJECTED.value] + row[Stage.WITHDRAWN.value]
        rows.append(
            {
                "reason": ClosingReason(reason).label if reason else _("Not recorded"),
                "rejected": row[Stage.REJECTED.value],
                "withdrawn": row[Stage.WITHDRAWN.value],
                "before_interviews": total - row["after"],
                "after_interviews": row["after"],
                "closed": total,
                "share_pct": round(100 * total / closed),
            }
        )
    return rows


def time_in_stage(scope):
    """Median days spent in each stage before the next move, and median days to a decision."""
    medians = _medians(scope.totals.durations)
    rows = [
        {"stage": stage.label, "median_days": medians[stage][0], "moves": medians[stage][1]}
        for stage in Stage
        if stage in medians
    ]
    median, count = medians.get(TO_DECISION, (None, 0))
    return rows, {"median_days": median, "decisions": count}


def time_to_hire(scope):
    """Median days from an application to its hire (the candidate accepting the offer)."""
    median, count = _medians(scope.totals.durations).get(TO_HIRE, (None, 0))
    return {"median_days": median, "hires": count}


def _medians(durations):
    """{measure: (median in days, how many)} from counts of durations in tenths of a day."""
    by_measure = {}
    for (measure, tenths), count in durations.items():
        by_measure.setdefault(measure, {})[tenths] = count
    return {
        measure: (round(median_of_counts(counts) / 10, 1), sum(counts.values()))
        for measure, counts in by_measure.items()
        if sum(counts.values())
    }


def median_of_counts(counts):
    """The median of values given as {value: how many times}: the middle one, or the mean of
    the middle two."""
    total = sum(counts.values())
    middle = {(total - 1) // 2, total // 2}
    found, seen = [], 0
    for value in sorted(counts):
        for position in sorted(middle):
            if seen <= position < seen + counts[value]:
                found.append(value)
        seen += counts[value]
    return sum(found) / len(found)


def _unwritten(scope):
    """Scorecards of the period's interviews (ending in it, whenever their application came)
    that are neither submitted nor excused, of applications still open: once closed, nobody is
    chased for them (reminders, home)."""
    return Feedback.objects.filter(
        application__opening__team__in=scope.teams,
        session__end__gte=scope.start_at,
        session__end__lt=scope.end_at,
        submitted_at=None,
        excused_at=None,
        session__cancelled_at=None,
    ).exclude(application__stage__in=Application.CLOSED_STAGES)


def overdue_feedback(scope, now=None):
    """The overdue scorecards per interviewer, most first, and when the next interview with an
    unwritten scorecard ends (the report changes then): one pass over the unwritten ones."""
    now = now or timezone.now()
    # Grouped by the person, not by their name: two people may share one.
    per_interviewer = list(
        _unwritten(scope)
        .values(
            "interviewer",
            interviewer_name=F("interviewer__display_name"),
            interviewer_email=F("interviewer__email"),
        )
        .annotate(
            overdue=Count("pk", filter=Q(session__end__lt=now)),
            next_end=Min("session__end", filter=Q(session__end__gte=now)),
        )
        .order_by("-overdue", "interviewer_name", "interviewer")
    )
    late = [row for row in per_interviewer if row["overdue"]]
    names = interviewer_names(
        {row["interviewer"]: (row["interviewer_name"], row["interviewer_email"]) for row in late}
    )
    overdue = [
        {"interviewer_name": names[row["interviewer"]], "overdue": row["overdue"]} for row in late
    ]
    next_end = min((row["next_end"] for row in per_interviewer if row["next_end"]), default=None)
    return overdue, next_end


def interviewer_load(scope):
    """Interviews per interviewer and week in the period, against their weekly cap: each
    interviewer's days and weeks (from Monday) in their own time zone (`time_zone`), those their
    cap counts (figures.weekly_interviews). A week the period cuts counts the interviews of its
    `days` in the period only (see over_cap)."""
    interviews = figures.weekly_interviews(scope.teams, scope.start, scope.end)
    people = User.objects.filter(pk__in={interviewer for interviewer, _week in interviews})
    found = {
        pk: ((name, email), cap, zone)
        for pk, name, email, cap, zone in people.values_list(
            "pk", "display_name", "email", "weekly_interview_cap", "time_zone"
        )
    }
    names = interviewer_names({pk: named for pk, (named, *_more) in found.items()})
    rows = []
    for (interviewer, week), count in interviews.items():
        if not count:
            continue
        _named, cap, zone = found[interviewer]
        days = scope.days_of_week(week)
        rows.append(
            {
                "interviewer_id": interviewer,
                "interviewer": names[interviewer],
                "time_zone": zone,
                "week": week,
                "days": days,
                "interviews": count,
                "cap": cap,
                "over_cap": over_cap(count, cap, days),
            }
        )
    return sorted(rows, key=lambda row: (row["week"], row["interviewer"]))


def over_cap(interviews, cap, days):
    """Whether a week's interviews went over the weekly cap, from those of its `days` in the
    period. A week the period cuts is over when these alone are; within the cap, it cannot tell
    (None): the days left out may hold more."""
    if cap is None:
        return False
    if interviews > cap:
        return True
    return False if days == 7 else None


def leaning_furthest_first(calibration):
    """Calibration rows, those whose leaning is told and furthest from their panels first."""

    def key(row):
        offset, told = leaning_offset(row)
        return (not told, -abs(offset or 0), str(row["interviewer"]))

    return sorted(calibration, key=key)


def agreeing_least_first(agreement):
    """Agreement rows, those whose raters agree least first, then those with no alpha yet;
    among equals, the most panels first."""

    def key(row):
        alpha = row["alpha"]
        return (alpha is None, alpha or 0, -row["panels"], row["criterion"])

    return sorted(agreement, key=key)


def leaning_offset(row):
    """A calibration row's offset its leaning is told from (its ratings', else its votes'), and
    whether it is compared over enough to tell one."""
    offset = row["mean_offset"] if row["leaning_from"] == "rating" else row["vote_offset"]
    told = (
        offset is not None
        and row["leaning_panels"] >= agreement.LEANING_MIN_PANELS
        and row["leaning_compared"] >= agreement.LEANING_MIN_RATINGS
    )
    return offset, told


def load_by_interviewer(weeks):
    """Each interviewer's weeks from `interviewer_load`: those most often over their cap first."""
    people = {}
    for week in weeks:
        person = people.setdefault(
            week["interviewer_id"],
            {
                "interviewer": week["interviewer"],
                "time_zone": week["time_zone"],
                "cap": week["cap"],
                "weeks": 0,
                "interviews": 0,
                "busiest": 0,
                # The busiest is a week the period cuts (marked as such: it may have held more),
                # unless a whole week was as busy.
                "busiest_cut": False,
                "weeks_over_cap": 0,
            },
        )
        person["weeks"] += 1
        person["interviews"] += week["interviews"]
        whole = week["days"] == 7
        # More interviews, or as many in a whole week.
        if (week["interviews"], whole) > (person["busiest"], not person["busiest_cut"]):
            person["busiest"], person["busiest_cut"] = week["interviews"], not whole
        person["weeks_over_cap"] += bool(week["over_cap"])
    return sorted(
        people.values(),
        key=lambda person: (-person["weeks_over_cap"], -person["busiest"], person["interviewer"]),
    )


def rater_agreement(scope):
    """Krippendorff's alpha (ordinal) per criterion of a team (by its key), from the period's
    coincidences, in the order of their names."""
    coincidences = scope.totals.coincidences
    names = criterion_names(coincidences, spans_teams=len(scope.teams) > 1)
    return [
        {
            "criterion": names[team_key],
            "alpha": agreement.alpha_from_coincidences(matrix),
            "panels": pairable,
        }
        for team_key, (pairable, matrix) in sorted(
            coincidences.items(), key=lambda item: names[item[0]]
        )
    ]


class LatestCriterion(NamedTuple):
    """A criterion (its key) as on the latest version holding it; `twin` counts the criteria of
    its name before it there (stored before a scorecard refused a second of one name)."""

    number: int
    name: str
    category: str
    scorecard: str
    team: int
    team_name: str
    twin: int

    def where(self, spans_teams):
        """What its name in a report always says: its team's where the report spans teams."""
        return [self.team_name] if spans_teams else []


def latest_criteria(keys):
    """{criterion key: LatestCriterion} of these keys, in one query."""
    of_its_name_before = Criterion.objects.filter(
        Q(position__lt=OuterRef("position"))
        | Q(position=OuterRef("position"), pk__lt=OuterRef("pk")),
        version=OuterRef("version"),
        name=OuterRef("name"),
    )
    twins = of_its_name_before.order_by().values("version").annotate(count=Count("pk"))
    latest = {}
    for key, *named in (
        Criterion.objects.filter(key__in=keys)
        .annotate(twin=Coalesce(Subquery(twins.values("count")), 0))
        .values_list(
            "key",
            "version__number",
            "name",
            "category",
            "version__scorecard__name",
            "version__scorecard__team",
            "version__scorecard__team__name",
            "twin",
        )
    ):
        latest[key] = max(latest.get(key, named), named)
    return {key: LatestCriterion(*named) for key, named in latest.items()}


def criterion_names(team_keys, spans_teams):
    """{(team, criterion key): its name} as on the latest version holding the key, told apart
    from the others of its name in the report by its scorecard's (an opening's copy of the same
    template, say), else a number (distinct_names)."""
    latest = latest_criteria({key for _team, key in team_keys})
    return distinct_names(
        {
            (team, key): (
                latest[key].name,
                latest[key].where(spans_teams),
                [latest[key].scorecard],
                (latest[key].scorecard, latest[key].twin, str(key)),
            )
            for team, key in team_keys
        }
    )


def interviewer_names(people):
    """{person: the name a report shows them by} for `people` {person: (display name, email)}:
    their name, with their address where another's reads alike (distinct_names): two people
    may share one, and the reader would not tell whose row is whose."""
    return distinct_names(
        {person: (name, [], [email], (name, email)) for person, (name, email) in people.items()}
    )


def distinct_names(rows):
    """{row: its name in a report} for `rows` {row: (name, where, qualifiers, order)}: the
    name, with what `where` always says in brackets (its team's, where the report spans teams),
    and where it reads like another row's (in any case), its `qualifiers` one by one while it
    still does (saying where it is, even when not all of it tells the rows apart); rows still
    alike after all of them are numbered in their `order`.
    Each report of criteria names them here: two criteria of one name on one scorecard (stored
    before a scorecard refused them), or on two scorecards of one name, read alike otherwise."""
    shown = {row: list(where) for row, (_name, where, _qualifiers, _order) in rows.items()}

    def name(row):
        return f"{rows[row][0]} ({', '.join(shown[row])})" if shown[row] else rows[row][0]

    def alike():
        groups = {}
        for row in sorted(rows, key=lambda row: rows[row][3]):
            groups.setdefault(name(row).casefold(), []).append(row)
        return [group for group in groups.values() if len(group) > 1]

    for level in range(max((len(row[2]) for row in rows.values()), default=0)):
        for group in alike():
            for row in group:
                shown[row].extend(rows[row][2][level : level + 1])
    for group in alike():
        for number, row in enumerate(group, 1):
            shown[row].append(f"#{number}")
    return {row: name(row) for row in rows}


def calibration(scope, names):
    """Each interviewer's ratings and votes against the rest of their panels: their gap in a
    cell (an application's criterion, or its vote) is their value minus the mean of the
    others' there."""
    rows = []
    for interviewer_id, sums in sorted(scope.totals.calibration.items()):
        rating_gaps, cells, vote_gaps, vote_panels, rating_panels, panels = sums
        mean_offset = rating_gaps / cells if cells else None
        vote_offset = vote_gaps / vote_panels if vote_panels else None
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
