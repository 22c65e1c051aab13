"""A panel's times that run past midnight where they are read: the day an end or a later
session falls on is written, not left to read as the day the option starts on."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils.html import strip_tags

from hiring.models import User
from hiring.scheduling import booking
from tests.factories import ApplicationFactory, nine_to_five, url

# 09:00 UTC on Monday 4 March 2030 is 22:45 in Pacific/Chatham (13 h 45 ahead in its summer):
# three hour-long sessions back to back run 22:45 to 01:45 on Tuesday there.
MONDAY = datetime(2030, 3, 4, tzinfo=UTC)
CHATHAM = "Pacific/Chatham"
SEARCH = {"start": "2030-03-04", "days": "2"}


def plain(html):
    return " ".join(strip_tags(html).split())


@pytest.fixture
def panel(team, member, teammate, peer, recruiter):
    application = ApplicationFactory(opening__team=team, candidate__name="Cora Candidate")
    nine_to_five(member, teammate, peer)
    sessions = [
        {"focus": "skills", "duration_minutes": 60, "interviewers": [member]},
        {"focus": "team_fit", "duration_minutes": 60, "interviewers": [teammate]},
        {"focus": "skills", "duration_minutes": 60, "interviewers": [peer]},
    ]
    return booking.create_panel(application, recruiter, sessions)


@pytest.fixture
def option(panel):
    [option, *_] = booking.find_options(panel, MONDAY, MONDAY + timedelta(days=1))
    return option


def test_the_candidate_reads_the_day_a_session_ends_or_starts_on_past_midnight(
    client, panel, option, recruiter
):
    offer = booking.offer_to_candidate(panel, [option], recruiter)

    page = client.get(offer.get_absolute_url(), {"tz": CHATHAM}).text
    [shown] = re.findall(r'<label class="slot-option">(.*?)</label>', page, re.DOTALL)

    assert plain(shown) == (
        "Monday 4 March"
        " 22:45–23:45 Chatham Islands time Skills interview, 60 minutes"
        " 23:45–Tue 5 Mar, 00:45 Chatham Islands time Team fit interview, 60 minutes"
        " Tue 5 Mar, 00:45–01:45 Chatham Islands time Skills interview, 60 minutes"
    )


def test_in_german_the_days_read_as_german_writes_them(client, panel, option, recruiter):
    offer = booking.offer_to_candidate(panel, [option], recruiter)

    page = client.get(offer.get_absolute_url(), {"tz": CHATHAM}, HTTP_ACCEPT_LANGUAGE="de").text
    [shown] = re.findall(r'<label class="slot-option">(.*?)</label>', page, re.DOTALL)

    assert plain(shown).startswith("Montag, 4. März 22:45–23:45 Zeit Chatham")
    assert "23:45–Di, 5. Mär, 00:45 Zeit Chatham" in plain(shown)


def test_the_candidate_booked_reads_the_day_each_interview_ends_on(
    client, panel, option, recruiter, django_capture_on_commit_callbacks
):
    offer = booking.offer_to_candidate(panel, [option], recruiter)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(offer.get_absolute_url(), {"pick": "0", "tz": CHATHAM})

    shown = plain(response.text)
    assert "Monday 4 March 2030, 23:45–Tue 5 Mar, 00:45 Chatham Islands time" in shown
    assert "Tuesday 5 March 2030, 00:45–01:45 Chatham Islands time" in shown


def test_the_recruiter_reads_the_day_a_session_ends_or_starts_on_past_midnight(
    signed_in, panel, recruiter
):
    User.objects.filter(pk=recruiter.pk).update(time_zone=CHATHAM)

    page = signed_in(recruiter).get(url("panel_times", panel.application), SEARCH).text
    first = re.search(r'<li class="option">(.*?)<div class="actions">', page, re.DOTALL)[1]

    assert plain(first).startswith(
        "Monday 4 Mar Chatham Islands time"
        " 22:45–23:45 · Skills · Ana Member"
        " 23:45–Tue 5 Mar, 00:45 · Team fit · Ben Teammate"
        " Tue 5 Mar, 00:45–01:45 · Skills · Cai Peer"
    )


def test_a_time_the_candidate_proposed_past_midnight_reads_the_day_it_ends(
    signed_in, panel, option, recruiter, mailoutbox, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=recruiter.pk).update(time_zone=CHATHAM)
    offer = booking.offer_to_candidate(panel, [option], recruiter)
    mailoutbox.clear()

    # 08:00 to 12:00 UTC: 21:45 on Monday to 01:45 on Tuesday in Chatham.
    with django_capture_on_commit_callbacks(execute=True):
        booking.propose_window(offer, MONDAY.replace(hour=8), MONDAY.replace(hour=12))
    page = plain(signed_in(recruiter).get(url("panel", panel.application)).text)

    [email] = mailoutbox
    assert "- Monday 4 March 2030, 21:45 to Tue 5 Mar, 01:45 Chatham Islands time" in email.body
    assert "Mon 4 Mar, 21:45–Tue 5 Mar, 01:45 Chatham Islands time" in page


def test_the_candidates_invite_and_page_read_the_day_an_interview_ends(
    client, panel, option, recruiter, mailoutbox, django_capture_on_commit_callbacks
):
    candidate = panel.application.candidate
    candidate.time_zone = CHATHAM
    candidate.save(update_fields=["time_zone"])

    with django_capture_on_commit_callbacks(execute=True):
        booking.book(panel, option, recruiter)
    status = plain(client.get(panel.application.status_url()).text)

    [body] = [
        email.body
        for email in mailoutbox
        if email.to == [candidate.email] and "team fit interview" in email.body
    ]
    assert "When: Monday 4 March 2030, 23:45 to Tue 5 Mar, 00:45 Chatham Islands time" in body
    assert (
        "Monday 4 March 2030, 23:45–Tue 5 Mar, 00:45 Chatham Islands time: team fit interview"
        in status
    )
