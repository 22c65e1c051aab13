"""The validity page is kept until what it reads changes (Team.hires_version): a hire, its
scorecards, its check-ins, a name it shows. The rest of a busy team's work (every submission,
move and decision of the applications still in the pipeline) leaves it cached: it takes seconds
to compute at the size of a large company."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hiring.checkins import checkins
from hiring.models import Application, Team
from hiring.pipeline import applications
from scorecards.models import CheckIn
from tests.factories import ApplicationFactory, OpeningFactory, submitted

from .test_validity import URL, hire, hires

pytestmark = pytest.mark.django_db


@pytest.fixture
def opening(team):
    return OpeningFactory(team=team)


def computed(response):
    """Whether the page's figures were computed for this request, not read from the cache."""
    return "criteria" in response.context


def versions(team):
    return Team.objects.values_list("data_version", "hires_version").get(pk=team.pk)


def due_now(application):
    """A later check-in of `application`, due now (after the members joined), and ratings of 1
    for each of its criteria."""
    version = CheckIn.objects.get(application=application).version
    due = timezone.now()
    check_in = CheckIn.objects.create(
        application=application, day=180, due_at=due, closes_at=due + timedelta(days=30),
        version=version,
    )  # fmt: skip
    return check_in, {pk: {"score": 1} for pk in version.criteria.values_list("pk", flat=True)}


def test_work_on_applications_not_hired_leaves_it_cached(client, member, teammate, opening):
    hires(opening, teammate, 6)
    client.force_login(member)
    assert computed(client.get(URL))
    data_before, hires_before = versions(opening.team)

    other = ApplicationFactory(opening=opening)
    applications.move_stage(other, Application.Stage.SCREEN, member)
    submitted(other, teammate, "skills")

    data_after, hires_after = versions(opening.team)
    assert data_after > data_before  # the team's other pages are read anew
    assert hires_after == hires_before
    assert not computed(client.get(URL))


def test_a_new_hire_is_counted_at_once(client, member, teammate, opening):
    hires(opening, teammate, 5)
    client.force_login(member)
    assert client.get(URL).context["hires"] == 5

    scored = ApplicationFactory(opening=opening)
    submitted(scored, teammate, "team_fit", "yes", 3)
    Application.objects.filter(pk=scored.pk).update(debrief_opened_at=timezone.now())
    scored.refresh_from_db()
    scored.move_to(Application.Stage.HIRED, member)

    response = client.get(URL)
    assert computed(response)
    assert response.context["hires"] == 6


def test_a_check_in_every_rater_submitted_is_read_at_once(client, member, teammate, opening):
    hires(opening, teammate, 5)
    later = hire(opening, {teammate: 4}, 4, submit=False)
    client.force_login(member)
    before = client.get(URL).context["vote"]

    check_in, ratings = due_now(later)
    checkins.submit(check_in, member, ratings, "strong_no", "")
    # The teammate is still to rate it: nothing of it is read yet, by anyone.
    assert client.get(URL).context["vote"]["hires"] == before["hires"]
    checkins.submit(check_in, teammate, ratings, "strong_no", "")

    after = client.get(URL).context["vote"]
    assert after["hires"] == before["hires"] + 1


def test_an_interviewer_renamed_shows_by_their_new_name(client, member, teammate, opening):
    hires(opening, teammate, 5)
    client.force_login(member)
    assert teammate.display_name in client.get(URL).text

    teammate.display_name = "Ben Renamed"
    teammate.save()

    assert "Ben Renamed" in client.get(URL).text


def test_a_check_in_waits_for_no_rater_whose_account_was_deactivated(
    client, member, teammate, opening
):
    hires(opening, teammate, 5)
    later = hire(opening, {teammate: 4}, 4, submit=False)
    teammate.is_active = False  # left the organisation: never submits
    teammate.save(update_fields=["is_active"])
    client.force_login(member)
    before = client.get(URL).context["vote"]

    check_in, ratings = due_now(later)
    checkins.submit(check_in, member, ratings, "strong_no", "")

    # Every rater who can still sign in submitted: read at once, not when it closes.
    assert client.get(URL).context["vote"]["hires"] == before["hires"] + 1


def test_a_check_in_left_waiting_for_a_rater_is_kept_out_only_until_it_closes(
    client, member, teammate, opening
):
    hires(opening, teammate, 5)
    later = hire(opening, {teammate: 4}, 4, submit=False)
    check_in, ratings = due_now(later)
    checkins.submit(check_in, member, ratings, "strong_no", "")
    client.force_login(member)

    response = client.get(URL)

    # Nothing but the clock changes as it closes, the teammate missing: the figures kept until
    # then (freshness.cached) are computed again, and read it.
    assert response.context["good_until"] == check_in.closes_at
