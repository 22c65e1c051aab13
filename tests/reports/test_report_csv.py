"""The reports' CSVs open in a spreadsheet as text: a name never runs as a formula."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from hiring.models import InterviewSession, Panel, SessionInterviewer
from hiring.reports.views import CSV_COLUMNS
from tests.factories import ApplicationFactory, OpeningFactory, UserFactory, submitted

HOSTILE_NAMES = [
    '=HYPERLINK("http://evil.example","Open")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
]


def calibration_rows(client):
    response = client.get("/reports/calibration.csv")
    return list(csv.DictReader(io.StringIO(response.content.decode(), newline="")))


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_name_that_looks_like_a_formula_reaches_the_csv_quoted(
    client, leadership, member, teammate, team, name
):
    member.display_name = name
    member.save()
    application = ApplicationFactory(opening=OpeningFactory(team=team))
    submitted(application, member, "team_fit", "yes")
    submitted(application, teammate, "team_fit", "no")
    client.force_login(leadership)

    rows = {row["Interviewer"]: row for row in calibration_rows(client)}

    assert set(rows) == {"'" + name, "Ben Teammate"}
    assert rows["Ben Teammate"]["Vote offset"] == "-1.0"  # a number stays a number


def test_reports_and_their_csvs_say_no_store(client, leadership):
    client.force_login(leadership)

    for url in ("/reports/", "/reports/calibration.csv"):
        assert "no-store" in client.get(url)["Cache-Control"], url


@pytest.mark.parametrize("name", list(CSV_COLUMNS))
def test_every_csv_has_its_headers_in_words(client, leadership, name):
    client.force_login(leadership)

    header = next(csv.reader(io.StringIO(client.get(f"/reports/{name}.csv").content.decode())))

    assert header == list(CSV_COLUMNS[name].values())
    for word in header:
        assert word[0].isupper(), word
        assert "_" not in word, word


def test_the_overdue_csv_names_the_interviewer_in_its_header(client, leadership):
    client.force_login(leadership)

    response = client.get("/reports/overdue.csv")

    assert response.content.decode().splitlines()[0] == "Interviewer,Overdue scorecards"


def test_the_load_csv_says_over_cap_in_the_readers_language(client, leadership, team):
    application = ApplicationFactory(opening=OpeningFactory(team=team))
    panel = Panel.objects.create(application=application, created_by=leadership)
    start = timezone.now() - timedelta(days=3)
    for name, cap in [("Over", 0), ("Under", 5)]:
        session = InterviewSession.objects.create(
            panel=panel, focus="skills", start=start, end=start + timedelta(hours=1)
        )
        person = UserFactory(display_name=name, weekly_interview_cap=cap)
        SessionInterviewer.objects.create(
            session=session, user=person, start=session.start, end=session.end
        )
    leadership.language = "de"
    leadership.save(update_fields=["language"])
    client.force_login(leadership)

    text = client.get("/reports/load.csv").content.decode()
    rows = {row["Interviewer:in"]: row for row in csv.DictReader(io.StringIO(text))}

    assert rows["Over"]["Über der Obergrenze"] == "ja"
    assert rows["Under"]["Über der Obergrenze"] == "nein"
