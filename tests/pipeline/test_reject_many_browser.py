"""Rejecting several applications at the screen in real Chromium: from the Screen column's
link to the page, two ticked with one reason, back on the board with them gone."""

import pytest
from playwright.sync_api import expect

from hiring.models import Application
from tests.browser import new_page, sign_in
from tests.factories import OpeningFactory, fresh
from tests.pipeline.test_board import make_applications

pytestmark = pytest.mark.browser


def test_a_member_rejects_two_of_the_screen_at_once(live_server, browser, member, team):
    errors = []
    rejected = make_applications(OpeningFactory(team=team), 3, stage=Application.Stage.SCREEN)[1:]
    page = sign_in(
        new_page(browser, errors, viewport={"width": 1280, "height": 800}), live_server, member
    )
    page.goto(f"{live_server.url}/pipeline/")

    page.locator("#column-screen").get_by_role("link", name="Reject several").click()
    for application in rejected:
        page.get_by_label(str(application.candidate)).check()
    page.get_by_label("Reason").select_option("team_fit")
    page.get_by_role("button", name="Reject the chosen applications").click()

    expect(page.get_by_text("2 applications rejected.")).to_be_visible()
    expect(page.locator("#column-screen .board-card")).to_have_count(1)
    assert {fresh(application).stage for application in rejected} == {"rejected"}
    page.context.close()
    assert errors == []
