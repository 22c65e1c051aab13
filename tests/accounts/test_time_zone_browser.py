"""Cai, in Singapore, reads his interview in his own time, and finds his zone by typing it."""

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from hiring.models import User
from hiring.scheduling import booking
from tests.browser import new_page, sign_in
from tests.factories import ApplicationFactory, nine_to_five, team_fit_panel

pytestmark = pytest.mark.browser

MONDAY = datetime(2030, 3, 4, tzinfo=UTC)


@pytest.fixture
def cai(member):
    User.objects.filter(pk=member.pk).update(display_name="Cai Chen", time_zone="Asia/Singapore")
    member.refresh_from_db()
    return member


@pytest.fixture
def cai_signed_in(live_server, browser, cai):
    # His browser's own zone is another: the page follows his profile, not the machine.
    errors = []
    page = new_page(browser, errors, timezone_id="Europe/Lisbon")
    yield sign_in(page, live_server, cai)  # "Hello, Cai Chen"
    page.context.close()
    assert errors == []


def test_cai_reads_his_interview_in_singapore_time(cai_signed_in, live_server, team, recruiter):
    # Booked while Cai worked London hours: 09:00 UTC, 17:00 in Singapore.
    cai = User.objects.get(display_name="Cai Chen")
    application = ApplicationFactory(opening__team=team, candidate__name="Nina Park")
    User.objects.filter(pk=cai.pk).update(time_zone="Europe/London")
    nine_to_five(cai)
    panel = team_fit_panel(application, [cai], recruiter)
    [option, *_] = booking.find_options(panel, MONDAY, MONDAY + timedelta(days=1))
    booking.book(panel, option, recruiter)
    User.objects.filter(pk=cai.pk).update(time_zone="Asia/Singapore")

    cai_signed_in.goto(f"{live_server.url}/")

    when = cai_signed_in.locator("time", has_text="Mon 4 Mar, 17:00 Singapore time")
    expect(when).to_be_visible()
    expect(when).to_have_attribute("datetime", "2030-03-04T09:00:00Z")
    expect(cai_signed_in.get_by_text("UTC")).to_have_count(0)


def test_cai_finds_his_zone_in_the_menu_by_typing_its_city(cai_signed_in, live_server, cai):
    User.objects.filter(pk=cai.pk).update(time_zone="UTC")
    cai_signed_in.goto(f"{live_server.url}/me/")

    menu = cai_signed_in.get_by_label("Time zone")
    menu.focus()
    cai_signed_in.keyboard.type("Singapore", delay=50)
    expect(menu).to_have_value("Asia/Singapore")
    cai_signed_in.get_by_role("button", name="Save").click()

    expect(cai_signed_in.get_by_text("Your profile is saved.")).to_be_visible()
    cai.refresh_from_db()
    assert cai.time_zone == "Asia/Singapore"
