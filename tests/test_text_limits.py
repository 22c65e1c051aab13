"""Free text people type is bounded: past the limit the form says so beside the field and
nothing is stored; a decision rule's quorum stays one a panel can reach."""

from django.urls import reverse

from hiring.checkins.forms import CheckInForm
from hiring.debrief.forms import LARGEST_QUORUM, DecisionRuleForm
from hiring.models import Application, Decision, Invitation, Proposal, Team
from hiring.pipeline.forms import LONGEST_LINKS
from scorecards.forms import LONGEST_NOTES
from tests.checkins.helpers import first, hired
from tests.factories import (
    HTMX,
    SKILLS,
    TEAM_FIT,
    ApplicationFactory,
    OpeningFactory,
    field_errors,
    fresh,
    submitted,
)

TOO_LONG = "x" * (LONGEST_NOTES + 1)
AT_MOST = f"Ensure this value has at most {LONGEST_NOTES} characters"


def test_an_openings_description_is_bounded(client, member, team):
    opening = OpeningFactory(team=team, description="As it was")
    client.force_login(member)

    response = client.post(
        reverse("opening_edit", args=[opening.pk]),
        {"title": opening.title, "description": TOO_LONG, "status": opening.status},
    )

    assert response.status_code == 400
    assert AT_MOST in field_errors(response.text, "description")
    opening.refresh_from_db()
    assert opening.description == "As it was"


def test_a_teams_description_is_bounded(client, member):
    client.force_login(member)

    response = client.post(reverse("team_create"), {"name": "Data", "description": TOO_LONG})

    assert response.status_code == 400
    assert AT_MOST in field_errors(response.text, "description")
    assert not Team.objects.filter(name="Data").exists()


def test_a_candidates_links_are_bounded_as_on_the_careers_page(client, member, team):
    opening = OpeningFactory(team=team)
    links = "\n".join(f"https://example.com/{number:05}" for number in range(200))
    assert len(links) > LONGEST_LINKS
    client.force_login(member)

    response = client.post(
        reverse("application_create", args=[opening.pk]),
        {"name": "Lena Vogel", "email": "lena@example.com", "links": links},
    )

    assert response.status_code == 400
    assert f"at most {LONGEST_LINKS} characters" in field_errors(response.text, "links")
    assert not Application.objects.exists()


def test_a_decisions_rationale_is_bounded(client, member, teammate, peer, team):
    application = ApplicationFactory(opening__team=team, stage=Application.Stage.PANEL)
    submitted(application, member, SKILLS, "yes")
    submitted(application, teammate, TEAM_FIT, "yes")
    submitted(application, peer, TEAM_FIT, "yes")
    assert fresh(application).debrief_opened_at is not None
    client.force_login(member)

    response = client.post(
        reverse("record_decision", args=[application.pk]),
        {"outcome": "no_hire", "rationale": TOO_LONG},
    )

    assert response.status_code == 400
    assert AT_MOST in field_errors(response.text, "rationale")
    assert not Decision.objects.exists()


def test_a_proposed_members_address_is_no_longer_than_one_is_stored(client, member, team):
    """PostgreSQL's column refused a longer one with a server error; SQLite stored it."""
    too_long = "x" * 250 + "@example.com"
    client.force_login(member)

    response = client.post(reverse("propose_member", args=[team.pk]), {"email": too_long})

    assert response.status_code == 400
    assert "at most 254 characters" in field_errors(response.text, "email")
    assert not team.proposals.exists()


def test_an_invited_address_is_no_longer_than_one_is_stored(client, org_admin):
    client.force_login(org_admin)

    response = client.post(
        reverse("invite"), {"email": "x" * 250 + "@example.com", "role": "recruiter"}
    )

    assert response.status_code == 400
    assert "at most 254 characters" in field_errors(response.text, "email")
    assert not Invitation.objects.exists()


def test_check_in_notes_are_bounded(client, member, team):
    check_in = first(hired(team, member, days_ago=90, email="hire@example.com"))
    client.force_login(member)

    response = client.post(
        reverse("check_in_draft", args=[check_in.pk]), {"notes": TOO_LONG}, **HTMX
    )

    assert response.status_code == 400
    assert AT_MOST in response.text
    assert not check_in.reviews.exists()
    form = CheckInForm(criteria=[])
    assert f'maxlength="{LONGEST_NOTES}"' in str(form["notes"])


def rule_posted(opening, **changes):
    """The opening's rule as its form posts it, with `changes`."""
    form = DecisionRuleForm(instance=opening)
    return {name: form[name].value() for name in form.fields} | changes


def test_a_rules_quorum_is_one_a_panel_can_reach(client, member, team):
    opening = OpeningFactory(team=team)
    client.force_login(member)
    url = reverse("opening_rule", args=[opening.pk])

    scorecards = client.post(url, rule_posted(opening, min_scorecards="99999999999"))
    peers = client.post(url, rule_posted(opening, min_team_fit_peers=str(LARGEST_QUORUM + 1)))

    assert scorecards.status_code == peers.status_code == 400
    below = f"Ensure this value is less than or equal to {LARGEST_QUORUM}"
    assert below in field_errors(scorecards.text, "min_scorecards")
    assert below in field_errors(peers.text, "min_team_fit_peers")
    assert not Proposal.objects.filter(opening=opening).exists()
    reached = client.post(url, rule_posted(opening, min_scorecards=str(LARGEST_QUORUM)))
    assert reached.status_code == 302
