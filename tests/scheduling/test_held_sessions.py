"""A session that has begun stays as held: cancelling the panel cancels only those still to
come, and a session of its own can't be cancelled once begun (nobody's calendar loses it, and
its scorecards stay due)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hiring.scheduling import booking
from scorecards.models import Feedback
from tests.factories import assigned, nine_to_five, url
from tests.scheduling.test_panel_booking import messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def held_and_ahead(application, member, teammate, recruiter):
    """A panel of two sessions: one held yesterday, one the day after tomorrow."""
    sessions = [
        {"focus": focus, "duration_minutes": 60, "interviewers": [person]}
        for focus, person in (("skills", member), ("team_fit", teammate))
    ]
    panel = booking.create_panel(application, recruiter, sessions)
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
