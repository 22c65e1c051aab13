"""In real Chromium: a candidate asks for a copy of their data from their status page, and
downloads it from the link emailed to them, again if they need."""

import json
import zipfile

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_candidate_asks_for_their_data_and_downloads_it_from_the_email(
    status_page, emailed_link, tmp_path
):
    page = status_page
    page.get_by_role("button", name="Request a copy of your data").click()
    expect(page.get_by_role("status")).to_contain_text(
        "We are preparing a copy of your data and will email you a link to it."
    )

    # The worker built the export and emailed the link with the request.
    link = emailed_link("/exports/")
    page.goto(link)
    expect(page.get_by_role("heading", name="Your data")).to_be_visible()
    expect(page.get_by_text("New York time")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download").click()
    saved = tmp_path / "export.zip"
    download.value.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        assert json.loads(archive.read("data.json"))["candidate"]["name"] == "Nina Park"
        assert "Nina Park" in archive.read("summary.html").decode()

    page.goto(link)  # a second download works too, until the link expires
    with page.expect_download() as again:
        page.get_by_role("button", name="Download").click()
    assert again.value.suggested_filename == download.value.suggested_filename
