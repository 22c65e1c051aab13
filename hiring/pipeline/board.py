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
    Subquery,
)
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext

from scorecards.models import Feedback

from ..models import Application, Opening

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
            if not (value.isascii() and value.isdigit()):  # int() refuses "²", a digit too
                return None
            if int(value) > LARGEST_ID:
                raise BadRequest(f"No {name} has the number {value}.")
            return int(value)

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
    """Where a card in `stage` moves by hand: the stages ahead (the next one first, withdrawing
    last), then those behind it, nearest first. A menu defaults to the first of them only when
    it is the next stage, so a move is never backwards by default."""
    at = FORWARD.index(stage)
    return FORWARD[at + 1 :] + [Application.Stage.WITHDRAWN], FORWARD[:at][::-1]


def matching(user, filters, now):
    """The applications this user may see that the filters keep."""
    queryset = Application.objects.visible_to(user)
    if filters.team:
        queryset = queryset.filter(opening__team_id=filters.team)
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
    """The applications this user may see, with what a card shows, oldest in stage first."""
    now = now or timezone.now()
    unwritten = Feedback.objects.filter(
        application=OuterRef("pk"),
        submitted_at=None,
        excused_at=None,
        session__cancelled_at=None,
        session__end__isnull=False,
    )
    # The decision is one row at most: a join. A departure from the recommendation waits for a
    # second member's confirmation.
    pending = Q(decision__isnull=False, decision__confirmed_at=None) & ~Q(
        decision__outcome=F("decision__recommendation")
    )
    return (
        matching(user, filters, now)
        .select_related("candidate", "opening__team")
        # Per-row scalar subqueries, not a join and GROUP BY: the page's LIMIT applies first,
        # so a column costs the same however many applications the stage holds. Not EXISTS
        # either: PostgreSQL would hash it over every unwritten scorecard before the LIMIT.
        .annotate(
            assigned=_count(Feedback.objects.all()),
            submitted=_count(Feedback.objects.filter(submitted_at__isnull=False)),
            # Feedback is overdue from the end of the first interview whose scorecard is
            # unwritten: a moment, so that what is cached holds no fact of the clock.
            overdue_feedback=Subquery(
                unwritten.order_by("session__end").values("session__end")[:1]
            ),
            pending_confirmation=ExpressionWrapper(pending, output_field=BooleanField()),
        )
        .order_by("stage_changed_at", "pk")
    )


def _count(feedback):
    per_application = (
        feedback.filter(application=OuterRef("pk"))
        .order_by()
        .values("application")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(per_application), 0)


def column(user, filters, stage, after=None, now=None):
    """One page of a stage's cards after the keyset `after` = (stage_changed_at, pk), the facts
    that change with the clock left as marks for read_clock()."""
    now = now or timezone.now()
    queryset = cards(user, filters, now).filter(stage=stage)
    if after:
        changed, pk = after
        queryset = queryset.filter(
            Q(stage_changed_at__gt=changed) | Q(stage_changed_at=changed, pk__gt=pk)
        )
    page = list(queryset[: PAGE_SIZE + 1])
    for card in page:
        if card.stage in FORWARD:
            card.ahead, card.behind = moves(card.stage)
            card.next_stage = card.ahead[0] if card.ahead[0] in FORWARD else None
        _mark_clock(card)
    more = page[PAGE_SIZE] if len(page) > PAGE_SIZE else None
    page = page[:PAGE_SIZE]
    cursor = f"{page[-1].stage_changed_at.isoformat()}_{page[-1].pk}" if more else None
    return page, cursor


def first_pages(user, filters, now=None, only=None):
    """Each column (or those of the stages `only`) as (stage, cards in it, first page,
    cursor), and for each stage the moment a card joins it with no change to the data: on the
    stale-only board, when its next card turns stale."""
    now = now or timezone.now()
    stages = [filters.stage] if filters.stage else Application.Stage.values
    if only is not None:
        stages = [stage for stage in stages if stage in only]
    counts = dict(
        matching(user, filters, now)
        .filter(stage__in=stages)
        .order_by()
        .values_list("stage")
        .annotate(n=Count("pk"))
    )
    columns = []
    for stage in stages:
        page, cursor = column(user, filters, stage, now=now)
        columns.append((Application.Stage(stage), counts.get(stage, 0), page, cursor))
    joins_at = {}
    if filters.stale:
        turning = (
            matching(user, replace(filters, stale=False), now)
            .filter(stage__in=stages, stage_changed_at__gte=now - STALE_AFTER)
            .exclude(stage__in=Application.CLOSED_STAGES)
            .order_by()
            .values_list("stage")
            .annotate(first=Min("stage_changed_at"))
        )
        joins_at = {stage: first + STALE_AFTER for stage, first in turning}
    return columns, joins_at


# What a card shows that changes with the clock alone (days in stage, stale, overdue feedback)
# is rendered as marks holding the moments it changes at: a column is cached with its marks,
# and read_clock() reads them against the clock on each request.
CLOCK_MARK = re.compile(
    r"<!--clock (?:days (?P<changed>\S+)"
    r"|flags (?P<overdue>\S+) (?P<stale>\S+) (?P<pending>[01]))-->"
)
NEVER = "-"


def card_facts(card, runs_teams):
    """Everything a card shows (board.html#card) for a reader who may move the cards of
    `runs_teams`: a card is rendered again only when one of these changes."""
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
        card.opening.team_id in runs_teams,
    )


def _mark_clock(card):
    overdue_from = card.overdue_feedback.isoformat() if card.overdue_feedback else NEVER
    stale_from = NEVER if card.is_closed else (card.stage_changed_at + STALE_AFTER).isoformat()
    pending = "1" if card.pending_confirmation else "0"
    card.days_in_stage = mark_safe(f"<!--clock days {card.stage_changed_at.isoformat()}-->")
    card.flags = mark_safe(f"<!--clock flags {overdue_from} {stale_from} {pending}-->")


def read_clock(html, now):
    """`html` with its cards' clock marks read at `now`."""
    language = translation.get_language()

    def read(mark):
        if mark["changed"]:
            return _days_in_stage(language, (now - datetime.fromisoformat(mark["changed"])).days)
        overdue, stale = _passed(mark["overdue"], now), _passed(mark["stale"], now)
        return _flags(language, overdue, stale, mark["pending"] == "1")

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
