"""Main journeys in real Chromium, against a live server."""

import re
from datetime import UTC, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from hiring.models import Invitation
from hiring.scheduling import booking
from scorecards import editing, scoring
from tests.browser import new_page
from tests.browser import sign_in as sign_in_form
from tests.factories import ApplicationFactory, OpeningFactory, UserFactory, submitted
from tests.scorecards.test_scorecard_views import criterion_post

pytestmark = pytest.mark.browser


@pytest.fixture
def console_errors():
    """Errors the pages logged, Content Security Policy violations included.

    A 400 is how a form answers with its errors, and a 409 how a save from an older tab is
    refused, so the browser's note of either is no error.
    """
    errors = []
    yield errors
    expected = ("status of 400", "status of 409")
    assert [error for error in errors if not any(note in error for note in expected)] == []


@pytest.fixture
def sign_in(live_server, browser, console_errors):
    contexts = []

    def sign_in_as(user):
        page = new_page(browser, console_errors)
        contexts.append(page.context)
        return sign_in_form(page, live_server, user)

    yield sign_in_as
    # Closed before the next test, so no page of this one talks to the live server during it.
    for context in contexts:
        context.close()


def test_a_team_accepts_a_new_member_by_majority(sign_in, live_server, member, teammate, team):
    newcomer = UserFactory(display_name="Cai Newcomer", email="cai@example.com")

    ana = sign_in(member)
    ana.get_by_role("link", name="Platform").first.click()
    ana.get_by_label("Colleague's email").fill(newcomer.email)
    ana.get_by_role("button", name="Propose", exact=True).click()
    proposal = ana.locator(".proposal", has_text="Add Cai Newcomer")
    expect(proposal).to_contain_text("Ana Member: approves")
    expect(ana.locator(".members")).not_to_contain_text("Cai Newcomer")

    ben = sign_in(teammate)
    ben.get_by_role("link", name="Platform").first.click()
    with ben.expect_response(re.compile(r"/vote/$")) as vote:
        ben.locator(".proposal", has_text="Add Cai Newcomer").get_by_role(
            "button", name="Approve"
        ).click()
    assert vote.value.request.headers["hx-request"] == "true"
    expect(ben.locator("#proposals")).to_contain_text(re.compile(r"Add Cai Newcomer: Accepted"))
    # The vote's form went with the vote: the focus stays on the part it changed.
    expect(ben.locator("#membership")).to_be_focused()
    # The team agreed; Cai joins only by accepting its invitation.
    expect(ben.locator(".members")).not_to_contain_text("Cai Newcomer")
    expect(ben.locator("#membership")).to_contain_text("cai@example.com")

    cai = sign_in(newcomer)
    cai.goto(live_server.url + Invitation.objects.get().get_absolute_url())
    cai.get_by_role("button", name="Join").click()
    expect(cai.locator(".members")).to_contain_text("Cai Newcomer")


def test_form_errors_from_htmx_show_beside_the_field(sign_in, member, team):
    ana = sign_in(member)
    ana.get_by_role("link", name="Platform").first.click()
    ana.get_by_label("Colleague's email").fill("not-an-email")
    with ana.expect_response(re.compile(r"/proposals/member/$")) as response:
        ana.get_by_role("button", name="Propose", exact=True).click()
    assert response.value.status == 400
    expect(ana.locator("#membership .errorlist")).to_contain_text("Enter a valid email address")


def test_leadership_reads_every_team_but_cannot_change_membership(sign_in, leadership, team):
    cto = sign_in(leadership)
    expect(cto.get_by_role("heading", name="All teams")).to_be_visible()
    cto.get_by_role("link", name="Platform").first.click()
    expect(cto.locator(".members")).to_contain_text("Ana Member")
    expect(cto.get_by_role("button", name="Propose", exact=True)).to_have_count(0)
    expect(cto.get_by_role("button", name="Propose removal")).to_have_count(0)


def test_interviewers_score_independently(sign_in, member, teammate, team):
    application = ApplicationFactory(opening__team=team, candidate__name="Lena Vogel")
    ana_feedback = scoring.assign(application, member, "skills", assigned_by=member)
    ben_feedback = scoring.assign(application, teammate, "skills", assigned_by=member)

    ana = sign_in(member)
    ana.goto(f"{ana.url.rstrip('/')}{ana_feedback.get_absolute_url()}")
    expect(ana.get_by_role("heading", name="Your skills feedback on Lena Vogel")).to_be_visible()
    expect(ana.get_by_text("Reached a sound approach alone")).to_be_visible()  # an anchor
    with ana.expect_response(re.compile(r"/draft/$")):
        ana.get_by_label(re.compile(r"3 Reached a sound approach")).check()
    with ana.expect_response(re.compile(r"/draft/$")):
        ana.get_by_label("Notes").fill("ZEBRA: clear reasoning about trade-offs")
    expect(ana.locator("#draft-status")).to_contain_text("Draft saved")

    ana.reload()
    expect(ana.get_by_label(re.compile(r"3 Reached a sound approach"))).to_be_checked()
    expect(ana.get_by_label("Notes")).to_have_value("ZEBRA: clear reasoning about trade-offs")
    ana.get_by_label("Strong yes").check()
    ana.get_by_role("button", name="Submit feedback").click()
    expect(ana.get_by_text("Feedback submitted. You can now read")).to_be_visible()

    ben = sign_in(teammate)
    ben.goto(f"{ben.url.rstrip('/')}{application.get_absolute_url()}")
    expect(ben.locator("#panel")).to_contain_text("Submitted")
    expect(ben.locator("body")).not_to_contain_text("ZEBRA")
    expect(ben.locator("body")).not_to_contain_text("Strong yes")
    ben.goto(f"{ben.url.rsplit('/applications', 1)[0]}{ben_feedback.get_absolute_url()}")
    expect(ben.locator("body")).not_to_contain_text("ZEBRA")
    ben.get_by_label(re.compile(r"2 Made progress")).check()
    ben.get_by_label("Notes").fill("Needed hints")
    ben.get_by_label("No", exact=True).check()
    ben.get_by_role("button", name="Submit feedback").click()
    expect(ben.locator("#panel")).to_contain_text("ZEBRA: clear reasoning about trade-offs")
    expect(ben.locator("#panel")).to_contain_text("Strong yes")


def test_an_older_tab_cannot_wipe_what_another_tab_autosaved(sign_in, member, team):
    application = ApplicationFactory(opening__team=team, candidate__name="Lena Vogel")
    feedback = scoring.assign(application, member, "skills", assigned_by=member)
    older = sign_in(member)
    older.goto(f"{older.url.rstrip('/')}{feedback.get_absolute_url()}")
    newer = older.context.new_page()
    newer.goto(older.url)
    with newer.expect_response(re.compile(r"/draft/$")):
        newer.get_by_label("Notes").fill("ZEBRA: typed in the newer tab")
    expect(newer.locator("#draft-status")).to_contain_text("Draft saved")

    older.get_by_label(re.compile(r"3 Reached a sound approach")).check()
    expect(older.locator("#draft-status")).to_contain_text("Not saved: this draft changed")
    older.get_by_label("Strong yes").check()
    older.get_by_role("button", name="Submit feedback").click()

    expect(older.get_by_text("Not saved: this draft changed in another tab")).to_be_visible()
    expect(older.get_by_label("Notes")).to_have_value("ZEBRA: typed in the newer tab")
    feedback.refresh_from_db()
    assert not feedback.is_submitted


def test_a_failed_autosave_says_not_saved_beside_the_field(sign_in, member, team, console_errors):
    application = ApplicationFactory(opening__team=team, candidate__name="Lena Vogel")
    feedback = scoring.assign(application, member, "skills", assigned_by=member)
    ana = sign_in(member)
    ana.goto(f"{ana.url.rstrip('/')}{feedback.get_absolute_url()}")
    with ana.expect_response(re.compile(r"/draft/$")):
        ana.get_by_label("Notes").fill("Saved first")
    expect(ana.locator("#draft-status")).to_contain_text("Draft saved")

    ana.route(re.compile(r"/draft/$"), lambda route: route.fulfill(status=500, body="Boom"))
    with ana.expect_response(re.compile(r"/draft/$")):
        ana.get_by_label("Notes").fill("Typed while the server fails")
    notes_marker = ana.locator("textarea + .save-error")
    expect(notes_marker).to_have_text("Not saved")
    expect(ana.locator("#draft-status")).to_contain_text("Not saved: the server failed")

    ana.unroute(re.compile(r"/draft/$"))
    with ana.expect_response(re.compile(r"/draft/$")):
        ana.get_by_label("Notes").fill("Typed once it is back")
    expect(ana.locator("#draft-status")).to_contain_text("Draft saved")
    expect(notes_marker).to_have_count(0)
    # The browser and htmx both log the 500 this test answered with.
    console_errors[:] = [
        error for error in console_errors if not re.search(r"(status of|Error Code) 500", error)
    ]


def nine_to_five(*users):
    for user in users:
        for day in range(5):
            user.working_hours.create(weekday=day, start=time(9), end=time(17))


def test_recruiter_builds_a_panel_with_a_team_fit_peer_session_and_books_it(
    sign_in, recruiter, member, teammate, team, mailoutbox
):
    peer = UserFactory(display_name="Cai Peer")
    team.memberships.create(user=peer)
    nine_to_five(member, teammate, peer)
    application = ApplicationFactory(opening__team=team, candidate__name="Lena Vogel")

    rita = sign_in(recruiter)
    rita.goto(f"{rita.url.rstrip('/')}{application.get_absolute_url()}panel/")
    rita.get_by_role("button", name="Add a session").click()
    expect(rita.locator("fieldset.session-form")).to_have_count(2)
    first, second = rita.locator("fieldset.session-form").all()
    first.get_by_label("Focus").select_option("skills")
    first.locator(".inline-fields").nth(1).get_by_label("Ana Member").first.check()
    second.get_by_label("Focus").select_option("team_fit")
    second.locator(".inline-fields").nth(1).get_by_label("Ben Teammate").first.check()
    second.locator(".inline-fields").nth(1).get_by_label("Cai Peer").first.check()
    rita.get_by_role("button", name="Create panel").click()
    expect(rita.get_by_text("Panel created")).to_be_visible()

    rita.get_by_label("From").fill("2030-03-04")
    rita.get_by_role("button", name="Find times").click()
    first_option = rita.locator(".option").first
    expect(first_option).to_contain_text("Team fit · Ben Teammate, Cai Peer")
    first_option.get_by_role("button", name="Book").click()

    expect(rita.get_by_text("Booked. Invites are on their way.")).to_be_visible()
    expect(rita.locator(".sessions")).to_contain_text("Mon 4 Mar")
    assert {m.to[0] for m in mailoutbox} >= {member.email, teammate.email, peer.email}


def test_candidate_picks_a_slot_from_their_link(sign_in, browser, live_server, member, team):
    nine_to_five(member)
    application = ApplicationFactory(opening__team=team, candidate__name="Lena Vogel")
    panel = booking.create_panel(
        application, member, [{"focus": "skills", "duration_minutes": 60, "interviewers": [member]}]
    )
    monday = datetime(2030, 3, 4, tzinfo=UTC)
    options = booking.find_options(panel, monday, monday + timedelta(days=2))
    offer = booking.offer_to_candidate(panel, options[:3], member)

    context = browser.new_context(timezone_id="America/New_York")
    candidate = context.new_page()
    candidate.goto(f"{live_server.url}{offer.get_absolute_url()}")
    # The browser's zone is detected: 09:00 UTC shows as 04:00 in New York.
    expect(candidate.get_by_label("Times shown in")).to_have_value("America/New_York")
    expect(candidate.locator(".slot-option").first).to_contain_text("04:00–05:00 New York time")
    candidate.get_by_label("04:15–05:15 New York time").check()
    candidate.get_by_role("button", name="Book this time").click()

    expect(candidate.get_by_role("heading", name="You're booked")).to_be_visible()
    assert panel.sessions.get().start == datetime(2030, 3, 4, 9, 15, tzinfo=UTC)
    context.close()


def test_team_departs_from_the_recommendation_with_a_second_members_confirmation(
    sign_in, member, teammate, team
):
    peer = UserFactory(display_name="Cai Peer")
    team.memberships.create(user=peer)
    application = ApplicationFactory(opening__team=team, candidate__name="Nina Park")
    submitted(application, member, "skills", "yes")
    submitted(application, teammate, "team_fit", "yes")
    submitted(application, peer, "team_fit", "strong_no")

    ana = sign_in(member)
    ana.goto(f"{ana.url.rstrip('/')}{application.get_absolute_url()}debrief/")
    expect(ana.locator("#decision")).to_contain_text("veto: Cai Peer voted strong no on team fit")
    expect(ana.locator("table.grid")).to_contain_text("Problem solving")
    ana.get_by_label("Hire", exact=True).check()
    ana.get_by_role("button", name="Record the team's decision").click()
    expect(ana.locator("#decision .errorlist")).to_contain_text("give the team's rationale")
    ana.get_by_label("Rationale").fill("The veto was about on-call hours we have since changed.")
    ana.get_by_role("button", name="Record the team's decision").click()
    expect(ana.locator("#decision")).to_contain_text("a second team member must confirm")

    ben = sign_in(teammate)
    ben.goto(f"{ben.url.rstrip('/')}{application.get_absolute_url()}debrief/")
    ben.get_by_role("button", name="Confirm the decision").click()
    expect(ben.locator("#decision")).to_contain_text("Confirmed by Ben Teammate")

    ben.goto(f"{ben.url.rsplit('/applications', 1)[0]}{application.get_absolute_url()}")
    timeline = ben.locator(".timeline")
    expect(timeline).to_contain_text("Decision recorded")
    expect(timeline).to_contain_text("Decision confirmed")
    expect(ben.locator("h1")).to_contain_text("Offer")


def test_cto_filters_the_board_to_stale_cards_and_downloads_a_report(sign_in, leadership, team):
    opening = OpeningFactory(team=team, title="Platform Engineer")
    long_ago = timezone.now() - timedelta(days=40)
    ApplicationFactory(
        opening=opening, candidate__name="Old Stale", stage="panel", stage_changed_at=long_ago
    )
    ApplicationFactory(opening=opening, candidate__name="Fresh Face", stage="panel")

    cto = sign_in(leadership)
    cto.get_by_role("link", name="Pipeline").click()
    expect(cto.locator("#board")).to_contain_text("Fresh Face")
    cto.get_by_label("Stale only").check()
    expect(cto.locator("#board")).not_to_contain_text("Fresh Face")
    expect(cto.locator("#board")).to_contain_text("Old Stale")
    assert "stale=1" in cto.url  # the filtered view can be shared

    cto.get_by_role("link", name="Reports").click()
    expect(cto.get_by_role("heading", name="Funnel")).to_be_visible()
    expect(cto.locator("svg.chart title").first).to_have_text("Applications reaching each stage")
    with cto.expect_download() as download:
        cto.locator("a[href*='funnel.csv']").click()
    content = download.value.path().read_text(encoding="utf-8-sig")
    assert content.splitlines()[0] == "Stage,Reached,Pass-through (%)"
    assert "Applied,2," in content


def board_with_nina_in_screen(sign_in, member, team):
    """The board of `member`'s team, Nina Park's card in the screen column. Neither column
    is emptied nor filled from empty by her move: her card alone moves across."""
    ApplicationFactory(opening__team=team, candidate__name="Nina Park", stage="screen")
    ApplicationFactory(opening__team=team, candidate__name="Ola Quinn", stage="screen")
    ApplicationFactory(opening__team=team, candidate__name="Pia Stone", stage="panel")
    ana = sign_in(member)
    ana.get_by_role("link", name="Pipeline").click()
    return ana


def test_a_member_moves_a_card_on_the_board(sign_in, member, team):
    ana = board_with_nina_in_screen(sign_in, member, team)
    screen, panel = (
        ana.locator("section[aria-labelledby=col-screen]"),
        ana.locator("section[aria-labelledby=col-panel]"),
    )
    expect(screen).to_contain_text("Nina Park")
    card = screen.locator("li.board-card", has_text="Nina Park")
    card.get_by_label("Move Nina Park to").select_option(label="Panel")
    card.get_by_role("button", name="Move").click()

    expect(panel).to_contain_text("Nina Park")
    expect(screen).not_to_contain_text("Nina Park")
    expect(ana.locator("#count-panel")).to_have_text("2")
    expect(ana.locator("#count-screen")).to_have_text("1")
    expect(panel.locator("li.board-card").last).to_contain_text("Nina Park")
    ana.reload()
    expect(ana.locator("section[aria-labelledby=col-panel]")).to_contain_text("Nina Park")


def test_a_card_moved_from_the_keyboard_keeps_the_focus(sign_in, member, team):
    """The Move button's card is taken out of its column: the focus follows it to the other."""
    ana = board_with_nina_in_screen(sign_in, member, team)
    card = ana.locator("#column-screen li.board-card", has_text="Nina Park")
    card.get_by_role("button", name="Move").focus()
    ana.keyboard.press("Enter")

    moved = ana.locator("#column-panel li.board-card", has_text="Nina Park")
    expect(moved.get_by_role("button", name="Move")).to_be_focused()


def test_a_criterion_moved_from_the_keyboard_keeps_the_focus(sign_in, live_server, member, team):
    """Its arrow again, or, where the criterion reached the end, its other arrow."""
    template = editing.create_template(team, "Backend template")
    editing.add_criterion(template, criterion_post(weight=1), member)
    ana = sign_in(member)
    ana.goto(f"{live_server.url}{reverse('scorecard_edit', args=[template.pk])}")
    criteria = ana.locator("#criteria h3")
    expect(criteria).to_have_count(3)

    ana.get_by_role("button", name="Move System design up").focus()
    ana.keyboard.press("Enter")

    expect(criteria.nth(1)).to_contain_text("System design")
    expect(ana.get_by_role("button", name="Move System design up")).to_be_focused()
    ana.keyboard.press("Enter")

    expect(criteria.first).to_contain_text("System design")
    expect(ana.get_by_role("button", name="Move System design down")).to_be_focused()


def test_a_criterion_drafts_rated_moved_to_the_other_category_asks_first(
    sign_in, live_server, member, teammate, team
):
    """The editor's htmx form gets a page of its own asking first, whose button saves it."""
    application = ApplicationFactory(opening=OpeningFactory(team=team))
    scorecard = application.opening.scorecard
    editing.add_criterion(scorecard, criterion_post(weight=1), member)
    design = scorecard.current_version().criteria.get(name="System design")
    draft = scoring.assign(application, teammate, "skills", assigned_by=member)
    scoring.save_draft(draft, teammate, ratings={design.pk: {"score": 3}})
    ana = sign_in(member)
    ana.goto(f"{live_server.url}{reverse('scorecard_edit', args=[scorecard.pk])}")
    criterion = ana.locator(f"#criterion-{design.key}")

    criterion.get_by_role("link", name="Edit").click()
    ana.locator("#edit_category").select_option("team_fit")
    ana.get_by_role("button", name="Save criterion").click()

    expect(ana.get_by_role("heading", level=1)).to_have_text("Move “System design” to Team fit?")
    expect(ana).to_have_title(re.compile("^Move “System design”"))
    ana.get_by_role("button", name="Move the criterion").click()
    expect(criterion.locator(".badge")).to_have_text("Team fit")


def test_a_table_wider_than_a_phone_scrolls_from_the_keyboard(sign_in, live_server, org_admin):
    page = sign_in(org_admin)
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"{live_server.url}/organisation/")
    wide = page.locator(".table-scroll").first

    # In the tab order of every browser (Chromium alone puts a scrolling box there itself).
    expect(wide).to_have_attribute("tabindex", "0")
    wide.focus()
    page.keyboard.press("ArrowRight")
    expect(wide).not_to_have_js_property("scrollLeft", 0)
    page.set_viewport_size({"width": 1400, "height": 900})  # the table fits: no tab stop
    expect(wide).not_to_have_attribute("tabindex", "0")


def test_an_htmx_request_answered_not_found_says_so_above_the_page(
    sign_in, member, team, console_errors
):
    """A move from a board read before its reader left the team is a 404, which the page does
    not swap: it said nothing, the card where it was."""
    ana = board_with_nina_in_screen(sign_in, member, team)
    banner = ana.locator("#request-failed")
    expect(banner).to_be_hidden()
    team.memberships.filter(user=member).delete()

    card = ana.locator("section[aria-labelledby=col-screen] li.board-card", has_text="Nina Park")
    card.get_by_label("Move Nina Park to").select_option(label="Panel")
    with ana.expect_response(lambda response: response.request.method == "POST"):
        card.get_by_role("button", name="Move").click()

    expect(banner).to_be_visible()
    expect(banner).to_have_text(
        "That is no longer there, or no longer yours to change: reload the page to see it as "
        "it is now."
    )
    # The browser and htmx both log the 404 the move was answered with.
    console_errors[:] = [
        error for error in console_errors if not re.search(r"(status of|Error Code) 404", error)
    ]
