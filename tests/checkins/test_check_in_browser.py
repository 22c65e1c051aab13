"""In Chromium: a member fills in a check-in on a hire, and the team's validity report draws the
criteria once that hire makes five."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from hiring.checkins import checkins
from hiring.models import Application, Membership
from tests.checkins.helpers import first, review
from tests.factories import PASSWORD, ApplicationFactory, OpeningFactory, submitted

pytestmark = pytest.mark.browser

VOTES = {1: "strong_no", 2: "no", 3: "yes", 4: "strong_yes"}


def hired(opening, interviewer, score):
    """An application the panel scored `score` on every criterion, hired 100 days ago: its
    90-day check-in is open."""
    application = ApplicationFactory(opening=opening)
    submitted(application, interviewer, "skills", VOTES[score], score)
    # The team debriefed and decided (hiring/debrief), and the hire said yes.
    Application.objects.filter(pk=application.pk).update(debrief_opened_at=timezone.now())
    application.move_to("hired", interviewer)
    application.check_ins.all().delete()
    checkins.schedule(application, timezone.now() - timedelta(days=100))
    return first(application)


@pytest.fixture
def page(browser):
    """A page of its own context (pytest-playwright's `page` brings a deprecated fixture)."""
    context = browser.new_context()
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_a_member_fills_a_check_in_and_the_report_draws_it(
    live_server, page, team, member, teammate
):
    Membership.objects.filter(team=team).update(joined_at=timezone.now() - timedelta(days=400))
    opening = OpeningFactory(team=team)
    # Four hires the team already rated as the panel did; the fifth the teammate rated, and
    # the member's review completes it: a check-in counts once every rater submitted (or it
    # closed), so that nobody still to rate reads what the others said.
    for score in (1, 2, 4, 3):
        rated = hired(opening, teammate, score)
        review(rated, teammate, score=score)
        review(rated, member, score=score)
    check_in = hired(opening, teammate, 2)
    review(check_in, teammate, score=2)
    report = f"{live_server.url}/reports/validity/?team={team.pk}"
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(member.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name=f"Hello, {member}")).to_be_visible()
    page.goto(report)
    expect(page.get_by_text("No criterion has enough hires with a check-in yet.")).to_be_visible()

    page.goto(f"{live_server.url}{check_in.get_absolute_url()}")
    for criterion in page.locator("fieldset.criterion-rating").all():
        criterion.locator("input[value='2']").check()
    page.get_by_label("Yes", exact=True).check()
    page.get_by_role("button", name="Submit check-in").click()
    expect(page.get_by_text("You submitted your review")).to_be_visible()

    page.goto(report)
    points = page.locator("svg.chart g.chart-interval")
    expect(points.first).to_be_visible()
    # The criteria the panel scored (its skills ones), each read against the check-ins.
    assert points.count() == check_in.version.criteria.filter(category="skills").count()
    expect(page.get_by_text("5 hires from")).to_be_visible()


def test_a_click_in_an_older_tab_keeps_the_notes_written_in_another(
    live_server, page, team, member, teammate
):
    """Every save says which draft its page shows: an older tab's is refused, and says so,
    never overwrites what another tab saved (the whole form, sent from one, wiped it)."""
    Membership.objects.filter(team=team).update(joined_at=timezone.now() - timedelta(days=400))
    check_in = hired(OpeningFactory(team=team), teammate, 3)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(member.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name=f"Hello, {member}")).to_be_visible()
    url = f"{live_server.url}{check_in.get_absolute_url()}"
    older = page.context.new_page()
    older.goto(url)
    page.goto(url)

    page.get_by_label("Notes").fill("Three paragraphs of what she shipped")
    expect(page.locator("#draft-status")).to_contain_text("Draft saved")
    older.locator("fieldset.criterion-rating").first.locator("input[value='2']").check()
    expect(older.locator("#draft-status")).to_contain_text("changed in another tab")
    older.get_by_label("Notes").fill("An older page's notes")
    older.get_by_role("button", name="Save draft").click()
    expect(older.get_by_text("Your unsaved text, to copy from:")).to_be_visible()
    expect(older.get_by_text("An older page's notes")).to_be_visible()

    saved = check_in.reviews.get(rater=member)
    assert saved.notes == "Three paragraphs of what she shipped"
    assert not saved.ratings.exists()
    # The page that came back shows the draft as it is: from there it saves and submits.
    expect(older.get_by_label("Notes")).to_have_value("Three paragraphs of what she shipped")
    for criterion in older.locator("fieldset.criterion-rating").all():
        criterion.locator("input[value='2']").check()
    older.get_by_label("Yes", exact=True).check()
    older.get_by_role("button", name="Submit check-in").click()
    expect(older.get_by_text("You submitted your review")).to_be_visible()
