"""Emails and calendar invites are plain text: names appear as written, never HTML-escaped."""

import re
from datetime import timedelta
from pathlib import Path

import icalendar
import pytest
from django.utils import timezone

from hiring.email.notifications import templated_email
from hiring.models import Decision, Offer, User
from hiring.scheduling.ics import Person
from hiring.tasks import send_session_invites
from hiring.teams import invitations
from scorecards.models import CheckIn, Feedback
from tests.email.helpers import booked_panel
from tests.factories import ApplicationFactory, TeamFactory, UserFactory

EMAIL_TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "email"
NASTY = 'O\'Brien & "JJ" <x>'
ENTITY = re.compile(r"&(#\d+|#x[0-9a-f]+|[a-z]+);", re.IGNORECASE)


def emails():
    """Every email in templates/email/, by the name templated_email() takes."""
    return sorted({path.name.rsplit("_", 1)[0] for path in EMAIL_TEMPLATES.iterdir()})


@pytest.fixture
def everything(db):
    """A context for every email template, each name in it holding NASTY."""
    member = UserFactory(display_name=f"Ana {NASTY}")
    recruiter = UserFactory(display_name=f"Rita {NASTY}", role=User.Role.RECRUITER)
    team = TeamFactory(name=f"Platform {NASTY}", members=[member])
    application = ApplicationFactory(
        opening__team=team, opening__title=f"Engineer {NASTY}", candidate__name=f"Cora {NASTY}"
    )
    panel = booked_panel(application, [member], recruiter)
    session = panel.sessions.get()
    feedback = Feedback.objects.get(session=session)
    now = timezone.now()
    check_in = CheckIn.objects.create(
        application=application,
        day=90,
        due_at=now,
        closes_at=now + timedelta(days=30),
        version=feedback.version,
    )
    return {
        "invitation": invitations.invite("new@example.com", invited_by=recruiter, team=team),
        "recruiter": recruiter,
        "decision": Decision(application=application, outcome="hire", recorded_by=member),
        "feedback": feedback,
        "check_in": check_in,
        "rater": member,
        "member": recruiter,
        "days": 2,
        "seat": session.interviewers.get(),
        "session": session,
        "person": Person(f"Cora {NASTY}", application.candidate.email),
        "offer": Offer(
            application=application,
            title=f"Engineer {NASTY}",
            status=Offer.Status.DECLINED,
            decline_reason=f"Moving to {NASTY}",
        ),
        "candidate": application.candidate,
        "application": application,
        "reader": recruiter,
        "granted_to": member,
        "granted_by": recruiter,
        "granted_at": now,
        "departed": member,
    }


def test_every_email_template_is_a_subject_and_a_body():
    names = {path.name for path in EMAIL_TEMPLATES.iterdir()}

    assert names == {f"{email}_{part}.txt" for email in emails() for part in ("subject", "body")}


@pytest.mark.parametrize("email", emails())
def test_names_appear_as_written(email, everything):
    message = templated_email(email, "someone@example.com", everything)

    assert NASTY in message.subject
    assert NASTY in message.body
    assert not ENTITY.search(message.subject + message.body)


def test_the_invite_description_and_summary_are_plain_text(everything, mailoutbox):
    session = everything["session"]

    send_session_invites.delay(session.pk, session.sequence)

    assert len(mailoutbox) == 2  # the interviewer and the candidate
    for message in mailoutbox:
        [event] = icalendar.Calendar.from_ical(message.attachments[0][1]).walk("VEVENT")
        assert NASTY in event["DESCRIPTION"]
        assert NASTY in event["SUMMARY"]
        assert not ENTITY.search(event["DESCRIPTION"] + event["SUMMARY"])
