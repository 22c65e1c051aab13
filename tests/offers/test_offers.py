"""Offers through the domain functions: only after the team's decision to hire, one live at a
time, each move audited; accepted makes the application Hired."""

import re
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import resolve, reverse
from django.utils import timezone

from hiring.debrief import decisions
from hiring.models import (
    Application,
    AuditEvent,
    Candidate,
    CandidateEmail,
    Decision,
    EmailTemplate,
    LinkError,
    Offer,
    StageChange,
    Team,
    User,
)
from hiring.offers import offers
from hiring.offers.tasks import expire_offers, send_offer_answered_notices
from hiring.outreach import messages
from hiring.portal import status as candidate_page
from hiring.privacy import erasure
from hiring.reports import queries
from tests.factories import (
    SKILLS,
    TEAM_FIT,
    ApplicationFactory,
    UserFactory,
    fresh,
    stages,
    submitted,
)
from tests.offers.conftest import offer_fields

Status = Offer.Status
Stage = Application.Stage


def offer_events(application):
    return list(
        AuditEvent.objects.filter(application=application, action=AuditEvent.Action.OFFER)
        .order_by("at", "pk")
        .values_list("actor", "details")
    )


def offer_state():
    return sorted(Offer.objects.values_list("pk", "status", "application_id"))


# Only the team's decision to hire opens an offer


def test_a_recruiter_prepares_a_draft_after_the_teams_decision_to_hire(application, recruiter):
    offer = offers.prepare(application, recruiter, **offer_fields())

    assert (offer.status, offer.title, offer.created_by) == (
        Status.DRAFT,
        "Platform Engineer",
        recruiter,
    )
    assert offer_events(application) == [(recruiter.pk, "Draft")]


def test_a_team_member_prepares_one_too(application, member):
    assert offers.prepare(application, member, **offer_fields()).status == Status.DRAFT


def test_no_offer_without_a_decision(team, recruiter):
    application = ApplicationFactory(opening__team=team, stage=Stage.OFFER)

    with pytest.raises(ValidationError, match="Only the team's decision to hire opens an offer"):
        offers.prepare(application, recruiter, **offer_fields())
    assert offer_state() == []


def test_no_offer_after_a_no_hire(team, member, teammate, recruiter):
    application = ApplicationFactory(opening__team=team, stage=Stage.PANEL)
    submitted(application, member, SKILLS, "no")
    submitted(application, teammate, TEAM_FIT, "strong_no")
    decisions.record_decision(fresh(application), member, "no_hire")
    # Even moved to Offer behind the rules' back, the decision says no.
    Application.objects.filter(pk=application.pk).update(stage=Stage.OFFER)

    with pytest.raises(ValidationError, match="Only the team's decision to hire"):
        offers.prepare(fresh(application), recruiter, **offer_fields())
    assert offer_state() == []


def test_no_offer_while_a_departure_to_hire_awaits_a_second_member(
    team, member, teammate, recruiter
):
    application = ApplicationFactory(opening__team=team, stage=Stage.PANEL)
    submitted(application, member, SKILLS, "yes")
    submitted(application, teammate, TEAM_FIT, "strong_no")  # the veto: no hire recommended
    decisions.record_decision(fresh(application), member, "hire", "We disagree with the veto.")
    Application.objects.filter(pk=application.pk).update(stage=Stage.OFFER)

    with pytest.raises(ValidationError, match="Only the team's decision to hire"):
        offers.prepare(fresh(application), recruiter, **offer_fields())
    assert offer_state() == []


def test_no_offer_once_the_application_left_the_offer_stage(application, recruiter):
    Application.objects.filter(pk=application.pk).update(stage=Stage.WITHDRAWN)

    with pytest.raises(ValidationError, match="Only the team's decision to hire"):
        offers.prepare(fresh(application), recruiter, **offer_fields())


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"start_date": timezone.now().date()}, "start_date"),
        ({"expires_at": timezone.now() - timedelta(minutes=1)}, "expires_at"),
        ({"expires_at": timezone.now() + timedelta(days=91)}, "expires_at"),
        ({"terms": "x" * (offers.MAX_TERMS + 1)}, "terms"),
        ({"terms": "   "}, "terms"),
        # Answered after the job started: the expiry falls before the start date.
        (
            {
                "start_date": (timezone.now() + timedelta(days=5)).date(),
                "expires_at": timezone.now() + timedelta(days=6),
            },
            "expires_at",
        ),
    ],
)
def test_bad_dates_and_terms_are_refused_with_nothing_stored(
    application, recruiter, changes, field
):
    with pytest.raises(ValidationError) as error:
        offers.prepare(application, recruiter, **offer_fields(**changes))

    assert field in error.value.error_dict
    assert offer_state() == []
    assert offer_events(application) == []


# The start date is after today where the person preparing the offer is.
# 00:47 UTC on 5 December 2030 is 21:17 on 4 December in St John's (3 h 30 behind UTC).
EVENING_IN_ST_JOHNS = datetime(2030, 12, 5, 0, 47, tzinfo=UTC)
# 12:00 UTC on 4 December 2030 is 01:45 on 5 December on the Chatham Islands (13 h 45 ahead).
NIGHT_ON_CHATHAM = datetime(2030, 12, 4, 12, 0, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):
    """clock(moment): Django's now() reads `moment` from then on."""
    return lambda moment: monkeypatch.setattr(timezone, "now", lambda: moment)


def test_a_start_date_of_tomorrow_where_the_preparer_is_is_taken_and_sent(
    application, recruiter, clock
):
    User.objects.filter(pk=recruiter.pk).update(time_zone="America/St_Johns")
    recruiter.refresh_from_db()
    clock(EVENING_IN_ST_JOHNS)

    # Answered by tonight there, before the start date.
    tonight = EVENING_IN_ST_JOHNS + timedelta(hours=2)
    fields = offer_fields(start_date=date(2030, 12, 5), expires_at=tonight)
    draft = offers.prepare(application, recruiter, **fields)
    offers.send(draft, recruiter)

    assert Offer.objects.get().status == Status.SENT


def test_a_start_date_of_today_where_the_preparer_is_is_refused(application, recruiter, clock):
    User.objects.filter(pk=recruiter.pk).update(time_zone="Pacific/Chatham")
    recruiter.refresh_from_db()
    clock(NIGHT_ON_CHATHAM)

    with pytest.raises(ValidationError) as error:
        offers.prepare(application, recruiter, **offer_fields(start_date=date(2030, 12, 5)))

    assert error.value.message_dict == {"start_date": ["The start date must be in the future."]}


def test_a_candidate_who_moved_zone_since_the_offer_went_cannot_accept_on_its_start_day(
    application, recruiter, clock
):
    """Sent from New York to a candidate there, expiring at 20:00 the day before its start;
    they moved to Tokyo since, where that evening is the start day's morning. Declining still
    counts."""
    clock(datetime(2030, 12, 1, 15, 0, tzinfo=UTC))
    Candidate.objects.filter(pk=application.candidate_id).update(time_zone="America/New_York")
    recruiter.time_zone = "America/New_York"
    start = date(2030, 12, 10)
    expires_at = expiring_at(start - timedelta(days=1), 20, "America/New_York")
    draft = offers.prepare(
        fresh(application), recruiter, **offer_fields(start_date=start, expires_at=expires_at)
    )
    sent = offers.send(draft, recruiter)
    Candidate.objects.filter(pk=application.candidate_id).update(time_zone="Asia/Tokyo")
    clock(expires_at - timedelta(hours=1))  # 08:00 on 10 December in Tokyo, before the expiry
    sent = Offer.objects.get(pk=sent.pk)

    with pytest.raises(LinkError) as refused:
        offers.accept(sent)

    assert str(refused.value) == (
        "This offer was to start on Tuesday 10 December 2030: that day has come. Write to the "
        "recruiter who contacted you."
    )
    assert offers.decline(Offer.objects.get(pk=sent.pk), "Too late").status == Status.DECLINED


# One live offer


def test_one_live_offer_at_a_time(draft, application, recruiter):
    with pytest.raises(ValidationError, match="already has an offer"):
        offers.prepare(application, recruiter, **offer_fields())

    offers.withdraw(draft, recruiter)
    assert offers.prepare(application, recruiter, **offer_fields()).status == Status.DRAFT


def test_the_database_holds_one_live_offer_too(draft, application, recruiter):
    with pytest.raises(IntegrityError), transaction.atomic():
        Offer.objects.create(application=application, created_by=recruiter, **offer_fields())


def test_only_a_draft_is_edited(draft, recruiter):
    offers.edit(draft, recruiter, **offer_fields(title="Staff Engineer"))
    assert Offer.objects.get().title == "Staff Engineer"

    offers.withdraw(draft, recruiter)
    with pytest.raises(ValidationError, match="Only a draft offer can be edited"):
        offers.edit(draft, recruiter, **offer_fields(title="Principal"))
    assert Offer.objects.get().title == "Staff Engineer"


# Sending


def test_sending_emails_the_candidate_the_link_in_their_zone(
    draft, application, recruiter, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        offer = offers.send(draft, recruiter)

    assert (offer.status, offer.sent_at is not None) == (Status.SENT, True)
    assert offer_events(application)[-1] == (recruiter.pk, "Sent")
    (mail,) = mailoutbox
    assert mail.to == ["nina@candidates.example"]
    assert mail.subject == "Your offer for Platform Engineer at Teamfit"
    link = re.search(rf"{re.escape(settings.SITE_URL)}(/offer/\S+/)", mail.body)[1]
    assert resolve(link).url_name == "offer_answer"
    assert offers.offer_for_link(resolve(link).kwargs["token"]) == offer
    assert "New York time" in mail.body  # the expiry, in the candidate's zone
    email = CandidateEmail.objects.get()
    assert (email.kind, email.status) == (EmailTemplate.Kind.OFFER, CandidateEmail.Status.SENT)


def test_the_teams_offer_template_is_used(
    draft, application, recruiter, mailoutbox, django_capture_on_commit_callbacks
):
    EmailTemplate.objects.create(
        team=application.opening.team,
        kind=EmailTemplate.Kind.OFFER,
        name="Ours",
        subject="Join {team_name} as {offer_title}",
        body="Answer here: {offer_link} by {offer_expires}",
    )
    with django_capture_on_commit_callbacks(execute=True):
        offers.send(draft, recruiter)

    assert mailoutbox[0].subject == "Join Platform as Platform Engineer"
    assert f"Answer here: {settings.SITE_URL}/offer/" in mailoutbox[0].body


def test_a_sent_offer_is_not_sent_again(sent, recruiter, mailoutbox):
    with pytest.raises(ValidationError, match="Only a draft offer can be sent"):
        offers.send(sent, recruiter)
    assert len(mailoutbox) == 1


def test_a_draft_whose_expiry_passed_is_not_sent(draft, recruiter, mailoutbox):
    Offer.objects.filter(pk=draft.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    with pytest.raises(ValidationError, match="edit them before sending"):
        offers.send(draft, recruiter)
    assert Offer.objects.get().status == Status.DRAFT
    assert mailoutbox == []


# The start date is a day on the candidate's calendar: the offer expires before it there.


def expiring_at(day, hour, zone_name):
    return datetime.combine(day, time(hour), tzinfo=zoneinfo.ZoneInfo(zone_name))


def test_an_offer_expiring_on_its_start_day_where_the_candidate_is_is_refused(
    application, recruiter
):
    """As reported: checked in the preparer's zone, 20:00 the day before in New York is 09:00
    or 10:00 on the start day in Tokyo, where the candidate could accept a job already begun."""
    Candidate.objects.filter(pk=application.candidate_id).update(time_zone="Asia/Tokyo")
    recruiter.time_zone = "America/New_York"
    start = timezone.localdate() + timedelta(days=10)
    expires_at = expiring_at(start - timedelta(days=1), 20, "America/New_York")

    with pytest.raises(ValidationError) as refused:
        offers.prepare(
            fresh(application), recruiter, **offer_fields(start_date=start, expires_at=expires_at)
        )

    (message,) = refused.value.message_dict["expires_at"]
    assert message.startswith(
        "The offer must expire before its start date in the candidate's time zone, where it "
        "expires "
    )
    assert "Tokyo time" in message
    assert not Offer.objects.exists()


def test_an_offer_expiring_the_day_before_where_the_candidate_is_is_taken(application, recruiter):
    """03:00 on the start day in Berlin is 21:00 the day before in New York, the candidate's."""
    recruiter.time_zone = "Europe/Berlin"
    start = timezone.localdate() + timedelta(days=10)
    expires_at = expiring_at(start, 3, "Europe/Berlin")

    offer = offers.prepare(
        application, recruiter, **offer_fields(start_date=start, expires_at=expires_at)
    )

    assert offer.expires_at == expires_at


def test_an_offer_for_a_candidate_without_a_zone_is_checked_in_the_preparers(
    application, recruiter
):
    Candidate.objects.filter(pk=application.candidate_id).update(time_zone="")
    recruiter.time_zone = "Asia/Tokyo"
    start = timezone.localdate() + timedelta(days=10)

    with pytest.raises(ValidationError, match="The offer must expire before its start date."):
        offers.prepare(
            fresh(application),
            recruiter,
            **offer_fields(start_date=start, expires_at=expiring_at(start, 9, "Asia/Tokyo")),
        )


# The candidate's answer


def test_accepting_makes_the_application_hired_and_tells_the_recruiters_once(
    sent, application, recruiter, mailoutbox, django_capture_on_commit_callbacks
):
    other = UserFactory(email="raj@example.com", role="recruiter")
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        offer = offers.accept(sent)

    assert (offer.status, offer.answered_at is not None) == (Status.ACCEPTED, True)
    assert fresh(application).stage == Stage.HIRED
    assert stages(application)[-2:] == [Stage.OFFER, Stage.HIRED]
    assert StageChange.objects.filter(application=application).last().by is None
    assert offer_events(application)[-1] == (None, "Accepted by the candidate")
    assert sorted(mail.to[0] for mail in mailoutbox) == [other.email, recruiter.email]
    assert "Nina Park accepted the offer for Platform Engineer" in mailoutbox[0].subject
    # A redelivered task: the ledger already holds it.
    assert send_offer_answered_notices(offer.pk) == 0
    assert len(mailoutbox) == 2


def test_declining_withdraws_the_application_and_keeps_the_reason(
    sent, application, recruiter, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        offer = offers.decline(sent, "  I took another job.  ")

    assert (offer.status, offer.decline_reason) == (Status.DECLINED, "I took another job.")
    assert fresh(application).stage == Stage.WITHDRAWN
    assert offer_events(application)[-1] == (None, "Declined by the candidate")
    (mail,) = mailoutbox
    assert mail.to == [recruiter.email]
    assert "Their reason: I took another job." in mail.body


def test_the_email_chosen_for_hired_goes_out_on_acceptance(sent, application):
    EmailTemplate.objects.create(
        kind=EmailTemplate.Kind.MESSAGE,
        name="Welcome",
        subject="Welcome to {team_name}",
        body="See you soon, {first_name}.",
        send_on_stage=Stage.HIRED,
    )

    offers.accept(sent)

    email = CandidateEmail.objects.filter(application=application).first()
    assert (email.subject, email.status) == ("Welcome to Platform", CandidateEmail.Status.SCHEDULED)


def test_an_oversized_reason_is_refused(sent, application):
    with pytest.raises(ValidationError):
        offers.decline(sent, "x" * (offers.MAX_REASON + 1))
    assert (Offer.objects.get().status, fresh(application).stage) == (Status.SENT, Stage.OFFER)


@pytest.mark.parametrize(
    ("answer", "otherwise"),
    [
        (offers.accept, Status.DECLINED),
        (lambda offer: offers.decline(offer, "No"), Status.ACCEPTED),
    ],
)
def test_an_offer_answered_otherwise_withdrawn_or_expired_takes_no_answer(
    sent, application, answer, otherwise
):
    offers.accept(sent)
    for status in (otherwise, Status.WITHDRAWN, Status.EXPIRED):
        Offer.objects.filter(pk=sent.pk).update(status=status)
        with pytest.raises(LinkError):
            answer(sent)
    assert fresh(application).stage == Stage.HIRED


def test_a_sent_offer_past_its_expiry_takes_no_answer_before_the_task_runs(sent, application):
    Offer.objects.filter(pk=sent.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    with pytest.raises(LinkError, match="This offer expired on"):
        offers.accept(sent)
    assert (Offer.objects.get().status, fresh(application).stage) == (Status.SENT, Stage.OFFER)


def test_audit_details_carry_no_candidate_data(sent, application):
    offers.decline(sent, "Personal reasons of Nina Park")

    details = " ".join(AuditEvent.objects.values_list("details", flat=True))
    assert "Nina" not in details
    assert "nina@candidates.example" not in details


# Withdrawn and expired offers


def test_withdrawing_a_sent_offer_keeps_the_application_at_offer(sent, application, recruiter):
    offers.withdraw(sent, recruiter)

    assert Offer.objects.get().status == Status.WITHDRAWN
    assert fresh(application).stage == Stage.OFFER
    assert offer_events(application)[-1] == (recruiter.pk, "Withdrawn")
    # Withdrawn again (a double click, a second tab): nothing more is done.
    assert offers.withdraw(sent, recruiter) is False
    assert [event for event in offer_events(application) if event[1] == "Withdrawn"] == [
        (recruiter.pk, "Withdrawn")
    ]


def test_the_task_expires_sent_offers_past_their_expiry(sent, application, recruiter):
    Offer.objects.filter(pk=sent.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    assert expire_offers() == 1
    assert expire_offers() == 0  # run again: nothing more to do

    assert Offer.objects.get().status == Status.EXPIRED
    assert fresh(application).stage == Stage.OFFER
    assert offer_events(application)[-1] == (None, "Expired")
    # A new offer can be prepared.
    assert offers.prepare(fresh(application), recruiter, **offer_fields()).status == Status.DRAFT


def test_a_sent_offer_past_its_expiry_makes_way_for_a_new_one_before_the_task_runs(
    sent, application, recruiter
):
    Offer.objects.filter(pk=sent.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    assert offers.can_prepare(fresh(application), list(application.offers.all()))
    revised = offers.prepare(fresh(application), recruiter, **offer_fields())

    assert revised.status == Status.DRAFT
    assert Offer.objects.get(pk=sent.pk).status == Status.EXPIRED  # recorded first
    assert offer_events(application)[-2:] == [(None, "Expired"), (recruiter.pk, "Draft")]
    assert expire_offers() == 0


def test_a_candidate_withdraws_with_an_offer_past_its_expiry_before_the_task_runs(
    client, sent, application
):
    """As found: withdrawing refused the lapsed offer, so the candidate could not withdraw
    ("This offer is expired.") until beat recorded it."""
    Offer.objects.filter(pk=sent.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    token = application.status_url().split("/")[-2]
    response = client.post(reverse("candidate_withdraw", args=[token]))

    assert response.status_code == 200
    assert fresh(application).stage == Stage.WITHDRAWN
    assert Offer.objects.get(pk=sent.pk).status == Status.EXPIRED  # as it was, not withdrawn
    assert offer_events(application)[-1] == (None, "Expired")
    assert expire_offers() == 0


def test_a_candidate_with_an_offer_past_its_expiry_is_erased(
    sent, application, recruiter, django_capture_on_commit_callbacks
):
    Offer.objects.filter(pk=sent.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    with django_capture_on_commit_callbacks(execute=True):
        assert erasure.erase(fresh(application).candidate, by=recruiter)

    assert fresh(application).stage == Stage.WITHDRAWN


def test_a_sent_offer_past_its_expiry_is_not_withdrawn(sent, recruiter):
    Offer.objects.filter(pk=sent.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    with pytest.raises(ValidationError, match="This offer is expired"):
        offers.withdraw(Offer.objects.get(pk=sent.pk), recruiter)
    assert Offer.objects.get(pk=sent.pk).status == Status.SENT  # the task expires it


def test_the_task_leaves_drafts_and_offers_still_open(draft, application):
    Offer.objects.filter(pk=draft.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    assert expire_offers() == 0
    assert Offer.objects.get().status == Status.DRAFT


# The reports count the hire


def test_the_funnel_and_time_in_stage_count_the_hire(sent, application, leadership):
    offers.accept(sent)
    today = timezone.now().date()
    scope = queries.scope_for(Team.objects.all(), today - timedelta(days=1), today)

    reached = {row["stage"]: row["reached"] for row in queries.funnel(scope)}
    assert (reached["Offer"], reached["Hired"]) == (1, 1)
    rows, _ = queries.time_in_stage(scope)
    assert {row["stage"]: row["moves"] for row in rows}["Offer"] == 1


# The offer's email undone, or the offer withdrawn, before the email went out


def test_undoing_the_offers_email_makes_the_offer_a_draft_again(
    draft, application, recruiter, mailoutbox
):
    """Else it would wait, sent, for an answer to a link the candidate never got."""
    offers.send(draft, recruiter)  # its email queued, not gone yet
    email = CandidateEmail.objects.get(kind=EmailTemplate.Kind.OFFER)

    assert offers.undo_sending(email, recruiter) is True

    offer = Offer.objects.get()
    assert (offer.status, offer.sent_at) == (Status.DRAFT, None)
    assert offer_events(application)[-1] == (recruiter.pk, "Draft: its email undone")
    assert CandidateEmail.objects.get().status == CandidateEmail.Status.CANCELLED
    assert messages.send(email.pk) is False
    assert mailoutbox == []
    offers.edit(offer, recruiter, **offer_fields(title="Staff Engineer"))  # and sent again
    assert offers.send(offer, recruiter).status == Status.SENT


def test_an_offer_answered_before_its_email_went_out_still_links_to_it(
    draft, application, recruiter, mailoutbox
):
    """Its link says what became of it; the placeholder never reaches the candidate as typed."""
    offers.send(draft, recruiter)  # its email queued, not gone yet (the worker was away)
    offers.accept(draft)
    email = CandidateEmail.objects.get(kind=EmailTemplate.Kind.OFFER)

    assert messages.send(email.pk) is True

    [sent] = mailoutbox
    assert "{offer_link}" not in sent.body
    assert f"{settings.SITE_URL}{draft.get_absolute_url()}" in sent.body


def test_an_offer_email_gone_out_is_not_undone(sent, application, recruiter):
    email = CandidateEmail.objects.get(kind=EmailTemplate.Kind.OFFER)

    assert offers.undo_sending(email, recruiter) is False

    assert Offer.objects.get().status == Status.SENT


def test_withdrawing_an_offer_stops_its_email_still_to_go(draft, recruiter, mailoutbox):
    """Its link would only tell the candidate that the offer was withdrawn."""
    offers.send(draft, recruiter)

    offers.withdraw(draft, recruiter)

    email = CandidateEmail.objects.get(kind=EmailTemplate.Kind.OFFER)
    assert email.status == CandidateEmail.Status.CANCELLED
    assert messages.send(email.pk) is False
    assert mailoutbox == []


def test_the_member_who_prepared_the_offer_hears_the_answer_too(
    application, member, recruiter, mailoutbox, django_capture_on_commit_callbacks
):
    """A team without a recruiter would otherwise hear nothing of its hire's answer."""
    offer = offers.prepare(application, member, **offer_fields())
    with django_capture_on_commit_callbacks(execute=True):
        offers.send(offer, member)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        offers.accept(offer)

    assert sorted(mail.to[0] for mail in mailoutbox) == [member.email, recruiter.email]
    told = next(mail for mail in mailoutbox if mail.to == [member.email])
    assert told.body.startswith("Hello Ana Member,")


@pytest.mark.parametrize("with_recruiter", [True, False])
def test_who_prepared_the_offer_and_left_the_team_hears_nothing(
    request,
    application,
    member,
    teammate,
    with_recruiter,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    """The recruiters hear the answer; with none, the team's members, whose hire it is (nobody
    heard it)."""
    told = request.getfixturevalue("recruiter") if with_recruiter else teammate
    offer = offers.prepare(application, member, **offer_fields())
    with django_capture_on_commit_callbacks(execute=True):
        offers.send(offer, member)
    application.opening.team.memberships.filter(user=member).delete()
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        offers.decline(offer)

    assert [mail.to for mail in mailoutbox] == [[told.email]]


def answered_then_sent(answer, offer, meanwhile, capture):
    """`answer` given to `offer`; `meanwhile()` happens before its notices' task runs."""
    with capture() as queued:
        answer(offer)
    meanwhile()
    for run in queued:
        run()


def test_who_hears_of_the_answer_is_decided_as_the_notice_is_sent(
    sent, recruiter, mailoutbox, django_capture_on_commit_callbacks
):
    """A recruiter deactivated in the seconds before the task ran is not emailed."""
    other = UserFactory(email="raj@example.com", role=User.Role.RECRUITER)
    mailoutbox.clear()

    answered_then_sent(
        offers.accept,
        sent,
        lambda: User.objects.filter(pk=recruiter.pk).update(is_active=False),
        django_capture_on_commit_callbacks,
    )

    assert [mail.to for mail in mailoutbox] == [[other.email]]


@pytest.mark.parametrize("with_recruiter", [True, False])
@pytest.mark.parametrize("leaves", ["deactivated", "out of the team"])
def test_a_preparer_who_leaves_before_the_notice_is_sent_is_not_told(
    request,
    application,
    member,
    teammate,
    with_recruiter,
    leaves,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    """The recruiters hear it; with none, the team's active members, whose hire it is."""
    told = request.getfixturevalue("recruiter") if with_recruiter else teammate
    offer = offers.prepare(application, member, **offer_fields())
    with django_capture_on_commit_callbacks(execute=True):
        offers.send(offer, member)
    mailoutbox.clear()

    def leave():
        if leaves == "deactivated":
            User.objects.filter(pk=member.pk).update(is_active=False)
        else:
            application.opening.team.memberships.filter(user=member).delete()

    answered_then_sent(offers.accept, offer, leave, django_capture_on_commit_callbacks)

    assert [mail.to for mail in mailoutbox] == [[told.email]]


# A revised offer after the candidate declined


def closing_moves(application):
    return list(
        StageChange.objects.filter(application=application)
        .order_by("at", "pk")
        .values_list("to_stage", "reason", "reason_note")
    )


def last_move_by(application):
    """Who made the application's latest move, on its history and in the audit trail."""
    move = StageChange.objects.filter(application=application).latest("at", "pk")
    event = application.audit_events.filter(action=AuditEvent.Action.STAGE_CHANGED).latest("pk")
    return move.by, event.actor


def test_a_revised_offer_after_a_decline_reopens_the_application_once_sent(
    sent, application, recruiter, mailoutbox, django_capture_on_commit_callbacks
):
    """Declining closed it (the candidate said no); the team, still deciding hire, may offer
    again, better, and the candidate may then accept."""
    offers.decline(sent, "The salary is too low.")
    assert offers.can_prepare(fresh(application), list(application.offers.all()))

    revised = offers.prepare(fresh(application), recruiter, **offer_fields(terms="€80,000 a year."))

    assert fresh(application).stage == Stage.WITHDRAWN  # a draft changes nothing yet
    with django_capture_on_commit_callbacks(execute=True):
        offers.send(revised, recruiter)
    assert fresh(application).stage == Stage.OFFER
    assert stages(application)[-3:] == [Stage.OFFER, Stage.WITHDRAWN, Stage.OFFER]
    offers.accept(revised)
    assert fresh(application).stage == Stage.HIRED


def test_a_revised_draft_discarded_leaves_the_application_as_the_decline_did(
    sent, application, recruiter
):
    offers.decline(sent, "The salary is too low.")
    declined = closing_moves(application)
    revised = offers.prepare(fresh(application), recruiter, **offer_fields(terms="€80,000 a year."))

    offers.withdraw(revised, recruiter)

    assert fresh(application).stage == Stage.WITHDRAWN
    assert closing_moves(application) == declined
    assert declined[-1][1:] == ("offer_declined", "The salary is too low.")
    assert offers.can_prepare(fresh(application), list(application.offers.all()))


def test_a_revised_offers_email_undone_closes_the_application_again_as_declined(
    sent, application, recruiter
):
    """The candidate never heard of it: their no stands, and the draft may be discarded."""
    offers.decline(sent, "The salary is too low.")
    revised = offers.prepare(fresh(application), recruiter, **offer_fields(terms="€80,000 a year."))
    offers.send(revised, recruiter)  # its email queued, not gone yet
    email = CandidateEmail.objects.get(status=CandidateEmail.Status.SCHEDULED)

    assert offers.undo_sending(email, recruiter) is True

    assert Offer.objects.get(pk=revised.pk).status == Status.DRAFT
    assert fresh(application).stage == Stage.WITHDRAWN
    assert closing_moves(application)[-1] == (
        Stage.WITHDRAWN,
        "offer_declined",
        "The salary is too low.",
    )
    # As reported: the history said the recruiter withdrew the candidate.
    assert last_move_by(application) == (None, None)
    offers.withdraw(revised, recruiter)
    assert fresh(application).stage == Stage.WITHDRAWN
    assert offers.can_prepare(fresh(application), list(application.offers.all()))


def test_a_revised_offer_withdrawn_before_its_email_went_out_closes_it_again(
    sent, application, recruiter, mailoutbox
):
    offers.decline(sent, "The salary is too low.")
    revised = offers.prepare(fresh(application), recruiter, **offer_fields(terms="€80,000 a year."))
    offers.send(revised, recruiter)  # its email queued, not gone yet
    mailoutbox.clear()

    offers.withdraw(revised, recruiter)

    assert fresh(application).stage == Stage.WITHDRAWN
    assert closing_moves(application)[-1][1] == "offer_declined"
    assert last_move_by(application) == (None, None)
    assert messages.send_due() == 0
    assert mailoutbox == []


def test_a_revised_offer_withdrawn_after_its_email_went_out_leaves_it_at_offer(
    sent, application, recruiter, django_capture_on_commit_callbacks
):
    """The candidate read it: the application is at Offer as after any offer withdrawn."""
    offers.decline(sent, "The salary is too low.")
    revised = offers.prepare(fresh(application), recruiter, **offer_fields(terms="€80,000 a year."))
    with django_capture_on_commit_callbacks(execute=True):
        offers.send(revised, recruiter)

    offers.withdraw(revised, recruiter)

    assert fresh(application).stage == Stage.OFFER


def test_a_revised_draft_is_not_sent_once_the_team_no_longer_decides_hire(
    sent, application, recruiter
):
    offers.decline(sent, "The salary is too low.")
    revised = offers.prepare(fresh(application), recruiter, **offer_fields(terms="€80,000 a year."))
    Decision.objects.filter(application=application).update(outcome=Decision.Outcome.HOLD)

    with pytest.raises(ValidationError, match="Only the team's decision to hire opens an offer"):
        offers.send(revised, recruiter)
    assert (fresh(application).stage, Offer.objects.get(pk=revised.pk).status) == (
        Stage.WITHDRAWN,
        Status.DRAFT,
    )


def test_an_application_the_candidate_withdrew_is_not_reopened_by_an_offer(
    sent, application, recruiter
):
    candidate_page.withdraw(application)
    before = offer_state()

    assert not offers.can_prepare(fresh(application), list(application.offers.all()))
    with pytest.raises(ValidationError, match="Only the team's decision to hire opens an offer"):
        offers.prepare(fresh(application), recruiter, **offer_fields())
    assert offer_state() == before
    assert fresh(application).stage == Stage.WITHDRAWN
