"""The charts are drawn in numbers an SVG reads whatever the reader's language: a German
reader's decimal comma stays in the figures written beside them."""

import re
from datetime import timedelta

from django.utils import timezone

from hiring.models import Panel
from tests.factories import ApplicationFactory, OpeningFactory, submitted
from tests.reports.test_report_csv import interviewing
from tests.reports.test_reports import moved, section_svg
from tests.reports.test_validity import hires

# An SVG attribute holding a decimal comma: "240,0" is no number to a browser.
COMMA_IN_NUMBER = re.compile(r'="-?\d+,\d')


def svgs(text):
    return re.findall(r"<svg.*?</svg>", text, re.DOTALL)


def test_the_reports_charts_have_plain_numbers_in_german(client, leadership, team):
    opening = OpeningFactory(team=team)
    for days in (2, 3):  # a median of 2.5 days: a width of 240 * 2.5 / 3, and "2,5" written
        moved(ApplicationFactory(opening=opening), "screen", "panel", days_each=days)
    leadership.language = "de"
    leadership.save()
    client.force_login(leadership)

    drawn = svgs(client.get("/reports/").text)

    assert drawn
    assert any(re.search(r'width="\d+\.\d"', svg) for svg in drawn)
    for svg in drawn:
        assert not COMMA_IN_NUMBER.search(svg), svg
    assert any(">2,5<" in svg for svg in drawn)


def test_the_validity_chart_has_plain_numbers_in_german(client, member, team):
    hires(OpeningFactory(team=team), member, 8)
    member.language = "de"
    member.save()
    client.force_login(member)

    [svg] = svgs(client.get("/reports/validity/").text)

    assert re.search(r'cx="\d+\.\d"', svg)
    assert not COMMA_IN_NUMBER.search(svg), svg
    assert ">-0,5<" in svg  # the axis' labels are the reader's


def test_the_interviewer_charts_read_in_german_with_plain_numbers(
    client, leadership, member, teammate, team
):
    panel = Panel.objects.create(
        application=ApplicationFactory(opening=OpeningFactory(team=team)), created_by=leadership
    )
    member.weekly_interview_cap = 0
    member.save()
    interviewing(panel, timezone.now() - timedelta(days=7), member)
    opening = OpeningFactory(team=team)
    for score in (2, 3):  # Ana rates 3, Ben 2 then 3: her offset 0.5, his -0.5
        application = ApplicationFactory(opening=opening)
        submitted(application, member, "team_fit", score=3)
        submitted(application, teammate, "team_fit", score=score)
    client.force_login(leadership)
    english = {name: section_svg(client.get("/reports/").text, name) for name in INTERVIEWERS}
    leadership.language = "de"
    leadership.save()

    german = {name: section_svg(client.get("/reports/").text, name) for name in INTERVIEWERS}

    for name, svg in german.items():
        assert not COMMA_IN_NUMBER.search(svg), svg
        # Its title, its description and its labels are German; names are as written.
        assert worded(svg) & worded(english[name]) <= NAMES, name
    assert ">0,50<" in german["calibration"]
    assert ">2 Bewertungen<" in german["calibration"]
    assert ">0,667<" in german["agreement"]


# The charts of the interviewer load, calibration and agreement sections, and the names of
# the people and criterion they show.
INTERVIEWERS = ("load", "calibration", "agreement")
NAMES = {"Ana Member", "Ben Teammate", "Collaboration"}


def worded(svg):
    """The texts of an SVG with a word in them (its numbers left out)."""
    texts = {text.strip() for text in re.findall(r">([^<]+)<", svg)}
    return {text for text in texts if re.search(r"[^\W\d_]", text)}
