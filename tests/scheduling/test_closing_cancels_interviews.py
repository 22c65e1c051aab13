"""An application that closes (withdrawn by the recruiter, rejected by the team's decision, hired
or withdrawn through the candidate's offer) cancels its interviews still to come: everyone
invited is told, and nobody keeps the time for a candidate who is gone."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.core import signing
from django.utils import timezone

from hiring.debrief import decisions
from hiring.models import Application, SlotOffer
from hiring.offers import offers
from hiring.pipeline import applications
from hiring.scheduling import booking
from hiring.scheduling.views import OPTION_SALT
from hiring.tasks import send_session_invites
from tests.factories import (
    SKILLS,
    TEAM_FIT,
    ApplicationFactory,
    fresh,
    nine_to_five,
    submitted,
    team_fit_panel,
    url,
)
from tests.offers.conftest import hired_by_the_team, offer_fields

Stage = Application.Stage


@pytest.fixture
def application(team):
    return ApplicationFactory(opening__team=team, stage=Stage.PANEL)


def booked_ahead(application, people, by, days, announced=True):
    """A session of the application's panel, booked `days` from now, its invites sent unless
    not `announced` (only those told of it hear of its cancellation)."""
    session = team_fit_panel(application, people, by).sessions.get()
    session.start = timezone.now() + timedelta(days=days)
    session.end = session.start + timedelta(hours=1)
    session.save()
    session.interviewers.update(start=session.start, end=session.end)
    if announced:
        send_session_invites(session.pk, session.sequence)
    return session


def cancelled_and_told(session, people, mailoutbox):
    session.refresh_from_db()
    told = {mail.to[0] for mail in mailoutbox if "METHOD:CANCEL" in str(mail.attachments)}
    return session.cancelled_at is not None and {person.email for person in people} <= told


def test_the_recruiter_withdrawing_the_application(
    application, peer, recruiter, mailoutbox, django_capture_on_commit_callbacks
):
    ahead = booked_ahead(application, [peer], recruiter, days=3)
    past = booked_ahead(ApplicationFactory(opening=application.opening), [peer], recruiter, -3)

    with django_capture_on_commit_callbacks(execute=True):
        applications.move_stage(application, Stage.WITHDRAWN, recruiter, reason="other_offer")

    assert cancelled_and_told(ahead, [peer], mailoutbox)
    past.refresh_from_db()
    assert past.cancelled_at is None


def test_nobody_hears_of_the_cancellation_of_an_interview_never_announced(
    application, peer, recruiter, mailoutbox, django_capture_on_commit_callbacks
):
    """Its invites still queued (a busy broker) when the candidate withdrew: they find it
    cancelled and send nothing, and nobody, the candidate included, is told of its
    cancellation."""
    ahead = booked_ahead(application, [peer], recruiter, days=3, announced=False)

    with django_capture_on_commit_callbacks(execute=True):
        applications.move_stage(application, Stage.WITHDRAWN, recruiter, reason="other_offer")
    send_session_invites(ahead.pk, 0)  # the booking's, late

    ahead.refresh_from_db()
    assert ahead.cancelled_at is not None
    assert mailoutbox == []


def test_the_teams_decision_of_no_hire(
    application, member, teammate, peer, recruiter, mailoutbox, django_capture_on_commit_callbacks
):
    ahead = booked_ahead(application, [peer], recruiter, days=3)
    submitted(application, member, SKILLS, "no")
    submitted(application, teammate, TEAM_FIT, "strong_no")

    with django_capture_on_commit_callbacks(execute=True):
        decisions.record_decision(fresh(application), member, "no_hire")

    assert fresh(application).stage == Stage.REJECTED
    assert cancelled_and_told(ahead, [peer], mailoutbox)


@pytest.mark.parametrize(
    ("answer", "stage"), [("accept", Stage.HIRED), ("decline", Stage.WITHDRAWN)]
)
def test_the_candidates_answer_to_the_offer(
    application,
    member,
    teammate,
    peer,
    recruiter,
    mailoutbox,
    django_capture_on_commit_callbacks,
    answer,
    stage,
):
    ahead = booked_ahead(application, [peer], recruiter, days=3)
    application = hired_by_the_team(application, member, teammate)
    offer = offers.send(offers.prepare(application, recruiter, **offer_fields()), recruiter)

    with django_capture_on_commit_callbacks(execute=True):
        getattr(offers, answer)(offer)

    assert fresh(application).stage == stage
    assert cancelled_and_told(ahead, [peer], mailoutbox)


def test_a_panel_never_booked_is_not_booked_nor_offered_once_closed(
    application, member, recruiter, signed_in, mailoutbox, django_capture_on_commit_callbacks
):
    """Its sessions were not cancelled (they held no time), and its search still listed times:
    booking one invited a candidate who had withdrawn."""
    nine_to_five(member)
    panel = team_fit_panel(application, [member], recruiter)
    monday = timezone.localdate() + timedelta(days=7 - timezone.localdate().weekday())
    start = datetime.combine(monday, time(), tzinfo=UTC)
    [option, *_] = booking.find_options(panel, start, start + timedelta(days=1))
    applications.move_stage(application, Stage.WITHDRAWN, recruiter, reason="other_offer")
    signed = signing.dumps(option, salt=OPTION_SALT, compress=True)
    client = signed_in(recruiter)

    with django_capture_on_commit_callbacks(execute=True):
        booked = client.post(url("panel_book", application), {"option": signed}, follow=True)
        offered = client.post(url("panel_offer", application), {"option": signed}, follow=True)

    for response in (booked, offered):
        assert "This application is closed." in response.text
    assert not panel.sessions.exclude(start=None).exists()
    assert not SlotOffer.objects.exists()
    assert mailoutbox == []
