"""The reports' building blocks, kept up to date as the data changes.

Every report figure is made of parts that add up day by day: the applications created on a day
reached these stages, spent so long in each, closed for these reasons, were rated like this by
these interviewers. So the parts are kept per team and UTC day (hiring/models.py: StageReached,
DurationCount, ClosingCount, CalibrationSums, Coincidences; interviews per quarter hour in
InterviewCount), and a report for any period adds up the days inside it, plus the few
applications of the partial days at its ends (a period runs from midnight in the reader's
zone), computed from their rows on the spot. Interviews are added up in each interviewer's own
days and weeks, which their weekly cap counts: every zone's midnight falls on a quarter hour.

Keeping them up to date: a save or deletion of anything the parts are made of marks its team and
day outdated (FiguresOutdated), in the same transaction as the change. Before a report reads the
parts, the outdated days of its teams are rebuilt from their rows (`bring_up_to_date`), and the
worker that warms the reports does it every minute. A day is always rebuilt whole from its rows,
so the parts never drift from them: `rebuild()` (`manage.py rebuild_figures`) rebuilds every day
and gives the same rows (tests/reports/test_figures_stateful.py).

Independence: calibration and agreement count only the applications whose debrief opened with
nobody still scoring, as the pages do (scorecards.access.reads_panel_feedback): a part never
moves while someone scores, nor gives away a vote to someone who may not read it yet.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from functools import reduce
from operator import or_
from statistics import fmean
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Case, F, IntegerField, Q, Sum, Value, When
from django.db.models.signals import post_delete, post_save, pre_save

from scorecards import agreement
from scorecards.models import Feedback, Rating

from .. import freshness
from ..accounts import zones
from ..models import (
    Application,
    CalibrationSums,
    ClosingCount,
    Coincidences,
    Decision,
    DurationCount,
    FiguresOutdated,
    InterviewCount,
    InterviewSession,
    SessionInterviewer,
    StageChange,
    StageReached,
    Team,
)

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
# Where an application closes without a hire: its closing move's reason is counted.
CLOSED_WITHOUT_HIRE = [Stage.REJECTED, Stage.WITHDRAWN]
# Durations are counted in tenths of a day, the precision the reports show them at.
TENTH_OF_A_DAY_S = 8640
TO_DECISION, TO_HIRE = "decision", "hire"
# Coincidences kept once per unordered pair of levels (the matrix is symmetric).
LEVEL_PAIRS = [(c, k) for c in agreement.LEVELS for k in agreement.LEVELS if c <= k]
CALIBRATION_SUMS = [
    "rating_gaps",
    "rating_cells",
    "vote_gaps",
    "vote_panels",
    "rating_panels",
    "panels",
]
# Days of rows read at once by a rebuild: bounded memory at any size.
REBUILD_DAYS = 31


@dataclass
class Parts:
    """The parts of a set of applications and interviews, keyed by team and day (interviews by
    team, interviewer and quarter hour), or summed over a period (keys without team or day)."""

    reached: Counter = field(default_factory=Counter)  # stage -> applications
    durations: Counter = field(default_factory=Counter)  # (measure, tenths) -> count
    calibration: dict = field(default_factory=dict)  # interviewer -> CALIBRATION_SUMS
    # (team, criterion key) -> (pairable, {(c, k): o}): two teams' criteria are never one
    coincidences: dict = field(default_factory=dict)
    # (interviewer, quarter hour) -> interviews (none in a period's totals: weekly_interviews)
    interviews: Counter = field(default_factory=Counter)
    # (from stage, to stage, reason) -> applications closed that way, by their closing move
    closings: Counter = field(default_factory=Counter)

    def add(self, other):
        self.reached.update(other.reached)
        self.durations.update(other.durations)
        for key, sums in other.calibration.items():
            mine = self.calibration.setdefault(key, [0] * len(CALIBRATION_SUMS))
            for index, value in enumerate(sums):
                mine[index] += value
        for key, (pairable, matrix) in other.coincidences.items():
            mine_pairable, mine_matrix = self.coincidences.get(key, (0, Counter()))
            mine_matrix.update(matrix)
            self.coincidences[key] = (mine_pairable + pairable, mine_matrix)
        self.interviews.update(other.interviews)
        self.closings.update(other.closings)


# Parts from the rows themselves -------------------------------------------------------------


def utc_day(moment):
    return moment.astimezone(UTC).date()


def day_start(day):
    return datetime.combine(day, time(), tzinfo=UTC)


def quarter_hour(moment):
    moment = moment.astimezone(UTC)
    return moment.replace(minute=moment.minute - moment.minute % 15, second=0, microsecond=0)


def _tenths(duration):
    return round(duration.total_seconds() / TENTH_OF_A_DAY_S)


def application_parts(applications):
    """{(team id, UTC day): Parts} of `applications` (a queryset), read from their rows."""
    ids = applications.values("pk")
    found = {
        pk: (team, utc_day(created), created, stage, debrief_opened)
        for pk, team, created, stage, debrief_opened in applications.values_list(
            "pk", "opening__team_id", "created_at", "stage", "debrief_opened_at"
        ).order_by()
    }
    by_day = defaultdict(Parts)
    if not found:
        return by_day

    stages_reached = defaultdict(set)
    moves = list(
        StageChange.objects.filter(application__in=ids)
        .order_by("pk")
        .values_list("application", "from_stage", "to_stage", "at", "left_at", "reason")
    )
    # A hire who did not start (moved on from Hired: offers.did_not_start) is no hire.
    not_started = {pk for pk, from_stage, *_ in moves if from_stage == Stage.HIRED}
    closing_moves = {}
    for pk, from_stage, to_stage, at, left_at, reason in moves:
        team, day, created, *_ = found[pk]
        if to_stage in CLOSED_WITHOUT_HIRE:
            closing_moves[pk] = (from_stage, to_stage, reason)
        if not (to_stage == Stage.HIRED and pk in not_started):
            stages_reached[pk].add(to_stage)
        if left_at is not None:
            by_day[team, day].durations[to_stage, _tenths(left_at - at)] += 1
        if to_stage == Stage.HIRED and pk not in not_started:
            by_day[team, day].durations[TO_HIRE, _tenths(at - created)] += 1
    # Decided when the decision took effect: one awaiting a second member's confirmation may
    # yet be taken back.
    decisions = Decision.objects.filter(application__in=ids).in_force().order_by("pk")
    for pk, recorded_at, confirmed_at in decisions.values_list(
        "application", "recorded_at", "confirmed_at"
    ):
        team, day, created, *_ = found[pk]
        decided_at = confirmed_at or recorded_at
        by_day[team, day].durations[TO_DECISION, _tenths(decided_at - created)] += 1

    for pk, (team, day, _created, stage, _debrief) in found.items():
        if stage in CLOSED_WITHOUT_HIRE:
            # Its last move into the stage it is in; none for one that came in closed.
            closing = closing_moves.get(pk)
            if closing is None or closing[1] != stage:
                closing = ("", stage, "")
            by_day[team, day].closings[closing] += 1
        stages = stages_reached[pk] | {stage}
        for index, funnel_stage in enumerate(FUNNEL):
            if index == 0 or stages.intersection(FUNNEL[index:]):
                by_day[team, day].reached[funnel_stage] += 1

    # A trainee's practice scorecard too: still to write, they read nothing of the panel
    # (scorecards.access.still_to_score), so nothing derived from it either.
    still_scored = set(
        Feedback.all_objects.filter(application__in=ids, latest_submission=None, excused_at=None)
        .order_by()
        .values_list("application", flat=True)
    )
    debriefed = {
        pk
        for pk, (*_, debrief_opened) in found.items()
        if debrief_opened is not None and pk not in still_scored
    }
    _add_scores(by_day, found, debriefed, ids)
    return by_day


def _add_scores(by_day, found, debriefed, ids):
    """Calibration sums and coincidences of the `debriefed` applications among `found`, from
    each scorecard's latest submitted revision (an amendment replaces what it amends)."""
    if not debriefed:
        return
    ratings = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))  # pk, key, rater
    # A criterion is one by its key, whichever versions its panel rated it on (renamed on a
    # later one, say).
    units = defaultdict(lambda: defaultdict(list))  # pk, key
    counted = Rating.objects.filter(
        revision=F("revision__feedback__latest_submission"),
        revision__feedback__practice=False,
        revision__feedback__application__in=ids,
        score__isnull=False,
    ).order_by("pk")
    for pk, rater, key, score in counted.values_list(
        "revision__feedback__application",
        "revision__feedback__interviewer",
        "criterion__key",
        "score",
    ):
        if pk in debriefed:
            ratings[pk][key][rater].append(score)
            units[pk][key].append(score)
    votes = defaultdict(lambda: defaultdict(list))  # pk, rater
    latest = Feedback.objects.filter(
        application__in=ids,
        latest_submission__vote__in=agreement.VOTE_VALUES,
    ).order_by("pk")
    for pk, rater, vote in latest.values_list(
        "application", "interviewer", "latest_submission__vote"
    ):
        if pk in debriefed:
            votes[pk][rater].append(agreement.VOTE_VALUES[vote])

    for pk in sorted(debriefed):
        team, day, *_ = found[pk]
        parts = by_day[team, day]
        rated, voted = set(), set()
        for by_rater in ratings[pk].values():
            cell = {rater: fmean(scores) for rater, scores in by_rater.items()}
            for rater, gap in agreement.gaps(cell).items():
                sums = parts.calibration.setdefault(rater, [0] * len(CALIBRATION_SUMS))
                sums[0] += gap
                sums[1] += 1
                rated.add(rater)
        cell = {rater: fmean(values) for rater, values in votes[pk].items()}
        for rater, gap in agreement.gaps(cell).items():
            sums = parts.calibration.setdefault(rater, [0] * len(CALIBRATION_SUMS))
            sums[2] += gap
            sums[3] += 1
            voted.add(rater)
        for rater in rated | voted:
            sums = parts.calibration[rater]
            sums[4] += rater in rated
            sums[5] += 1
        # A criterion rated once still has its row: its agreement is told as undefined.
        for key, scores in units[pk].items():
            matrix = agreement.unit_coincidences(scores)
            pairable, sums = parts.coincidences.get((team, key), (0, Counter()))
            sums.update(matrix)
            parts.coincidences[team, key] = (pairable + bool(matrix), sums)


def interview_parts(seats):
    """{(team id, UTC day): Parts} of the booked `seats` (a SessionInterviewer queryset)."""
    by_day = defaultdict(Parts)
    for team, interviewer, start in (
        seats.filter(start__isnull=False)
        .order_by("pk")
        .values_list("session__panel__application__opening__team", "user", "start")
    ):
        by_day[team, utc_day(start)].interviews[interviewer, quarter_hour(start)] += 1
    return by_day


# Keeping the stored parts up to date ---------------------------------------------------------


def _on_days(field_name, days):
    """`field_name` within any of these UTC days (a range per run of consecutive days)."""
    condition, runs = Q(), []
    for day in sorted(days):
        if runs and runs[-1][1] == day:
            runs[-1][1] = day + DAY
        else:
            runs.append([day, day + DAY])
    for first, after in runs:
        condition |= Q(
            **{f"{field_name}__gte": day_start(first), f"{field_name}__lt": day_start(after)}
        )
    return condition


DAY, WEEK = timedelta(days=1), timedelta(days=7)


def _rows_of_days(team_id, days):
    """The team's stored parts of these UTC days as they should be, read from the rows: for
    each model, its rows to insert."""
    applications = Application.objects.filter(_on_days("created_at", days), opening__team=team_id)
    seats = SessionInterviewer.objects.filter(
        _on_days("start", days), session__panel__application__opening__team=team_id
    )
    by_day = application_parts(applications)
    for key, parts in interview_parts(seats).items():
        by_day[key].add(parts)
    return _rows(by_day)


def _replace_days(team_id, days, rows):
    """Replace the team's stored parts of these UTC days with `rows` (_rows_of_days')."""
    on_days = {"team": team_id, "day__in": days}
    StageReached.objects.filter(**on_days).delete()
    DurationCount.objects.filter(**on_days).delete()
    CalibrationSums.objects.filter(**on_days).delete()
    Coincidences.objects.filter(**on_days).delete()
    ClosingCount.objects.filter(**on_days).delete()
    InterviewCount.objects.filter(_on_days("start", days), team=team_id).delete()
    for model, instances in rows:
        model.objects.bulk_create(instances, batch_size=2000)


def _rows(by_day):
    reached, durations, calibration, coincidences, interviews, closings = [], [], [], [], [], []
    for (team, day), parts in by_day.items():
        reached += [
            StageReached(team_id=team, day=day, stage=stage, applications=count)
            for stage, count in parts.reached.items()
        ]
        durations += [
            DurationCount(team_id=team, day=day, measure=measure, tenths=tenths, count=count)
            for (measure, tenths), count in parts.durations.items()
        ]
        calibration += [
            CalibrationSums(
                team_id=team,
                day=day,
                interviewer_id=interviewer,
                **dict(zip(CALIBRATION_SUMS, sums, strict=True)),
            )
            for interviewer, sums in parts.calibration.items()
        ]
        coincidences += [
            Coincidences(
                team_id=team,
                day=day,
                criterion_key=key,
                pairable=pairable,
                **{f"o{c}{k}": matrix.get((c, k), 0.0) for c, k in LEVEL_PAIRS},
            )
            for (_team, key), (pairable, matrix) in parts.coincidences.items()
        ]
        interviews += [
            InterviewCount(team_id=team, interviewer_id=interviewer, start=start, interviews=n)
            for (interviewer, start), n in parts.interviews.items()
        ]
        closings += [
            ClosingCount(
                team_id=team,
                day=day,
                from_stage=from_stage,
                to_stage=to_stage,
                reason=reason,
                count=count,
            )
            for (from_stage, to_stage, reason), count in parts.closings.items()
        ]
    return [
        (StageReached, reached),
        (DurationCount, durations),
        (CalibrationSums, calibration),
        (Coincidences, coincidences),
        (InterviewCount, interviews),
        (ClosingCount, closings),
    ]


def bring_up_to_date(teams):
    """Rebuild the outdated days of these teams, REBUILD_DAYS of a team at a time: each read
    from the rows with no lock held (read_days), then stored in a short transaction
    (store_days). Holding a team's row while its days were read kept its writers waiting (and
    on SQLite every writer) for 40-100 ms a team at the large scale."""
    outdated = FiguresOutdated.objects.filter(team__in=teams).order_by()
    for team_id in set(outdated.values_list("team", flat=True)):
        marks = list(FiguresOutdated.objects.filter(team=team_id).values_list("pk", "day"))
        for days in _in_chunks({day for _pk, day in marks}):
            store_days(read_days(team_id, [mark for mark in marks if mark[1] in days]))


@dataclass(frozen=True)
class DaysRead:
    """A team's parts of some outdated days, read from their rows (_rows_of_days'), and the
    marks (pk, day) that said they were outdated when the reading began."""

    team_id: int
    marks: frozenset
    days: list
    rows: list


def read_days(team_id, marks):
    """The parts of the days of `marks` (pk, day), read from the rows with no lock held."""
    marks = frozenset(marks)
    days = sorted({day for _pk, day in marks})
    return DaysRead(team_id, marks, days, _rows_of_days(team_id, days))


def store_days(read):
    """Store `read`'s parts of its days and drop their marks, holding the team's row: writers
    move its data_version in their transactions (hiring/freshness.py), so none of them commits
    meanwhile. Unless the days' marks changed since the reading began: a write that committed
    since marked one of them (its rows may be half in what was read), or another rebuild took
    them. The days are then read again, now that the team's writers wait. A write that commits
    after this keeps its marks: its days are rebuilt next time."""
    with transaction.atomic():
        _hold(read.team_id)
        days = read.days
        marks = FiguresOutdated.objects.filter(team=read.team_id, day__in=days)
        marks = frozenset(marks.values_list("pk", "day"))
        rows = read.rows if marks == read.marks else _rows_of_days(read.team_id, days)
        _replace_days(read.team_id, days, rows)
        FiguresOutdated.objects.filter(pk__in=[pk for pk, _day in marks]).delete()


def _in_chunks(days):
    days = sorted(days)
    return [days[first : first + REBUILD_DAYS] for first in range(0, len(days), REBUILD_DAYS)]


def _rebuild_in_chunks(team_id, days):
    for chunk in _in_chunks(days):
        _replace_days(team_id, chunk, _rows_of_days(team_id, chunk))


def _hold(team_id):
    # NO KEY: the rows being written meanwhile that name the team (audit events, outdated
    # days) only share it for their foreign key, and need not wait.
    list(Team.objects.select_for_update(no_key=True).filter(pk=team_id).values_list("pk"))


def rebuild():
    """Every team's parts from the rows, a month of days at a time. Returns the days built."""
    built = 0
    for team_id in Team.objects.order_by("pk").values_list("pk", flat=True):
        days = {utc_day(moment) for moment in _moments(team_id)}
        with transaction.atomic():
            _hold(team_id)
            FiguresOutdated.objects.filter(team=team_id).delete()
            for model in (
                StageReached,
                DurationCount,
                CalibrationSums,
                Coincidences,
                ClosingCount,
            ):
                model.objects.filter(team=team_id).delete()
            InterviewCount.objects.filter(team=team_id).delete()
            _rebuild_in_chunks(team_id, days)
        built += len(days)
    # Marks of teams deleted since (their parts went with them).
    FiguresOutdated.objects.exclude(team__in=Team.objects.all()).delete()
    return built


def _moments(team_id):
    """When the team's applications were created and its interviews start."""
    yield from Application.objects.filter(opening__team=team_id).values_list(
        "created_at", flat=True
    )
    yield from SessionInterviewer.objects.filter(
        session__panel__application__opening__team=team_id, start__isnull=False
    ).values_list("start", flat=True)


def outdated(team_id, moments):
    """Mark the team's days of these moments outdated (bulk writes send no signal)."""
    freshness.when_written(_mark_outdated, [(TEAM, team_id, moments)])


def session_outdated(session_id, *moments):
    """Mark the days of `moments`, interviews of the session, outdated, and the day its
    application was made (bulk writes of seats send no signal)."""
    freshness.when_written(_mark_outdated, [(SESSION, session_id, moments)])


def _application_outdated(application_id, *moments):
    """Mark the day the application was created (and the days of `moments`) outdated."""
    freshness.when_written(_mark_outdated, [(APPLICATION, application_id, moments)])


# What a mark names: a team, an application (its team, and the day it was made) or an
# interview session (its application's).
TEAM, APPLICATION, SESSION = "team", "application", "session"


def _mark_outdated(noted):
    """The days noted by a write, of teams, applications and sessions, marked outdated in one
    INSERT: a query finds the sessions' applications with their teams, another the teams of
    the applications noted on their own."""
    moments = {TEAM: defaultdict(list), APPLICATION: defaultdict(list), SESSION: defaultdict(list)}
    for kind, pk, more in noted:
        moments[kind][pk] += more
    days = {(team, moment) for team, more in moments[TEAM].items() for moment in more}
    found = []
    if moments[SESSION]:
        for session, application, team, created in InterviewSession.objects.filter(
            pk__in=moments[SESSION]
        ).values_list(
            "pk",
            "panel__application",
            "panel__application__opening__team",
            "panel__application__created_at",
        ):
            found.append((team, [created, *moments[SESSION][session]]))
            found.append((team, moments[APPLICATION].pop(application, [])))
    if moments[APPLICATION]:
        for pk, team, created in Application.objects.filter(
            pk__in=moments[APPLICATION]
        ).values_list("pk", "opening__team", "created_at"):
            found.append((team, [created, *moments[APPLICATION][pk]]))
    days |= {(team, moment) for team, more in found for moment in more}
    marks = {(team, utc_day(moment)) for team, moment in days if moment is not None}
    FiguresOutdated.objects.bulk_create(
        [FiguresOutdated(team_id=team_id, day=day) for team_id, day in sorted(marks)]
    )


def _application_saved(instance, **kwargs):
    outdated(instance.opening.team_id, [instance.created_at])


def _part_of_application_saved(instance, **kwargs):
    application = _application_in_hand(instance)
    if application is None:
        _application_outdated(instance.application_id)
    else:
        outdated(application.opening.team_id, [application.created_at])


def _application_in_hand(part):
    """The part's application when it was saved with it in hand, opening included (a move, a
    decision, a submission): its team and day then need no query. None otherwise."""
    relation = type(part)._meta.get_field("application")
    if not relation.is_cached(part):
        return None
    application = relation.get_cached_value(part)
    return application if Application.opening.field.is_cached(application) else None


def _feedback_saved(instance, **kwargs):
    # A practice scorecard is counted nowhere, but one still to write keeps its panel out of
    # the figures until it is in (still_scored above).
    _part_of_application_saved(instance)


def _session_changing(instance, **kwargs):
    # A rescheduled session's interviews leave the day they were on.
    if instance.pk is not None:
        before = InterviewSession.objects.filter(pk=instance.pk).values_list("start", flat=True)
        before = before.first()
        if before is not None and before != instance.start:
            session_outdated(instance.pk, before)


def _session_saved(instance, **kwargs):
    if instance.start is not None:
        # By its application: a deleted session is no longer found by its id.
        _application_outdated(instance.panel.application_id, instance.start)


def _seat_saved(instance, **kwargs):
    if instance.start is not None:
        session_outdated(instance.session_id, instance.start)


WATCHED = {
    Application: _application_saved,
    StageChange: _part_of_application_saved,
    Decision: _part_of_application_saved,
    Feedback: _feedback_saved,
    InterviewSession: _session_saved,
    SessionInterviewer: _seat_saved,
}


def connect():
    for model, receiver in WATCHED.items():
        uid = f"figures-{model.__name__}"
        post_save.connect(receiver, sender=model, dispatch_uid=uid)
        post_delete.connect(receiver, sender=model, dispatch_uid=uid)
    pre_save.connect(_session_changing, sender=InterviewSession, dispatch_uid="figures-moved")


# A period's totals ---------------------------------------------------------------------------


def totals(teams, start_at, end_at):
    """The parts of the teams' applications created in [start_at, end_at), added up: the stored
    whole UTC days, and the partial days at the ends from their rows. Interviews are counted in
    their interviewers' weeks instead (weekly_interviews)."""
    bring_up_to_date(teams)
    first = day_start(utc_day(start_at))
    if first < start_at:
        first += DAY
    after = day_start(utc_day(end_at))
    total = Parts()
    if first < after:
        _add_stored(total, teams, first, after)
        edges = [(start_at, first), (after, end_at)]
    else:
        edges = [(start_at, end_at)]
    for low, high in edges:
        if low >= high:
            continue
        applications = Application.objects.filter(
            opening__team__in=teams, created_at__gte=low, created_at__lt=high
        )
        for parts in application_parts(applications).values():
            total.add(parts)
    return total


def _monday(day):
    return day - timedelta(days=day.weekday())


def _add_stored(total, teams, first, after):
    """Add the stored parts of the UTC days from `first` to `after` (two UTC midnights)."""
    days = {"team__in": teams, "day__gte": first.date(), "day__lt": after.date()}
    for stage, applications in (
        StageReached.objects.filter(**days)
        .values_list("stage")
        .annotate(Sum("applications"))
        .order_by()
    ):
        total.reached[stage] += applications
    for measure, tenths, count in (
        DurationCount.objects.filter(**days)
        .values_list("measure", "tenths")
        .annotate(Sum("count"))
        .order_by()
    ):
        total.durations[measure, tenths] += count
    sums = [Sum(name) for name in CALIBRATION_SUMS]
    for interviewer, *values in (
        CalibrationSums.objects.filter(**days).values_list("interviewer").annotate(*sums).order_by()
    ):
        total.add(Parts(calibration={interviewer: values}))
    matrix = [Sum(f"o{c}{k}") for c, k in LEVEL_PAIRS]
    for team, key, pairable, *values in (
        Coincidences.objects.filter(**days)
        .values_list("team", "criterion_key")
        .annotate(Sum("pairable"), *matrix)
        .order_by()
    ):
        kept = {pair: value for pair, value in zip(LEVEL_PAIRS, values, strict=True) if value}
        total.add(Parts(coincidences={(team, key): (pairable, _symmetric(kept))}))
    for from_stage, to_stage, reason, count in (
        ClosingCount.objects.filter(**days)
        .values_list("from_stage", "to_stage", "reason")
        .annotate(Sum("count"))
        .order_by()
    ):
        total.closings[from_stage, to_stage, reason] += count


# A date's day in any zone lies within these hours of its UTC day: clocks run from 12 hours
# behind UTC to 14 ahead of it.
AHEAD_OF_UTC, BEHIND_UTC = timedelta(hours=14), timedelta(hours=12)


def weekly_interviews(teams, start, end):
    """{(interviewer, Monday): interviews} of the teams' interviews starting on the days from
    `start` to `end`, each interviewer's days and weeks (from Monday) in their own time zone:
    the weeks their weekly cap counts (scheduling.slots), whoever reads them. The database
    sorts each stored quarter hour into its interviewer's week, given each of their zones'
    midnights as UTC instants."""
    bring_up_to_date(teams)
    counts = InterviewCount.objects.filter(
        team__in=teams,
        start__gte=day_start(start) - AHEAD_OF_UTC,
        start__lt=day_start(end + DAY) + BEHIND_UTC,
    ).order_by()
    names = sorted(set(counts.values_list("interviewer__time_zone", flat=True).distinct()))
    if not names:
        return Counter()
    mondays = [_monday(start)]
    while mondays[-1] + WEEK <= end:
        mondays.append(mondays[-1] + WEEK)
    in_period, week = [], []
    for name in names:
        zone = ZoneInfo(name)
        of_zone = Q(interviewer__time_zone=name)
        in_period.append(
            of_zone & Q(start__gte=_midnight(start, zone), start__lt=_midnight(end + DAY, zone))
        )
        weeks = [
            When(start__gte=_midnight(monday, zone), then=Value(index))
            for index, monday in reversed(list(enumerate(mondays)))
        ]
        week.append(When(of_zone, then=Case(*weeks, output_field=IntegerField())))
    found = Counter()
    for interviewer, index, interviews in (
        counts.filter(reduce(or_, in_period))
        .annotate(week=Case(*week, output_field=IntegerField()))
        .values_list("interviewer", "week")
        .annotate(Sum("interviews"))
        .order_by()
    ):
        found[interviewer, mondays[index]] += interviews
    return found


def _midnight(day, zone):
    """When `day` begins in `zone`, as scheduling reads it (slots._at)."""
    return zones.instant(datetime.combine(day, time()), zone)


def _symmetric(kept):
    """Every o_ck from those kept for c <= k."""
    return Counter({**kept, **{(k, c): value for (c, k), value in kept.items()}})
