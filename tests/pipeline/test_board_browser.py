"""The board at a laptop's 1280 x 800: every stage in view, the page no taller than the window
needs, finished stages opened on demand, and the opening menu following the team."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from hiring.models import Application
from tests.browser import layout_only, new_page, sign_in
from tests.factories import ApplicationFactory, OpeningFactory

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1280, "height": 800}


@pytest.fixture
def board_page(live_server, browser):
    contexts, errors = [], []

    def open_board_as(user, query=""):
        page = sign_in(new_page(browser, errors, viewport=LAPTOP), live_server, user)
        contexts.append(page.context)
        page.goto(f"{live_server.url}/pipeline/{query}")
        return page

    yield open_board_as
    for context in contexts:
        context.close()
    assert errors == []


def fill_every_stage(team, per_stage):
    opening = OpeningFactory(team=team, title="Site Reliability Engineer")
    now = timezone.now()
    for stage in Application.Stage.values:
        for i in range(per_stage):
            ApplicationFactory(
                opening=opening,
                stage=stage,
                candidate__name=f"{stage.title()} Candidate {i}",
                stage_changed_at=now - timedelta(days=i),
            )


def in_view(page, locator):
    box = locator.bounding_box()
    size = page.viewport_size
    return (
        box is not None
        and box["x"] >= 0
        and box["x"] + box["width"] <= size["width"]
        and box["y"] >= 0
        and box["y"] + box["height"] <= size["height"]
    )


@layout_only
def test_every_stage_is_in_view_at_1280_and_the_page_fits(board_page, member, team):
    fill_every_stage(team, per_stage=25)  # more than a column's first page

    ana = board_page(member)

    expect(ana.locator("#col-withdrawn")).to_be_visible()
    for stage in Application.Stage.values:
        assert in_view(ana, ana.locator(f"#col-{stage}")), stage
    board = ana.locator("#board")
    assert board.evaluate("b => b.scrollWidth <= b.clientWidth")  # nothing to scroll to
    assert ana.evaluate("document.documentElement.scrollHeight") <= 1000
    # A column scrolls on its own to its last card and its "More" link.
    applied = ana.locator("section[aria-labelledby=col-applied]")
    applied.get_by_role("link", name="More").scroll_into_view_if_needed()
    assert in_view(ana, applied.get_by_role("link", name="More"))
    assert in_view(ana, ana.locator("#col-applied"))


def test_a_finished_stage_opens_from_its_count(board_page, member, team):
    ApplicationFactory(opening__team=team, candidate__name="Nina Park", stage="hired")

    ana = board_page(member)
    hired = ana.locator("section[aria-labelledby=col-hired]")
    card = hired.get_by_role("link", name="Nina Park")

    expect(hired.locator("h2")).to_have_text("Hired 1")
    expect(card).to_be_hidden()
    hired.locator("summary").click()
    expect(card).to_be_visible()
    assert in_view(ana, card)


def test_a_card_offers_its_next_stage(board_page, member, team):
    ApplicationFactory(opening__team=team, candidate__name="Nina Park", stage="panel")

    ana = board_page(member)

    expect(ana.get_by_label("Move Nina Park to")).to_have_value("debrief")


def test_a_move_swaps_the_two_columns_it_changed(board_page, member, team):
    ApplicationFactory(opening__team=team, candidate__name="Nina Park", stage="screen")
    ApplicationFactory(opening__team=team, candidate__name="Omar Said", stage="applied")
    ana = board_page(member)
    # A mark on a column the move leaves alone: still there after it, so that column stood.
    ana.locator("#column-applied").evaluate("column => column.dataset.untouched = 'yes'")

    ana.locator("#column-screen").get_by_role("button", name="Move").click()

    expect(ana.locator("#column-panel").get_by_role("link", name="Nina Park")).to_be_visible()
    expect(ana.locator("#column-screen").get_by_role("link", name="Nina Park")).to_have_count(0)
    expect(ana.locator("#column-screen .count")).to_have_text("0")
    expect(ana.locator("#column-applied")).to_have_attribute("data-untouched", "yes")
    expect(ana.get_by_role("heading", name="Pipeline")).to_have_count(1)


def test_the_opening_menu_follows_the_team(board_page, leadership, team, outsider):
    OpeningFactory(team=team, title="SRE")
    OpeningFactory(team=outsider.teams.get(), title="Payments engineer")

    cto = board_page(leadership)
    menu = cto.get_by_label("Opening")
    expect(menu.locator("option")).to_have_text(
        ["All openings", "Payments engineer (Payments)", "SRE (Platform)"]
    )
    cto.get_by_label("Team").select_option(label="Payments")

    expect(menu.locator("option")).to_have_text(["All the team's openings", "Payments engineer"])
    assert f"team={outsider.teams.get().pk}" in cto.url


@layout_only
def test_on_a_phone_the_board_scrolls_within_its_own_width(board_page, member, team):
    fill_every_stage(team, per_stage=3)

    ana = board_page(member)
    ana.set_viewport_size({"width": 390, "height": 844})
    board = ana.locator("#board")

    assert board.evaluate("b => b.getBoundingClientRect().right") <= 390
    withdrawn = ana.locator("#col-withdrawn")
    withdrawn.scroll_into_view_if_needed()
    assert in_view(ana, withdrawn)
