"""The team's settings (its check-ins, its trainees' path to graduating) are the team's own rule:
a change is a proposal its membership rule settles, never one member's alone."""

import html
import json
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from hiring.models import AuditEvent, Proposal, Team
from hiring.teams import membership

Status = Proposal.Status

LOWER_BAR = {"check_in_days": "90,180,365", "practice_to_graduate": "1", "practice_tolerance": "2"}
LOWERED = (
    "Change the team's settings: practice scorecards to graduate from 3 to 1; "
    "practice tolerance (points) from 0.75 to 2.00"
)
SHOWN = escape(LOWERED)  # as a page writes it


def settings_url(team):
    return reverse("team_settings", args=[team.pk])


def path_to_graduating(team):
    team.refresh_from_db()
    return team.practice_to_graduate, team.practice_tolerance


def shown(page):
    """The settings a settings page shows, as its form posts them back."""
    return html.unescape(re.search(r'name="shown" value="([^"]*)"', page)[1])


def proposed_by(client, person, team, values=LOWER_BAR):
    """`values` posted by `person` from the settings page (as it would be, for an outsider)."""
    client.force_login(person)
    page = client.get(settings_url(team))
    as_shown = shown(page.text) if page.status_code == 200 else json.dumps(team.settings_snapshot())
    return client.post(settings_url(team), {**values, "shown": as_shown}, follow=True)


def test_one_member_no_longer_lowers_the_bar_alone(client, team, member):
    page = proposed_by(client, member, team)

    assert path_to_graduating(team) == (3, Decimal("0.75"))
    proposal = team.proposals.get(kind=Proposal.Kind.SETTINGS)
    assert proposal.status == Status.OPEN
    # The settings page says what was proposed, and that it waits for the team.
    assert page.redirect_chain == [(settings_url(team), 302)]
    assert f"Proposed: {SHOWN}. It needs the team&#x27;s approval." in page.text
    assert f"Waiting for the team: {SHOWN} (proposed by Ana Member)." in page.text


def test_the_team_page_lists_it_to_vote_on_with_the_others(client, team, member, teammate):
    proposed_by(client, member, team)
    proposal = team.proposals.get()
    client.force_login(teammate)

    page = client.get(team.get_absolute_url()).text

    assert f"<h3>{SHOWN}</h3>" in page
    assert "1 of 2 approvals needed" in page
    assert reverse("vote", args=[team.pk, proposal.pk]) in page


def test_the_teams_approval_changes_its_settings_and_the_trail_says_how(
    client, team, member, teammate
):
    proposed_by(client, member, team)
    proposal = team.proposals.get()
    client.force_login(teammate)

    client.post(reverse("vote", args=[team.pk, proposal.pk]), {"approve": "yes"})

    assert path_to_graduating(team) == (1, Decimal("2.00"))
    [event] = AuditEvent.objects.filter(team=team, action=AuditEvent.Action.TEAM_SETTINGS)
    assert (event.actor, event.details) == (teammate, f"{LOWERED}: accepted")


def test_a_rejected_change_keeps_the_settings(client, team, member, teammate):
    proposed_by(client, member, team)
    client.force_login(teammate)

    client.post(reverse("vote", args=[team.pk, team.proposals.get().pk]), {"approve": "no"})

    assert team.proposals.get().status == Status.REJECTED
    assert path_to_graduating(team) == (3, Decimal("0.75"))


def test_a_team_of_one_changes_its_settings_in_one_step(client, member):
    team = membership.create_team(member, "Solo")

    page = proposed_by(client, member, team)

    assert path_to_graduating(team) == (1, Decimal("2.00"))
    assert team.proposals.get().status == Status.ACCEPTED
    assert f"Accepted: {SHOWN}." in page.text
    assert "Waiting for the team" not in page.text


def test_settings_changed_since_it_was_proposed_are_not_undone(client, team, member, teammate):
    """Agreed to against settings the team no longer has, it would put them back unseen."""
    proposed_by(client, member, team, {**LOWER_BAR, "practice_tolerance": "0.75"})
    Team.objects.filter(pk=team.pk).update(practice_to_graduate=5)  # changed some other way
    client.force_login(teammate)

    page = client.post(
        reverse("vote", args=[team.pk, team.proposals.get().pk]), {"approve": "yes"}, follow=True
    )

    assert team.proposals.get().status == Status.REJECTED
    assert path_to_graduating(team) == (5, Decimal("0.75"))
    assert "The team&#x27;s settings changed since it was proposed" in page.text


def test_a_page_opened_before_the_team_changed_them_proposes_nothing(client, team, member):
    """Sent as it was, it would propose to put back what the team just agreed to."""
    client.force_login(member)
    page = client.get(settings_url(team)).text
    Team.objects.filter(pk=team.pk).update(practice_tolerance=Decimal("0.5"))  # agreed meanwhile

    response = client.post(
        settings_url(team), {**LOWER_BAR, "practice_tolerance": "0.75", "shown": shown(page)}
    )
    again = client.post(
        settings_url(team),
        {**LOWER_BAR, "practice_tolerance": "0.5", "shown": shown(response.text)},
        follow=True,
    )

    assert response.status_code == 400
    assert "The team&#x27;s settings changed since you opened this page" in response.text
    assert '"practice_tolerance": 0.5' in shown(response.text)  # shown again as they are now
    assert again.status_code == 200
    assert team.proposals.get().rule_before["practice_tolerance"] == 0.5


@pytest.mark.parametrize("sent", ["[" * 100_000, '{"a": ' * 400 + "1" + "}" * 400, "x" * 10**6])
def test_a_shown_value_no_page_writes_is_refused_plainly(client, team, member, sent):
    client.force_login(member)

    response = client.post(settings_url(team), {**LOWER_BAR, "shown": sent})

    assert response.status_code == 400
    assert "The team&#x27;s settings changed since you opened this page" in response.text
    assert not team.proposals.exists()


def test_the_check_in_days_written_otherwise_are_the_same_days(client, team, member):
    page = proposed_by(client, member, team, {**LOWER_BAR, "check_in_days": "090, 180,365"})

    assert "from 90,180,365" not in page.text
    assert team.proposals.get().rule_after["check_in_days"] == "90,180,365"


def test_one_change_waits_at_a_time(client, team, member, teammate):
    proposed_by(client, member, team)
    client.force_login(teammate)
    page = client.get(settings_url(team)).text

    response = client.post(
        settings_url(team), {**LOWER_BAR, "check_in_days": "30,90", "shown": shown(page)}
    )

    assert response.status_code == 400
    assert "There is already an open proposal to change the team&#x27;s settings." in response.text
    assert team.proposals.count() == 1


def test_proposing_the_settings_as_they_are_is_refused(team, member):
    same = {"check_in_days": "90,180,365", "practice_to_graduate": 3, "practice_tolerance": 0.75}

    with pytest.raises(ValidationError, match="Those are already the team's settings."):
        membership.propose_settings(team, member, same, shown=team.settings_snapshot())

    assert not team.proposals.exists()


@pytest.mark.parametrize("who", ["outsider", "recruiter", "leadership"])
def test_nobody_outside_the_team_proposes_its_settings(client, request, team, who):
    response = proposed_by(client, request.getfixturevalue(who), team)

    assert response.status_code == 404
    assert not team.proposals.exists()


def test_a_reader_reads_the_values_as_their_language_writes_numbers(team, member):
    proposal = membership.propose_settings(
        team,
        member,
        {"check_in_days": "90,180,365", "practice_to_graduate": 3, "practice_tolerance": 1.5},
        shown=team.settings_snapshot(),
    )

    with translation.override("de"):
        summary = proposal.summary
    assert "0,75" in summary
    assert "1,50" in summary
