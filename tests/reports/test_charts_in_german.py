"""The charts are drawn in numbers an SVG reads whatever the reader's language: a German
reader's decimal comma stays in the figures written beside them."""

import re

from tests.factories import ApplicationFactory, OpeningFactory
from tests.reports.test_reports import moved
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
