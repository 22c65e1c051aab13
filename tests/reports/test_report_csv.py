"""The reports' CSVs open in a spreadsheet as text: a name never runs as a formula."""

import csv
import io
from datetime import UTC, datetime, time, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hiring.models import ClosingReason, InterviewSession, Panel, SessionInterviewer
from hiring.reports.views import CSV_COLUMNS
from tests.factories import ApplicationFactory, OpeningFactory, UserFactory, submitted
from tests.reports.test_reports import late_scorecard

HOSTILE_NAMES = [
    '=HYPERLINK("http://evil.example","Open")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    " =1+1",
    "\u3000=1+1",  # an ideographic space
    '\uff1dHYPERLINK("http://evil.example")',  # a full-width "="
    "\uff0b1+1",
    "\uff0d1+1",
    "\uff20SUM(1+1)",
]


def calibration_rows(client):
    response = client.get("/reports/calibration.csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


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

    header = next(
        csv.reader(io.StringIO(client.get(f"/reports/{name}.csv").content.decode("utf-8-sig")))
    )

    # The load's weeks name the zone they are cut in: the reader's.
    zone = {"zone": "London time"}
    assert header == [
        words % zone if "%(zone)s" in words else words for words in CSV_COLUMNS[name].values()
    ]
    for word in header:
        assert word[0].isupper(), word
        assert "_" not in word, word


def test_a_csv_is_named_after_the_team_and_period_it_covers(client, leadership, team):
    client.force_login(leadership)
    period = {"start": "2026-01-01", "end": "2026-03-31"}

    one_team = client.get("/reports/funnel.csv", {"team": team.pk, **period})
    every_team = client.get("/reports/validity.csv", period)

    # Two downloads for two teams or periods are told apart, and not saved over each other.
    disposition = 'attachment; filename="teamfit-{}-2026-01-01-2026-03-31.csv"'
    assert one_team["Content-Disposition"] == disposition.format("funnel-platform")
    assert every_team["Content-Disposition"] == disposition.format("validity-all-teams")


def test_the_overdue_csv_names_the_interviewer_in_its_header(client, leadership):
    client.force_login(leadership)

    response = client.get("/reports/overdue.csv")

    assert response.content.decode("utf-8-sig").splitlines()[0] == "Interviewer,Overdue scorecards"


def interviewing(panel, start, person):
    """`person` interviews for an hour from `start`, in a session of `panel`."""
    session = InterviewSession.objects.create(
        panel=panel, focus="skills", start=start, end=start + timedelta(hours=1)
    )
    SessionInterviewer.objects.create(
        session=session, user=person, start=session.start, end=session.end
    )


def test_the_load_csv_says_over_cap_in_the_readers_language(client, leadership, team):
    application = ApplicationFactory(opening=OpeningFactory(team=team))
    panel = Panel.objects.create(application=application, created_by=leadership)
    start = timezone.now() - timedelta(days=7)  # last week: a whole week of the period
    for name, cap in [("Over", 0), ("Under", 5)]:
        interviewing(panel, start, UserFactory(display_name=name, weekly_interview_cap=cap))
    leadership.language = "de"
    leadership.save(update_fields=["language"])
    client.force_login(leadership)

    text = client.get("/reports/load.csv").content.decode("utf-8-sig")
    rows = {row["Interviewer:in"]: row for row in csv.DictReader(io.StringIO(text), delimiter=";")}

    assert rows["Over"]["Über der Obergrenze"] == "ja"
    assert rows["Under"]["Über der Obergrenze"] == "nein"


def test_a_csv_opens_in_a_spreadsheet_as_utf_8(client, leadership):
    """Without a byte order mark Excel reads the file in the system's legacy code page."""
    leadership.language = "de"
    leadership.save(update_fields=["language"])
    client.force_login(leadership)

    for url, header in [
        ("/reports/overdue.csv", "Interviewer:in;Überfällige Bewertungsbögen"),
        ("/reports/validity.csv", "Prädiktor;Name;Kategorie"),
    ]:
        content = client.get(url).content

        assert content.startswith("\ufeff".encode())
        assert content.decode("utf-8-sig").startswith(header)


def test_the_load_csv_names_the_zone_its_weeks_start_in(client, leadership, team):
    """Sunday 20:00 in London is Monday 04:00 in Singapore: a reader there reads it in the week
    of the interviewer in London, which ends that Sunday, as their cap counts it."""
    application = ApplicationFactory(opening=OpeningFactory(team=team))
    panel = Panel.objects.create(application=application, created_by=leadership)
    sunday = timezone.localdate() - timedelta(days=timezone.localdate().weekday() + 8)
    start = datetime.combine(sunday, time(20), tzinfo=UTC)
    interviewing(panel, start, UserFactory(display_name="Nia"))
    leadership.time_zone = "Asia/Singapore"
    leadership.save(update_fields=["time_zone"])
    client.force_login(leadership)

    text = client.get("/reports/load.csv").content.decode("utf-8-sig")

    assert list(csv.DictReader(io.StringIO(text))) == [
        {
            "Interviewer": "Nia",
            "Week (from Monday, in the interviewer's time zone)": str(sunday - timedelta(days=6)),
            "Days in period": "7",
            "Interviews": "1",
            "Weekly cap": "6",
            "Over cap": "no",
            "Time zone": "London time",
        }
    ]


def csv_queries(client, url):
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_each_csv_runs_the_same_queries_whatever_the_data(
    client, leadership, member, teammate, team
):
    def interviewed(count):
        opening = OpeningFactory(team=team)
        for _ in range(count):
            application = ApplicationFactory(opening=opening)
            submitted(application, member, "skills", "yes")
            submitted(application, teammate, "skills", "no")
            late = UserFactory()
            team.memberships.create(user=late)
            _application, session = late_scorecard(team, late)
            SessionInterviewer.objects.create(
                session=session, user=late, start=session.start, end=session.end
            )
            closed = ApplicationFactory(opening=opening)
            closed.move_to("withdrawn", member, reason=ClosingReason.OTHER_OFFER)
            ApplicationFactory(opening=opening).move_to("rejected", member)  # no reason

    client.force_login(leadership)
    urls = [f"/reports/{name}.csv" for name in [*CSV_COLUMNS, "validity"]]
    interviewed(2)
    for url in urls:
        csv_queries(client, url)  # the days changed are rebuilt: as many queries, whatever changed
    interviewed(2)
    few = {url: csv_queries(client, url) for url in urls}
    interviewed(20)

    assert {url: csv_queries(client, url) for url in urls} == few
