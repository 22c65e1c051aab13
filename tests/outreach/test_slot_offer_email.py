"""The invitation to pick interview times is the organisation's (or the team's) template, sent
once through the ledger and on the application's timeline."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from hiring.models import CandidateEmail, EmailTemplate, SlotOffer
from hiring.outreach import editing, messages
from hiring.scheduling import booking
from tests.factories import ApplicationFactory, team_fit_panel

Kind = EmailTemplate.Kind


@pytest.fixture
def application(team):
    return ApplicationFactory(
        opening__team=team,
        opening__title="SRE",
        candidate__name="Cora Candidate",
        candidate__time_zone="America/New_York",
    )


@pytest.fixture
def panel(application, member, teammate, recruiter):
    return team_fit_panel(application, [member, teammate], recruiter)


def an_option(panel, member):
    start = timezone.now() + timedelta(days=3)
    session = panel.sessions.get()
    return {
        "sessions": [
            {
                "session": session.pk,
                "start": start.isoformat(),
                "end": (start + timedelta(hours=1)).isoformat(),
                "interviewers": [member.pk],
            }
        ]
    }


def test_offering_times_sends_the_organisations_invitation_once(
    panel, application, member, recruiter, mailoutbox, django_capture_on_commit_callbacks
):
    editing.save(
        None,
        Kind.INVITATION_TO_SCHEDULE,
        recruiter,
        subject="Choose your times, {first_name}",
        body="Pick here: {schedule_link}\nUntil {schedule_expires}.\n{sender_name}",
    )
    with django_capture_on_commit_callbacks(execute=True):
        offer = booking.offer_to_candidate(panel, [an_option(panel, member)], recruiter)

    email = CandidateEmail.objects.get()
    assert (email.kind, email.status, email.created_by) == (
        Kind.INVITATION_TO_SCHEDULE,
        CandidateEmail.Status.SENT,
        recruiter,
    )
    [sent] = mailoutbox
    assert sent.subject == "Choose your times, Cora"
    [token] = re.findall(r"/schedule/([^/\s]+)/", sent.body)
    assert SlotOffer.from_token(token) == offer
    assert "New York time" in sent.body
    assert sent.body.rstrip().endswith(messages.status_link(application))
    assert messages.send(email.pk) is False
    assert len(mailoutbox) == 1


def test_the_teams_invitation_wins(panel, team, member, recruiter):
    editing.save(
        team,
        Kind.INVITATION_TO_SCHEDULE,
        member,
        subject="{team_name} would like to meet you",
        body="{schedule_link}",
    )

    booking.offer_to_candidate(panel, [an_option(panel, member)], member)

    assert CandidateEmail.objects.get().subject == "Platform would like to meet you"


def test_the_invitation_is_on_the_timeline(client, panel, application, member, recruiter):
    booking.offer_to_candidate(panel, [an_option(panel, member)], recruiter)
    client.force_login(member)

    text = client.get(application.get_absolute_url()).text
    timeline = text[text.index('id="timeline-heading"') :]

    assert "Email to the candidate</strong> · Pick your interview times for SRE" in timeline
