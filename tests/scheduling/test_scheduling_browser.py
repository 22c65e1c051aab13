"""The candidate's scheduling page and the panel page in real Chromium: on a phone and on a
desktop, editing a panel, and rescheduling a booked one and cancelling a session."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from playwright.sync_api import expect

from hiring.models import CandidateWindow
from hiring.scheduling import booking
from tests.browser import new_page, sign_in
from tests.factories import ApplicationFactory, nine_to_five, team_fit_panel

pytestmark = pytest.mark.browser

MONDAY = datetime(2030, 3, 4, tzinfo=UTC)
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def console_errors():
    """Errors the pages logged; a 400 is how a form answers with its errors."""
    errors = []
    yield errors
    assert [error for error in errors if "status of 400" not in error] == []


@pytest.fixture
def open_page(browser, live_server, console_errors):
    contexts = []

    def open_in(path, viewport=DESKTOP, **options):
        page = new_page(browser, console_errors, viewport=viewport, **options)
        contexts.append(page.context)
        page.goto(f"{live_server.url}{path}")
        return page

    yield open_in
    for context in contexts:
        context.close()


def signed_in_page(open_page, live_server, user, viewport=DESKTOP):
    return sign_in(open_page("/accounts/login/", viewport), live_server, user)


def overflow(page):
    """How far the page reaches past the window's width, in CSS pixels."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def boxes_apart(locator):
    """Whether the elements' boxes, top to bottom, leave each other room."""
    boxes = [element.bounding_box() for element in locator.all()]
    return all(
        above["y"] + above["height"] <= below["y"]
        for above, below in zip(boxes, boxes[1:], strict=False)
    )


@pytest.fixture
def two_sessions(team, member, teammate, recruiter):
    """Lena Vogel's panel: a 45-minute skills session with Ana, then an hour's team fit with
    Ben; with its options over two days from Monday 4 March 2030."""
    nine_to_five(member, teammate)
    application = ApplicationFactory(opening__team=team, candidate__name="Lena Vogel")
    panel = booking.create_panel(
        application,
        recruiter,
        [
            {"focus": "skills", "duration_minutes": 45, "interviewers": [member]},
            {"focus": "team_fit", "duration_minutes": 60, "interviewers": [teammate]},
        ],
    )
    return panel, booking.find_options(panel, MONDAY, MONDAY + timedelta(days=2))


@pytest.fixture
def link(two_sessions, recruiter):
    panel, options = two_sessions
    return booking.offer_to_candidate(panel, options[:4], recruiter).get_absolute_url()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_candidate_reads_each_option_as_its_sessions(open_page, link, viewport):
    page = open_page(link, viewport, timezone_id="Europe/Berlin")

    expect(page.get_by_label("Times shown in")).to_have_value("Europe/Berlin")
    options = page.locator(".slot-option")
    expect(options).to_have_count(4)
    # Back to back from 09:00 UTC, 10:00 in Berlin: each session named, with its length.
    expect(options.first).to_contain_text("Monday 4 March")
    expect(options.first).to_contain_text("10:00–10:45 Berlin time")
    expect(options.first).to_contain_text("Skills interview, 45 minutes")
    expect(options.first).to_contain_text("10:45–11:45 Berlin time")
    expect(options.first).to_contain_text("Team fit interview, 60 minutes")
    assert boxes_apart(options)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

    page.get_by_text("None of these suits me").click()
    page.get_by_label("Date").fill("2001-01-01")
    page.get_by_label("From").fill("10:00")
    page.get_by_label("To").fill("12:00")
    page.get_by_role("button", name="Propose this time").click()
    expect(page.locator("#id_date_error")).to_contain_text("Choose a day from today on.")
    assert overflow(page) <= 0

    page.locator(".slot-option").nth(1).click()
    page.get_by_role("button", name="Book this time").click()
    expect(page.get_by_role("heading", name="You're booked")).to_be_visible()
    expect(page.locator(".booked")).to_contain_text("Skills interview, 45 minutes")
    with page.expect_download() as download:
        page.get_by_role("link", name="Add to my calendar (.ics)").click()
    assert download.value.suggested_filename == "interviews.ics"
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


def test_a_recruiter_edits_a_panel_and_adds_a_session_without_losing_what_they_chose(
    open_page, live_server, team, member, teammate, recruiter
):
    nine_to_five(member, teammate)
    application = ApplicationFactory(opening__team=team, candidate__name="Lena Vogel")
    panel = team_fit_panel(application, [member], recruiter)
    CandidateWindow.objects.create(
        panel=panel, start=MONDAY.replace(hour=14), end=MONDAY.replace(hour=16)
    )

    rita = signed_in_page(open_page, live_server, recruiter)
    rita.goto(f"{rita.url.rstrip('/')}/applications/{application.pk}/panel/")
    expect(rita.locator(".windows")).to_contain_text("Mon 4 Mar, 14:00–16:00 London time")
    rita.get_by_role("link", name="Edit the panel").click()
    first = rita.locator("fieldset.session-form").first
    first.get_by_label("Length").select_option("90")
    first.get_by_label("Ben Teammate").first.check()

    with rita.expect_response(re.compile(r"/panel/edit/$")) as added:
        rita.get_by_role("button", name="Add a session").click()
    assert added.value.request.headers["hx-request"] == "true"
    sessions = rita.locator("fieldset.session-form")
    expect(sessions).to_have_count(2)
    expect(sessions.first.get_by_label("Length")).to_have_value("90")
    expect(sessions.first.get_by_label("Ben Teammate").first).to_be_checked()
    second = sessions.nth(1)
    second.get_by_label("Focus").select_option("skills")
    second.get_by_label("Ana Member").first.check()
    rita.get_by_role("button", name="Save the panel").click()

    expect(rita.get_by_text("Panel saved.")).to_be_visible()
    listed = rita.locator(".sessions li")
    expect(listed).to_have_count(2)
    expect(listed.first).to_contain_text("Team fit · 90 min · Ana Member, Ben Teammate")
    expect(listed.nth(1)).to_contain_text("Skills · 45 min · Ana Member")

    rita.get_by_role("link", name="Delete the panel").click()
    expect(rita.get_by_role("heading", name="Delete this panel?")).to_be_visible()
    rita.get_by_role("link", name="Keep it").click()
    expect(rita.locator(".sessions li")).to_have_count(2)


def test_the_panel_page_fits_a_phone(open_page, live_server, team, member, teammate, recruiter):
    nine_to_five(member, teammate)
    application = ApplicationFactory(opening__team=team, candidate__name="Lena Vogel")
    team_fit_panel(application, [member, teammate], recruiter)

    rita = signed_in_page(open_page, live_server, recruiter, PHONE)
    rita.goto(
        f"{rita.url.rstrip('/')}/applications/{application.pk}/panel/times/?start=2030-03-04&days=2"
    )

    expect(rita.locator(".option").first).to_contain_text("Team fit · Ana Member, Ben Teammate")
    assert rita.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_recruiter_reschedules_a_booked_panel_and_cancels_one_of_its_sessions(
    open_page, live_server, two_sessions, member, teammate, recruiter
):
    panel, options = two_sessions
    booking.book(panel, options[0], recruiter)
    mail.outbox.clear()

    rita = signed_in_page(open_page, live_server, recruiter)
    rita.goto(f"{rita.url.rstrip('/')}/applications/{panel.application_id}/panel/")
    listed = rita.locator(".sessions li")
    expect(listed.first).to_contain_text("Skills · 45 min · Ana Member")
    expect(listed.first).to_contain_text("Mon 4 Mar, 09:00–09:45 London time")
    expect(rita.get_by_role("link", name="Edit the panel")).to_have_count(0)  # booked

    rita.get_by_label("From").fill("2030-03-05")
    rita.get_by_label("Days to search").fill("1")
    rita.get_by_role("button", name="Find times").click()
    rita.locator(".option").first.get_by_role("button", name="Reschedule to this time").click()

    expect(rita.get_by_role("status")).to_contain_text(
        "Rescheduled: the skills interview from Mon 4 Mar, 09:00 to Tue 5 Mar, 09:00"
    )
    expect(listed.first).to_contain_text("Tue 5 Mar, 09:00–09:45 London time")
    expect(listed.nth(1)).to_contain_text("Tue 5 Mar, 09:45–10:45 London time")
    assert sorted(s.start for s in panel.sessions.all()) == [
        datetime(2030, 3, 5, 9, tzinfo=UTC),
        datetime(2030, 3, 5, 9, 45, tzinfo=UTC),
    ]
    updated = {m.to[0] for m in mail.outbox if m.subject.startswith("Updated:")}
    assert {member.email, teammate.email, panel.application.candidate.email} <= updated
    mail.outbox.clear()

    listed.nth(1).get_by_role("link", name="Cancel", exact=True).click()
    expect(rita.get_by_role("heading", name="Cancel the team fit session?")).to_be_visible()
    rita.get_by_role("button", name="Cancel the session").click()

    expect(rita.get_by_role("status")).to_contain_text("Session cancelled")
    expect(listed.nth(1)).to_contain_text("Cancelled")
    expect(listed.first).to_contain_text("Tue 5 Mar, 09:00–09:45 London time")
    skills, team_fit = panel.sessions.order_by("start")
    assert (skills.cancelled_at, team_fit.cancelled_at is not None) == (None, True)
    cancelled = {m.to[0]: m.subject for m in mail.outbox}
    assert cancelled.keys() == {teammate.email, panel.application.candidate.email}
    assert all(subject.startswith("Cancelled:") for subject in cancelled.values())
