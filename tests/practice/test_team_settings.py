"""The team's settings: its check-ins and its trainees' path, each error beside its field."""

import pytest
from django.urls import reverse

from hiring.models import AuditEvent
from tests.factories import field_errors
from tests.teams.test_team_settings_proposals import shown


def settings_url(team):
    return reverse("team_settings", args=[team.pk])


def proposed(client, team, values):
    """`values` sent from the settings page, with the settings it shows."""
    page = client.get(settings_url(team)).text
    return client.post(settings_url(team), {**values, "shown": shown(page)})


def approved_by(client, teammate, team):
    """The teammate's vote, the team's majority with the member who proposed the settings."""
    client.force_login(teammate)
    proposal = team.proposals.get(status="open")
    client.post(reverse("vote", args=[team.pk, proposal.pk]), {"approve": "yes"})


def test_the_team_sets_the_path_to_graduation(client, team, member, teammate):
    client.force_login(member)

    response = proposed(
        client,
        team,
        {"check_in_days": "90,365", "practice_to_graduate": "4", "practice_tolerance": "0.5"},
    )
    approved_by(client, teammate, team)

    team.refresh_from_db()
    assert response.status_code == 302
    assert (team.check_in_schedule, team.practice_to_graduate) == ([90, 365], 4)
    assert str(team.practice_tolerance) == "0.50"


def test_bad_settings_are_refused_beside_their_fields(client, team, member):
    client.force_login(member)

    response = client.post(
        settings_url(team),
        {"check_in_days": "90", "practice_to_graduate": "0", "practice_tolerance": "9"},
    )

    team.refresh_from_db()
    assert response.status_code == 400
    assert "greater than or equal to 1" in field_errors(response.text, "practice_to_graduate")
    assert "less than or equal to 3" in field_errors(response.text, "practice_tolerance")
    assert (team.practice_to_graduate, str(team.practice_tolerance)) == (3, "0.75")


@pytest.mark.parametrize("who", ["outsider", "recruiter", "leadership"])
def test_nobody_outside_the_team_changes_its_settings(client, request, team, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(settings_url(team)).status_code == 404
    assert client.post(settings_url(team), {"practice_to_graduate": "1"}).status_code == 404


def test_the_team_reads_who_changed_its_settings_and_how(client, team, member, teammate):
    """The team agrees on how many practice scorecards graduate a trainee: the team reads it."""
    client.force_login(member)

    proposed(
        client,
        team,
        {"check_in_days": "90,180,365", "practice_to_graduate": "1", "practice_tolerance": "0.75"},
    )
    approved_by(client, teammate, team)

    [event] = AuditEvent.objects.filter(team=team, action=AuditEvent.Action.TEAM_SETTINGS)
    assert event.actor == teammate  # whose vote settled it; the proposal names who proposed it
    assert event.details.endswith("practice scorecards to graduate from 3 to 1: accepted")
    assert "0.75" not in event.details  # unchanged values are not listed
