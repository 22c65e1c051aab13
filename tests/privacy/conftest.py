"""Fixtures of the candidate's privacy journeys in real Chromium: their application, their
status page in a browser of their own, and the link emailed to them."""

import re

import pytest
from django.core import mail

from tests.browser import new_page
from tests.factories import ApplicationFactory


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


@pytest.fixture
def status_page(browser, live_server, application):
    """The candidate's status page in a browser of their own (no one signed in), whose console
    errors fail the test. A used or erased link answers 410 Gone, which the browser notes: no
    error."""
    errors = []
    page = new_page(browser, errors)
    page.goto(f"{live_server.url}{application.status_url()}")
    yield page
    page.context.close()
    assert [error for error in errors if "status of 410" not in error] == []


@pytest.fixture
def emailed_link(live_server):
    """emailed_link("/erase/"): the address of that link in the one email, sent to the
    candidate. Celery runs eagerly here: the email went with the request, once it committed."""

    def link_in_the_email(path):
        (message,) = mail.outbox
        assert message.to == ["nina@candidates.example"]
        return live_server.url + re.search(rf"https?://\S+({path}\S+/)", message.body).group(1)

    return link_in_the_email
