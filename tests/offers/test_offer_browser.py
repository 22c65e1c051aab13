"""In real Chromium: a candidate accepts their offer through the link, and the card lands in
Hired on the recruiter's board."""

import pytest
from playwright.sync_api import expect

from hiring.offers import offers
from tests.factories import PASSWORD
from tests.offers.conftest import offer_fields

pytestmark = pytest.mark.browser


def test_a_candidate_accepts_the_offer_and_the_card_lands_in_hired(
    browser, live_server, application, recruiter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        offer = offers.send(offers.prepare(application, recruiter, **offer_fields()), recruiter)
    errors = []

    candidate_context = browser.new_context()
    candidate = candidate_context.new_page()
    candidate.on("console", lambda m: m.type == "error" and errors.append(m.text))
    candidate.goto(f"{live_server.url}{offer.get_absolute_url()}")
    expect(candidate.get_by_role("heading", name="Your offer: Platform Engineer")).to_be_visible()
    expect(candidate.get_by_text("New York time")).to_be_visible()
    candidate.get_by_role("link", name="Accept the offer…").click()
    candidate.get_by_role("button", name="Yes, I accept").click()
    expect(candidate.get_by_role("heading", name="Welcome to the team")).to_be_visible()
    candidate_context.close()

    rita_context = browser.new_context()
    rita = rita_context.new_page()
    rita.on("console", lambda m: m.type == "error" and errors.append(m.text))
    rita.goto(f"{live_server.url}/accounts/login/")
    rita.get_by_label("Email").fill(recruiter.email)
    rita.get_by_label("Password").fill(PASSWORD)
    rita.get_by_role("button", name="Sign in").click()
    rita.get_by_role("link", name="Pipeline").click()
    expect(rita.locator("section[aria-labelledby=col-hired]")).to_contain_text("Nina Park")
    expect(rita.locator("section[aria-labelledby=col-offer]")).not_to_contain_text("Nina Park")
    rita_context.close()
    assert errors == []
