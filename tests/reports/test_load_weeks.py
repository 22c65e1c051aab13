"""The interviewer load counts each interviewer's weeks in their own time zone, as their weekly
cap does (scheduling.slots), whoever reads it, and says whose weeks they are."""

import csv
import io
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from hiring.models import Panel
from hiring.reports import queries
from tests.factories import ApplicationFactory, OpeningFactory, UserFactory
from tests.reports.test_report_csv import interviewing

# Two whole weeks, Monday 2 to Sunday 15 March 2026.
PERIOD = "start=2026-03-02&end=2026-03-15"


@pytest.fixture
def mei(leadership, team):
    """An interviewer in Singapore with a cap of 2, at it in both of her weeks: her Monday
    9 March 06:00 is still Sunday 8 March in London, the week before there."""
    person = UserFactory(display_name="Mei", time_zone="Asia/Singapore", weekly_interview_cap=2)
    panel = Panel.objects.create(
        application=ApplicationFactory(opening=OpeningFactory(team=team)), created_by=leadership
    )
    for start in [
        datetime(2026, 3, 5, 6, tzinfo=UTC),  # Thursday 5 March, 14:00 in Singapore
        datetime(2026, 3, 6, 6, tzinfo=UTC),  # Friday 6 March, 14:00 in Singapore
        datetime(2026, 3, 8, 22, tzinfo=UTC),  # Monday 9 March, 06:00 in Singapore
        datetime(2026, 3, 10, 6, tzinfo=UTC),  # Tuesday 10 March, 14:00 in Singapore
    ]:
        interviewing(panel, start, person)
    return person


def test_a_reader_far_away_reads_the_interviewers_weeks_within_their_cap(client, leadership, mei):
    client.force_login(leadership)  # in London

    text = client.get(f"/reports/load.csv?{PERIOD}").content.decode("utf-8-sig")
    rows = [
        (row["Time zone"], row["Week (from Monday, in the interviewer's time zone)"])
        + (row["Interviews"], row["Over cap"])
        for row in csv.DictReader(io.StringIO(text))
    ]

    assert rows == [
        ("Singapore time", "2026-03-02", "2", "no"),
        ("Singapore time", "2026-03-09", "2", "no"),
    ]


def test_the_page_names_each_interviewers_zone_and_counts_no_week_over(client, leadership, mei):
    client.force_login(leadership)

    response = client.get(f"/reports/?{PERIOD}")
    [row] = response.context["load_shown"].rows

    assert (row["busiest"], row["weeks_over_cap"]) == (2, 0)
    assert "<td>Mei</td><td>Singapore time</td>" in response.text
    assert "those of their own time zone, in which their weekly cap counts them" in response.text


@pytest.mark.parametrize("reader_zone", ["Europe/London", "America/Los_Angeles"])
def test_every_reader_reads_the_same_weeks(team, mei, reader_zone):
    with timezone.override(ZoneInfo(reader_zone)):
        scope = queries.scope_for([team], date(2026, 3, 2), date(2026, 3, 15))
        load = [(row["week"], row["interviews"]) for row in queries.interviewer_load(scope)]

    assert load == [(date(2026, 3, 2), 2), (date(2026, 3, 9), 2)]
