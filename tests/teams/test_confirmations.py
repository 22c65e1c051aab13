"""Destructive team and organisation actions ask first, on a page that works without
JavaScript: proposing to remove a colleague, withdrawing an invitation."""

import pytest
from django.urls import reverse

from hiring.models import Invitation, User
from tests.factories import db_state

CONFIRM_FORM = '<form method="post" class="actions wrap">'  # posts back to the page's address


def test_proposing_a_removal_asks_first(client, member, teammate, team):
    url = reverse("propose_removal", args=[team.pk, teammate.pk])
    client.force_login(member)
    before = db_state()

    page = client.get(team.get_absolute_url()).text
    question = client.get(url)

    assert f'<a class="danger" href="{url}">Propose removal' in page
    assert question.status_code == 200
    assert "Propose removing Ben Teammate from Platform?" in question.text
    assert "your approval is the first vote" in question.text
    assert CONFIRM_FORM in question.text
    assert f'href="{team.get_absolute_url()}">Back to the team</a>' in question.text
    assert db_state() == before


def test_the_confirmed_removal_is_proposed(client, member, teammate, team):
    client.force_login(member)

    response = client.post(reverse("propose_removal", args=[team.pk, teammate.pk]))

    assert response.status_code == 302
    assert list(team.memberships.values_list("user", flat=True)) == [member.pk]


@pytest.mark.parametrize("persona", ["outsider", "recruiter", "leadership", "org_admin"])
def test_only_the_team_is_asked_about_a_removal(request, client, member, team, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(reverse("propose_removal", args=[team.pk, member.pk])).status_code == 404


def test_withdrawing_an_invitation_asks_first(client, org_admin):
    pending = Invitation.objects.create(
        email="rosa@example.com", role=User.Role.RECRUITER, invited_by=org_admin
    )
    url = reverse("revoke_invitation", args=[pending.pk])
    client.force_login(org_admin)

    page = client.get(reverse("organisation")).text
    question = client.get(url)

    assert f'<a class="danger" href="{url}">Withdraw' in page
    assert question.status_code == 200
    assert "Withdraw the invitation for rosa@example.com?" in question.text
    assert CONFIRM_FORM in question.text
    pending.refresh_from_db()
    assert pending.revoked_at is None
    assert client.post(url).status_code == 302
    pending.refresh_from_db()
    assert pending.revoked_at is not None


@pytest.mark.parametrize("persona", ["member", "recruiter", "leadership"])
def test_only_the_admin_is_asked_about_withdrawing(request, client, org_admin, persona):
    pending = Invitation.objects.create(email="rosa@example.com", invited_by=org_admin)
    client.force_login(request.getfixturevalue(persona))

    assert client.get(reverse("revoke_invitation", args=[pending.pk])).status_code == 404
