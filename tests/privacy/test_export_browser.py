"""In real Chromium: a candidate asks for a copy of their data from their status page, and
downloads it once from the link emailed to them."""

import json
import re
import zipfile

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.factories import ApplicationFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def application(team, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return ApplicationFactory(
        opening__team=team,
        opening__title="Platform Engineer",
        candidate__name="Nina Park",
        candidate__email="nina@candidates.example",
        candidate__time_zone="America/New_York",
    )


def test_a_candidate_asks_for_their_data_and_downloads_it_from_the_email(
    browser, live_server, application, tmp_path
):
    errors = []
    context = browser.new_context()
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))

    page.goto(f"{live_server.url}{application.status_url()}")
    page.get_by_role("button", name="Request a copy of your data").click()
    expect(page.get_by_role("status")).to_contain_text(
        "We are preparing a copy of your data and will email you a link to it."
    )

    # Celery runs eagerly here: the worker built the export and the email went with the request.
    (message,) = mail.outbox
    assert message.to == ["nina@candidates.example"]
    link = re.search(r"https?://\S+(/exports/\S+/)", message.body).group(1)

    page.goto(f"{live_server.url}{link}")
    expect(page.get_by_role("heading", name="Your data")).to_be_visible()
    expect(page.get_by_text("New York time")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download").click()
    saved = tmp_path / "export.zip"
    download.value.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        assert json.loads(archive.read("data.json"))["candidate"]["name"] == "Nina Park"
        assert "Nina Park" in archive.read("summary.html").decode()

    page.goto(f"{live_server.url}{link}")
    expect(page.get_by_text("This download link was used already")).to_be_visible()
    context.close()
    # The used link answers 410 Gone, which the browser notes.
    assert [error for error in errors if "status of 410" not in error] == []
