"""Steps the browser tests share: a page in a context of its own, and signing in through the
form as a person does."""

import pytest
from django.db import connection
from playwright.sync_api import expect

from tests.factories import PASSWORD

# How a page looks (its layout at a size, its contrast) does not depend on the database: such
# tests run once, on the default, and leave the PostgreSQL pass the journeys.
layout_only = pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="the pages render alike on either database: checked once, on the default",
)


def new_page(browser, errors, **options):
    """A page in a new browser context (`options` for the context: its viewport, zone or
    locale), the errors its console logs appended to `errors`. page.context.close() ends it."""
    context = browser.new_context(**options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    return page


def sign_in(page, live_server, user):
    """`user` signed in on `page` through the sign-in form, at their home page."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name=f"Hello, {user}")).to_be_visible()
    return page
