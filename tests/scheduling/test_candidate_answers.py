"""What the candidate's answer leaves: the booked page and its calendar file, their zone kept,
their proposed times told once to whoever offered them, and the panel page's record of it."""

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import Calendar

from hiring.models import Notification, SlotOffer
from hiring.scheduling import booking
from hiring.tasks import send_windows_proposed
from tests.factories import ApplicationFactory, nine_to_five, team_fit_panel, url

MONDAY = datetime(2030, 3, 4, tzinfo=UTC)
TUESDAY = MONDAY + timedelta(days=1)


def option_on(panel, day):
    [option, *_] = booking.find_options(panel, day, day + timedelta(days=1))
    return option


def in_days(days):
    return (timezone.now().date() + timedelta(days=days)).isoformat()


def propose(client, link, days, start="10:00", end="12:00", tz="UTC"):
    data = {"tz": tz, "date": in_days(days), "start": start, "end": end}
    return client.post(f"{link}windows/", data)


def calendar_path(application):
    """The candidate's calendar file, beside the link to their own page."""
    return f"{application.status_url()}interviews.ics"


def text_of(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def application(team):
    return ApplicationFactory(opening__team=team, candidate__name="Cora Candidate")


@pytest.fixture
def panel(application, member, teammate, recruiter):
    nine_to_five(member, teammate)
    return team_fit_panel(application, [member, teammate], recruiter)


@pytest.fixture
def offer(panel, recruiter):
    return booking.offer_to_candidate(
        panel, [option_on(panel, MONDAY), option_on(panel, TUESDAY)], recruiter
    )


@pytest.fixture
def link(offer):
    return offer.get_absolute_url()


# Booked ---------------------------------------------------------------------------------------


def test_the_booked_page_shows_what_was_booked_in_the_candidates_zone(client, link, application):
    response = client.post(link, {"pick": "1", "tz": "America/New_York"})

    assert response.status_code == 200
    text = text_of(response.text)
    assert "You're booked" in text
    assert "Tuesday 5 March 2030, 04:00–05:00 New York time Team fit interview, 60 minutes" in text
    assert "Add to my calendar (.ics)" in text
    application.candidate.refresh_from_db()
    assert application.candidate.time_zone == "America/New_York"


def test_the_calendar_file_holds_the_booked_interviews(client, link, panel, application):
    page = client.post(link, {"pick": "0"}).text
    [calendar_url] = re.findall(r'href="([^"]+interviews\.ics)"', page)

    response = client.get(calendar_url)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert 'filename="interviews.ics"' in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["METHOD"]) == "PUBLISH"
    [event] = calendar.walk("VEVENT")
    session = panel.sessions.get()
    assert (str(event["UID"]), int(event["SEQUENCE"])) == (session.uid, session.sequence)
    assert event.decoded("DTSTART") == MONDAY.replace(hour=9)
    title = application.opening.title
    assert str(event["SUMMARY"]) == f"Team fit interview: {title} (Platform)"
    assert "Cora Candidate" not in str(event["SUMMARY"])


def test_the_calendar_file_follows_a_reschedule(client, link, panel, application, recruiter):
    client.post(link, {"pick": "0"})
    booking.reschedule(panel, option_on(panel, TUESDAY), recruiter)

    [event] = Calendar.from_ical(client.get(calendar_path(application)).content).walk("VEVENT")

    assert event.decoded("DTSTART") == TUESDAY.replace(hour=9)
    assert int(event["SEQUENCE"]) == 1


def test_no_calendar_file_without_a_booking_or_a_valid_link(client, application):
    path = calendar_path(application)

    nothing = client.get(path)
    token = path.split("/")[2]
    forged = client.get(path.replace(token, token[:-2] + "xx"))

    assert nothing.status_code == 410
    assert "No interview is booked for this application." in nothing.text
    assert forged.status_code == 410


def test_the_page_shows_the_candidates_own_zone_first(client, link, application):
    application.candidate.time_zone = "Asia/Singapore"
    application.candidate.save(update_fields=["time_zone"])

    response = client.get(link)

    assert '<option value="Asia/Singapore" selected>' in response.text
    assert "17:00–18:00 Singapore time" in text_of(response.text)  # 09:00 UTC


# Proposed times -------------------------------------------------------------------------------


def test_proposing_tells_whoever_offered_the_times_once(
    client, link, offer, recruiter, application, mailoutbox, django_capture_on_commit_callbacks
):
    recruiter.time_zone = "Asia/Singapore"
    recruiter.save(update_fields=["time_zone"])

    with django_capture_on_commit_callbacks(execute=True):
        first = propose(client, link, 10, "10:00", "12:00", tz="Europe/Berlin")
    with django_capture_on_commit_callbacks(execute=True):
        propose(client, link, 11, tz="Europe/Berlin")

    assert first.status_code == 200
    assert "Thank you" in first.text
    [email] = mailoutbox
    assert email.to == [recruiter.email]
    assert email.subject == "Cora Candidate proposed other interview times"
    # 10:00 in Berlin (UTC+1 or +2) is 17:00 or 16:00 in Singapore.
    day = date.fromisoformat(in_days(10)).strftime("%A %-d %B %Y")
    assert re.search(rf"- {day}, 1[67]:00 to 1[89]:00 Singapore time", email.body)
    assert application.get_absolute_url() + "panel/" in email.body
    assert Notification.objects.filter(key__startswith=f"windows-proposed:{offer.pk}:").count() == 1


def test_a_time_proposed_twice_is_stored_once(
    client, link, panel, mailoutbox, django_capture_on_commit_callbacks
):
    """A double click stored it twice: the panel page listed it twice, "2 times proposed"."""
    with django_capture_on_commit_callbacks(execute=True):
        responses = [propose(client, link, 10, tz="Europe/Berlin") for _ in range(2)]

    for response in responses:
        assert response.status_code == 200
        assert "Thank you" in response.text
    assert panel.candidate_windows.count() == 1
    assert len(mailoutbox) == 1


def test_proposing_tells_the_recruiters_once_whoever_offered_the_times_left(
    client, panel, member, recruiter, mailoutbox, django_capture_on_commit_callbacks
):
    """The member who offered them was deactivated since: a notice to their address reached
    someone no longer there to schedule, and nobody who could."""
    options = [option_on(panel, MONDAY), option_on(panel, TUESDAY)]
    offered_by_member = booking.offer_to_candidate(panel, options, member)
    member.is_active = False
    member.save(update_fields=["is_active"])

    with django_capture_on_commit_callbacks(execute=True):
        propose(client, offered_by_member.get_absolute_url(), 10)
    send_windows_proposed.delay(offered_by_member.pk)  # run twice: told once

    assert [email.to for email in mailoutbox] == [[recruiter.email]]


def test_the_panel_page_shows_the_proposals_and_the_answer(
    client, link, offer, application, recruiter, signed_in
):
    propose(client, link, 10, "10:00", "12:00", tz="America/New_York")

    page = text_of(signed_in(recruiter).get(url("panel", application)).text)

    # Proposed in New York's time, read in the recruiter's London time.
    proposed = date.fromisoformat(in_days(10))
    start, end = (
        datetime.combine(proposed, time(hour), ZoneInfo("America/New_York")).astimezone(
            ZoneInfo("Europe/London")
        )
        for hour in (10, 12)
    )
    told = f"{start:%a %-d %b}, {start:%H:%M}–{end:%H:%M} London time"
    assert f"Times Cora Candidate proposed {told}" in page
    assert "2 times offered by Rita Recruiter" in page
    assert "Proposed 1 other time" in page


def test_a_window_shorter_than_half_an_hour_is_refused(client, link):
    response = propose(client, link, 3, "10:00", "10:15")

    assert response.status_code == 400
    assert "Give us at least 30 minutes." in response.text


# What the panel page says of each offer -----------------------------------------------------


def answers(signed_in, recruiter, application):
    page = signed_in(recruiter).get(url("panel", application)).text
    return [text_of(item) for item in re.findall(r'<span class="answer \w+">(.*?)</span>', page)]


def test_an_offer_not_answered_yet_says_until_when_it_works(
    offer, application, recruiter, signed_in
):
    [answer] = answers(signed_in, recruiter, application)

    assert answer.startswith("No answer yet; the link works until ")


def test_offers_picked_replaced_expired_or_withdrawn(
    client, panel, application, recruiter, signed_in, settings
):
    first = booking.offer_to_candidate(panel, [option_on(panel, MONDAY)], recruiter)
    second = booking.offer_to_candidate(panel, [option_on(panel, TUESDAY)], recruiter)
    SlotOffer.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(hours=1))
    client.post(second.get_absolute_url(), {"pick": "0"})

    picked, replaced = answers(signed_in, recruiter, application)

    assert picked.startswith("Picked one, ")
    assert replaced == "Not answered; replaced by a newer offer"


def test_an_offer_the_recruiter_booked_over_is_withdrawn(
    offer, panel, application, recruiter, signed_in
):
    booking.book(panel, option_on(panel, TUESDAY), recruiter)

    assert answers(signed_in, recruiter, application) == [
        "Not answered; withdrawn when the panel was booked"
    ]


def test_an_expired_offer_says_so(offer, application, recruiter, signed_in):
    SlotOffer.objects.filter(pk=offer.pk).update(created_at=timezone.now() - timedelta(days=30))

    [answer] = answers(signed_in, recruiter, application)

    assert answer.startswith("Not answered; expired ")


def test_booking_while_an_offer_waits_says_so(offer, application, recruiter, signed_in):
    page = signed_in(recruiter).get(
        url("panel_times", application), {"start": "2030-03-04", "days": "2"}
    )

    notice = text_of(re.search(r'<p class="notice">Times were offered.*?</p>', page.text).group())
    assert notice.startswith("Times were offered to Cora Candidate ")
    assert notice.endswith("they have not answered yet: booking here withdraws that link.")


def test_after_a_refused_proposal_the_page_still_books_and_shows_zones(client, link):
    """The page answering a proposal at windows/ posts its pick and zone to the link itself."""
    page = propose(client, link, -1).text

    assert f'<form method="post" action="{link}" novalidate>' in page
    assert f'<form method="get" action="{link}"' in page
