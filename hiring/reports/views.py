"""Reports: leadership across teams, each team for its own. Charts are server-drawn SVG."""

import csv
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.cache import never_cache

from .. import freshness
from ..access import reader_teams
from ..accounts import zones
from ..models import whole_number
from .cached import (
    PAGE,
    VALIDITY_PAGE,
    hires_scope,
    refresher,
    report_data,
    report_html,
    teams_scope,
    validity_data,
    validity_html,
)
from .forms import HiresPeriodForm, PeriodForm
from .validity import own_applications


def _scope(request, form_class=PeriodForm, scope_for=teams_scope):
    """The reports' form, scope and teams for this user (no scope if the form is not valid),
    or Http404 for those without reports (recruiters and admins, who never read scores nor
    check-ins) and for a team (a number) the user does not read, as for any outsider; a team
    that is no number ("abc") is an error beside the field."""
    teams = reader_teams(request.user)
    if teams is None:
        raise Http404
    # Always bound: empty fields take the default period.
    form = form_class(request.GET, teams=teams)
    if not form.is_valid():
        if "team" in form.errors and whole_number(request.GET.get("team", "")) is not None:
            raise Http404
        return form, None, []
    data = form.cleaned_data
    chosen = [data["team"]] if data.get("team") else list(teams)
    return form, scope_for(chosen, data["start"], data["end"]), chosen


def _query(request, form):
    """The report's query string in one spelling: the team and dates the reader gave, as the
    form read them, and nothing else. The page's CSV links carry it and its cache key holds it,
    so a parameter added to the address makes no page of its own."""
    data = form.cleaned_data
    given = {
        "team": data["team"] and data["team"].pk,
        "start": data["start"].isoformat(),
        "end": data["end"].isoformat(),
    }
    return urlencode({name: value for name, value in given.items() if request.GET.get(name)})


def _team_query(form):
    """The query string of a link to the other reports page: the team chosen, not the period,
    whose meaning (applications made, or hires) and default length differ between them."""
    team = form.cleaned_data.get("team")
    return urlencode({"team": team.pk}) if team else ""


def _period_fields(form):
    """The period form's fields as rendered, kept in this process's memory under all they show
    (freshness.remembered): a select of every team is most of the page's own time. A form with
    errors is rendered afresh."""

    def render_fields():
        return render_to_string("hiring/reports/period_fields.html", {"form": form})

    if form.errors:
        return render_fields()
    teams = [(team.pk, str(team)) for team in form.fields["team"].queryset]
    values = [(name, form.data.get(name)) for name in form.fields]
    shown = (type(form).__name__, values, translation.get_language(), teams)
    return freshness.remembered("period-fields", shown, render_fields)


@never_cache
@login_required
def reports_page(request):
    form, scope, teams = _scope(request)
    template = "hiring/reports/reports.html"
    context = {"form": form, "period_fields": _period_fields(form), "team_query": _team_query(form)}
    if scope is None:
        return render(request, template, context, status=400)
    query = _query(request, form)
    own = own_applications(request.user, scope)
    html, as_of = report_html(scope, teams, query, refresher(PAGE, scope, teams, query, own), own)
    return render(request, template, {**context, "report_html": html, "as_of": as_of})


@never_cache
@login_required
def validity_page(request):
    form, scope, teams = _scope(request, HiresPeriodForm, hires_scope)
    template = "hiring/reports/validity.html"
    context = {"form": form, "period_fields": _period_fields(form), "team_query": _team_query(form)}
    if scope is None:
        return render(request, template, context, status=400)
    own = own_applications(request.user, scope)
    query = _query(request, form)
    refresh = refresher(VALIDITY_PAGE, scope, teams, query, own)
    html, as_of = validity_html(scope, teams, query, own, refresh)
    return render(request, template, {**context, "report_html": html, "as_of": as_of})


def _not_valid(form):
    """A CSV's answer to a query its page would show errors for: which field is wrong."""
    message = (
        _("The team is not valid.") if "team" in form.errors else _("The period is not valid.")
    )
    return HttpResponse(message, status=400, content_type="text/plain")


# The validity CSV: a row per criterion, category, the overall vote and each interviewer.
VALIDITY_COLUMNS = {
    "kind": gettext_noop("Predictor"),
    "name": gettext_noop("Name"),
    "category": gettext_noop("Category"),
    "estimate": gettext_noop("Spearman's rho"),
    "low": gettext_noop("Interval low (90%)"),
    "high": gettext_noop("Interval high (90%)"),
    "hires": gettext_noop("Hires"),
    "weak": gettext_noop("Weak (under 15 hires)"),
}


@never_cache
@login_required
def validity_csv(request):
    form, scope, teams = _scope(request, HiresPeriodForm, hires_scope)
    if scope is None:
        return _not_valid(form)
    data = validity_data(scope, teams, own_applications(request.user, scope))
    kinds = [
        (_("Criterion"), data["criteria"]),
        (_("Category"), data["categories"]),
        (_("Overall vote"), [data["vote"]]),
        (_("Interviewer"), data["interviewers"]),
    ]
    rows = [
        {**row, "kind": kind, "weak": _yes_no(row.get("weak"))}
        for kind, found in kinds
        for row in found
    ]
    response = _csv_response("validity", form)
    headers = _in_words(VALIDITY_COLUMNS)
    write_csv(response, headers, rows)
    return response


def _in_words(columns):
    """A CSV's columns with their headers in the reader's language."""
    return {column: _(header) for column, header in columns.items()}


def _csv_response(name, form):
    """A CSV download named after its report and what it covers (its team, or all the reader's
    teams, and its period), which the file itself does not say: two downloads for two teams or
    periods are told apart, and not saved over each other."""
    data = form.cleaned_data
    team = data["team"]
    covered = (slugify(team.name) or f"team-{team.pk}") if team else "all-teams"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"teamfit-{name}-{covered}-{data['start']}-{data['end']}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _yes_no(value):
    """A cell that is yes or no in words; empty where it is neither (a validity row below the
    minimum has no figure, so is neither weak nor not)."""
    return "" if value is None else (_("yes") if value else _("no"))


# Each report's CSV: its columns, each under a header in words (in English here, translated
# as the CSV is written).
CSV_COLUMNS = {
    "funnel": {
        "stage": gettext_noop("Stage"),
        "reached": gettext_noop("Reached"),
        "pass_through_pct": gettext_noop("Pass-through (%)"),
    },
    "closing": {
        "reason": gettext_noop("Reason"),
        "rejected": gettext_noop("Rejected"),
        "withdrawn": gettext_noop("Withdrew"),
        # Before: closed from Applied or the screen; after: from the panel on.
        "before_interviews": gettext_noop("Before interviews"),
        "after_interviews": gettext_noop("After interviews"),
        "closed": gettext_noop("Closed"),
        "share_pct": gettext_noop("Share of closed (%)"),
    },
    "time_in_stage": {
        "stage": gettext_noop("Stage"),
        "median_days": gettext_noop("Median days"),
        "moves": gettext_noop("Moves"),
    },
    "overdue": {
        "interviewer_name": gettext_noop("Interviewer"),
        "overdue": gettext_noop("Overdue scorecards"),
    },
    "load": {
        "interviewer": gettext_noop("Interviewer"),
        # Each interviewer's weeks are cut at Monday's midnight in their own zone, as their cap
        # counts them: the zone is named on each row (last, where it adds nothing to move).
        "week": gettext_noop("Week (from Monday, in the interviewer's time zone)"),
        # Under 7 where the period cuts the week: its interviews are those days' only.
        "days": gettext_noop("Days in period"),
        "interviews": gettext_noop("Interviews"),
        "cap": gettext_noop("Weekly cap"),
        "over_cap": gettext_noop("Over cap"),
        "time_zone": gettext_noop("Time zone"),
    },
    "calibration": {
        "interviewer": gettext_noop("Interviewer"),
        "panels": gettext_noop("Panels"),
        "mean_offset": gettext_noop("Rating offset"),
        "vote_offset": gettext_noop("Vote offset"),
        "leaning": gettext_noop("Leaning"),
        "cells": gettext_noop("Ratings compared"),
        "rating_panels": gettext_noop("Panels with ratings"),
        "vote_panels": gettext_noop("Panels with votes"),
    },
    "agreement": {
        "criterion": gettext_noop("Criterion"),
        "alpha": gettext_noop("Krippendorff's alpha"),
        "panels": gettext_noop("Panels"),
    },
}


# The funnel's applications neither hired nor closed, which its pass-through counts as not
# through the stages they have yet to reach.
IN_PROGRESS_COLUMNS = {"in_progress": gettext_noop("Still in progress")}

# The times the page gives beneath the time in stage's table: from the application to its
# decision and to its hire.
TIME_TO_COLUMNS = {
    "measure": gettext_noop("From the application to"),
    "median_days": gettext_noop("Median days"),
    "applications": gettext_noop("Applications"),
}


def _times_to(data):
    """The time to decision and to hire as TIME_TO_COLUMNS' rows (no median where none)."""
    return [
        {
            "measure": _("Decision"),
            "median_days": data["to_decision"]["median_days"],
            "applications": data["to_decision"]["decisions"],
        },
        {
            "measure": _("Hire (the accepted offer)"),
            "median_days": data["to_hire"]["median_days"],
            "applications": data["to_hire"]["hires"],
        },
    ]


# What the page gives beneath a report's table, in its CSV after an empty row: (columns, their
# rows from the report's data) each.
CSV_MORE = {
    "funnel": [(IN_PROGRESS_COLUMNS, lambda data: [{"in_progress": data["in_progress"]}])],
    "time_in_stage": [(TIME_TO_COLUMNS, _times_to)],
}


# The figures drawn from a panel's feedback, left out for a reader whose own application is in
# scope.
PANEL_FIGURES = {"calibration", "agreement"}


@never_cache
@login_required
def report_csv(request, name):
    if name not in CSV_COLUMNS:
        raise Http404
    form, scope, teams = _scope(request)
    if scope is None:
        return _not_valid(form)
    response = _csv_response(name, form)
    headers = _in_words(CSV_COLUMNS[name])
    data = report_data(scope, teams)
    rows = data[name]
    if name in PANEL_FIGURES and own_applications(request.user, scope):
        rows = []  # as on the page: a hire reads nothing of how their interviewers rated them
    if name == "load":
        rows = [
            {**row, "time_zone": zones.label(row["time_zone"])}
            | {"over_cap": _yes_no(row["over_cap"])}
            for row in rows
        ]
    more = [(_in_words(columns), rows_of(data)) for columns, rows_of in CSV_MORE.get(name, [])]
    write_csv(response, headers, rows, *more)
    return response


def write_csv(file, columns, rows, *more):
    """Every CSV we send is written here: `columns` maps each row's keys to their headers, and
    each cell is as spreadsheet_cell() makes it. It starts with a byte order mark: without it
    Excel reads UTF-8 as the system's legacy code page, and "Überfällig" or "Tomás" garble.
    A reader whose language writes a decimal comma (German) gets semicolons between the
    fields, as their Excel expects: commas there would put each row in one column. `more`:
    further (columns, rows) tables, each after an empty row under its own header."""
    decimal_separator = formats.get_format("DECIMAL_SEPARATOR")
    file.write("\ufeff")
    writer = csv.writer(file, delimiter=";" if decimal_separator == "," else ",")
    for index, (table_columns, table_rows) in enumerate([(columns, rows), *more]):
        if index:
            writer.writerow([])
        writer.writerow(table_columns.values())
        writer.writerows(
            [spreadsheet_cell(row.get(column), decimal_separator) for column in table_columns]
            for row in table_rows
        )


def spreadsheet_cell(value, decimal_separator):
    """A cell as the reader's spreadsheet reads it: a decimal with their separator and no
    thousands' (a number still), any text spreadsheet_safe()."""
    if isinstance(value, float):
        return str(value).replace(".", decimal_separator)
    return spreadsheet_safe(value)


# A spreadsheet reads a cell that starts with one of these as a formula ("CSV injection"), some
# after leading spaces, and some (set to an East Asian language) in their full-width forms.
FORMULA_STARTS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
CONTROL_STARTS = ("\t", "\r", "\n")


def spreadsheet_safe(value):
    """A text cell a spreadsheet shows as text: a name such as '=HYPERLINK(...)' gets a leading
    quote rather than running. Numbers, negative ones too, stay numbers."""
    if isinstance(value, str) and (
        value.startswith(CONTROL_STARTS) or value.lstrip().startswith(FORMULA_STARTS)
    ):
        return "'" + value
    return value
