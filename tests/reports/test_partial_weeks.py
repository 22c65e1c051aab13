"""The interviewer load of a week the period cuts (it starts after that Monday or ends before
that Sunday) counts only the days inside the period: the report says so, and never calls such a
week within its cap, since the days left out may hold more."""

import csv
import io
from datetime import UTC, date, datetime

import pytest

from hiring.models import Panel
from hiring.reports import queries
from tests.factories import ApplicationFactory, OpeningFactory, UserFactory
from tests.reports.test_report_csv import interviewing

# Wednesday 4 to Tuesday 24 March 2026: 5 days of the week of 2 March, 2 of the week of 23 March.
PERIOD = "start=2026-03-04&end=2026-03-24"


@pytest.mark.plain_data
def test_a_period_cuts_the_weeks_it_starts_and_ends_inside():
    scope = queries.scope_for([], date(2026, 3, 4), date(2026, 3, 24))

    assert scope.days_of_week(date(2026, 3, 2)) == 5
    assert scope.days_of_week(date(2026, 3, 9)) == 7
    assert scope.days_of_week(date(2026, 3, 23)) == 2
    assert scope.cut_weeks == [(date(2026, 3, 2), 5), (date(2026, 3, 23), 2)]
    assert queries.scope_for([], date(2026, 3, 2), date(2026, 3, 29)).cut_weeks == []
    # Wednesday to Friday: one week, cut at both ends.
    assert queries.scope_for([], date(2026, 3, 4), date(2026, 3, 6)).cut_weeks == [
        (date(2026, 3, 2), 3)
    ]


@pytest.mark.plain_data
def test_a_cut_week_is_over_its_cap_only_when_its_days_inside_are():
    assert queries.over_cap(3, 2, days=2) is True  # the whole week held 3 or more
    assert queries.over_cap(2, 2, days=2) is None  # the days left out may hold more
    assert queries.over_cap(2, 2, days=7) is False
    assert queries.over_cap(9, None, days=2) is False  # no cap


@pytest.mark.plain_data
def test_the_busiest_week_is_marked_when_the_period_cuts_it():
    def weeks(*counts_and_days):
        return [
            {"interviewer_id": 1, "interviewer": "Paz", "time_zone": "UTC", "cap": 2}
            | {"interviews": n, "days": d, "over_cap": queries.over_cap(n, 2, d)}
            for n, d in counts_and_days
        ]

    [cut] = queries.load_by_interviewer(weeks((1, 7), (2, 3)))
    [whole] = queries.load_by_interviewer(weeks((2, 3), (2, 7)))
    [over] = queries.load_by_interviewer(weeks((3, 2), (2, 3), (1, 7)))

    assert (cut["busiest"], cut["busiest_cut"], cut["weeks_over_cap"]) == (2, True, 0)
    assert (whole["busiest"], whole["busiest_cut"]) == (2, False)  # a whole week was as busy
    assert (over["busiest"], over["weeks_over_cap"]) == (3, 1)


@pytest.fixture
def paz(leadership, team):
    """An interviewer with a cap of 2: 2 interviews in the period's days of its first week (and
    one the day before it starts), 1 in a whole week, 3 on its last week's Monday."""
    person = UserFactory(display_name="Paz", weekly_interview_cap=2)
    panel = Panel.objects.create(
        application=ApplicationFactory(opening=OpeningFactory(team=team)), created_by=leadership
    )
    # Never two at once: PostgreSQL refuses overlapping interviews of one person.
    for day, hour in [(3, 10), (5, 10), (5, 14), (11, 10), (23, 9), (23, 11), (23, 14)]:
        interviewing(panel, datetime(2026, 3, day, hour, tzinfo=UTC), person)
    return person


def test_the_load_csv_gives_each_weeks_days_in_the_period(client, leadership, paz):
    client.force_login(leadership)

    text = client.get(f"/reports/load.csv?{PERIOD}").content.decode("utf-8-sig")
    rows = [
        (row["Week (from Monday, in the interviewer's time zone)"], row["Days in period"])
        + (row["Interviews"],)
        + (row["Over cap"],)
        for row in csv.DictReader(io.StringIO(text))
    ]

    assert rows == [
        ("2026-03-02", "5", "2", ""),  # within the cap on 5 days: not known for the week
        ("2026-03-09", "7", "1", "no"),
        ("2026-03-23", "2", "3", "yes"),  # over the cap on 2 days: over for the week
    ]


def test_the_page_marks_a_cut_busiest_week_and_names_the_cut_weeks(client, leadership, paz):
    client.force_login(leadership)

    response = client.get(f"/reports/?{PERIOD}")
    [paz_row], page = response.context["load_shown"].rows, response.text

    assert (paz_row["busiest"], paz_row["busiest_cut"], paz_row["weeks_over_cap"]) == (3, True, 1)
    assert '<td>3 <span class="muted">(partial week)</span></td>' in page
    assert (
        "Partial weeks: week of 2 Mar 2026 (5 of 7 days in the period), "
        "week of 23 Mar 2026 (2 of 7 days in the period)."
    ) in page


def test_a_period_of_whole_weeks_names_no_partial_week(client, leadership, paz):
    client.force_login(leadership)

    page = client.get("/reports/?start=2026-03-02&end=2026-03-29").text

    assert "partial week" not in page
    assert "Partial weeks" not in page
