"""A recruiter writes to a candidate from the application page, in real Chromium: the form
opens in place, the preview fills the placeholders in, and the email waits its short delay,
undoable, in the list of emails; an unknown placeholder is named beside the text."""

import pytest
from playwright.sync_api import expect

from hiring.models import CandidateEmail
from tests.test_browser import console_errors, sign_in  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


def test_a_recruiter_previews_sends_and_undoes_an_email_to_the_candidate(
    sign_in,  # noqa: F811
    live_server,
    application,
    recruiter,
):
    rita = sign_in(recruiter)
    rita.goto(live_server.url + application.get_absolute_url())
    emails = rita.locator("#candidate-emails")
    emails.get_by_role("link", name="Email the candidate").click()
    rita.get_by_label("Subject").fill("Your interview with us, {first_name}")
    body = rita.get_by_label("Body")
    body.fill("Hello {first_name}, thank you for applying to {opening}.")
    rita.get_by_role("button", name="Preview").click()
    expect(rita.locator("#compose .errorlist")).to_have_text(
        "Unknown placeholder: {opening}. Use one of those listed."
    )
    expect(body).to_have_attribute("aria-invalid", "true")

    body.fill("Hello {first_name}, thank you for applying to {opening_title}.")
    rita.get_by_role("button", name="Preview").click()
    preview = rita.get_by_role("region", name="What Nina Park will receive")
    expect(preview).to_contain_text("Your interview with us, Nina")
    expect(preview).to_contain_text("Hello Nina, thank you for applying to SRE.")

    rita.get_by_role("button", name="Send", exact=True).click()
    expect(emails).to_contain_text("goes out in 10 minutes")
    expect(emails.locator("li").first).to_contain_text("Your interview with us, Nina")
    emails.get_by_role("button", name="Undo").click()
    expect(emails).to_contain_text("Cancelled")
    assert CandidateEmail.objects.get().status == CandidateEmail.Status.CANCELLED
