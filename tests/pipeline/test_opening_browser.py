"""In real Chromium: a team member opens a position from the team's page with a copy of a
library scorecard, and adapts that copy with a criterion of the opening's own."""

import re

import pytest
from playwright.sync_api import expect

from hiring.models import AuditEvent, Opening
from scorecards import editing
from tests.browser import new_page, sign_in

pytestmark = pytest.mark.browser


def test_a_member_creates_an_opening_and_adds_a_criterion_to_its_scorecard(
    browser, live_server, member, team
):
    template = editing.create_template(team, "Backend template")
    starters = list(template.current_version().criteria.values_list("name", flat=True))
    errors = []
    ana = sign_in(new_page(browser, errors), live_server, member)

    ana.get_by_role("link", name="Platform").first.click()
    ana.get_by_role("link", name="New opening").click()
    ana.get_by_label("Title").fill("Site Reliability Engineer")
    ana.get_by_label("Description").fill("Keeps the platform up.")
    ana.get_by_label("Scorecard").select_option(label="Backend template")
    ana.get_by_role("button", name="Create opening").click()

    expect(ana.get_by_role("status")).to_contain_text(
        "Opening created with its own copy of the scorecard."
    )
    expect(ana.get_by_role("heading", name="Site Reliability Engineer")).to_be_visible()
    opening = Opening.objects.get(title="Site Reliability Engineer")
    assert (opening.team, opening.description) == (team, "Keeps the platform up.")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.OPENING_CREATED).exists()

    ana.get_by_role("link", name="Adapt scorecard").click()
    expect(ana.get_by_role("heading", name="Site Reliability Engineer scorecard")).to_be_visible()
    criteria = ana.locator("#criteria h3")
    expect(criteria).to_have_count(len(starters))

    ana.get_by_text("Add a criterion").click()
    ana.get_by_label("Name").fill("Incident response")
    ana.get_by_label("Category").select_option("skills")
    ana.get_by_label("Weight").fill("2")
    ana.get_by_label("What it measures").fill("Restores service calmly under pressure.")
    for level, anchor in enumerate(
        ["Freezes.", "Needs steering.", "Restores service.", "Restores it and teaches others."],
        start=1,
    ):
        ana.get_by_label(f"{level}: what it looks like").fill(anchor)
    ana.get_by_label("Questions").fill("Walk me through your last outage.")
    with ana.expect_response(re.compile(r"/criteria/$")) as added:
        ana.get_by_role("button", name="Add criterion").click()

    assert added.value.request.headers["hx-request"] == "true"
    expect(criteria).to_have_count(len(starters) + 1)
    expect(criteria.last).to_contain_text("Incident response")
    expect(ana.locator("#criteria")).to_contain_text("“Walk me through your last outage.”")
    added_names = opening.scorecard.current_version().criteria.values_list("name", flat=True)
    assert list(added_names) == [*starters, "Incident response"]
    # The library's template is as it was: the opening adapted its own copy.
    assert list(template.current_version().criteria.values_list("name", flat=True)) == starters
    ana.context.close()
    assert errors == []
