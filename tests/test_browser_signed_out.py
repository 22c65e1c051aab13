"""A scorecard being written when its author is signed out elsewhere, in real Chromium: the
autosave says so and the text stays; Submit signs in again on the way back to the page."""

import re

import pytest
from playwright.sync_api import expect

from scorecards import scoring
from tests.factories import PASSWORD, ApplicationFactory
from tests.test_browser import console_errors, sign_in  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


def signed_out_in_another_tab(page):
    """The person of `page` signs out in a second tab of the same browser."""
    other_tab = page.context.new_page()
    other_tab.goto(page.url)
    other_tab.get_by_role("button", name="Sign out").click()
    expect(other_tab.get_by_role("heading", name="Sign In")).to_be_visible()


def test_signed_out_mid_scorecard_the_text_is_kept_and_submit_comes_back(
    sign_in,  # noqa: F811
    console_errors,  # noqa: F811
    member,
    team,
):
    application = ApplicationFactory(opening__team=team, candidate__name="Lena Vogel")
    feedback = scoring.assign(application, member, "skills", assigned_by=member)
    ana = sign_in(member)
    ana.goto(f"{ana.url.rstrip('/')}{feedback.get_absolute_url()}")
    signed_out_in_another_tab(ana)

    with ana.expect_response(re.compile(r"/draft/$")):
        ana.get_by_label("Notes").fill("ZEBRA: typed after signing out")

    expect(ana.locator("#draft-status")).to_have_text(
        "Not saved: you were signed out. Your text is still here."
    )
    expect(ana.locator("textarea + .save-error")).to_have_text("Not saved")
    expect(ana.get_by_label("Notes")).to_have_value("ZEBRA: typed after signing out")
    ana.get_by_role("button", name="Submit feedback").click()
    ana.get_by_label("Email").fill(member.email)
    ana.get_by_label("Password").fill(PASSWORD)
    ana.get_by_role("button", name="Sign in").click()
    expect(ana).to_have_url(re.compile(rf"{feedback.get_absolute_url()}$"))
    # The browser and htmx both log the 401 the autosave was answered with.
    console_errors[:] = [
        error for error in console_errors if not re.search(r"(status of|Error Code) 401", error)
    ]


def test_signed_out_a_move_on_the_board_asks_to_sign_in_again(
    sign_in,  # noqa: F811
    console_errors,  # noqa: F811
    recruiter,
    team,
):
    """Any htmx request but an autosave: the page reloads into the sign-in page, instead of
    the move silently doing nothing."""
    application = ApplicationFactory(opening__team=team, candidate__name="Lena Vogel")
    rita = sign_in(recruiter)
    rita.goto(f"{rita.url.rstrip('/')}/pipeline/")
    signed_out_in_another_tab(rita)

    rita.locator(f"#card-{application.pk}").get_by_role("button", name="Move").click()

    expect(rita.get_by_role("heading", name="Sign In")).to_be_visible()
    expect(rita).to_have_url(re.compile(r"/accounts/login/\?next=/pipeline/"))
    application.refresh_from_db()
    assert application.stage == "applied"
    console_errors[:] = [
        error for error in console_errors if not re.search(r"(status of|Error Code) 401", error)
    ]


def test_signed_out_a_scorecard_submitted_is_offered_again_after_signing_in(
    sign_in,  # noqa: F811
    console_errors,  # noqa: F811
    member,
    team,
):
    """Submit signs in again, then the page offers what was sent instead of the form empty;
    sent again, it is saved as any submission (here a draft: no rating was given)."""
    application = ApplicationFactory(opening__team=team, candidate__name="Lena Vogel")
    feedback = scoring.assign(application, member, "skills", assigned_by=member)
    ana = sign_in(member)
    scorecard = f"{ana.url.rstrip('/')}{feedback.get_absolute_url()}"
    ana.goto(scorecard)
    signed_out_in_another_tab(ana)
    with ana.expect_response(re.compile(r"/draft/$")):
        ana.get_by_label("Notes").fill("ZEBRA: typed after signing out\nand kept")

    ana.get_by_role("button", name="Submit feedback").click()
    ana.get_by_label("Email").fill(member.email)
    ana.get_by_label("Password").fill(PASSWORD)
    ana.get_by_role("button", name="Sign in").click()

    expect(ana.get_by_role("heading", name="Your form was not sent")).to_be_visible()
    expect(ana).to_have_url(re.compile(rf"{feedback.get_absolute_url()}$"))
    expect(ana.locator(".facts")).to_contain_text("ZEBRA: typed after signing out")
    ana.get_by_role("button", name="Send it again").click()
    expect(ana.get_by_label("Notes")).to_have_value("ZEBRA: typed after signing out\nand kept")
    ana.goto(scorecard)
    expect(ana.get_by_label("Notes")).to_have_value("ZEBRA: typed after signing out\nand kept")
    console_errors[:] = [
        error for error in console_errors if not re.search(r"(status of|Error Code) 401", error)
    ]
