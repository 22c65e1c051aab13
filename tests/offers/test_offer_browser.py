"""In real Chromium: the recruiter prepares and sends the team's offer, which the candidate
opens from its email; a candidate accepts their offer through the link, and the card lands in
Hired on the recruiter's board."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from hiring.offers import offers
from tests.factories import PASSWORD
from tests.offers.conftest import offer_fields
from tests.test_browser import console_errors, sign_in  # noqa: F401 (fixtures)

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


def test_the_recruiter_prepares_and_sends_the_offer_the_candidate_opens_it(
    sign_in,  # noqa: F811
    browser,
    live_server,
    application,
    recruiter,
    mailoutbox,
):
    today = timezone.localdate()
    rita = sign_in(recruiter)
    rita.goto(live_server.url + application.get_absolute_url())
    rita.get_by_role("link", name="Prepare offer").click()
    rita.get_by_label("Job title").fill("Platform Engineer")
    rita.get_by_label("Start date").fill((today + timedelta(days=30)).isoformat())
    rita.get_by_label("Terms").fill("€70,000 a year, 30 days of holiday.")
    rita.get_by_label("Expires on").fill((today + timedelta(days=7)).isoformat())
    rita.get_by_label(re.compile(r"^at\b")).fill("17:00")
    rita.get_by_role("button", name="Save as draft").click()
    expect(rita.locator("#offers")).to_contain_text("Draft")
    assert mailoutbox == []  # a draft tells nobody

    rita.locator("#offers").get_by_role("link", name="Send…").click()
    expect(rita.get_by_role("heading", name="Send the offer to Nina Park?")).to_be_visible()
    rita.get_by_role("button", name="Send the offer").click()
    expect(rita.locator("#offers")).to_contain_text("Sent")

    [email] = [mail for mail in mailoutbox if mail.to == ["nina@candidates.example"]]
    link = re.search(r"https?://\S+(/offer/\S+/)", email.body).group(1)
    context = browser.new_context()
    nina = context.new_page()
    nina.goto(live_server.url + link)
    expect(nina.get_by_role("heading", name="Your offer: Platform Engineer")).to_be_visible()
    expect(nina.get_by_text("€70,000 a year, 30 days of holiday.")).to_be_visible()
    context.close()
