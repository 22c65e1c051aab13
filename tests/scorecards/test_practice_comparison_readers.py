"""A trainee's page compares their practice with the panel's scores: the hire the panel rated,
once a member of the team, reads there nothing of their own panel, as on every other page
(scorecards.access.reads_panel_feedback); the rest of the team reads the comparison."""

from django.urls import reverse

from tests.factories import SKILLS, TEAM_FIT, ApplicationFactory, UserFactory, fresh, submitted
from tests.practice.helpers import submitted_practice, trainee_in


def test_the_hire_reads_no_comparison_with_their_own_panel(client, team, member, teammate):
    trainee = trainee_in(team, UserFactory(display_name="Dan Trainee"))
    application = ApplicationFactory(opening__team=team, candidate__name="Sara Lind")
    submitted_practice(application, trainee, score=2)
    submitted(application, member, SKILLS, score=4)
    submitted(application, teammate, TEAM_FIT, score=4)
    fresh(application).move_to("hired", member)
    hire = UserFactory(display_name="Sara Joined", email=application.candidate.email.upper())
    team.memberships.create(user=hire)
    page = reverse("trainee_progress", args=[team.pk, trainee.pk])

    client.force_login(hire)
    assert "Sara Lind" not in client.get(page).text
    client.force_login(member)
    assert "Sara Lind" in client.get(page).text
