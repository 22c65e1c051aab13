"""A report's CSV opens in the reader's spreadsheet as columns of numbers and words: a German
reader's Excel splits a row at semicolons and reads a decimal comma, an English reader's at
commas with a decimal point. Both read UTF-8 only after a byte order mark."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from hiring.models import Panel
from hiring.reports.views import spreadsheet_cell
from tests.factories import ApplicationFactory, OpeningFactory, UserFactory, submitted
from tests.reports.test_report_csv import interviewing
from tests.reports.test_reports import moved

BOM = "\ufeff".encode()
# (language, field separator, decimal mark) of the reader's spreadsheet
DIALECTS = [("de", ";", ","), ("en-gb", ",", ".")]


def downloaded(client, reader, language, url):
    """The CSV at `url` as `reader` gets it in `language`: its text after the byte order mark."""
    reader.language = language
    reader.save(update_fields=["language"])
    client.force_login(reader)
    content = client.get(url).content
    assert content.startswith(BOM)
    return content.decode("utf-8-sig")


def read(text, separator):
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=separator))


def rated(team, member, teammate):
    """A panel where `member` rated 4 and voted yes, `teammate` and a third 3 and no: offsets
    (ratings and votes alike) of 1 for `member`, -0.5 for the others."""
    third = UserFactory(display_name="Cy Third")
    team.memberships.create(user=third)
    application = ApplicationFactory(opening=OpeningFactory(team=team))
    submitted(application, member, "team_fit", "yes", score=4)
    for other in (teammate, third):
        submitted(application, other, "team_fit", "no", score=3)


@pytest.mark.parametrize(("language", "separator", "mark"), DIALECTS)
def test_decimals_are_written_as_the_readers_spreadsheet_reads_them(
    client, leadership, team, language, separator, mark
):
    opening = OpeningFactory(team=team)
    for days in (2, 3):  # a median of 2.5 days in each stage
        moved(ApplicationFactory(opening=opening), "screen", "panel", days_each=days)

    rows = read(downloaded(client, leadership, language, "/reports/time_in_stage.csv"), separator)
    stages = rows[1 : rows.index([])]  # the times to a decision and a hire follow

    assert len(rows[0]) == 3  # a column per field, not one holding the whole row
    assert {row[1] for row in stages} == {f"2{mark}5"}
    assert {row[2] for row in stages} == {"2"}  # a count, as it was


@pytest.mark.parametrize(("language", "separator", "mark"), DIALECTS)
def test_the_time_in_stage_csv_ends_with_the_times_to_decision_and_hire(
    client, leadership, team, language, separator, mark
):
    now = timezone.now()
    for days_each in (3, 4):  # applied 4 steps ago, hired 1 step ago: 9 and 12 days
        application = ApplicationFactory(
            opening=OpeningFactory(team=team), created_at=now - timedelta(days=4 * days_each)
        )
        moved(application, "screen", "offer", "hired", days_each=days_each)

    rows = read(downloaded(client, leadership, language, "/reports/time_in_stage.csv"), separator)
    times = rows[rows.index([]) + 1 :]

    # As on the page: the median to a tenth of a day, over how many; none without a decision.
    assert [row[1:] for row in times[1:]] == [["", "0"], [f"10{mark}5", "2"]]
    assert len(times[0]) == 3
    if language == "en-gb":
        assert [row[0] for row in times] == [
            "From the application to",
            "Decision",
            "Hire (the accepted offer)",
        ]


@pytest.mark.parametrize(("language", "separator", "mark"), DIALECTS)
def test_a_name_with_a_semicolon_and_quotes_stays_in_its_cell(
    client, leadership, member, teammate, team, language, separator, mark
):
    member.display_name = "Lee; Jr."
    member.save()
    teammate.display_name = 'Mo "Max" Li'
    teammate.save()
    rated(team, member, teammate)

    text = downloaded(client, leadership, language, "/reports/calibration.csv")
    rows = {row[0]: row[1:4] for row in read(text, separator)[1:]}

    # Panels, rating offset, vote offset.
    assert rows["Lee; Jr."] == ["1", f"1{mark}0", f"1{mark}0"]
    assert rows['Mo "Max" Li'] == ["1", f"-0{mark}5", f"-0{mark}5"]
    # Quoted where the reader's separator or a quote would end the cell, and only there.
    assert '"Mo ""Max"" Li"' in text
    assert ('"Lee; Jr."' in text) == (separator == ";")


@pytest.mark.parametrize(("language", "separator", "mark"), DIALECTS)
def test_a_formula_is_neutralised_and_a_negative_decimal_is_not(
    client, leadership, member, teammate, team, language, separator, mark
):
    member.display_name = "=1+1"
    member.save()
    rated(team, member, teammate)

    text = downloaded(client, leadership, language, "/reports/calibration.csv")
    rows = {row[0]: row for row in read(text, separator)[1:]}

    assert set(rows) == {"'=1+1", "Ben Teammate", "Cy Third"}
    assert rows["Ben Teammate"][2] == f"-0{mark}5"  # a number, which Excel reads as one


@pytest.mark.parametrize(("language", "separator", "mark"), DIALECTS)
def test_a_week_is_an_iso_date_in_every_language(
    client, leadership, team, language, separator, mark
):
    application = ApplicationFactory(opening=OpeningFactory(team=team))
    panel = Panel.objects.create(application=application, created_by=leadership)
    interviewing(panel, datetime(2026, 3, 11, 10, tzinfo=UTC), UserFactory(display_name="Nia"))

    url = "/reports/load.csv?start=2026-03-01&end=2026-03-31"
    [_header, row] = read(downloaded(client, leadership, language, url), separator)

    assert row[:3] == ["Nia", "2026-03-09", "7"]


@pytest.mark.plain_data
def test_a_decimal_cell_has_no_thousands_separator_and_text_stays_text():
    assert spreadsheet_cell(1234567.25, ",") == "1234567,25"
    assert spreadsheet_cell(1234567.25, ".") == "1234567.25"
    assert spreadsheet_cell(-0.25, ",") == "-0,25"
    assert spreadsheet_cell(1234567, ",") == 1234567
    assert spreadsheet_cell("-0,25", ",") == "'-0,25"  # text that looks like a formula
    assert spreadsheet_cell(None, ",") is None
