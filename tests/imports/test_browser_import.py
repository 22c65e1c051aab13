"""A recruiter imports a CSV in real Chromium and watches the progress bar."""

import pytest
from playwright.sync_api import expect

from hiring.models import Application
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

FILE = (
    "\ufeffFirst Name;Last Name;Email Address;Phone;Source\n"
    "Lia;Lever;lia@example.com;+44 20 7946 0000;Lever\n"
    "No;Email;;;Lever\n"
    "Max;Mustermann;max@example.com;;Ashby\n"
)


@pytest.fixture
def rita(live_server, browser, recruiter):
    context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(recruiter.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name=f"Hello, {recruiter}")).to_be_visible()
    yield page
    context.close()
    # A 400 is how a form answers with its errors.
    assert [error for error in errors if "status of 400" not in error] == []


def test_a_recruiter_imports_a_csv_and_watches_it_land(live_server, rita, opening):
    rita.goto(f"{live_server.url}{opening.get_absolute_url()}")
    rita.get_by_role("link", name="Import candidates").click()
    rita.get_by_label("CSV file").set_input_files(
        files=[{"name": "ashby.csv", "mimeType": "text/csv", "buffer": FILE.encode()}]
    )
    rita.get_by_role("button", name="Check the file").click()

    expect(rita.get_by_text("Columns left out: Source.")).to_be_visible()
    expect(rita.locator("#row-2")).to_contain_text("Ready")
    expect(rita.locator("#row-3")).to_contain_text("Email: This field is required.")
    assert rita.evaluate("document.documentElement.scrollWidth") <= 390
    assert not Application.objects.exists()

    rita.get_by_role("button", name="Import 2 valid rows").click()
    progress = rita.locator("#import-progress progress")
    expect(progress).to_be_visible()
    expect(rita.locator("#import-progress")).to_contain_text("Imported 2 candidates.")
    expect(progress).to_have_attribute("value", "2")
    expect(rita.locator("#import-progress")).not_to_have_attribute("hx-trigger", "every 1s")

    rita.get_by_role("link", name="See them on the opening").click()
    expect(rita.get_by_role("link", name="Lia Lever")).to_be_visible()
    expect(rita.get_by_role("link", name="Max Mustermann")).to_be_visible()
