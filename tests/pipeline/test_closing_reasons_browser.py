"""Withdrawing from the board in real Chromium: the card's form asks why in place, shows the
reason's fields while Withdrawn is chosen, and the move goes once one is chosen."""

import pytest
from playwright.sync_api import expect

from hiring.models import Application
from tests.browser import new_page, sign_in
from tests.factories import ApplicationFactory, fresh

pytestmark = pytest.mark.browser


@pytest.fixture
def application(team):
    return ApplicationFactory(
        opening__team=team, candidate__name="Nina Park", stage=Application.Stage.SCREEN
    )


@pytest.fixture
def board(live_server, browser, member, application):
    errors = []
    page = sign_in(
        new_page(browser, errors, viewport={"width": 1280, "height": 800}), live_server, member
    )
    page.goto(f"{live_server.url}/pipeline/")
    yield page
    page.context.close()
    # The form asking why comes back 400, as every refused form does.
    assert [error for error in errors if "status of 400" not in error] == []


def test_a_withdrawal_asks_why_in_the_cards_form_then_moves(board, application):
    card = board.locator(f"#card-{application.pk}")

    card.get_by_label("Move Nina Park to").select_option("withdrawn")
    card.get_by_role("button", name="Move").click()

    expect(card.get_by_text("Choose why this application is withdrawn.")).to_be_visible()
    assert fresh(application).stage == Application.Stage.SCREEN
    card.get_by_label("Reason").select_option("other_offer")
    card.get_by_label("Move Nina Park to").select_option("panel")
    expect(card.get_by_label("Reason")).to_be_hidden()  # asked only of a move that closes
    card.get_by_label("Move Nina Park to").select_option("withdrawn")
    card.get_by_role("button", name="Move").click()

    expect(board.locator(f"#column-screen #card-{application.pk}")).to_have_count(0)
    expect(board.locator(f"#column-withdrawn #card-{application.pk}")).to_have_count(1)
    expect(board.locator("#column-withdrawn .count")).to_have_text("1")
    change = fresh(application).stage_changes.get()
    assert (change.to_stage, change.reason) == ("withdrawn", "other_offer")
