"""Reports kept computed: their figures and HTML are cached until one of their teams changes,
and a worker warms the ones people open first. A page that is slow to compute (a large
organisation's) is served as it was when a change comes, labelled with when that was, while a
worker computes it again: a busy organisation's readers never wait for it."""

import logging
import time
import zoneinfo
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy
from kombu.exceptions import KombuError

from scorecards.agreement import LEANING_MIN_PANELS, LEANING_MIN_RATINGS
from scorecards.validity import LEVEL, MIN_HIRES, WEAK_BELOW

from .. import freshness
from ..access import readers_teams
from ..models import Team, User
from . import charts, figures, queries, validity
from .forms import DEFAULT_PERIOD, VALIDITY_PERIOD
from .shown import first_rows

logger = logging.getLogger(__name__)

# The cached figures' and pages' names, with the shape of what they hold: a new shape gets a
# new name, so the first requests after a deploy never read an entry the old code wrote.
DATA, PAGE = "report-data-10", "report-page-11"
VALIDITY_DATA, VALIDITY_PAGE = "validity-data-6", "validity-page-6"
# The validity figures of a set of rows, whatever the zone that read them.
VALIDITY_FIGURES = "validity-figures-4"
# What the tables per interviewer or criterion say of the rows they leave out (shown.py).
MOST_OVER_CAP = ngettext_lazy(
    "The %(shown)s of %(counter)s interviewer most often over their cap; the CSV has every one.",
    "The %(shown)s of %(counter)s interviewers most often over their cap; the CSV has every one.",
    "counter",
)
LEANING_FURTHEST = ngettext_lazy(
    "The %(shown)s of %(counter)s interviewer leaning furthest from their panels; the CSV has "
    "every one.",
    "The %(shown)s of %(counter)s interviewers leaning furthest from their panels; the CSV has "
    "every one.",
    "counter",
)
AGREEING_LEAST = ngettext_lazy(
    "The %(shown)s of %(counter)s criterion whose raters agree least; the CSV has every one.",
    "The %(shown)s of %(counter)s criteria whose raters agree least; the CSV has every one.",
    "counter",
)
STRONGEST_CRITERIA = ngettext_lazy(
    "The %(shown)s of %(counter)s criterion with the strongest relation either way; the CSV "
    "has every one.",
    "The %(shown)s of %(counter)s criteria with the strongest relation either way; the CSV has "
    "every one.",
    "counter",
)
STRONGEST_INTERVIEWERS = ngettext_lazy(
    "The %(shown)s of %(counter)s interviewer with the strongest relation either way; the CSV "
    "has every one.",
    "The %(shown)s of %(counter)s interviewers with the strongest relation either way; the "
    "CSV has every one.",
    "counter",
)
# While a worker computes a page again, another reader does not ask for it twice; a task that
# died frees the way after this long.
REFRESHING_TIMEOUT_S = 5 * 60
# One warming run at a time; a run that died frees the way after this long.
WARMING = "report-warming"
WARMING_TIMEOUT_S = 15 * 60


def teams_scope(teams, start, end):
    return queries.scope_for(teams, start, end)


def _timed(compute):
    """compute() for freshness.cached(), its value kept with the seconds it took: a page made
    from it later (in another language, say) knows what computing it after a change costs."""

    def timed():
        began = time.monotonic()
        value, good_until = compute()
        return (value, time.monotonic() - began), good_until

    return timed


def report_data(scope, teams):
    """Every report's figures, kept until one of the teams changes or an interview ends with
    its scorecard unwritten (the overdue report changes then)."""
    return _timed_report_data(scope, teams)[0]


def _timed_report_data(scope, teams):
    """report_data(), and the seconds it took when it was computed."""

    def compute():
        calibrated = User.objects.filter(pk__in=list(scope.totals.calibration))
        names = queries.interviewer_names(
            {
                pk: (name, email)
                for pk, name, email in calibrated.values_list("pk", "display_name", "email")
            }
        )
        stages, to_decision = queries.time_in_stage(scope)
        load = queries.interviewer_load(scope)
        overdue, next_overdue_at = queries.overdue_feedback(scope)
        data = {
            "funnel": queries.funnel(scope),
            "in_progress": queries.in_progress(scope),
            "closing": queries.closing_reasons(scope),
            "time_in_stage": stages,
            "to_decision": to_decision,
            "to_hire": queries.time_to_hire(scope),
            "overdue": overdue,
            "load": load,
            "load_by_interviewer": queries.load_by_interviewer(load),
            "calibration": queries.calibration(scope, names),
            "agreement": queries.rater_agreement(scope),
            "good_until": next_overdue_at,
        }
        return data, data["good_until"]

    # Periods are read in the current time zone (the interviewer load's in each interviewer's).
    key = (scope.start, scope.end, timezone.get_current_timezone_name())
    return freshness.cached(DATA, key, teams, _timed(compute))


class _Outdated(Exception):
    """The page changed and is slow to compute: a worker will."""


def _page(name, parts, teams, render, refresh, version="data_version"):
    """freshness.cached() for a report page, as (html, as_of); render() gives (html, good_until,
    the seconds its figures took to compute). as_of is None when the page is up to date. When it
    is not, and it took REPORTS_IN_BACKGROUND_AFTER_S or more to compute last time, and
    `refresh` is given (a request's, not a worker's): the page as last computed, with when, and
    refresh() is called once to have a worker compute it again."""
    # Whose teams it covers is part of what it is: another reader's teams make another page.
    covered = sorted(team.pk for team in teams)
    latest_key = freshness.cache_key(f"{name}-latest", (parts, covered))
    refreshing_key = f"{latest_key}:refreshing"

    def compute():
        latest = cache.get(latest_key)
        slow = latest is not None and latest["seconds"] >= settings.REPORTS_IN_BACKGROUND_AFTER_S
        if slow and refresh is not None:
            raise _Outdated(latest)
        began = time.monotonic()
        html, good_until, figures_seconds = render()
        # Its figures may have been cached already (computed for another page): what computing
        # it costs after a change is their time then. A page whose figures computed quickly
        # again, as a small organisation's do, is computed for its readers again.
        seconds = max(time.monotonic() - began, figures_seconds)
        cache.set(latest_key, {"html": html, "at": timezone.now(), "seconds": seconds}, None)
        if refresh is None:  # a worker's: the way is free for the next refresh
            cache.delete(refreshing_key)
        return html, good_until

    try:
        return freshness.cached(name, parts, teams, compute, version), None
    except _Outdated as outdated:
        latest = outdated.args[0]
        if cache.add(refreshing_key, True, REFRESHING_TIMEOUT_S):
            try:
                refresh()
            except (KombuError, OSError):
                # No broker: the reader still gets the page as it was, and the warming worker
                # computes it again when it runs.
                logger.warning("Could not queue a report's refresh", exc_info=True)
                cache.delete(refreshing_key)
        return latest["html"], latest["at"]


def _report_charts(data, load_shown, calibration_shown, agreement_shown):
    """The report's charts, in the current language: each draws the rows its table shows."""
    threshold = formats.localize(charts.ALPHA_THRESHOLD)
    return {
        "funnel": charts.bar_chart(
            _("Applications reaching each stage"), data["funnel"], "stage", "reached"
        ),
        "closing": charts.closing_chart(
            _("Applications closed for each reason"),
            _(
                "One bar per reason: the applications closed for it, rejected in the filled "
                "part and withdrawn in the hollow part. The table below has the same figures."
            ),
            data["closing"],
        ),
        "time_in_stage": charts.bar_chart(
            _("Median days in each stage"), data["time_in_stage"], "stage", "median_days"
        ),
        "overdue": charts.bar_chart(
            _("Overdue scorecards by interviewer"),
            data["overdue"],
            "interviewer_name",
            "overdue",
        ),
        "load": charts.load_chart(
            _("Interviews in each interviewer's busiest week, against their weekly cap"),
            _(
                "One bar per interviewer: the interviews of their busiest week. A line across "
                "it marks their weekly cap; a bar over the cap is red and says so. The table "
                "below has the same figures."
            ),
            load_shown,
        ),
        "calibration": charts.calibration_chart(
            {
                "title": _("Each interviewer's offset from the rest of their panels"),
                "description": _(
                    "One bar per interviewer, from 0 to their offset on the 1-4 scale: left of "
                    "0 they score below the rest of their panels, right of it above. Beside "
                    "it, the ratings compared (or votes, where nobody rated); a hollow bar "
                    "compares too few to tell a leaning. The table below has the same figures."
                ),
                "missing": "–",
                "empty": _("No shared panels in this period."),
            },
            calibration_shown,
        ),
        "agreement": charts.agreement_chart(
            {
                "title": _(
                    "Krippendorff's alpha per criterion, against the conventional threshold "
                    "of %(threshold)s"
                )
                % {"threshold": threshold},
                "description": _(
                    "One bar per criterion, from 0 to its alpha on a scale from -1 to 1: 0 is "
                    "agreement no better than chance, and the dashed line at %(threshold)s "
                    "the lowest alpha conventionally taken as reliable enough for tentative "
                    "conclusions. A criterion with too few ratings, or all alike, has no bar. "
                    "The table below has the same figures."
                )
                % {"threshold": threshold},
                "missing": _("too few ratings"),
                "empty": _("No ratings in this period."),
            },
            agreement_shown,
        ),
    }


def report_html(scope, teams, query, refresh=None, leaving_out=()):
    """The report rendered, kept as long as its figures (see report_data), and when it was
    computed if it is out of date (see _page). `leaving_out`: the reader's own applications in
    the scope (validity.own_applications): calibration and agreement, which would tell them how
    each of their interviewers rated them, are left out."""
    own_panel = bool(leaving_out)

    def render_report():
        data, seconds = _timed_report_data(scope, teams)
        leaning_min = {"panels": LEANING_MIN_PANELS, "ratings": LEANING_MIN_RATINGS}
        # A table per interviewer or criterion grows with the organisation: the page shows
        # those that need a look, the CSV every one. Their charts draw the rows the tables
        # show, no more.
        load_shown = first_rows(data["load_by_interviewer"], MOST_OVER_CAP)
        calibration_shown = first_rows(
            queries.leaning_furthest_first(data["calibration"]), LEANING_FURTHEST
        )
        agreement_shown = first_rows(
            queries.agreeing_least_first(data["agreement"]), AGREEING_LEAST
        )
        context = {
            **data,
            "load_shown": load_shown,
            "calibration_shown": calibration_shown,
            "agreement_shown": agreement_shown,
            "scope": scope,
            "query": query,
            "charts": _report_charts(
                data, load_shown.rows, calibration_shown.rows, agreement_shown.rows
            ),
            "leaning_min": leaning_min,
            "own_panel": own_panel,
        }
        html = render_to_string("hiring/reports/reports.html#report", context)
        return html, data["good_until"], seconds

    return _page(PAGE, _key(scope, query, own_panel), teams, render_report, refresh)


def hires_scope(teams, start, end):
    """The teams' applications, for the hires (moves to Hired) between `start` and `end`."""
    return queries.Scope(teams=teams, start=start, end=end)


def validity_data(scope, teams, leaving_out=()):
    """The validity page's figures (hiring/reports/validity.py) without the hires
    `leaving_out` (validity.own_applications), kept until what it reads of one of the teams
    changes (their hires_version: a hire, its scorecards and check-ins, a name it shows), or a
    check-in held back for a rater still to submit closes (`good_until`)."""
    return _timed_validity_data(scope, teams, leaving_out)[0]


def _timed_validity_data(scope, teams, leaving_out=()):
    """validity_data(), and the seconds it took when it was computed."""

    def compute():
        began = time.monotonic()
        data = validity.rows(scope, leaving_out)
        rows_seconds = time.monotonic() - began
        # Each reader's zone has days of its own, but mostly the same hires in its period: the
        # same rows (in the same words) make the same figures, computed once for every zone (a
        # team's bootstrap takes most of a second at 100,000 applications; its rows, 20 ms).
        same = (translation.get_language(), data)
        of_rows, figures_seconds = freshness.cached(
            VALIDITY_FIGURES, same, [], _timed(lambda: (validity.figures_of(data), None))
        )
        # Their figures' time when computed, here or for a reader in another zone; kept until
        # a check-in held back for a rater still to submit closes.
        return (of_rows, rows_seconds + figures_seconds), of_rows["good_until"]

    return freshness.cached(
        VALIDITY_DATA, _key(scope, leaving_out), teams, compute, "hires_version"
    )


def validity_html(scope, teams, query, leaving_out=(), refresh=None):
    """The validity page's report rendered, kept as long as its figures, and when it was
    computed if it is out of date (see _page)."""

    def render_report():
        data, seconds = _timed_validity_data(scope, teams, leaving_out)
        # A row per team's criterion, or per interviewer, grows with the organisation: the
        # tables and the chart show the strongest relations either way, the CSV every one.
        criteria_shown = first_rows(validity.strongest_first(data["criteria"]), STRONGEST_CRITERIA)
        context = {
            **data,
            "criteria_shown": criteria_shown,
            "interviewers_shown": first_rows(
                validity.strongest_first(data["interviewers"]), STRONGEST_INTERVIEWERS
            ),
            "scope": scope,
            "query": query,
            "chart": charts.interval_chart(
                _("Spearman's rho per criterion, with its %(level)s%% interval")
                % {"level": round(100 * LEVEL)},
                criteria_shown.rows,
            ),
            "min_hires": MIN_HIRES,
            "weak_below": WEAK_BELOW,
            "level": round(100 * LEVEL),
        }
        html = render_to_string("hiring/reports/validity.html#report", context)
        return html, data["good_until"], seconds

    key = _key(scope, query, leaving_out)
    return _page(VALIDITY_PAGE, key, teams, render_report, refresh, "hires_version")


def _key(scope, *more):
    """What a report's page or figures are kept under: its period, read in the current time
    zone, and the current language, its words' (the validity rows' names too: a category, the
    overall vote), with `more`."""
    return (
        scope.start,
        scope.end,
        timezone.get_current_timezone_name(),
        translation.get_language(),
        *more,
    )


def refresh(page, team_ids, start, end, zone, language, query, leaving_out=()):
    """Compute a report page again, as its reader asked for it (a worker's task)."""
    teams = list(Team.objects.filter(pk__in=team_ids))
    start, end = date.fromisoformat(start), date.fromisoformat(end)
    with timezone.override(zoneinfo.ZoneInfo(zone)), translation.override(language):
        if page == PAGE:
            report_html(teams_scope(teams, start, end), teams, query, None, tuple(leaving_out))
        else:
            validity_html(hires_scope(teams, start, end), teams, query, tuple(leaving_out))


def refresher(page, scope, teams, query, leaving_out=()):
    """What a request calls to have a worker compute its page again."""
    from ..tasks import refresh_report  # here: the tasks import this module

    arguments = [
        page,
        [team.pk for team in teams],
        scope.start.isoformat(),
        scope.end.isoformat(),
        timezone.get_current_timezone_name(),
        translation.get_language(),
        query,
        list(leaving_out),
    ]
    return lambda: refresh_report.delay(*arguments)


def warm_default_reports(stopping=lambda: False):
    """Compute the reports people open first (the default period over all their teams, and the
    validity page's default) where they are out of date, so that they find them cached. A
    worker runs this every minute: at the size of a large company an organisation-wide report
    takes a second to compute, its validity page several. The reports come first, the validity
    pages after; `stopping()` is asked between two pages. Returns the number of scopes looked
    at: none while another run is still at it."""
    if not cache.add(WARMING, True, WARMING_TIMEOUT_S):
        return 0
    try:
        return _warm(stopping)
    finally:
        cache.delete(WARMING)


def _warm(stopping):
    # The running figures first: whatever is out of date is rebuilt once, for every report.
    figures.bring_up_to_date(Team.objects.values("pk"))
    # Each reader's report is in their own zone (its weeks, its default period and its key) and
    # their own language (their profile's; a blank one reads in the browser's, unknown here).
    scopes = {}
    for reader, teams in readers_teams(User.objects.filter(is_active=True)).items():
        key = (frozenset(team.pk for team in teams), reader.time_zone, reader.language_code)
        scopes[key] = teams
    pages = [
        (teams_scope, DEFAULT_PERIOD, report_html),
        (hires_scope, VALIDITY_PERIOD, validity_html),
    ]
    for scope_for, period, html in pages:
        for (_teams, zone, language), teams in scopes.items():
            if stopping():
                return len(scopes)
            with timezone.override(zoneinfo.ZoneInfo(zone)), translation.override(language):
                end = timezone.localdate()
                html(scope_for(teams, end - period, end), teams, "")
    return len(scopes)
