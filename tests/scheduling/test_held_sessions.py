"""A session that has begun stays as held: cancelling the panel cancels only those still to
come, and a session of its own can't be cancelled once begun (nobody's calendar loses it, and
its scorecards stay due)."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import Calendar

from hiring.models import Application, Membership
from hiring.scheduling import booking
from hiring.teams import membership
from scorecards.models import Feedback
from tests.factories import UserFactory, assigned, nine_to_five, url
from tests.scheduling.test_panel_booking import invites, messages_of, signed_options

pytestmark = pytest.mark.django_db


def skills_and_team_fit(application, member, teammate, recruiter, back_to_back=True):
    """A panel of two sessions: skills with `member`, team fit with `teammate`."""
    sessions = [
        {"focus": focus, "duration_minutes": 60, "interviewers": [person]}
        for focus, person in (("skills", member), ("team_fit", teammate))
    ]
    return booking.create_panel(application, recruiter, sessions, back_to_back)


@pytest.fixture
def held_and_ahead(application, member, teammate, recruiter):
    """A panel of two sessions: one held yesterday, one the day after tomorrow."""
    panel = skills_and_team_fit(application, member, teammate, recruiter)
    held, ahead = panel.sessions.order_by("position")
    for session, days in ((held, -1), (ahead, 2)):
        session.start = timezone.now() + timedelta(days=days)
        session.end = session.start + timedelta(hours=1)
        session.save()
        session.interviewers.update(start=session.start, end=session.end)
    feedback = assigned(application, member, "skills")
    feedback.session = held
    feedback.save(update_fields=["session"])
    return held, ahead


def test_cancelling_the_panel_leaves_the_session_held(
    held_and_ahead, application, member, recruiter, signed_in, mailoutbox
):
    held, ahead = held_and_ahead

    signed_in(recruiter).post(url("panel_cancel", application))

    held.refresh_from_db()
    ahead.refresh_from_db()
    assert ahead.cancelled_at is not None
    assert held.cancelled_at is None
    assert Feedback.objects.filter(session=held, interviewer=member).exists()


def test_a_session_begun_is_not_cancelled(held_and_ahead, application, recruiter, signed_in):
    held, _ahead = held_and_ahead
    client = signed_in(recruiter)

    response = client.post(url("session_cancel", application, held.pk))

    held.refresh_from_db()
    assert held.cancelled_at is None
    assert messages_of(response) == ["This session has begun: it can no longer be cancelled."]
    page = client.get(url("panel", application)).text
    assert url("session_cancel", application, held.pk) not in page


def test_a_panel_whose_sessions_all_began_offers_no_cancelling(
    held_and_ahead, application, recruiter, signed_in
):
    _held, ahead = held_and_ahead
    booking.cancel_session(ahead, recruiter)
    client = signed_in(recruiter)

    response = client.post(url("panel_cancel", application))

    assert messages_of(response) == [
        "Every booked session of this panel has begun: none can be cancelled."
    ]
    assert url("panel_cancel", application) not in client.get(url("panel", application)).text


def test_a_reschedule_moves_only_the_sessions_still_to_come(
    held_and_ahead, application, member, teammate, recruiter
):
    held, ahead = held_and_ahead
    nine_to_five(member, teammate)
    now = timezone.now()
    [option, *_] = booking.find_options(held.panel, now, now + timedelta(days=10))

    placed = booking.reschedule_as(recruiter, application.pk, option)

    assert [entry["session"] for entry in option["sessions"]] == [ahead.pk]
    assert [session for session, _before in placed] == [ahead]
    before = held.start, held.sequence
    held.refresh_from_db()
    assert (held.start, held.sequence) == before


def test_a_panel_with_no_session_left_to_book_offers_no_search(
    held_and_ahead, application, recruiter, signed_in
):
    _held, ahead = held_and_ahead
    booking.cancel_session(ahead, recruiter)

    page = signed_in(recruiter).get(url("panel", application)).text

    assert "No session of this panel is left to book: each has begun or was cancelled." in page
    assert url("panel_times", application) not in page


# Booking a cancelled session again ----------------------------------------------------------


def test_a_session_cancelled_after_one_was_held_is_booked_again(
    held_and_ahead,
    application,
    member,
    teammate,
    recruiter,
    signed_in,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    """As asked: the team-fit session cancelled (its interviewer fell ill) once the skills
    session was held could not be booked again."""
    held, ahead = held_and_ahead
    nine_to_five(member, teammate)
    booking.cancel_session(ahead, recruiter)
    cancellation = ahead.sequence + 1
    client = signed_in(recruiter)
    assert (
        url("session_reopen", application, ahead.pk) in client.get(url("panel", application)).text
    )

    response = client.post(url("session_reopen", application, ahead.pk), follow=True)

    assert messages_of(response) == [
        "The team fit session is to be booked again: find a time for it."
    ]
    tomorrow = timezone.localdate() + timedelta(days=1)
    page = client.get(url("panel_times", application), {"start": tomorrow, "days": 10}).text
    [option, *_] = signed_options(page)
    assert "Reschedule to this time" not in page  # nothing booked moves
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("panel_book", application), {"option": option}, follow=True)

    assert messages_of(response)[-1] == "Booked. Invites are on their way."
    ahead.refresh_from_db()
    assert ahead.cancelled_at is None
    assert ahead.start > timezone.now()
    # Its invites come after its cancellation, or calendar apps would drop them.
    assert ahead.sequence > cancellation
    assert sorted((to, method) for to, method, _uid, _type in invites(mailoutbox)) == sorted(
        [(application.candidate.email, "REQUEST"), (teammate.email, "REQUEST")]
    )
    assert Feedback.objects.filter(session=ahead, interviewer=teammate).exists()
    before = held.start, held.sequence
    held.refresh_from_db()
    assert (held.start, held.sequence) == before


def test_a_session_booked_again_is_an_invitation_not_an_update(
    held_and_ahead, application, recruiter, mailoutbox, django_capture_on_commit_callbacks
):
    """Its SEQUENCE is above its cancellation's, for calendar apps; its people read of a new
    interview, not of a change to one they no longer have."""
    held, ahead = held_and_ahead
    nine_to_five(*[seat.user for seat in ahead.interviewers.all()])
    booking.cancel_session(ahead, recruiter)
    booking.reopen_session(ahead, recruiter)
    now = timezone.now()
    [option, *_] = booking.find_options(held.panel, now, now + timedelta(days=10))
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        booking.book_as(recruiter, application.pk, option)

    assert len(mailoutbox) == 2  # the candidate and the interviewer
    for message in mailoutbox:
        assert not message.subject.startswith("Updated:")
        assert "The interview has changed." not in message.body
        [(_name, content, _type)] = message.attachments
        [event] = Calendar.from_ical(content).walk("VEVENT")
        assert event["SEQUENCE"] == ahead.sequence + 2  # after the cancellation's


def test_booking_a_session_again_twice_reopens_it_once(
    held_and_ahead, application, recruiter, signed_in
):
    _held, ahead = held_and_ahead
    booking.cancel_session(ahead, recruiter)
    client = signed_in(recruiter)

    for _ in range(2):
        response = client.post(url("session_reopen", application, ahead.pk), follow=True)

    assert response.status_code == 200
    sequence = ahead.sequence
    ahead.refresh_from_db()
    assert (ahead.cancelled_at, ahead.start, ahead.sequence) == (None, None, sequence + 2)


def test_book_again_from_a_page_opened_before_it_was_booked_says_it_is_booked(
    held_and_ahead, application, member, teammate, recruiter, signed_in
):
    held, ahead = held_and_ahead
    nine_to_five(member, teammate)
    booking.cancel_session(ahead, recruiter)
    booking.reopen_session(ahead, recruiter)
    now = timezone.now()
    booking.book(
        held.panel, booking.find_options(held.panel, now, now + timedelta(days=10))[0], recruiter
    )
    ahead.refresh_from_db()
    booked = ahead.start, ahead.sequence

    response = signed_in(recruiter).post(url("session_reopen", application, ahead.pk), follow=True)

    assert messages_of(response) == ["The team fit session is booked: the panel shows when."]
    ahead.refresh_from_db()
    assert (ahead.start, ahead.sequence) == booked


def test_cancel_asked_of_a_session_to_book_again_does_not_cancel_it_once_booked(
    held_and_ahead, application, member, teammate, recruiter, signed_in, mailoutbox
):
    """The page promised nobody would be emailed: booked meanwhile, cancelling it would email
    everyone invited."""
    held, ahead = held_and_ahead
    nine_to_five(member, teammate)
    booking.cancel_session(ahead, recruiter)
    booking.reopen_session(ahead, recruiter)
    client = signed_in(recruiter)
    page = client.get(url("session_cancel", application, ahead.pk)).text
    seen = re.search(r'name="seen" value="([^"]*)"', page).group(1)
    now = timezone.now()
    booking.book(
        held.panel, booking.find_options(held.panel, now, now + timedelta(days=10))[0], recruiter
    )
    mailoutbox.clear()

    response = client.post(
        url("session_cancel", application, ahead.pk), {"seen": seen}, follow=True
    )

    assert messages_of(response) == [
        "The team fit session was booked or moved after you were asked: nothing changed."
    ]
    ahead.refresh_from_db()
    assert ahead.cancelled_at is None
    assert mailoutbox == []


def test_a_session_of_a_closed_application_is_not_booked_again(
    held_and_ahead, application, recruiter, signed_in
):
    _held, ahead = held_and_ahead
    booking.cancel_session(ahead, recruiter)
    application.stage = Application.Stage.REJECTED
    application.save(update_fields=["stage"])
    client = signed_in(recruiter)

    response = client.post(url("session_reopen", application, ahead.pk), follow=True)

    assert messages_of(response) == ["This application is closed."]
    ahead.refresh_from_db()
    assert ahead.cancelled_at is not None
    assert url("session_reopen", application, ahead.pk) not in response.text


def test_an_outsider_cannot_book_a_session_again(
    held_and_ahead, application, recruiter, outsider, signed_in
):
    _held, ahead = held_and_ahead
    booking.cancel_session(ahead, recruiter)

    response = signed_in(outsider).post(url("session_reopen", application, ahead.pk))

    assert response.status_code == 404
    ahead.refresh_from_db()
    assert ahead.cancelled_at is not None


def test_a_session_booked_again_is_placed_alone(
    application,
    member,
    teammate,
    recruiter,
    signed_in,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    """As reported: placed beside another session still to come, it moved that one too, and
    its people were sent updated invites."""
    nine_to_five(member, teammate)
    panel = skills_and_team_fit(application, member, teammate, recruiter, back_to_back=False)
    now = timezone.now()
    [option, *_] = booking.find_options(panel, now, now + timedelta(days=10))
    booking.book(panel, option, recruiter)
    skills, team_fit = panel.sessions.order_by("position")
    booking.cancel_session(team_fit, recruiter)
    booking.reopen_session(team_fit, recruiter)
    client = signed_in(recruiter)
    tomorrow = timezone.localdate() + timedelta(days=1)
    # Its own interviewer is free then, the candidate is not.
    for option in booking.find_options(panel, now, now + timedelta(days=10)):
        [entry] = option["sessions"]
        start, end = (datetime.fromisoformat(entry[name]) for name in ("start", "end"))
        assert end <= skills.start or start >= skills.end

    page = client.get(url("panel_times", application), {"start": tomorrow, "days": 10}).text
    [signed, *_] = signed_options(page)
    assert "Reschedule to this time" not in page
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("panel_book", application), {"option": signed}, follow=True)

    assert messages_of(response)[-1] == "Booked. Invites are on their way."
    before = skills.start, skills.sequence
    skills.refresh_from_db()
    team_fit.refresh_from_db()
    assert (skills.start, skills.sequence) == before
    assert team_fit.start > now
    assert sorted(to for to, _method, _uid, _type in invites(mailoutbox)) == sorted(
        [application.candidate.email, teammate.email]
    )


def test_a_session_booked_again_beside_one_to_come_is_booked_once_on_a_double_click(
    application, member, teammate, recruiter, signed_in, mailoutbox
):
    """Once it was placed, the panel's sessions to place were both again: the second click was
    told someone took the time."""
    nine_to_five(member, teammate)
    panel = skills_and_team_fit(application, member, teammate, recruiter, back_to_back=False)
    now = timezone.now()
    booking.book(panel, booking.find_options(panel, now, now + timedelta(days=10))[0], recruiter)
    team_fit = panel.sessions.get(focus="team_fit")
    booking.cancel_session(team_fit, recruiter)
    booking.reopen_session(team_fit, recruiter)
    client = signed_in(recruiter)
    tomorrow = timezone.localdate() + timedelta(days=1)
    page = client.get(url("panel_times", application), {"start": tomorrow, "days": 10}).text
    [signed, *_] = signed_options(page)

    for _ in range(2):
        response = client.post(url("panel_book", application), {"option": signed}, follow=True)

    assert messages_of(response)[-1] == "Already booked at that time: nobody was invited again."
    team_fit.refresh_from_db()
    assert team_fit.start > now


def test_a_session_booked_again_naming_someone_who_left_is_booked_once_they_are_replaced(
    held_and_ahead,
    application,
    team,
    member,
    teammate,
    recruiter,
    signed_in,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    """As reported: its page said to edit the panel, which a panel holding a time refuses, and
    "Replace" was offered in booked sessions only: it could never be booked."""
    _held, ahead = held_and_ahead
    newcomer = UserFactory()
    Membership.objects.create(team=team, user=newcomer)
    nine_to_five(newcomer)
    booking.cancel_session(ahead, recruiter)
    booking.reopen_session(ahead, recruiter)
    membership.leave_team(team, teammate)
    client = signed_in(recruiter)
    gone = f"{teammate} is no longer in {team}: replace them in the team fit session."
    tomorrow = timezone.localdate() + timedelta(days=1)

    page = client.get(url("panel", application)).text
    assert gone in page
    assert url("panel_edit", application) not in page
    found = client.get(url("panel_times", application), {"start": tomorrow, "days": 10}).text
    assert gone in found
    assert not signed_options(found)
    replace = url("interviewer_replace", application, ahead.pk, teammate.pk)
    assert replace in page
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(replace, {"replacement": newcomer.pk}, follow=True)

    assert messages_of(response) == [
        f"{newcomer} takes {teammate}'s place in the team fit interview, invited once it is "
        "booked. Nobody is emailed now."
    ]
    assert mailoutbox == []
    assert gone not in response.text
    found = client.get(url("panel_times", application), {"start": tomorrow, "days": 10}).text
    [option, *_] = signed_options(found)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("panel_book", application), {"option": option})
    ahead.refresh_from_db()
    assert ahead.start > timezone.now()
    assert sorted(to for to, _method, _uid, _type in invites(mailoutbox)) == sorted(
        [application.candidate.email, newcomer.email]
    )
    assert Feedback.objects.filter(session=ahead, interviewer=newcomer).exists()


def test_the_people_of_a_panel_never_booked_are_edited_not_replaced(
    application, member, teammate, recruiter, signed_in
):
    panel = skills_and_team_fit(application, member, teammate, recruiter)
    skills = panel.sessions.get(focus="skills")
    client = signed_in(recruiter)

    page = client.get(url("panel", application)).text
    response = client.get(url("interviewer_replace", application, skills.pk, member.pk))

    assert url("interviewer_replace", application, skills.pk, member.pk) not in page
    assert "This session is not booked: edit the panel to change its interviewers." in (
        response.text
    )


def test_a_session_to_book_again_beside_one_held_can_be_cancelled_again(
    held_and_ahead, application, recruiter, signed_in, mailoutbox
):
    """Booking it again was for good: the panel, no longer edited, kept it waiting and among the
    panels to schedule."""
    _held, ahead = held_and_ahead
    booking.cancel_session(ahead, recruiter)
    booking.reopen_session(ahead, recruiter)
    application.refresh_from_db()
    assert not application.panel_booked
    client = signed_in(recruiter)
    assert (
        url("session_cancel", application, ahead.pk) in client.get(url("panel", application)).text
    )
    mailoutbox.clear()

    asked = client.get(url("session_cancel", application, ahead.pk)).text
    response = client.post(url("session_cancel", application, ahead.pk), follow=True)

    assert "Nobody was invited to it since its cancellation, so nobody is emailed." in asked
    assert messages_of(response) == ["Session cancelled. Nobody is emailed."]
    assert mailoutbox == []
    ahead.refresh_from_db()
    assert ahead.cancelled_at is not None
    application.refresh_from_db()
    assert application.panel_booked
    assert url("session_reopen", application, ahead.pk) in response.text


def lists_of(page):
    """The candidate's booked page: the items of each list, tags and spacing dropped."""
    return {
        kind: [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]
        for kind, body in re.findall(r'<ul class="slot-sessions ?(\w*)">(.*?)</ul>', page, re.S)
        for items in [re.findall(r"<li>(.*?)</li>", body, re.S)]
    }


@pytest.fixture
def link_again(held_and_ahead, member, teammate, recruiter):
    """The session ahead cancelled and reopened, and the candidate's link to times for it (the
    held one stays)."""
    held, ahead = held_and_ahead
    nine_to_five(member, teammate)
    booking.cancel_session(ahead, recruiter)
    booking.reopen_session(ahead, recruiter)
    now = timezone.now()
    [option, *_] = booking.find_options(held.panel, now, now + timedelta(days=10))
    return booking.offer_to_candidate(held.panel, [option], recruiter).get_absolute_url()


def test_the_candidate_booked_again_reads_the_held_session_as_held(
    held_and_ahead, link_again, client
):
    """As reported: "You're booked" listed the interview held yesterday beside the new one."""
    held, ahead = held_and_ahead

    page = client.post(link_again, {"pick": "0", "tz": "Asia/Tokyo"}).text

    ahead.refresh_from_db()
    tokyo = ZoneInfo("Asia/Tokyo")
    shown = {
        session: f"{session.start.astimezone(tokyo):%A %-d %B %Y, %H:%M}"
        for session in (held, ahead)
    }
    lists = lists_of(page)
    booked, held_list = lists["booked"], lists[""]
    assert [item.startswith(shown[ahead]) for item in booked] == [True]
    assert "Team fit interview, 60 minutes" in booked[0]
    assert [item.startswith(shown[held]) for item in held_list] == [True]
    assert "Skills interview, 60 minutes" in held_list[0]
    assert "Tokyo time" in held_list[0]
    assert "Already held:" in page


def test_the_candidates_link_says_once_every_interview_booked_through_it_was_held(
    held_and_ahead, link_again, client
):
    _held, ahead = held_and_ahead
    client.post(link_again, {"pick": "0"})
    ahead.refresh_from_db()
    ahead.start, ahead.end = ahead.start - timedelta(days=20), ahead.end - timedelta(days=20)
    ahead.save(update_fields=["start", "end"])

    page = client.get(link_again).text

    assert "You&#x27;re booked" not in page
    assert "You're booked" not in page
    assert "The interviews you booked through this link were held." in page
