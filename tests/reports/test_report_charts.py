"""The interviewer load, calibration and agreement charts: their geometry on plain data, and
on the page an SVG per section drawing the rows its table shows."""

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from hiring.models import Membership, Panel
from hiring.reports import charts
from scorecards import scoring
from tests.factories import (
    ApplicationFactory,
    OpeningFactory,
    UserFactory,
    assigned,
    submitted,
)
from tests.reports.test_report_csv import interviewing
from tests.reports.test_reports import section_svg

TEXTS = {"title": "Title", "description": "Description", "missing": "–", "empty": "None"}


def load_row(name, busiest, cap, weeks_over_cap=0):
    return {"interviewer": name, "busiest": busiest, "cap": cap, "weeks_over_cap": weeks_over_cap}


def calibration_row(name, offset, panels=5, compared=10, basis="rating"):
    return {
        "interviewer": name,
        "mean_offset": offset if basis == "rating" else None,
        "vote_offset": offset if basis == "vote" else None,
        "leaning_from": basis,
        "leaning_panels": panels,
        "leaning_compared": compared,
    }


@pytest.mark.plain_data
def test_the_load_chart_draws_each_busiest_week_against_its_cap():
    rows = [
        load_row("Over", 6, 4, weeks_over_cap=2),
        load_row("Under", 2, 4),
        load_row("No cap", 3, None),
    ]

    chart = charts.load_chart("Title", "Description", rows)
    over, under, uncapped = chart["bars"]

    assert [bar["label"] for bar in chart["bars"]] == ["Over", "Under", "No cap"]
    assert (over["width"], over["cap_x"]) == (240, 140 + 160)  # 6 is the longest; 4 is 160
    assert (over["over"], under["over"], uncapped["over"]) == (True, False, False)
    assert under["value_x"] == over["cap_x"] + 6  # its figure clears the cap's mark
    assert uncapped["cap_x"] is None
    assert chart["height"] == 3 * 24


@pytest.mark.plain_data
def test_the_bar_charts_wrap_a_long_name_whole():
    """Cut at 22 characters, "Alexandra Konstantinou (Platform)" and "Alexandra Konstantinou
    (Payments)" read alike."""
    rows = [load_row("Alexandra Konstantinou (Platform)", 6, 4), load_row("Ben", 2, 4)]

    chart = charts.load_chart("Title", "Description", rows)
    first, second = chart["bars"]

    assert [line["text"] for line in first["lines"]] == ["Alexandra", "Konstantinou", "(Platform)"]
    assert second["y"] == first["bottom"] == 24 + 2 * charts.LINE_HEIGHT
    assert chart["height"] == second["bottom"] == 2 * 24 + 2 * charts.LINE_HEIGHT


@pytest.mark.plain_data
def test_the_calibration_chart_draws_offsets_either_side_of_zero_with_their_sample():
    rows = [
        calibration_row("Severe", -0.8),
        calibration_row("Lenient", 0.6, compared=12),
        calibration_row("Few", 1.2, panels=2, compared=1, basis="vote"),
    ]

    chart = charts.calibration_chart(TEXTS, rows)
    severe, lenient, few = chart["rows"]

    zero = chart["zero"]
    assert severe["bar_x"] + severe["bar_width"] == zero  # left of zero, to zero
    assert (severe["value_x"], severe["value_anchor"]) == (severe["bar_x"] - 4, "end")
    assert lenient["bar_x"] == zero
    assert lenient["value_anchor"] == "start"
    assert [row["note"] for row in chart["rows"]] == ["10 ratings", "12 ratings", "1 vote"]
    assert [row["weak"] for row in chart["rows"]] == [False, False, True]  # too few to tell
    # The axis reaches the next half point past the furthest offset: 1.2 ends short of it.
    assert [tick["value"] for tick in chart["axis"]] == [-1.5, -0.75, 0, 0.75, 1.5]
    assert chart["references"] == []
    assert chart["top"] == 0


@pytest.mark.plain_data
def test_the_calibration_axis_spans_one_point_at_the_least():
    chart = charts.calibration_chart(TEXTS, [calibration_row("Close", 0.1)])

    assert [tick["value"] for tick in chart["axis"]] == [-1, -0.5, 0, 0.5, 1]


@pytest.mark.plain_data
def test_the_agreement_chart_marks_the_threshold_and_the_criteria_it_cannot_tell():
    rows = [
        {"criterion": "Skills", "alpha": 0.8, "panels": 12},
        {"criterion": "Collaboration", "alpha": None, "panels": 1},
        {"criterion": "Ownership", "alpha": -1.4, "panels": 3},
    ]

    chart = charts.agreement_chart(TEXTS, rows)
    skills, collaboration, ownership = chart["rows"]

    [threshold] = chart["references"]
    assert threshold == {"value": 0.667, "x": round(chart["zero"] + 90 * 0.667, 1)}
    assert chart["top"] > 0  # room above the rows for its label
    assert skills["bar_x"] == chart["zero"]
    assert skills["bar_width"] == 72.0
    assert collaboration["bar_width"] is None  # its figure reads chart["missing"]
    assert ownership["bar_x"] == chart["zero"] - 90  # drawn to the axis' end, -1
    assert [row["note"] for row in chart["rows"]] == ["12 panels", "1 panel", "3 panels"]


@pytest.mark.plain_data
def test_a_long_criterion_name_is_wrapped_whole_and_its_row_grows_to_hold_it():
    """Cut at 20 characters, two teams' "Collaboration and communication (...)" read alike."""
    long = "Collaboration and communication (Platform, Platform Engineer scorecard)"
    rows = [
        {"criterion": long, "alpha": 0.8, "panels": 12},
        {"criterion": "Ownership", "alpha": 0.2, "panels": 3},
    ]

    chart = charts.agreement_chart(TEXTS, rows)
    first, second = chart["rows"]

    lines = [line["text"] for line in first["lines"]]
    assert " ".join(lines) == long
    assert len(lines) > 1
    assert all(len(line) <= charts.LABEL_CHARS for line in lines)
    assert second["y"] > first["lines"][-1]["y"]  # below the first label's last line
    assert [line["text"] for line in second["lines"]] == ["Ownership"]
    assert chart["plot_bottom"] > second["lines"][-1]["y"]
    assert chart["height"] == chart["plot_bottom"] + 24  # its axis' labels below


@pytest.mark.plain_data
def test_the_validity_chart_wraps_a_criterion_named_with_its_team_whole():
    """Cut at 24 characters, "Collaboration (Platform)" and "Collaboration (Payments)" both
    read "Collaboration (Platf…" or alike."""
    row = {"low": 0.1, "high": 0.9, "weak": False, "hires": 20}
    rows = [
        {**row, "name": "Collaboration (Platform)", "estimate": 0.5},
        {**row, "name": "Skills", "estimate": None},  # not drawn
        {**row, "name": "Ownership", "estimate": 0.4},
    ]

    chart = charts.interval_chart("Title", rows)
    first, second = chart["points"]

    assert [line["text"] for line in first["lines"]] == ["Collaboration", "(Platform)"]
    assert second["lines"][0]["y"] > first["lines"][-1]["y"] + charts.LINE_HEIGHT
    assert chart["plot_bottom"] == 2 * 24 + charts.LINE_HEIGHT


def test_the_agreement_chart_shows_a_long_criterion_name_whole(
    client, leadership, member, teammate, team
):
    opening = OpeningFactory(team=team)
    long = "Explains a design to non-engineers, " * 2 + "with examples"
    opening.scorecard.current_version().criteria.filter(category="team_fit").update(name=long)
    application = ApplicationFactory(opening=opening)
    submitted(application, member, "team_fit", score=3)
    submitted(application, teammate, "team_fit", score=2)
    client.force_login(leadership)

    agreement = drawn(client.get("/reports/").text, "agreement")

    assert " ".join(texts(agreement)).count(long.strip()) == 1


def test_the_charts_leave_out_a_panel_where_someone_still_drafts(
    client, leadership, member, teammate, team
):
    """The independence rule, as the tables keep it: a panel whose debrief has not opened (a
    third panelist drafts) gives no bar, no sample and no figure, though two of it submitted."""
    drafter = UserFactory(display_name="Dee Drafter")
    Membership.objects.create(team=team, user=drafter)
    opening = OpeningFactory(team=team)
    alike, apart, drafting = (ApplicationFactory(opening=opening) for _ in range(3))
    for application, scores in ((alike, (3, 3)), (apart, (3, 2))):
        submitted(application, member, "team_fit", score=scores[0])
        submitted(application, teammate, "team_fit", score=scores[1])
    draft = assigned(drafting, drafter, "team_fit")
    ratings = {c.pk: {"score": 1, "notes": "Still thinking"} for c in draft.criteria.all()}
    scoring.save_draft(draft, drafter, ratings=ratings, vote="strong_no")
    submitted(drafting, member, "team_fit", score=4)
    submitted(drafting, teammate, "team_fit", score=1)
    client.force_login(leadership)

    page = client.get("/reports/").text

    calibration, agreement = drawn(page, "calibration"), drawn(page, "agreement")
    # As with the two panels alone: two ratings each, offsets of half a point.
    assert texts(calibration).count("2 ratings") == 2
    assert {"0.50", "-0.50"} <= set(texts(calibration))
    assert "Dee Drafter" not in texts(calibration)
    assert "2 panels" in texts(agreement)
    assert "Still thinking" not in page


def drawn(page, name):
    """The chart of a section of the reports page, parsed."""
    return ElementTree.fromstring(section_svg(page, name))


def texts(svg):
    return [text.text for text in svg.iter("text")]


def test_the_load_chart_has_a_bar_per_interviewer_and_marks_the_one_over_cap(
    client, leadership, team
):
    panel = Panel.objects.create(
        application=ApplicationFactory(opening=OpeningFactory(team=team)), created_by=leadership
    )
    start = timezone.now() - timedelta(days=7)  # last week: a whole week of the period
    # One interview each (two of one person's at once the database refuses, and two apart may
    # fall either side of a week's end): over a cap of none, under one of five.
    over = UserFactory(display_name="Over", weekly_interview_cap=0)
    under = UserFactory(display_name="Under", weekly_interview_cap=5)
    for person in (over, under):
        interviewing(panel, start, person)
    client.force_login(leadership)

    svg = drawn(client.get("/reports/").text, "load")

    bars = list(svg.iter("rect"))
    assert [bar.get("class") for bar in bars] == ["chart-bar over", "chart-bar"]
    assert len(list(svg.iter("line"))) == 2  # each one's cap
    assert texts(svg).count("1 (over cap)") == 1  # in words, not in colour alone
    assert "1" in texts(svg)
    assert svg.find("desc") is not None


def test_the_calibration_and_agreement_charts_draw_the_tables_rows(
    client, leadership, member, teammate, team
):
    opening = OpeningFactory(team=team)
    alike, apart = ApplicationFactory(opening=opening), ApplicationFactory(opening=opening)
    submitted(alike, member, "team_fit", score=3)
    submitted(alike, teammate, "team_fit", score=3)
    client.force_login(leadership)

    # Ratings all alike tell no agreement from chance: said so, without a bar.
    agreement = drawn(client.get("/reports/").text, "agreement")
    assert list(agreement.iter("rect")) == []
    assert "too few ratings" in texts(agreement)
    assert "0.667" in texts(agreement)  # the threshold's line, labelled

    submitted(apart, member, "team_fit", score=3)
    submitted(apart, teammate, "team_fit", score=2)
    response = client.get("/reports/")
    calibration = drawn(response.text, "calibration")
    agreement = drawn(response.text, "agreement")

    # Ana rates half a point above Ben on average: her bar right of zero, his left of it, each
    # hollow (two ratings are too few to tell a leaning), with its sample.
    ana, ben = calibration.iter("rect")
    zero = float(calibration.find("line").get("x1"))
    assert float(ana.get("x")) == zero < zero + float(ana.get("width"))
    assert float(ben.get("x")) + float(ben.get("width")) == zero
    assert ana.get("class") == ben.get("class") == "chart-bar weak"
    assert texts(calibration).count("2 ratings") == 2
    assert {"0.50", "-0.50"} <= set(texts(calibration))
    # A bar per criterion of the table.
    table = [row["criterion"] for row in response.context["agreement_shown"].rows]
    assert [label for label in texts(agreement) if label in table] == table
    assert len(list(agreement.iter("rect"))) == len(table)
    assert "too few ratings" not in texts(agreement)


def test_a_reader_whose_hiring_is_in_the_period_gets_no_calibration_nor_agreement_chart(
    client, member, teammate, peer, team
):
    own = ApplicationFactory(opening=OpeningFactory(team=team), candidate__email=member.email)
    submitted(own, teammate, "team_fit", "yes")
    submitted(own, peer, "team_fit", "no")
    client.force_login(member)

    page = client.get("/reports/").text

    assert section_svg(page, "load")
    assert section_svg(page, "calibration") is None
    assert section_svg(page, "agreement") is None
