"""A team's invitation waits on the invitee's home page: they join only by accepting it."""

import re

import pytest

from hiring.models import Invitation
from hiring.teams import invitations
from tests.accounts.test_home_next_steps import section

pytestmark = pytest.mark.django_db

HEADING = "Teams inviting you to join them"


def test_the_invitee_reads_the_teams_invitation_and_its_link(client, member, team, outsider):
    invitation = Invitation.objects.create(email=outsider.email, invited_by=member, team=team)
    client.force_login(outsider)

    waiting = section(client.get("/").text, HEADING)

    assert "Platform" in waiting
    assert "proposed by Ana Member" in waiting
    [token] = re.findall(r"/invitations/([^/]+)/", waiting)
    assert Invitation.from_token(token) == invitation


def test_it_is_gone_once_answered(client, member, team, outsider):
    invitation = Invitation.objects.create(email=outsider.email, invited_by=member, team=team)
    client.force_login(outsider)
    client.get("/")  # the rest of the page cached

    invitations.decline_invitation(invitation, outsider)

    assert not section(client.get("/").text, HEADING)


def test_nobody_else_reads_it(client, member, team, outsider, recruiter):
    Invitation.objects.create(email=outsider.email, invited_by=member, team=team)
    client.force_login(recruiter)

    assert not section(client.get("/").text, HEADING)
