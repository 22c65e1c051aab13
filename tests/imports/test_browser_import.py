"""A recruiter imports a CSV in real Chromium and watches the progress bar."""

import pytest
from playwright.sync_api import expect

from hiring.models import Application
from tests.browser import new_page, sign_in

pytestmark = pytest.mark.browser

FILE = (
    "\ufeffFirst Name;Last Name;Email Address;Phone;Source\n"
    "Lia;Lever;lia@example.com;+44 20 7946 0000;Lever\n"
    "No;Email;;;Lever\n"
    "Max;Mustermann;max@example.com;;Ashby\n"
)


@pytest.fixture
def rita(live_server, browser, recruiter):
    errors = []
    page = new_page(browser, errors, viewport={"width": 390, "height": 844})  # a phone
    yield sign_in(page, live_server, recruiter)
    page.context.close()
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
