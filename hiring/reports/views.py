"""Reports: leadership across teams, each team for its own. Charts are server-drawn SVG."""

import csv
from datetime import timedelta

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from .. import freshness
from ..models import Application, Team, User
from . import queries

# A report with no period chosen covers this long, up to today.
DEFAULT_PERIOD = timedelta(days=180)
# One warming run at a time; a run that died frees the way after this long.
WARMING = "report-warming"
WARMING_TIMEOUT_S = 15 * 60


class PeriodForm(forms.Form):
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False, empty_label="All")
    start = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), required=False)
    end = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), required=False)

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        data["end"] = data.get("end") or today
        data["start"] = data.get("start") or data["end"] - DEFAULT_PERIOD
        if data["start"] > data["end"]:
            self.add_error("start", "The period starts after it ends.")
        return data


def _scope(request):
    """The reports' form, scope and teams for this user (no scope if the form is not valid),
    or Http404 for those without reports."""
    teams = reader_teams(request.user)
    if teams is None:
        raise Http404
    # Always bound: empty fields take the default period.
    form = PeriodForm(request.GET, teams=teams)
    if not form.is_valid():
        return form, None, []
    data = form.cleaned_data
    chosen = [data["team"]] if data.get("team") else list(teams)
    return form, _teams_scope(chosen, data["start"], data["end"]), chosen


def reader_teams(user):
    """The teams whose reports `user` reads: leadership every team, a member their own. None
    for recruiters and admins: reports show scores, and recruiters see pipelines, not scores."""
    if user.is_leadership:
        return Team.objects.all()
    if user.is_recruiter or user.is_org_admin:
        return None
    return Team.objects.of_member(user)


def _teams_scope(teams, start, end):
    return queries.scope_for(Application.objects.filter(opening__team__in=teams), start, end)


def _report_data(scope, teams):
    """Every report's figures, kept until one of the teams changes or an interview ends with
    its scorecard unwritten (the overdue report changes then)."""

    def compute():
        members = User.objects.filter(
            pk__in=scope.applications.values("feedback__interviewer")
        ).values_list("pk", "display_name")
        stages, to_decision = queries.time_in_stage(scope)
        load = queries.interviewer_load(scope)
        data = {
            "funnel": queries.funnel(scope),
            "time_in_stage": stages,
            "to_decision": to_decision,
            "overdue": queries.overdue_feedback(scope),
            "load": load,
            "load_by_interviewer": queries.load_by_interviewer(load),
            "calibration": queries.calibration(scope, dict(members)),
            "agreement": queries.rater_agreement(scope),
            "good_until": queries.next_overdue_at(scope),
        }
        return data, data["good_until"]

    # Periods and weeks are read in the current time zone.
    key = (scope.start, scope.end, timezone.get_current_timezone_name())
    return freshness.cached("report-data", key, teams, compute)


@login_required
def reports_page(request):
    form, scope, teams = _scope(request)
    if scope is None:
        return render(request, "hiring/reports/reports.html", {"form": form}, status=400)
    report_html = _report_html(scope, teams, request.GET.urlencode())
    return render(
        request, "hiring/reports/reports.html", {"form": form, "report_html": report_html}
    )


def _report_html(scope, teams, query):
    """The report rendered, kept as long as its figures (see _report_data)."""

    def render_report():
        data = _report_data(scope, teams)
        charts = {
            "funnel": queries.bar_chart(
                "Applications reaching each stage", data["funnel"], "stage", "reached"
            ),
            "time_in_stage": queries.bar_chart(
                "Median days in each stage", data["time_in_stage"], "stage", "median_days"
            ),
            "overdue": queries.bar_chart(
                "Overdue scorecards by interviewer",
                data["overdue"],
                "interviewer__display_name",
                "overdue",
            ),
        }
        context = {**data, "scope": scope, "query": query, "charts": charts}
        return render_to_string("hiring/reports/reports.html#report", context), data["good_until"]

    key = (scope.start, scope.end, timezone.get_current_timezone_name(), query)
    return freshness.cached("report-page", key, teams, render_report)


def warm_default_reports():
    """Compute the reports people open first (the default period over all their teams) where
    they are out of date, so that they find them cached. A worker runs this every minute: at
    the size of a large company an organisation-wide report takes seconds to compute. Returns
    the number of scopes looked at: none while another run is still at it."""
    if not cache.add(WARMING, True, WARMING_TIMEOUT_S):
        return 0
    try:
        return _warm(timezone.localdate())
    finally:
        cache.delete(WARMING)


def _warm(end):
    scopes = {}
    for reader in User.objects.filter(is_active=True):
        teams = reader_teams(reader)
        if teams is not None:
            teams = list(teams)
            scopes[frozenset(team.pk for team in teams)] = teams
    for teams in scopes.values():
        _report_html(_teams_scope(teams, end - DEFAULT_PERIOD, end), teams, "")
    return len(scopes)


CSV_COLUMNS = {
    "funnel": ["stage", "reached", "pass_through_pct"],
    "time_in_stage": ["stage", "median_days", "moves"],
    "overdue": ["interviewer__display_name", "overdue"],
    "load": ["interviewer", "week", "interviews", "cap", "over_cap"],
    "calibration": [
        "interviewer",
        "panels",
        "mean_offset",
        "vote_offset",
        "leaning",
        "cells",
        "rating_panels",
        "vote_panels",
    ],
    "agreement": ["criterion", "alpha", "panels"],
}


@login_required
def report_csv(request, name):
    if name not in CSV_COLUMNS:
        raise Http404
    form, scope, teams = _scope(request)
    if scope is None:
        return HttpResponse("The period is not valid.", status=400, content_type="text/plain")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="teamfit-{name}.csv"'
    writer = csv.DictWriter(response, fieldnames=CSV_COLUMNS[name], extrasaction="ignore")
    writer.writeheader()
    writer.writerows(_report_data(scope, teams)[name])
    return response
