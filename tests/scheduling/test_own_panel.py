"""A member who applied to their own team's opening is never asked to score it: not named on
its panel, not seated from the pool, not given a seat or a scorecard of it by hand."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from hiring.models import Invitation, PoolMember
from hiring.scheduling import booking
from scorecards import scoring
from scorecards.models import Feedback
from tests.factories import SKILLS, ApplicationFactory, nine_to_five, team_fit_panel

MONDAY = datetime(2030, 3, 4, tzinfo=UTC)
REFUSED = "Ana Member is this application's candidate: choose someone else."


@pytest.fixture
def own(team):
    return ApplicationFactory(
        opening__team=team, candidate__name="Ana Member", candidate__email="ana@example.com"
    )


def test_a_panel_naming_her_is_refused(own, member, teammate, recruiter):
    with pytest.raises(ValidationError, match=REFUSED):
        team_fit_panel(own, [teammate, member], recruiter)


def test_she_is_not_assigned_a_scorecard_of_it(own, member, teammate):
    with pytest.raises(ValidationError, match=REFUSED):
        scoring.assign(own, member, SKILLS, assigned_by=teammate)
    assert not Feedback.all_objects.exists()


def test_the_slot_finder_does_not_seat_her_from_the_pool(own, team, member, teammate, peer):
    for user in (member, peer):
        PoolMember.objects.create(team=team, user=user, focus="team_fit")
    nine_to_five(member, teammate, peer)
    session = {"focus": "team_fit", "duration_minutes": 60, "interviewers": [teammate]}
    panel = booking.create_panel(own, teammate, [{**session, "pool_count": 1}])

    options = booking.find_options(panel, MONDAY, MONDAY + timedelta(days=5))

    assert options
    assert {tuple(option["sessions"][0]["interviewers"]) for option in options} == {
        (teammate.pk, peer.pk)
    }


def test_she_does_not_replace_an_interviewer_on_it(own, member, teammate, recruiter):
    nine_to_five(member, teammate)
    panel = team_fit_panel(own, [teammate], recruiter)
    booking.book(
        panel, booking.find_options(panel, MONDAY, MONDAY + timedelta(days=2))[0], recruiter
    )
    seat = panel.sessions.get().interviewers.get()

    with pytest.raises(ValidationError, match=REFUSED):
        booking.replace_interviewer(seat, member, recruiter)
    assert not Feedback.all_objects.filter(interviewer=member).exists()


def test_she_does_not_replace_an_interviewer_on_a_session_to_book_again(
    own, member, teammate, recruiter
):
    nine_to_five(member, teammate)
    sessions = [
        {"focus": focus, "duration_minutes": 60, "interviewers": [teammate]}
        for focus in ("skills", "team_fit")
    ]
    panel = booking.create_panel(own, recruiter, sessions, back_to_back=False)
    booking.book(
        panel, booking.find_options(panel, MONDAY, MONDAY + timedelta(days=2))[0], recruiter
    )
    again = panel.sessions.get(focus="team_fit")
    booking.cancel_session(again, recruiter)
    booking.reopen_session(again, recruiter)

    with pytest.raises(ValidationError, match=REFUSED):
        booking.replace_interviewer(again.interviewers.get(), member, recruiter)
    assert again.interviewers.get().user == teammate


def accepted_at(user, address, by):
    """`user` signed up through an invitation to `address`: one of their addresses too."""
    Invitation.objects.create(
        email=address, invited_by=by, accepted_by=user, accepted_at=timezone.now()
    )


@pytest.mark.parametrize("place_as", [booking.book_as, booking.reschedule_as])
def test_she_cannot_place_her_panel_known_by_the_address_of_her_invitation(
    team, member, teammate, recruiter, place_as
):
    """The booker's addresses are read with those of the people the booking seats."""
    own = ApplicationFactory(opening__team=team, candidate__email="ana.private@example.com")
    accepted_at(member, "Ana.Private@example.com", recruiter)
    nine_to_five(teammate)
    panel = team_fit_panel(own, [teammate], recruiter)
    [option, *_] = booking.find_options(panel, MONDAY, MONDAY + timedelta(days=2))

    with pytest.raises(Http404):
        place_as(member, own.pk, option)
    assert panel.sessions.get().start is None


def test_an_interviewer_known_since_by_the_address_of_her_invitation_is_not_booked(
    team, member, teammate, recruiter
):
    """Named before she accepted the invitation at the candidate's address: the booking still
    asks her addresses, read with the booker's."""
    own = ApplicationFactory(
        opening__team=team, candidate__name="Ana Member", candidate__email="ana.private@x.example"
    )
    nine_to_five(member)
    panel = team_fit_panel(own, [member], recruiter)
    accepted_at(member, "ana.private@x.example", recruiter)
    [option, *_] = booking.find_options(panel, MONDAY, MONDAY + timedelta(days=2))

    with pytest.raises(ValidationError, match=REFUSED):
        booking.book_as(recruiter, own.pk, option)
    assert panel.sessions.get().start is None
    assert not Feedback.all_objects.exists()
