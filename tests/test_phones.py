"""Teamfit on a phone, in real Chromium at 390 x 844: every main page, opened as the person who
uses it, fits the screen's width (a wide table scrolls in its own box, never the page); the
header folds into a menu, and a skip link comes first."""

import pytest
from playwright.sync_api import expect

from tests.browser import layout_only, new_page, sign_in
from tests.factories import OpeningFactory

pytestmark = [pytest.mark.browser, layout_only]

PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1280, "height": 800}


@pytest.fixture
def console_errors():
    """Errors the pages logged, Content Security Policy violations included."""
    errors = []
    yield errors
    assert errors == []


@pytest.fixture
def open_page(browser, live_server, console_errors):
    """open_page(path, user=None, viewport=PHONE, **options): a page of the live server,
    signed in as `user` through the sign-in form when one is given; `options` for the browser's
    context (its locale, say)."""
    contexts = []

    def open_in(path, user=None, viewport=PHONE, **options):
        page = new_page(browser, console_errors, viewport=viewport, **options)
        contexts.append(page.context)
        if user is not None:
            sign_in(page, live_server, user)
        page.goto(f"{live_server.url}{path}")
        return page

    yield open_in
    for context in contexts:
        context.close()


def width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def test_every_main_page_fits_a_phone(open_page, live_server, main_pages):
    pages = {}  # a browser context each person signs in once, for each of their pages
    wider = {}
    for name, (user, path) in main_pages.items():
        if user in pages:
            pages[user].goto(f"{live_server.url}{path}")
        else:
            pages[user] = open_page(path, user)
        page = pages[user]
        expect(page.locator("main h1").first).to_be_visible()
        if width(page) > PHONE["width"]:
            wider[name] = width(page)

    assert wider == {}


def test_a_candidate_reads_the_careers_pages_in_german_on_a_small_phone(open_page, team):
    opening = OpeningFactory(team=team, title="Plattformentwicklerin")
    wider = {}
    for path in ("/careers/", f"/careers/{opening.pk}/", "/careers/privacy/"):
        page = open_page(path, viewport=SMALL_PHONE, locale="de-DE")
        expect(page.locator("main h1").first).to_be_visible()
        if width(page) > SMALL_PHONE["width"]:
            wider[path] = width(page)

    # The privacy notice's title is one long compound word: it breaks rather than the page.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Datenschutzerklärung")
    assert wider == {}


def test_the_skip_link_comes_first_and_leads_to_the_content(open_page, member):
    page = open_page("/pipeline/", member)

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")

    expect(page.locator("main#content")).to_be_focused()


def test_the_skip_link_comes_first_for_a_candidate_too(open_page, team):
    page = open_page("/careers/")

    page.keyboard.press("Tab")

    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()


def test_on_a_phone_the_header_folds_into_a_menu(open_page, recruiter):
    page = open_page("/", recruiter)
    header = page.locator("header.topbar")

    expect(page.get_by_role("link", name="Pipeline")).to_be_hidden()
    assert header.bounding_box()["height"] < 80
    page.get_by_text("Menu", exact=True).click()
    expect(page.get_by_role("search")).to_be_visible()
    page.get_by_role("link", name="Pipeline").click()

    expect(page.get_by_role("heading", name="Pipeline")).to_be_visible()
    assert width(page) <= PHONE["width"]


def test_on_a_laptop_the_header_is_one_row_of_links(open_page, recruiter):
    page = open_page("/", recruiter, LAPTOP)

    expect(page.get_by_text("Menu", exact=True)).to_be_hidden()
    for name in ("Home", "Pipeline", "All teams", "Availability", "Emails", "Security"):
        expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()
    assert page.locator("header.topbar").bounding_box()["height"] < 80
