"""A candidate hired for one of the team's openings who still has another application open to
it: that application's page and card say so, and nothing is done to it (the recruiter and the
team decide)."""

import pytest

from hiring.models import Application
from tests.factories import ApplicationFactory, OpeningFactory, fresh

Stage = Application.Stage
HIRED_FOR = "Hired for Platform Engineer"  # on the card
ON_PAGE = "This candidate was hired for Platform Engineer, another of the team's openings"


@pytest.fixture
def elsewhere(team):
    """Nina's application to the team's Data Engineer opening, still at Panel."""
    return ApplicationFactory(
        opening=OpeningFactory(team=team, title="Data Engineer"),
        candidate__name="Nina Park",
        stage=Stage.PANEL,
    )


@pytest.fixture
def offered(team, elsewhere):
    """Her application to Platform Engineer, offered."""
    return ApplicationFactory(
        opening=OpeningFactory(team=team, title="Platform Engineer"),
        candidate=elsewhere.candidate,
        stage=Stage.OFFER,
    )


def test_the_other_application_says_the_candidate_was_hired_once_she_is(
    client, member, elsewhere, offered, django_capture_on_commit_callbacks
):
    client.force_login(member)
    page, board = client.get(elsewhere.get_absolute_url()).text, client.get("/pipeline/").text

    with django_capture_on_commit_callbacks(execute=True):  # the columns forgotten
        offered.move_to(Stage.HIRED, None)

    assert ON_PAGE not in page
    assert HIRED_FOR not in board
    assert ON_PAGE in client.get(elsewhere.get_absolute_url()).text
    assert HIRED_FOR in client.get("/pipeline/").text
    assert fresh(elsewhere).stage == Stage.PANEL  # the team decides what becomes of it


def test_a_hire_who_did_not_start_is_no_longer_shown_hired(
    client, member, elsewhere, offered, django_capture_on_commit_callbacks
):
    offered.move_to(Stage.HIRED, None)
    client.force_login(member)
    assert ON_PAGE in client.get(elsewhere.get_absolute_url()).text
    assert HIRED_FOR in client.get("/pipeline/").text

    with django_capture_on_commit_callbacks(execute=True):
        fresh(offered).move_to(Stage.WITHDRAWN, None)

    assert ON_PAGE not in client.get(elsewhere.get_absolute_url()).text
    assert HIRED_FOR not in client.get("/pipeline/").text


def test_a_hire_in_another_team_is_not_told(client, leadership, elsewhere):
    hired = ApplicationFactory(candidate=elsewhere.candidate, stage=Stage.OFFER)
    hired.move_to(Stage.HIRED, None)
    client.force_login(leadership)

    assert "was hired for" not in client.get(elsewhere.get_absolute_url()).text
    assert "Hired for" not in client.get("/pipeline/").text
