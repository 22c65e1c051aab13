"""A candidate follows their application and withdraws it from their link, in real Chromium;
the team's board then shows the card as withdrawn."""

import pytest
from playwright.sync_api import expect

from tests.factories import ApplicationFactory
from tests.test_browser import console_errors, sign_in  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


def test_a_candidate_withdraws_from_their_link_and_the_board_shows_it(
    sign_in,  # noqa: F811
    browser,
    live_server,
    team,
    member,
):
    application = ApplicationFactory(
        opening__team=team, candidate__name="Nina Park", stage="screen"
    )
    context = browser.new_context()
    nina = context.new_page()
    nina.goto(live_server.url + application.status_url())
    expect(nina.get_by_role("heading", level=1)).to_have_text("Interviewing")

    nina.get_by_role("link", name="Withdraw my application…").click()
    expect(nina.get_by_role("heading", name="Withdraw your application?")).to_be_visible()
    nina.get_by_role("button", name="Yes, withdraw my application").click()
    expect(nina.get_by_role("heading", name="Your application is withdrawn")).to_be_visible()
    nina.get_by_role("link", name="Your application's page").click()
    expect(nina.get_by_role("heading", level=1)).to_have_text("Withdrawn")
    context.close()

    ana = sign_in(member)
    ana.get_by_role("link", name="Pipeline").click()
    expect(ana.locator("#column-screen")).not_to_contain_text("Nina Park")
    expect(ana.locator("#count-withdrawn")).to_have_text("1")
