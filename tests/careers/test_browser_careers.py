"""A candidate applies from a phone-sized window of real Chromium."""

import pytest
from playwright.sync_api import expect

from hiring.models import Application
from tests.careers.conftest import PDF

pytestmark = pytest.mark.browser


@pytest.fixture
def phone(live_server, browser):
    """A 390 x 844 window in Berlin's time zone, failing the test on any console error."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, timezone_id="Europe/Berlin"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    yield page
    context.close()
    # A form answers its errors with a 400, which the browser notes; nothing else is expected.
    assert [error for error in errors if "status of 400" not in error] == []


def fits_the_width(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_candidate_applies_from_a_phone(phone, live_server, opening):
    phone.goto(f"{live_server.url}/careers/")
    assert fits_the_width(phone)
    phone.get_by_role("link", name="Backend Engineer").click()
    expect(phone.get_by_role("heading", name="Backend Engineer")).to_be_visible()
    assert fits_the_width(phone)

    phone.get_by_label("Full name").fill("Dana Candidate")
    phone.get_by_label("Email address").fill("dana@candidates.example")
    phone.get_by_role("button", name="Send my application").click()
    summary = phone.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Résumé: This field is required.")
    expect(summary).to_contain_text("Agree to the privacy notice to apply")
    assert fits_the_width(phone)

    phone.get_by_label("Résumé").set_input_files(
        files=[{"name": "dana.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    phone.get_by_label("Links (optional)").fill("https://dana.example")
    phone.get_by_label("I have read the privacy notice").check()
    phone.get_by_role("button", name="Send my application").click()

    expect(phone.get_by_role("heading", name="Thank you for applying")).to_be_visible()
    application = Application.objects.select_related("candidate").get()
    assert application.stage == Application.Stage.APPLIED
    assert application.source == Application.Source.CAREERS
    assert application.opening == opening
    assert application.candidate.time_zone == "Europe/Berlin"
    assert application.candidate.resume.read() == PDF
