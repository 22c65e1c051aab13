"""The trainee's page asks of every hire the trainee practised on whether its reader is that
hire (hiring.access.is_the_candidate): the reader's addresses are read once, however many."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import SKILLS, TEAM_FIT, ApplicationFactory, UserFactory, fresh, submitted
from tests.practice.helpers import submitted_practice, trainee_in


def hired_case(team, trainee, member, teammate):
    application = ApplicationFactory(opening__team=team)
    submitted_practice(application, trainee)
    submitted(application, member, SKILLS)
    submitted(application, teammate, TEAM_FIT)
    fresh(application).move_to("hired", member)


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_progress_page_asks_as_much_of_four_hires_as_of_one(client, team, member, teammate):
    trainee = trainee_in(team, UserFactory(display_name="Dan Trainee"))
    url = reverse("trainee_progress", args=[team.pk, trainee.pk])
    client.force_login(member)
    hired_case(team, trainee, member, teammate)
    one = queries(client, url)

    for _ in range(3):
        hired_case(team, trainee, member, teammate)

    assert queries(client, url) == one
