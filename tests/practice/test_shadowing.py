"""A trainee who shadows a booked session writes a practice scorecard; in reverse shadowing a
trainee leads, a full interviewer shadows, and the shadow's scorecard is the one that counts."""

import pytest
from django.core.exceptions import ValidationError

from hiring.models import PoolMember
from hiring.scheduling import booking
from scorecards.models import Feedback
from tests.factories import TEAM_FIT, ApplicationFactory, UserFactory

from .helpers import booked, trainee_in


@pytest.fixture
def trainee(team):
    return trainee_in(team, UserFactory(display_name="Dan Trainee"))


@pytest.fixture
def application(team):
    return ApplicationFactory(opening__team=team)


def scorecards(application):
    return {
        (f.interviewer.display_name, f.practice)
        for f in Feedback.all_objects.filter(application=application)
    }


def test_a_trainee_shadowing_writes_practice_and_a_full_shadow_writes_nothing(
    application, trainee, member, teammate
):
    booked(application, member, interviewers=[member], shadows=[trainee, teammate])

    assert scorecards(application) == {("Ana Member", False), ("Dan Trainee", True)}
    assert [f.interviewer for f in application.feedback.all()] == [member]


def test_reverse_shadowing_the_trainee_leads_and_the_shadows_scorecard_counts(
    application, trainee, member
):
    booked(application, member, interviewers=[trainee], shadows=[member])

    assert scorecards(application) == {("Ana Member", False), ("Dan Trainee", True)}
    session = application.panel.sessions.get()
    assert [f.interviewer for f in session.feedback.all()] == [member]
    assert Feedback.all_objects.get(interviewer=trainee).session == session


def test_a_session_with_only_trainees_is_refused(application, trainee, member, team):
    other = trainee_in(team, UserFactory(display_name="Tia Trainee"))
    with pytest.raises(ValidationError, match="add a full interviewer"):
        booking.create_panel(
            application,
            member,
            [
                {
                    "focus": TEAM_FIT,
                    "duration_minutes": 60,
                    "interviewers": [trainee],
                    "shadows": [other],
                }
            ],
        )


def test_a_trainee_in_another_focus_writes_a_scorecard_that_counts(
    application, trainee, member, team
):
    PoolMember.objects.filter(user=trainee).update(focus="skills")

    booked(application, member, interviewers=[trainee, member])

    assert scorecards(application) == {("Ana Member", False), ("Dan Trainee", False)}


def test_a_cancelled_session_withdraws_untouched_practice_scorecards(application, trainee, member):
    panel = booked(application, member, interviewers=[member], shadows=[trainee])

    booking.cancel_session(panel.sessions.get(), member)

    assert not Feedback.all_objects.filter(application=application).exists()
