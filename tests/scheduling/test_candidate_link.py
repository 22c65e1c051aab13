"""The candidate's scheduling link: no account, their own time zone, single use, atomic."""

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from hiring.models import (
    Application,
    CandidateWindow,
    LinkError,
    SessionInterviewer,
    SlotOffer,
)
from hiring.portal import status as portal_status
from hiring.scheduling import booking
from hiring.scheduling.views import OPTION_SALT
from tests.factories import (
    ApplicationFactory,
    at_once,
    field_errors,
    nine_to_five,
    team_fit_panel,
)

MONDAY = datetime(2030, 3, 4, tzinfo=UTC)
TUESDAY = MONDAY + timedelta(days=1)


def first_option_on(panel, day):
    [option, *_] = booking.find_options(panel, day, day + timedelta(days=1))
    return option


def options_shown(text):
    """What the candidate reads of each option, tags and spacing dropped."""
    return [
        " ".join(re.sub(r"<[^>]+>", " ", option).split())
        for option in re.findall(r'<label class="slot-option">(.*?)</label>', text, re.DOTALL)
    ]


def offered_picks(text):
    """The option indexes the page lets the candidate pick."""
    return [int(value) for value in re.findall(r'name="pick" value="(\d+)"', text)]


@pytest.fixture
def application(team):
    return ApplicationFactory(opening__team=team, candidate__name="Cora Candidate")


@pytest.fixture
def panel(application, member, teammate, recruiter):
    nine_to_five(member, teammate)
    return team_fit_panel(application, [member, teammate], recruiter)


@pytest.fixture
def offer(panel, recruiter):
    """Monday 09:00 UTC, or Tuesday 09:00 UTC."""
    return booking.offer_to_candidate(
        panel, [first_option_on(panel, MONDAY), first_option_on(panel, TUESDAY)], recruiter
    )


@pytest.fixture
def link(offer):
    return offer.get_absolute_url()


# Seeing the options ---------------------------------------------------------------------------


def test_the_options_show_in_the_candidates_time_zone(client, link):
    response = client.get(link, {"tz": "America/New_York"})

    assert response.status_code == 200
    assert "Hello Cora Candidate" in response.text
    # 09:00 UTC is 04:00 in New York in early March (before US daylight saving starts).
    assert options_shown(response.text) == [
        "Monday 4 March 04:00–05:00 New York time Team fit interview, 60 minutes",
        "Tuesday 5 March 04:00–05:00 New York time Team fit interview, 60 minutes",
    ]
    assert '<option value="America/New_York" selected>' in response.text


def test_an_unknown_time_zone_shows_utc(client, link):
    response = client.get(link, {"tz": "Atlantis/Capital"})

    assert response.status_code == 200
    assert "Monday 4 March 09:00–10:00 UTC" in options_shown(response.text)[0]
    assert '<option value="UTC" selected>' in response.text
    assert "Atlantis" not in response.text


def test_the_candidates_pages_are_never_stored(client, link, offer):
    """Not in a shared cache nor in the browser's history: the link is the candidate's key."""
    responses = [
        client.get(link),
        client.post(link, {"pick": "x"}),
        propose(client, link, "1901-03-05"),
        client.get("/schedule/forged/"),
    ]

    for response in responses:
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]


# Picking one --------------------------------------------------------------------------------


def test_picking_an_option_books_it(
    client,
    link,
    offer,
    panel,
    member,
    teammate,
    application,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link, {"pick": "1", "tz": "America/New_York"})

    assert response.status_code == 200
    assert "You're booked" in response.text
    session = panel.sessions.get()
    assert (session.start, session.end) == (TUESDAY.replace(hour=9), TUESDAY.replace(hour=10))
    assert set(session.interviewers.values_list("start", flat=True)) == {session.start}
    offer.refresh_from_db()
    assert offer.used_at is not None
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [member.email, teammate.email, application.candidate.email]
    )
    for message in mailoutbox:
        calendar = Calendar.from_ical(message.attachments[0][1])
        assert str(calendar["METHOD"]) == "REQUEST"
        assert str(calendar.walk("VEVENT")[0]["UID"]) == session.uid


@pytest.mark.django_db(transaction=True)
def test_the_invites_read_the_zone_the_candidate_picked_in(client, link, application, mailoutbox):
    """As reported: the page showed Los Angeles time, the invites (sent as the booking
    commits) the zone stored before."""
    response = client.post(link, {"pick": "1", "tz": "America/Los_Angeles"})

    assert "01:00–02:00 Los Angeles time" in response.text
    [invite] = [m for m in mailoutbox if m.to == [application.candidate.email] and m.attachments]
    assert invite.subject.endswith("Tue 5 Mar, 01:00 Los Angeles time")
    application.candidate.refresh_from_db()
    assert application.candidate.time_zone == "America/Los_Angeles"


def test_a_pick_that_is_not_offered_is_refused(client, link, offer, panel):
    response = client.post(link, {"pick": "7"})

    assert response.status_code == 400
    assert "Choose one of the times below." in response.text
    assert panel.sessions.get().start is None
    offer.refresh_from_db()
    assert offer.used_at is None


def test_a_second_click_on_a_pick_shows_what_was_booked(
    client, link, panel, mailoutbox, django_capture_on_commit_callbacks
):
    """As reported: it said "You already picked a time with this link.", as if it failed."""
    with django_capture_on_commit_callbacks(execute=True):
        client.post(link, {"pick": "0", "tz": "Europe/Berlin"})
    invited = len(mailoutbox)

    # Clicked again, another option, or the link opened again: what was booked, once.
    for response in (
        client.post(link, {"pick": "0", "tz": "Europe/Berlin"}),
        client.post(link, {"pick": "1", "tz": "Europe/Berlin"}),
        client.get(link, {"tz": "Europe/Berlin"}),
    ):
        assert response.status_code == 200
        assert "You're booked" in response.text
        assert "Monday 4 March 2030, 10:00–11:00 Berlin time" in response.text
    assert panel.sessions.get().start == MONDAY + timedelta(hours=9)
    assert len(mailoutbox) == invited


@pytest.mark.django_db(transaction=True)
def test_a_double_click_on_a_pick_books_once_and_shows_it_both_times(link, panel, mailoutbox):
    responses = at_once(*[lambda: Client().post(link, {"pick": "0"}) for _ in range(2)])

    for response in responses:
        assert response.status_code == 200
        assert "Monday 4 March 2030, 09:00–10:00 UTC" in response.text
    assert panel.sessions.get().start == MONDAY + timedelta(hours=9)
    invites = [m for m in mailoutbox if m.to == [panel.application.candidate.email]]
    assert len([m for m in invites if m.attachments]) == 1


def test_a_used_link_of_a_closed_application_says_it_is_closed(client, link, panel, application):
    """Not "You're booked" over the interview they had before they withdrew."""
    client.post(link, {"pick": "0"})
    held = timezone.now() - timedelta(days=1)
    panel.sessions.update(start=held, end=held + timedelta(hours=1))
    portal_status.withdraw(application)

    response = client.get(link)

    assert response.status_code == 410
    assert "This application is closed." in response.text


def test_a_used_link_whose_interview_was_cancelled_says_so(client, link, panel, recruiter):
    """As found: it said "You already picked a time with this link.", as if it still stood."""
    client.post(link, {"pick": "0"})
    booking.cancel_panel(panel, recruiter)

    for response in (client.get(link), client.post(link, {"pick": "1"})):
        assert response.status_code == 410
        assert (
            "The interviews you booked through this link were cancelled. The team will write "
            "to you about what comes next."
        ) in response.text
        assert "You already picked a time" not in response.text
    assert panel.sessions.get().cancelled_at is not None


def test_a_tampered_link_shows_a_clear_page(client, offer, panel):
    forged = signing.dumps(offer.pk + 1, salt="not-the-salt")

    for token in (forged, offer.get_absolute_url().split("/")[-2][:-2] + "xx"):
        response = client.post(f"/schedule/{token}/", {"pick": "0"})
        assert response.status_code == 410
        assert "This link is not valid. Check that you copied all of it." in response.text
    assert panel.sessions.get().start is None


def test_an_expired_link_shows_a_clear_page(client, offer, panel, settings):
    settings.SLOT_OFFER_MAX_AGE_DAYS = 0
    SlotOffer.objects.filter(pk=offer.pk).update(created_at=timezone.now() - timedelta(hours=1))

    response = client.post(offer.get_absolute_url(), {"pick": "0"})

    assert response.status_code == 410
    assert "This link has expired. Ask your recruiter for a new one." in response.text
    assert panel.sessions.get().start is None


def test_a_link_signed_later_still_expires_with_its_offer(client, offer, settings):
    settings.SLOT_OFFER_MAX_AGE_DAYS = 1
    SlotOffer.objects.filter(pk=offer.pk).update(created_at=timezone.now() - timedelta(days=2))

    response = client.get(offer.get_absolute_url())  # signed just now

    assert response.status_code == 410
    assert "This link has expired." in response.text


def test_an_option_taken_meanwhile_shows_the_remaining_ones(
    client, link, offer, panel, member, team, recruiter
):
    other = team_fit_panel(ApplicationFactory(opening__team=team), [member], recruiter)
    booking.book(other, first_option_on(other, MONDAY), recruiter)

    response = client.post(link, {"pick": "0", "tz": "UTC"})

    assert response.status_code == 409
    assert "That time was just taken. These are still free." in response.text
    assert offered_picks(response.text) == [1]
    assert "Tuesday 5 March 09:00–10:00 UTC" in options_shown(response.text)[0]
    assert panel.sessions.get().start is None
    assert SessionInterviewer.objects.filter(user=member).exclude(start=None).count() == 1
    offer.refresh_from_db()
    assert offer.used_at is None
    # The remaining option can still be picked.
    assert client.post(link, {"pick": "1"}).status_code == 200
    assert panel.sessions.get().start == TUESDAY.replace(hour=9)


# Withdrawn by a newer link or a booking -----------------------------------------------------


def test_a_newer_link_replaces_the_older_one(client, link, panel, recruiter):
    newer = booking.offer_to_candidate(panel, [first_option_on(panel, TUESDAY)], recruiter)
    window = {"date": "2030-03-05", "start": "10:00", "end": "12:00"}

    for response in (
        client.get(link),
        client.post(link, {"pick": "0"}),
        client.post(f"{link}windows/", window),
    ):
        assert response.status_code == 410
        assert "This link was replaced by a newer one." in response.text
    assert panel.sessions.get().start is None
    assert not CandidateWindow.objects.exists()
    assert client.get(newer.get_absolute_url()).status_code == 200


def test_a_booking_since_the_offer_withdraws_its_link(client, link, panel, recruiter):
    booking.book(panel, first_option_on(panel, TUESDAY), recruiter)

    for response in (client.get(link), client.post(link, {"pick": "0"})):
        assert response.status_code == 410
        assert "This interview is already booked." in response.text
    session = panel.sessions.get()
    assert (session.start, session.sequence) == (TUESDAY.replace(hour=9), 0)


def test_a_withdrawn_candidates_link_books_nothing(client, link, offer, panel, application):
    portal_status.withdraw(application)

    for response in (client.get(link), client.post(link, {"pick": "0"})):
        assert response.status_code == 410
        assert "This application is closed. Write to the recruiter who contacted you." in (
            response.text
        )
    assert panel.sessions.get().start is None


def test_a_link_after_the_debrief_opened_says_the_interviews_are_no_longer_scheduled(
    client, link, offer, panel, application
):
    """As reported: picking a time once the debrief had opened was refused (a scorecard would
    no longer be independent) and the candidate read "Choose one of the times below."."""
    message = "Your interviews are no longer being scheduled. The recruiter will be in touch"
    opened = booking.offer_for_link(link.split("/")[-2])
    Application.objects.filter(pk=application.pk).update(
        stage=Application.Stage.DEBRIEF, debrief_opened_at=timezone.now()
    )

    for response in (client.post(link, {"pick": "0"}), client.get(link)):
        assert response.status_code == 410
        assert message in response.text
        assert "Choose one of the times below." not in response.text
        assert options_shown(response.text) == []
    with pytest.raises(LinkError, match=message):
        booking.candidate_pick(opened, 0)
    assert panel.sessions.get().start is None


def test_a_withdrawal_while_the_candidate_picks_books_nothing(offer, panel, application):
    """The link was checked as the page opened; the pick checks again under the locks."""
    opened = booking.offer_for_link(offer.get_absolute_url().split("/")[-2])
    portal_status.withdraw(application)

    with pytest.raises(LinkError, match="This application is closed."):
        booking.candidate_pick(opened, 0)

    assert panel.sessions.get().start is None


def test_a_withdrawal_while_the_candidate_proposes_stores_nothing(
    offer, panel, application, mailoutbox, django_capture_on_commit_callbacks
):
    """The link was checked as the form was posted; the proposal checks again under the lock,
    so the team is not told of times from a candidate who withdrew."""
    opened = booking.offer_for_link(offer.get_absolute_url().split("/")[-2])
    with django_capture_on_commit_callbacks(execute=True):
        portal_status.withdraw(application)
    mailoutbox.clear()
    start = timezone.now() + timedelta(days=3)

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(LinkError, match="This application is closed."),
    ):
        booking.propose_window(opened, start, start + timedelta(hours=2))

    assert not CandidateWindow.objects.exists()
    assert mailoutbox == []


def test_the_same_offer_sent_twice_is_sent_once(
    client, panel, application, recruiter, mailoutbox, django_capture_on_commit_callbacks
):
    """As reported: a double click sent two emails, and the first link was already replaced."""
    options = [first_option_on(panel, MONDAY), first_option_on(panel, TUESDAY)]
    signed = [signing.dumps(option, salt=OPTION_SALT, compress=True) for option in options]
    client.force_login(recruiter)

    with django_capture_on_commit_callbacks(execute=True):
        responses = [
            client.post(
                f"/applications/{application.pk}/panel/offer/", {"option": signed}, follow=True
            )
            for _ in range(2)
        ]

    for response in responses:
        assert "2 options sent to Cora Candidate." in response.text
    [offer] = SlotOffer.objects.all()
    [email] = mailoutbox
    [token] = re.findall(r"/schedule/([^/\s]+)/", email.body)
    assert booking.offer_for_link(token) == offer
    # Other options are a new offer.
    assert booking.offer_to_candidate(panel, options[:1], recruiter) != offer


def offer_posted(client, application, options):
    signed = [signing.dumps(option, salt=OPTION_SALT, compress=True) for option in options]
    return client.post(
        f"/applications/{application.pk}/panel/offer/", {"option": signed}, follow=True
    )


def test_an_option_posted_twice_is_offered_once(client, panel, application, recruiter):
    monday, tuesday = first_option_on(panel, MONDAY), first_option_on(panel, TUESDAY)
    client.force_login(recruiter)

    response = offer_posted(client, application, [monday, tuesday, monday, monday])

    assert "2 options sent to Cora Candidate." in response.text
    [offer] = SlotOffer.objects.all()
    assert offer.options == [monday, tuesday]
    assert offered_picks(client.get(offer.get_absolute_url()).text) == [0, 1]


def test_more_options_than_a_search_shows_are_not_offered(
    client, panel, application, recruiter, mailoutbox
):
    options = booking.find_options(panel, MONDAY, MONDAY + timedelta(days=5), limit=11)
    assert len(options) == 11
    client.force_login(recruiter)

    response = offer_posted(client, application, options)

    assert "Offer at most 10 options at once." in response.text
    assert not SlotOffer.objects.exists()
    assert mailoutbox == []


def test_a_link_picked_from_replaces_the_older_links(client, link, panel, recruiter):
    newer = booking.offer_to_candidate(panel, [first_option_on(panel, TUESDAY)], recruiter)
    client.post(newer.get_absolute_url(), {"pick": "0"})

    response = client.post(link, {"pick": "0"})

    assert response.status_code == 410
    assert panel.sessions.get().start == TUESDAY.replace(hour=9)


def test_a_link_sent_after_a_booking_reschedules_it(client, panel, recruiter):
    booking.book(panel, first_option_on(panel, MONDAY), recruiter)
    later = booking.offer_to_candidate(panel, [first_option_on(panel, TUESDAY)], recruiter)

    response = client.post(later.get_absolute_url(), {"pick": "0"})

    assert response.status_code == 200
    session = panel.sessions.get()
    assert (session.start, session.sequence) == (TUESDAY.replace(hour=9), 1)


# Proposing a window -------------------------------------------------------------------------


def in_days(days):
    """The day `days` from today in UTC, as the date field takes it."""
    return (timezone.now().date() + timedelta(days=days)).isoformat()


def propose(client, link, day, start="10:00", end="12:00", tz="UTC"):
    data = {"tz": tz, "date": day, "start": start, "end": end}
    return client.post(f"{link}windows/", data)


def test_a_proposed_window_is_stored_in_utc(client, link, offer, panel):
    response = propose(client, link, in_days(10), "10:00", "12:30", tz="America/New_York")

    assert response.status_code == 200
    assert "We have your time:" in response.text
    assert "10:00–12:30 New York time" in response.text
    [window] = CandidateWindow.objects.all()
    assert window.panel == panel
    new_york = ZoneInfo("America/New_York")
    day = timezone.now().date() + timedelta(days=10)
    assert (window.start, window.end) == (
        datetime.combine(day, time(10), tzinfo=new_york),
        datetime.combine(day, time(12, 30), tzinfo=new_york),
    )
    assert window.start.tzinfo == UTC
    offer.refresh_from_db()
    assert offer.used_at is None


def test_a_window_that_ends_before_it_starts_on_the_clock_runs_past_midnight(client, link):
    response = propose(client, link, in_days(10), "22:00", "00:30", tz="Europe/Berlin")

    assert response.status_code == 200
    [window] = CandidateWindow.objects.all()
    berlin = ZoneInfo("Europe/Berlin")
    day = timezone.now().date() + timedelta(days=10)
    assert (window.start, window.end) == (
        datetime.combine(day, time(22), tzinfo=berlin),
        datetime.combine(day + timedelta(days=1), time(0, 30), tzinfo=berlin),
    )


def test_a_window_in_1901_is_refused(client, link):
    response = propose(client, link, "1901-03-05")

    assert response.status_code == 400
    assert "Choose a day from today on." in field_errors(response.text, "date")
    assert not CandidateWindow.objects.exists()


@pytest.mark.parametrize(
    ("days", "start", "field", "message"),
    [
        (-1, "10:00", "date", "Choose a day from today on."),
        (0, "00:00", "start", "That time has passed: choose a later one."),
        (61, "10:00", "date", "Choose a day within the next 60 days."),
        (3, "12:00", "end", "The end must be after the start."),
    ],
)
def test_a_window_outside_the_next_60_days_is_refused(client, link, days, start, field, message):
    response = propose(client, link, in_days(days), start, "12:00")

    assert response.status_code == 400
    assert message in field_errors(response.text, field)
    assert not CandidateWindow.objects.exists()


@pytest.fixture
def berlin_in_march_2027(monkeypatch, offer):
    """Today is 7 March 2027, the link sent today: Berlin's clocks go from 02:00 to 03:00 on
    28 March, within the days a candidate may propose."""
    now = datetime(2027, 3, 7, 12, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: now)
    SlotOffer.objects.filter(pk=offer.pk).update(created_at=now)  # its default took the real now


def test_a_window_from_the_hour_the_clocks_skip_is_ordered_in_time(
    client, link, berlin_in_march_2027
):
    """02:30 is read as 03:30, after 03:15: the window ran backwards and the database refused
    it (a 500 on the candidate's page)."""
    response = propose(client, link, "2027-03-28", "02:30", "03:15", tz="Europe/Berlin")

    assert response.status_code == 400
    assert "02:30 Berlin time does not exist on 28 March 2027: the clocks go forward from " in (
        field_errors(response.text, "start")
    )
    assert not CandidateWindow.objects.exists()


def test_a_window_across_the_hour_the_clocks_skip_is_measured_in_real_time(
    client, link, berlin_in_march_2027
):
    """01:45-03:10 reads as 85 minutes on the clock but lasts 25 that night."""
    short = propose(client, link, "2027-03-28", "01:45", "03:10", tz="Europe/Berlin")
    enough = propose(client, link, "2027-03-28", "01:30", "03:00", tz="Europe/Berlin")

    assert short.status_code == 400
    assert "Give us at least 30 minutes." in field_errors(short.text, "end")
    assert enough.status_code == 200
    [window] = CandidateWindow.objects.all()
    assert (window.start, window.end) == (
        datetime(2027, 3, 28, 0, 30, tzinfo=UTC),
        datetime(2027, 3, 28, 1, tzinfo=UTC),
    )


def test_a_link_takes_ten_windows(client, link, offer, panel, recruiter):
    for days in range(1, 11):
        assert propose(client, link, in_days(days)).status_code == 200

    response = propose(client, link, in_days(11))

    assert response.status_code == 400
    assert "You proposed 10 times already: the team will come back to you." in response.text
    assert CandidateWindow.objects.count() == 10
    newer = booking.offer_to_candidate(panel, offer.options, recruiter)
    assert propose(client, newer.get_absolute_url(), in_days(11)).status_code == 200


def test_a_window_needs_a_valid_link(client, offer):
    response = client.post(
        "/schedule/forged/windows/", {"date": in_days(3), "start": "10:00", "end": "12:00"}
    )

    assert response.status_code == 410
    assert not CandidateWindow.objects.exists()


# Too many posts -----------------------------------------------------------------------------


def test_thirty_posts_in_ten_minutes_from_one_address_then_a_pause(client, link):
    for n in range(30):
        page = client.post(link, {"pick": "x"}) if n % 2 else propose(client, link, "1901-01-01")
        assert page.status_code == 400

    responses = [client.post(link, {"pick": "0"}), propose(client, link, in_days(3))]

    for response in responses:
        assert response.status_code == 429
        assert "Too many tries from your network" in response.text
        assert "no-store" in response["Cache-Control"]
    assert not CandidateWindow.objects.exists()
    assert client.get(link).status_code == 200
    assert client.post(link, {"pick": "x"}, REMOTE_ADDR="203.0.113.7").status_code == 400


def test_a_cache_that_fails_lets_posts_through(client, link, settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }

    for _ in range(31):
        assert client.post(link, {"pick": "x"}).status_code == 400
    assert "candidate-posts not counted: the cache failed" in caplog.text


# Two candidates at once ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_candidates_picking_one_interviewer_at_once_book_once(member, teammate, team):
    nine_to_five(member)
    links = []
    for _ in range(2):
        panel = team_fit_panel(ApplicationFactory(opening__team=team), [member], teammate)
        option = first_option_on(panel, MONDAY)
        assert option["sessions"][0]["start"] == "2030-03-04T09:00:00+00:00"
        links.append(booking.offer_to_candidate(panel, [option], teammate).get_absolute_url())

    responses = at_once(*[lambda link=link: Client().post(link, {"pick": "0"}) for link in links])

    assert sorted(r.status_code for r in responses) == [200, 409]
    [refused] = [r for r in responses if r.status_code == 409]
    assert "That time was just taken." in refused.text
    assert SessionInterviewer.objects.filter(user=member).exclude(start=None).count() == 1
    assert SlotOffer.objects.exclude(used_at=None).count() == 1


def test_options_found_for_another_panel_are_not_offered(
    client, panel, member, teammate, recruiter, mailoutbox
):
    """Signed for another candidate's panel: the link sent would only ever answer 410."""
    other = team_fit_panel(
        ApplicationFactory(opening=panel.application.opening), [member], recruiter
    )
    signed = signing.dumps(first_option_on(other, MONDAY), salt=OPTION_SALT, compress=True)
    client.force_login(recruiter)

    response = client.post(
        f"/applications/{panel.application.pk}/panel/offer/", {"option": signed}, follow=True
    )

    assert "These options are not this panel&#x27;s as it is now" in response.text
    assert not SlotOffer.objects.exists()
    assert mailoutbox == []
