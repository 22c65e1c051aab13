"""The candidate's status page through their signed link: where they stand in their words,
their interviews in their zone, their time zone, and withdrawing."""

import logging
from datetime import UTC, datetime, timedelta

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from hiring.models import (
    Application,
    AuditEvent,
    Candidate,
    CandidateEmail,
    EmailTemplate,
    InterviewSession,
    Offer,
    StageChange,
)
from hiring.offers import offers
from hiring.outreach import automation
from hiring.outreach import messages as outreach
from hiring.pipeline import applications
from hiring.privacy import erasure
from hiring.tasks import send_session_invites
from tests.factories import ApplicationFactory, fresh, team_fit_panel
from tests.offers.conftest import hired_by_the_team, offer_fields

Stage = Application.Stage


@pytest.fixture
def application(team):
    return ApplicationFactory(
        opening__team=team,
        opening__title="Platform Engineer",
        candidate__name="Nina Park",
        candidate__time_zone="America/New_York",
        stage=Stage.PANEL,
    )


def token_of(application):
    return application.status_url().split("/")[-2]


def url(name, application):
    return reverse(name, args=[token_of(application)])


def booked(panel, start, minutes=60):
    """The panel's session at `start`, as a booking leaves it (seats hold the time)."""
    session = panel.sessions.get()
    session.start, session.end = start, start + timedelta(minutes=minutes)
    session.save()
    session.interviewers.update(start=session.start, end=session.end)
    return session


def state():
    return (
        sorted(Application.objects.values_list("pk", "stage")),
        sorted(InterviewSession.objects.values_list("pk", "cancelled_at")),
        sorted(Offer.objects.values_list("pk", "status")),
        sorted(Candidate.objects.values_list("pk", "time_zone")),
        AuditEvent.objects.count(),
    )


# Where they stand


@pytest.mark.parametrize(
    ("stage", "words", "internal"),
    [
        (Stage.APPLIED, "We have your application", "Applied"),
        (Stage.SCREEN, "Interviewing", "Screen"),
        (Stage.PANEL, "Interviewing", "Panel"),
        (Stage.DEBRIEF, "The team is deciding", "Debrief"),
        (Stage.DECIDED, "The team is deciding", "Decided"),
        (Stage.OFFER, "The team is deciding", "Offer"),  # no offer sent to them yet
        (Stage.HIRED, "Hired", "Hired"),
        (Stage.REJECTED, "Not moving forward", "Rejected"),
        (Stage.WITHDRAWN, "Withdrawn", None),
    ],
)
def test_the_candidate_reads_where_they_stand_in_their_words(
    client, application, stage, words, internal
):
    Application.objects.filter(pk=application.pk).update(stage=stage)

    page = client.get(url("candidate_status", application))

    assert page.status_code == 200
    assert f"<h1>{words}</h1>" in page.text
    assert "Platform Engineer" in page.text
    assert "Platform team" in page.text
    if internal and internal != words:
        assert f">{internal}<" not in page.text


def test_a_rejection_shows_once_its_email_is_on_its_way(client, application):
    """Not while the email telling them awaits a recruiter (who may never send it) or can be
    undone: their page would tell them first."""
    Application.objects.filter(pk=application.pk).update(stage=Stage.REJECTED)
    email = automation.after_move(fresh(application), Stage.SCREEN)
    assert email.status == CandidateEmail.Status.AWAITING_CONFIRMATION

    assert "<h1>The team is deciding</h1>" in client.get(url("candidate_status", application)).text
    outreach.confirm(email)  # scheduled, still to be undone for a few minutes
    assert "<h1>The team is deciding</h1>" in client.get(url("candidate_status", application)).text
    CandidateEmail.objects.filter(pk=email.pk).update(status=CandidateEmail.Status.SENT)
    assert "<h1>Not moving forward</h1>" in client.get(url("candidate_status", application)).text


@pytest.mark.parametrize(
    ("stage", "words", "said"),
    [
        (Stage.APPLIED, "We have your application", "The team reads every application itself"),
        (Stage.SCREEN, "Interviewing", "You are meeting the team"),
    ],
)
def test_a_rejection_at_the_screen_not_yet_on_its_way_leaves_the_page_as_it_was(
    client, application, recruiter, stage, words, said
):
    """As found: the page turned to "The team is deciding", talking of interviews never held,
    which told them something had happened before the email did."""
    Application.objects.filter(pk=application.pk).update(stage=stage)
    applications.move_stage(fresh(application), Stage.REJECTED, recruiter, reason="skills")
    assert CandidateEmail.objects.get().status == CandidateEmail.Status.AWAITING_CONFIRMATION

    page = client.get(url("candidate_status", application)).text

    assert f"<h1>{words}</h1>" in page
    assert said in page
    assert "talking about your interviews" not in page


def test_a_sent_offer_shows_as_an_offer_with_its_link(
    client, application, member, teammate, recruiter, django_capture_on_commit_callbacks
):
    application = hired_by_the_team(application, member, teammate)
    offer = offers.prepare(application, recruiter, **offer_fields())
    with django_capture_on_commit_callbacks(execute=True):
        offers.send(offer, recruiter)
    CandidateEmail.objects.filter(kind=EmailTemplate.Kind.OFFER).update(
        status=CandidateEmail.Status.SENT
    )

    page = client.get(url("candidate_status", application)).text

    assert "<h1>Offer</h1>" in page
    assert "Read and answer your offer" in page
    assert "/offer/" in page

    # Past its expiry, before the task marks it so, its link is no longer offered: the page
    # says it expired.
    Offer.objects.filter(pk=offer.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    page = client.get(url("candidate_status", application)).text
    assert "This offer expired on" in page
    assert "/offer/" not in page


def test_an_offer_shows_once_its_email_is_on_its_way(
    client, application, member, teammate, recruiter
):
    """Not while its sending can be undone: their page would offer them terms the recruiter may
    still take back, and an answer given then would stand after the undo."""
    application = hired_by_the_team(application, member, teammate)
    offer = offers.send(offers.prepare(application, recruiter, **offer_fields()), recruiter)
    email = CandidateEmail.objects.get(kind=EmailTemplate.Kind.OFFER)
    assert email.status == CandidateEmail.Status.SCHEDULED  # still to be undone for a while

    page = client.get(url("candidate_status", application)).text

    assert "<h1>The team is deciding</h1>" in page
    assert offer.get_absolute_url() not in page
    CandidateEmail.objects.filter(pk=email.pk).update(status=CandidateEmail.Status.SENT)
    page = client.get(url("candidate_status", application)).text
    assert "<h1>Offer</h1>" in page
    assert offer.get_absolute_url() in page


def test_upcoming_interviews_show_in_their_zone_named(client, application, member):
    panel = team_fit_panel(application, [member], member)
    booked(panel, datetime(2030, 3, 4, 14, 0, tzinfo=UTC))

    page = client.get(url("candidate_status", application)).text

    assert "Monday 4 March 2030, 09:00–10:00 New York time" in strip_tags(page)
    assert "team fit interview, 60 minutes" in page


def test_past_and_cancelled_interviews_are_not_upcoming(client, application, member):
    panel = team_fit_panel(application, [member], member)
    booked(panel, timezone.now() - timedelta(days=1))

    assert "No interview is booked." in client.get(url("candidate_status", application)).text

    booked(panel, datetime(2030, 3, 4, 14, 0, tzinfo=UTC))
    InterviewSession.objects.update(cancelled_at=timezone.now())
    assert "No interview is booked." in client.get(url("candidate_status", application)).text


def test_the_page_reads_in_a_bounded_number_of_queries(
    client, application, member, django_assert_max_num_queries
):
    booked(team_fit_panel(application, [member], member), datetime(2030, 3, 4, 14, tzinfo=UTC))

    with django_assert_max_num_queries(8):
        assert client.get(url("candidate_status", application)).status_code == 200


# Their time zone


def test_the_candidate_sets_their_time_zone(client, application, member):
    booked(team_fit_panel(application, [member], member), datetime(2030, 3, 4, 14, tzinfo=UTC))

    response = client.post(url("candidate_time_zone", application), {"time_zone": "Asia/Tokyo"})

    assert response.status_code == 302
    assert fresh(application).candidate.time_zone == "Asia/Tokyo"
    page = client.get(response["Location"]).text
    assert "Saved: times are now shown in your time zone." in page
    assert "Monday 4 March 2030, 23:00–Tue 5 Mar, 00:00 Tokyo time" in strip_tags(page)


@pytest.mark.parametrize("zone", ["Mars/Olympus", "", "x" * 5000])
def test_an_unknown_time_zone_is_refused_beside_the_field(client, application, zone):
    before = state()

    response = client.post(url("candidate_time_zone", application), {"time_zone": zone})

    assert response.status_code == 400
    assert 'id="id_time_zone_error"' in response.text
    assert state() == before


# Withdrawing


def test_withdrawing_asks_to_confirm_first(client, application):
    page = client.get(url("candidate_withdraw", application))

    assert "Withdraw your application?" in page.text
    assert fresh(application).stage == Stage.PANEL


def test_withdrawing_moves_the_application_and_cancels_interviews_still_to_come(
    client, application, member, teammate, mailoutbox, django_capture_on_commit_callbacks
):
    panel = team_fit_panel(application, [member, teammate], member)
    session = booked(panel, datetime(2030, 3, 4, 14, tzinfo=UTC))
    send_session_invites(session.pk, session.sequence)  # those told hear of its cancellation

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("candidate_withdraw", application))

    assert response.status_code == 200
    assert "Your application is withdrawn" in response.text
    assert fresh(application).stage == Stage.WITHDRAWN
    change = StageChange.objects.filter(application=application).last()
    assert (change.to_stage, change.by) == (Stage.WITHDRAWN, None)
    withdrawn = AuditEvent.objects.get(action=AuditEvent.Action.WITHDRAWN_BY_CANDIDATE)
    assert (withdrawn.actor, withdrawn.application) == (None, application)
    session.refresh_from_db()
    assert session.cancelled_at is not None
    cancellations = [mail for mail in mailoutbox if "METHOD:CANCEL" in str(mail.attachments)]
    assert {mail.to[0] for mail in cancellations} >= {member.email, teammate.email}


def test_the_email_chosen_for_withdrawn_goes_out(client, application):
    EmailTemplate.objects.create(
        kind=EmailTemplate.Kind.MESSAGE,
        name="Sorry to see you go",
        subject="Your application is withdrawn",
        body="Thank you, {first_name}.",
        send_on_stage=Stage.WITHDRAWN,
    )

    client.post(url("candidate_withdraw", application))

    assert CandidateEmail.objects.get().subject == "Your application is withdrawn"


def test_a_past_interview_is_left_as_it_was(client, application, member):
    session = booked(team_fit_panel(application, [member], member), timezone.now() - timedelta(1))

    client.post(url("candidate_withdraw", application))

    session.refresh_from_db()
    assert session.cancelled_at is None


def test_withdrawing_withdraws_a_sent_offer(
    client, application, member, teammate, recruiter, django_capture_on_commit_callbacks
):
    application = hired_by_the_team(application, member, teammate)
    offer = offers.prepare(application, recruiter, **offer_fields())
    with django_capture_on_commit_callbacks(execute=True):
        offers.send(offer, recruiter)

    client.post(url("candidate_withdraw", application))

    assert Offer.objects.get().status == Offer.Status.WITHDRAWN
    assert client.get(offer.get_absolute_url()).status_code == 410


@pytest.mark.parametrize("stage", [Stage.HIRED, Stage.REJECTED, Stage.WITHDRAWN])
def test_a_closed_application_cannot_be_withdrawn(client, application, stage):
    Application.objects.filter(pk=application.pk).update(stage=stage)
    before = state()

    page = client.get(url("candidate_withdraw", application))
    assert "Your application is already closed" in page.text
    assert "Yes, withdraw" not in page.text

    response = client.post(url("candidate_withdraw", application))
    assert response.status_code == 409
    assert "there is nothing to withdraw" in response.text
    assert state() == before


def test_a_rejection_they_were_not_told_of_is_not_told_by_withdrawing(
    client, application, mailoutbox, django_capture_on_commit_callbacks
):
    """Their page says the team is deciding: withdrawing must not say otherwise, and the
    email saying no, moot once they withdrew, never goes."""
    Application.objects.filter(pk=application.pk).update(stage=Stage.REJECTED)
    rejection = automation.after_move(fresh(application), Stage.PANEL)

    assert "Withdraw my application" in client.get(url("candidate_status", application)).text
    page = client.get(url("candidate_withdraw", application)).text
    assert "not moving forward" not in page
    assert "Yes, withdraw my application" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("candidate_withdraw", application))

    assert response.status_code == 200
    assert "not moving forward" not in response.text
    assert fresh(application).stage == Stage.WITHDRAWN
    assert CandidateEmail.objects.get(pk=rejection.pk).status == CandidateEmail.Status.CANCELLED
    assert not [mail for mail in mailoutbox if mail.to == [application.candidate.email]]


def test_a_rejection_on_its_way_closes_the_application(client, application):
    Application.objects.filter(pk=application.pk).update(stage=Stage.REJECTED)
    rejection = automation.after_move(fresh(application), Stage.PANEL)
    CandidateEmail.objects.filter(pk=rejection.pk).update(status=CandidateEmail.Status.SENT)
    before = state()

    response = client.post(url("candidate_withdraw", application))

    assert response.status_code == 409
    assert "already closed (not moving forward)" in response.text
    assert state() == before


# Unusable links


def refused(client, token, message):
    before = state()
    for name in ("candidate_status", "candidate_time_zone", "candidate_withdraw"):
        response = client.post(reverse(name, args=[token]), {"time_zone": "Asia/Tokyo"})
        assert 400 <= response.status_code < 500, name
        assert message in response.text, name
    assert client.get(reverse("candidate_status", args=[token])).status_code == 410
    assert state() == before


def test_a_tampered_link_is_refused(client, application):
    refused(client, token_of(application)[:-2] + "xx", "This link is not valid.")
    refused(client, signing.dumps(application.pk, salt="other"), "This link is not valid.")


def test_the_link_works_until_a_year_after_the_application_closed(client, application):
    token = token_of(application)
    Application.objects.filter(pk=application.pk).update(
        stage_changed_at=timezone.now() - timedelta(days=400)
    )
    # Open for longer than that, the application's link still works.
    assert client.get(reverse("candidate_status", args=[token])).status_code == 200
    closed = timezone.now() - timedelta(days=364)
    Application.objects.filter(pk=application.pk).update(
        stage=Stage.REJECTED, stage_changed_at=closed
    )
    assert client.get(reverse("candidate_status", args=[token])).status_code == 200
    Application.objects.filter(pk=application.pk).update(
        stage_changed_at=closed - timedelta(days=2)
    )

    refused(client, token, "This link has expired.")


def test_a_link_to_an_erased_application_is_refused(client, application):
    token = token_of(application)
    application.delete()

    refused(client, token, "We no longer hold this application.")


# Too many posts -----------------------------------------------------------------------------


def test_a_candidates_links_take_thirty_posts_in_ten_minutes_from_one_address(client, application):
    """The status page's forms, like the scheduling link, are public: bounded per address."""
    token = token_of(application)  # one link, as the email holds it
    time_zone = reverse("candidate_time_zone", args=[token])
    withdraw = reverse("candidate_withdraw", args=[token])
    for _ in range(30):
        assert client.post(time_zone, {"time_zone": "Mars/Olympus"}).status_code == 400

    refused = client.post(withdraw)

    assert refused.status_code == 429
    assert "Too many tries from your network" in refused.text
    assert fresh(application).stage == Stage.PANEL
    assert client.post(withdraw, REMOTE_ADDR="203.0.113.7").status_code == 200
    assert fresh(application).stage == Stage.WITHDRAWN


def test_withdrawing_tells_the_recruiters_once(
    client, application, recruiter, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("candidate_withdraw", application))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("candidate_withdraw", application))  # answered: already withdrawn

    [notice] = [mail for mail in mailoutbox if mail.to == [recruiter.email]]
    assert notice.subject == "Nina Park withdrew their application for Platform Engineer"
    assert application.get_absolute_url() in notice.body


def test_a_refused_request_is_logged_without_the_candidates_link(client, application, caplog):
    """Django logs the path of every 4xx and 5xx: a link in it would let whoever reads the logs
    act as the candidate (withdraw, or confirm an erasure)."""
    confirmation = erasure.confirmation_url(application)

    refused = client.post(url("candidate_time_zone", application), {"time_zone": "Mars/Base"})
    logging.getLogger("django.request").error("Service Unavailable: %s", confirmation)

    assert refused.status_code == 400
    logged = [record.getMessage() for record in caplog.records if record.name == "django.request"]
    assert logged == [
        "Bad Request: /status/<signed link>/time-zone/",
        "Service Unavailable: /erase/<signed link>/",
    ]


def test_an_offer_withdrawn_after_its_email_went_says_so(
    client, application, member, teammate, recruiter
):
    """Not "The team is deciding… we will write to you": they read the offer, and the team
    decided. One withdrawn before its email went out never reached them."""
    application = hired_by_the_team(application, member, teammate)
    offer = offers.send(offers.prepare(application, recruiter, **offer_fields()), recruiter)
    CandidateEmail.objects.filter(kind=EmailTemplate.Kind.OFFER).update(
        status=CandidateEmail.Status.SENT
    )

    offers.withdraw(offer, recruiter)
    page = client.get(url("candidate_status", application)).text

    assert "<h1>Offer withdrawn</h1>" in page
    assert "The offer we sent you was withdrawn." in page
    assert "We will write to you as soon as they have decided" not in page
    assert offer.get_absolute_url() not in page


def test_an_offer_withdrawn_before_its_email_went_was_never_told(
    client, application, member, teammate, recruiter
):
    application = hired_by_the_team(application, member, teammate)
    offer = offers.send(offers.prepare(application, recruiter, **offer_fields()), recruiter)

    offers.withdraw(offer, recruiter)
    page = client.get(url("candidate_status", application)).text

    assert "<h1>The team is deciding</h1>" in page
    assert "The offer we sent you was withdrawn." not in page
