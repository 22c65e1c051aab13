"""The pipeline board: applications by stage, filtered, each column paged by keyset."""

import functools
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from django.core.exceptions import BadRequest
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    Sum,
)
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext

from scorecards.models import Feedback

from ..models import Application, Opening, StageCount, whole_number

PAGE_SIZE = 20
# The stages a card moves forward through by hand; a move offers the next one first.
FORWARD = [stage for stage in Application.MANUAL_STAGES if stage != Application.Stage.WITHDRAWN]
# Nothing more happens to these cards: the board folds each column to its count, opened on
# demand, so every stage fits a laptop's width.
FOLDED = [Application.Stage.HIRED, Application.Stage.REJECTED, Application.Stage.WITHDRAWN]
# An open application that has not moved for this long is flagged stale.
STALE_AFTER = timedelta(days=14)
# Ids are 64-bit: the database refuses to compare a column with a larger number.
LARGEST_ID = 2**63 - 1


@dataclass(frozen=True)
class Filters:
    team: int | None = None
    opening: int | None = None
    stage: str | None = None
    stale: bool = False
    mine: bool = False

    @classmethod
    def from_query(cls, query):
        def number(name):
            value = query.get(name, "")
            number = whole_number(value)
            if number is not None and number > LARGEST_ID:
                raise BadRequest(f"No {name} has the number {value}.")
            return number

        stage = query.get("stage") if query.get("stage") in Application.Stage.values else None
        return cls(
            team=number("team"),
            opening=number("opening"),
            stage=stage,
            stale=query.get("stale") == "1",
            mine=query.get("mine") == "1",
        )


def follow_team(user, filters):
    """The openings the opening filter offers (the chosen team's, else every one this user
    sees), and the filters without an opening of another team than the chosen one."""
    openings = Opening.objects.visible_to(user).select_related("team")
    if filters.team:
        openings = openings.filter(team_id=filters.team)
        if filters.opening and not openings.filter(pk=filters.opening).exists():
            filters = replace(filters, opening=None)
    return filters, openings


def moves(stage):
    """Where a card in `stage` moves by hand: the stages ahead (the next one first, then
    rejecting while the screen may, withdrawing last), then those behind it, nearest first. A
    menu defaults to the first of them only when it is the next stage, so a move is never
    backwards by default. A close asks its reason in the card (views.move_form)."""
    at = FORWARD.index(stage)
    closing = [Application.Stage.WITHDRAWN]
    if stage in Application.BEFORE_INTERVIEWS:  # after them, only the team's decision rejects
        closing.insert(0, Application.Stage.REJECTED)
    return FORWARD[at + 1 :] + closing, FORWARD[:at][::-1]


def matching(user, filters, now):
    """The applications this user may see that the filters keep."""
    queryset = Application.objects.visible_to(user)
    if filters.team:
        queryset = queryset.filter(opening__in=Opening.objects.filter(team_id=filters.team))
    if filters.opening:
        queryset = queryset.filter(opening_id=filters.opening)
    if filters.stale:
        queryset = queryset.filter(stage_changed_at__lt=now - STALE_AFTER).exclude(
            stage__in=Application.CLOSED_STAGES
        )
    if filters.mine:
        mine = Feedback.objects.filter(application=OuterRef("pk"), interviewer=user)
        queryset = queryset.filter(Exists(mine))
    return queryset


def cards(user, filters, now=None):
    """The applications this user may see, oldest in stage first, with whether a decision
    waits for confirmation; their scorecards come with their page (_pages)."""
    now = now or timezone.now()
    return (
        matching(user, filters, now)
        .select_related("candidate", "opening__team")
        # Long texts no card shows, nor JSON to decode for each of them.
        .defer(
            "note",
            "decision_rule",
            "candidate__links",
            "candidate__hold_reason",
            "opening__description",
            "opening__team__description",
        )
        .annotate(pending_confirmation=_pending_confirmation())
        .with_hire_elsewhere()
        .order_by("stage_changed_at", "pk")
    )


def _pending_confirmation():
    """Whether a card's decision waits for a second member's confirmation, as a departure from
    the recommendation does. The decision is one row at most: a join."""
    pending = Q(decision__isnull=False, decision__confirmed_at=None) & ~Q(
        decision__outcome=F("decision__recommendation")
    )
    return ExpressionWrapper(pending, output_field=BooleanField())


def column(user, filters, stage, after=None, now=None):
    """One page of a stage's cards after the keyset `after` = (stage_changed_at, pk), the facts
    that change with the clock left as marks for read_clock()."""
    [(page, cursor)] = _pages(cards(user, filters, now), [stage], after)
    return page, cursor


def _pages(queryset, stages, after=None):
    """The page of `queryset`'s cards in each of `stages` after the keyset `after`, as (cards,
    cursor), with what each card shows: one query a page, then one for the scorecards of every
    card shown. Simple queries: each page's LIMIT applies first, so a column costs the same
    however many applications its stage holds, and building and compiling them costs less than
    per-row subqueries did (most of a column's time)."""
    pages = []
    for stage in stages:
        in_stage = queryset.filter(stage=stage)
        if after:
            changed, pk = after
            in_stage = in_stage.filter(
                Q(stage_changed_at__gt=changed) | Q(stage_changed_at=changed, pk__gt=pk)
            )
        page = list(in_stage[: PAGE_SIZE + 1])
        more, page = len(page) > PAGE_SIZE, page[:PAGE_SIZE]
        cursor = f"{page[-1].stage_changed_at.isoformat()}_{page[-1].pk}" if more else None
        pages.append((page, cursor))
    _finish([card for page, _cursor in pages for card in page])
    return pages


def one_card(user, filters, application, now=None):
    """The card of `application`, read with its candidate, opening and team, as its column
    shows it to this user under `filters`, or None where they leave it out: one small query
    asks whether they keep it, whether its decision waits and what its candidate was hired for
    (with_hire_elsewhere), not the card's whole row again."""
    kept = (
        matching(user, filters, now or timezone.now())
        .filter(pk=application.pk)
        .annotate(pending_confirmation=_pending_confirmation())
        .with_hire_elsewhere()
        .values_list("pending_confirmation", "hired_for")
    )
    found = list(kept)
    if not found:
        return None
    [(application.pending_confirmation, application.hired_for)] = found
    _finish([application])
    return application


def _finish(cards):
    """What the cards show beside their rows: scorecards, moves, the clock's marks."""
    _with_scorecards(cards)
    for card in cards:
        if card.stage in FORWARD:
            card.ahead, card.behind = moves(card.stage)
            card.next_stage = card.ahead[0] if card.ahead[0] in FORWARD else None
        _mark_clock(card)


def _with_scorecards(cards):
    """Each card's scorecards assigned and submitted, and when its feedback is overdue from:
    the end of its first interview whose scorecard is unwritten, a moment, so that what is
    cached holds no fact of the clock. One query for all the cards."""
    unwritten = Q(
        submitted_at=None,
        excused_at=None,
        session__cancelled_at=None,
        session__end__isnull=False,
    )
    found = {}
    if cards:
        found = {
            row["application"]: row
            for row in Feedback.objects.filter(application__in=[card.pk for card in cards])
            .order_by()
            .values("application")
            .annotate(
                assigned=Count("pk"),
                submitted=Count("pk", filter=Q(submitted_at__isnull=False)),
                overdue_from=Min("session__end", filter=unwritten),
            )
        }
    for card in cards:
        row = found.get(card.pk, {})
        card.assigned, card.submitted = row.get("assigned", 0), row.get("submitted", 0)
        # Once closed, nobody is chased for a scorecard (reminders, home), nor is it overdue.
        closed = card.stage in Application.CLOSED_STAGES
        card.overdue_feedback = None if closed else row.get("overdue_from")


def first_pages(user, filters, now=None, only=None):
    """Each column (or those of the stages `only`) as (stage, cards in it, first page,
    cursor), and for each stage the moment a card joins it with no change to the data: on the
    stale-only board, when its next card turns stale."""
    now = now or timezone.now()
    stages = shown_stages(filters, only)
    holding = _stages_holding(filters, stages)
    counts = column_counts(user, filters, stages, now)
    pages = dict(zip(holding, _pages(cards(user, filters, now), holding), strict=True))
    columns = [
        (Application.Stage(stage), counts.get(stage, 0), *pages.get(stage, ([], None)))
        for stage in stages
    ]
    joins_at = {}
    if filters.stale:
        turning = (
            matching(user, replace(filters, stale=False), now)
            .exclude(stage__in=Application.CLOSED_STAGES)
            .filter(stage_changed_at__gte=now - STALE_AFTER)
        )
        first_turning = _per_column(turning, filters, stages, Min("stage_changed_at"))
        joins_at = {stage: first + STALE_AFTER for stage, first in first_turning.items()}
    return columns, joins_at


def shown_stages(filters, only=None):
    """The stages whose columns the board shows under `filters` (of those in `only`)."""
    stages = [filters.stage] if filters.stage else Application.Stage.values
    return stages if only is None else [stage for stage in stages if stage in only]


def _stages_holding(filters, stages):
    """Those of `stages` whose columns may hold cards under `filters`: on the stale-only board
    a closed stage's column is empty, and no query walks its many rows to find that."""
    if filters.stale:
        return [stage for stage in stages if stage not in Application.CLOSED_STAGES]
    return stages


def _per_column(queryset, filters, stages, aggregate):
    """{stage: `aggregate` of `queryset`'s cards in its column} for these stages, in one query,
    those with no card left out. SQLite finds a team's cards in its own index
    (board_team_column) only when asked for every column, by no condition on the stage, or for
    one stage at a time: given a list of stages it walks every team's cards in each
    (board_column), ten times as many rows or more."""
    holding = _stages_holding(filters, stages)
    by_stage = queryset.order_by().values_list("stage")
    if set(holding) == set(_stages_holding(filters, Application.Stage.values)):
        return dict(by_stage.annotate(found=aggregate))
    if not holding:
        return {}
    first, *rest = [by_stage.filter(stage=stage).annotate(found=aggregate) for stage in holding]
    return dict(first.union(*rest, all=True) if rest else first)


def column_counts(user, filters, stages, now):
    """{stage: its column's cards} for these stages, those with none left out. Unless only
    stale cards or this user's are shown, summed from the counts the database keeps of each
    opening's stages (StageCount), not counted over the applications."""
    if filters.stale or filters.mine:
        return _per_column(matching(user, filters, now), filters, stages, Count("pk"))
    counts = StageCount.objects.visible_to(user)
    if filters.team:
        counts = counts.filter(opening__team_id=filters.team)
    if filters.opening:
        counts = counts.filter(opening_id=filters.opening)
    counts = (
        counts.filter(stage__in=stages, applications__gt=0)
        .order_by()
        .values_list("stage")
        .annotate(Sum("applications"))
    )
    return dict(counts)


# What a card shows that changes with the clock alone (days in stage, stale, overdue feedback)
# is rendered as marks holding the moments it changes at: a column is cached with its marks,
# and read_clock() reads them against the clock on each request.
CLOCK_MARK = re.compile(
    r"<!--clock (?:days (?P<changed>\S+)"
    r"|flags (?P<overdue>\S+) (?P<stale>\S+) (?P<pending>\d+))-->"
)
NEVER = "-"


def card_facts(card):
    """Everything a card shows (board.html#card) to its reader, who moves it or not
    (card.reader_moves): a card is rendered again only when one of these changes."""
    return (
        card.pk,
        str(card.candidate),
        card.opening.title,
        str(card.opening.team),
        card.source,
        card.stage,
        card.stage_changed_at,
        card.submitted,
        card.assigned,
        card.overdue_feedback,
        card.pending_confirmation,
        card.hired_for,
        card.reader_moves,
    )


def _mark_clock(card):
    overdue_from = card.overdue_feedback.isoformat() if card.overdue_feedback else NEVER
    stale_from = NEVER if card.is_closed else (card.stage_changed_at + STALE_AFTER).isoformat()
    pending = card.pk if card.pending_confirmation else 0  # whose, for read_clock's reader
    card.days_in_stage = mark_safe(f"<!--clock days {card.stage_changed_at.isoformat()}-->")
    card.flags = mark_safe(f"<!--clock flags {overdue_from} {stale_from} {pending}-->")


def read_clock(html, now, pending_told):
    """`html` with its cards' clock marks read at `now`; a decision waiting for confirmation
    flagged on the cards `pending_told(the ids of those flagging one)` returns
    (access.pending_decisions_told)."""
    language = translation.get_language()
    marks = CLOCK_MARK.finditer(html)
    told = pending_told({int(mark["pending"]) for mark in marks if mark["pending"]} - {0})

    def read(mark):
        if mark["changed"]:
            return _days_in_stage(language, (now - datetime.fromisoformat(mark["changed"])).days)
        overdue, stale = _passed(mark["overdue"], now), _passed(mark["stale"], now)
        return _flags(language, overdue, stale, int(mark["pending"]) in told)

    return mark_safe(CLOCK_MARK.sub(read, html))


# Their words are the same on every board read in a language: made once.
@functools.cache
def _days_in_stage(language, days):
    with translation.override(language):
        text = ngettext("%(counter)s day in stage", "%(counter)s days in stage", days)
    return text % {"counter": days}


@functools.cache
def _flags(language, overdue, stale, pending):
    context = {"overdue": overdue, "stale": stale, "pending": pending}
    with translation.override(language):
        return render_to_string("hiring/pipeline/board.html#flags", context)


def _passed(moment, now):
    return moment != NEVER and datetime.fromisoformat(moment) < now


def parse_cursor(value):
    """The keyset a "more" link carries, or None (the first page) for anything else."""
    try:
        changed, pk = value.rsplit("_", 1)
        # In UTC, as the database compares it; a moment near year 9999 may not convert.
        return datetime.fromisoformat(changed).astimezone(UTC), int(pk)
    except (ValueError, AttributeError, OverflowError):
        return None
