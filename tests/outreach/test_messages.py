"""Emails to candidates: which text, what it says, and that each goes out once, when due."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from hiring.models import CandidateEmail, EmailTemplate, Notification, Organisation
from hiring.outreach import messages, placeholders
from tests.factories import ApplicationFactory, CandidateFactory

Kind = EmailTemplate.Kind
Status = CandidateEmail.Status


@pytest.fixture
def application(team):
    candidate = CandidateFactory(name="Ada <Lovelace> & Co", email="ada@candidates.example")
    return ApplicationFactory(candidate=candidate, opening__team=team, opening__title="SRE")


def queued(application, kind=Kind.APPLICATION_RECEIVED, capture=None, **kwargs):
    with capture(execute=True):
        return messages.queue_email(application, kind, **kwargs)


def test_an_email_goes_out_once_with_its_text_unescaped_and_the_candidates_link(
    application, mailoutbox, django_capture_on_commit_callbacks
):
    email = queued(application, capture=django_capture_on_commit_callbacks)

    assert len(mailoutbox) == 1
    sent = mailoutbox[0]
    assert sent.to == ["ada@candidates.example"]
    assert sent.subject == "We received your application for SRE"
    assert sent.body.startswith("Hello Ada,")
    assert "&amp;" not in sent.body
    link = messages.status_link(application)
    assert sent.body.endswith(f"Where your application stands: {link}\n")
    email.refresh_from_db()
    assert (email.status, email.to) == (Status.SENT, "ada@candidates.example")
    assert email.sent_at is not None
    # Run again (a redelivered task): the ledger already holds it.
    assert messages.send(email.pk) is False
    assert len(mailoutbox) == 1
    assert Notification.objects.get(key=email.ledger_key).sent_at is not None


def test_the_teams_template_wins_over_the_organisations_which_wins_over_the_built_in(
    application, member
):
    assert (
        messages.template_for(application, Kind.REJECTED_AFTER_SCREEN)
        == (placeholders.DEFAULTS[Kind.REJECTED_AFTER_SCREEN])
    )
    EmailTemplate.objects.create(
        kind=Kind.REJECTED_AFTER_SCREEN, name="Org", subject="Org {opening_title}", body="Org"
    )
    assert messages.compose(application, Kind.REJECTED_AFTER_SCREEN)[0] == "Org SRE"
    EmailTemplate.objects.create(
        team=application.opening.team,
        kind=Kind.REJECTED_AFTER_SCREEN,
        name="Team",
        subject="{team_name} says",
        body="Team",
    )
    subject, body = messages.compose(application, Kind.REJECTED_AFTER_SCREEN)
    assert (subject, body) == (f"{application.opening.team.name} says", "Team")
    other = ApplicationFactory(opening__title="Other")
    assert messages.compose(other, Kind.REJECTED_AFTER_SCREEN)[0] == "Org Other"


def test_times_are_in_the_candidates_zone_and_named(application):
    application.candidate.time_zone = "Asia/Singapore"
    expires = datetime(2027, 1, 4, 9, 30, tzinfo=UTC)
    values = messages.values_for(application, values={"offer_expires": expires})
    assert values["offer_expires"] == "Monday 4 January 2027, 17:30 Singapore time"
    application.candidate.time_zone = ""
    values = messages.values_for(application, values={"offer_expires": expires})
    assert values["offer_expires"] == "Monday 4 January 2027, 09:30 UTC"


def test_sender_is_who_wrote_it_and_replies_go_to_them(
    application, recruiter, mailoutbox, django_capture_on_commit_callbacks
):
    Organisation.objects.update_or_create(pk=1, defaults={"name": "Acme"})
    queued(
        application,
        Kind.MESSAGE,
        capture=django_capture_on_commit_callbacks,
        by=recruiter,
        subject="Hi {first_name}",
        body="From {sender_name} at {organisation_name}",
    )
    sent = mailoutbox[0]
    assert sent.subject == "Hi Ada"
    assert sent.body.startswith(f"From {recruiter.display_name} at Acme")
    assert sent.reply_to == [recruiter.email]
    automatic = messages.compose(application, Kind.APPLICATION_RECEIVED)[1]
    assert automatic.rstrip().endswith("Acme")


def test_a_delayed_email_can_be_undone_until_it_is_due(
    application, mailoutbox, django_capture_on_commit_callbacks
):
    email = queued(
        application,
        Kind.REJECTED_AFTER_SCREEN,
        capture=django_capture_on_commit_callbacks,
        delay=timedelta(minutes=10),
    )
    assert messages.send_due() == 0
    assert mailoutbox == []
    assert messages.cancel(email) is True
    CandidateEmail.objects.filter(pk=email.pk).update(send_after=timezone.now())
    assert messages.send_due() == 0
    assert messages.send(email.pk) is False
    assert mailoutbox == []


def test_a_due_email_goes_out_and_can_no_longer_be_undone(application, mailoutbox):
    email = messages.queue_email(
        application, Kind.REJECTED_AFTER_SCREEN, delay=timedelta(minutes=10)
    )
    CandidateEmail.objects.filter(pk=email.pk).update(
        send_after=timezone.now() - timedelta(seconds=1)
    )
    assert messages.send_due() == 1
    assert messages.send_due() == 0
    assert len(mailoutbox) == 1
    assert messages.cancel(email) is False
    email.refresh_from_db()
    assert email.status == Status.SENT


def test_an_email_awaiting_confirmation_waits_for_a_recruiter(application, mailoutbox):
    email = messages.queue_email(
        application, Kind.REJECTED_AFTER_INTERVIEWS, awaiting_confirmation=True
    )
    CandidateEmail.objects.filter(pk=email.pk).update(send_after=timezone.now() - timedelta(days=1))
    assert messages.send_due() == 0
    assert messages.confirm(email) is True
    assert messages.confirm(email) is False
    email.refresh_from_db()
    assert email.status == Status.SCHEDULED
    assert email.send_after > timezone.now() + timedelta(minutes=5)
    assert messages.send_due() == 0
    assert mailoutbox == []


def test_placeholders_are_checked_by_field():
    assert placeholders.problems(Kind.MESSAGE, "Hi {first_name}", "{status_link}") == {}
    found = placeholders.problems(Kind.MESSAGE, "Hi {name}", "{offer_link} {}")
    assert found == {
        "subject": "Unknown placeholder: {name}. Use one of those listed.",
        "body": "Unknown placeholder: {}, {offer_link}. Use one of those listed.",
    }
    found = placeholders.problems(Kind.OFFER, "Offer", "Congratulations")
    assert found == {"body": "This email needs {offer_link}: without it the candidate cannot act."}
    for kind, text in placeholders.DEFAULTS.items():
        assert placeholders.problems(kind, text.subject, text.body) == {}, kind
