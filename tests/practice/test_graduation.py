"""Graduation is the team's: a member proposes a trainee with enough practice scorecards within
the team's tolerance, and the team's membership rule settles it. Nobody else graduates anyone."""

import pytest
from django.urls import reverse

from hiring.models import PoolMember, Proposal
from hiring.teams import membership
from scorecards import practice
from tests.factories import SKILLS, TEAM_FIT, ApplicationFactory, UserFactory, fresh, submitted

from .helpers import submitted_practice, trainee_in


@pytest.fixture
def trainee(team):
    return trainee_in(team, UserFactory(display_name="Dan Trainee"))


def compared_case(team, trainee, panel, score):
    """A debriefed application where the panel scored 3 and the trainee `score`."""
    application = ApplicationFactory(opening__team=team)
    submitted_practice(application, trainee, TEAM_FIT, vote="yes", score=score)
    member, teammate, peer = panel
    submitted(application, member, SKILLS, "yes", score=3)
    submitted(application, teammate, TEAM_FIT, "yes", score=3)
    submitted(application, peer, TEAM_FIT, "yes", score=3)
    assert fresh(application).debrief_opened_at
    return application


@pytest.fixture
def ready(team, trainee, member, teammate, peer):
    team.practice_to_graduate = 1
    team.save()
    compared_case(team, trainee, (member, teammate, peer), score=3)
    return trainee


def graduate_url(team, trainee):
    return reverse("propose_graduation", args=[team.pk, trainee.pk])


def is_trainee(team, user):
    return PoolMember.objects.get(team=team, user=user).trainee


def test_a_member_proposes_and_the_teams_rule_graduates(
    client, team, ready, member, teammate, peer
):
    client.force_login(member)

    response = client.post(graduate_url(team, ready))

    proposal = Proposal.objects.get(kind=Proposal.Kind.GRADUATE)
    assert response.status_code == 302
    assert proposal.is_open
    assert is_trainee(team, ready)
    membership.cast_vote(proposal, teammate, approve=True)  # 2 of 3 voters: a majority
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ACCEPTED
    assert not is_trainee(team, ready)
    assert proposal.summary == "Make Dan Trainee a full interviewer"


def test_the_trainee_neither_proposes_nor_votes_on_their_own_graduation(
    client, team, ready, member
):
    client.force_login(ready)

    response = client.post(graduate_url(team, ready))

    assert response.status_code == 400
    assert "Another member proposes you" in response.text
    assert not Proposal.objects.exists()
    proposal = membership.propose_graduation(team, member, ready)
    with pytest.raises(membership.ValidationError):
        membership.cast_vote(proposal, ready, approve=True)


@pytest.mark.parametrize("who", ["outsider", "leadership", "recruiter"])
def test_nobody_outside_the_team_graduates_anyone(client, request, team, ready, who):
    person = request.getfixturevalue(who)
    client.force_login(person)

    assert client.post(graduate_url(team, ready)).status_code == 404
    with pytest.raises(membership.ValidationError):
        membership.propose_graduation(team, person, ready)
    assert not Proposal.objects.exists()
    assert is_trainee(team, ready)


def test_only_scorecards_within_the_tolerance_count_towards_graduating(
    client, team, trainee, member, teammate, peer
):
    team.practice_to_graduate = 2
    team.save()
    panel = (member, teammate, peer)
    compared_case(team, trainee, panel, score=3)
    compared_case(team, trainee, panel, score=1)  # 2 points off: beyond 0.75
    client.force_login(member)

    refused = client.post(graduate_url(team, trainee))

    assert refused.status_code == 400
    assert "needs 2 practice scorecards" in refused.text
    assert (
        "1 of the 2 needed"
        in client.get(reverse("trainee_progress", args=[team.pk, trainee.pk])).text
    )
    compared_case(team, trainee, panel, score=4)  # 1 point off...
    assert not practice.graduation_ready(trainee, team)
    team.practice_tolerance = 1
    team.save()  # ...within a tolerance of 1
    assert practice.graduation_ready(trainee, team)
    assert client.post(graduate_url(team, trainee)).status_code == 302


def test_the_progress_page_runs_a_bounded_number_of_queries(
    client, team, ready, member, teammate, peer, django_assert_max_num_queries
):
    for score in (2, 4):
        compared_case(team, ready, (member, teammate, peer), score=score)
    client.force_login(member)

    with django_assert_max_num_queries(16):
        response = client.get(reverse("trainee_progress", args=[team.pk, ready.pk]))

    assert response.status_code == 200
    assert response.text.count("within tolerance") == 1
    assert "Propose Dan Trainee as a full interviewer" in response.text


def test_the_team_page_links_each_trainees_path_for_its_members(client, team, trainee, member):
    client.force_login(member)

    page = client.get(team.get_absolute_url()).text

    assert reverse("trainee_progress", args=[team.pk, trainee.pk]) in page
    assert reverse("team_settings", args=[team.pk]) in page


def test_a_team_that_graduates_on_one_scorecard_reads_one_scorecard(client, team, trainee, member):
    team.practice_to_graduate = 1
    team.save()
    client.force_login(member)

    refused = client.post(graduate_url(team, trainee))

    assert refused.status_code == 400
    assert "needs 1 practice scorecard within the team" in refused.text


def test_a_graduation_is_agreed_only_while_the_trainee_meets_the_teams_settings(
    client, team, ready, member, teammate, peer
):
    """The team asked for more practice while it voted: the carrying vote is refused, and the
    proposal waits until the trainee has it."""
    proposal = membership.propose_graduation(team, member, ready)
    settings = team.settings_snapshot()
    raised = membership.propose_settings(
        team, member, {**settings, "practice_to_graduate": 2}, shown=settings
    )
    for voter in (teammate, peer):
        raised.refresh_from_db()
        if raised.is_open:
            membership.cast_vote(raised, voter, approve=True)
    team.refresh_from_db()
    assert team.practice_to_graduate == 2
    client.force_login(teammate)

    response = client.post(reverse("vote", args=[team.pk, proposal.pk]), {"approve": "yes"})

    assert response.status_code == 400
    assert "Dan Trainee needs 2 practice scorecards within the team&#x27;s tolerance first." in (
        response.text
    )
    proposal.refresh_from_db()
    assert proposal.is_open
    assert is_trainee(team, ready)
    compared_case(team, ready, (member, teammate, peer), score=3)
    membership.cast_vote(proposal, teammate, approve=True)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ACCEPTED
    assert not is_trainee(team, ready)
