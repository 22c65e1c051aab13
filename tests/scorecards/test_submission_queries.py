"""A submission costs the same few queries whatever the size of its panel and of its scorecard
(issue 17: cheap writes): its ratings are written together, not one by one."""

from functools import partial

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hiring.models import Application
from scorecards import scoring
from scorecards.editing import create_template
from tests.factories import SKILLS, TEAM_FIT, ApplicationFactory, UserFactory, complete_post

# Measured on SQLite: 16 for a submission the debrief still waits after (the session, the user,
# the feedback's criteria; the feedback and its application, read once and locked, the draft,
# made here with none of its ratings to read, and their writes; the submission and its audit
# event; whether anyone still writes; as the write ends, what they changed: the application's
# page (its team and stage read back by the same statement), its team, the reports' day), 24
# for the last one, which opens the debrief and moves the application (the opening's audit
# event inserted with the move's, the moment it opened saved in the move's UPDATE; the
# automatic emails an earlier move queued taken back, and the template chosen for the debrief
# read). Plus one spare.
WAITING_MAX_QUERIES = 17
OPENING_MAX_QUERIES = 25


def panel(team, size, criteria):
    """The feedback of `size` members, on skills and team fit in turn, on an application whose
    scorecard has `criteria` criteria of each; none submitted yet."""
    fields = [
        {"name": f"{focus} {n}", "category": focus}
        for focus in (SKILLS, TEAM_FIT)
        for n in range(criteria)
    ]
    application = ApplicationFactory(
        opening__team=team,
        opening__scorecard=create_template(team, "Both", criteria=fields),
        stage=Application.Stage.PANEL,
    )
    items = []
    for n in range(size):
        person = UserFactory(display_name=f"Panelist {n}")
        team.memberships.create(user=person)
        focus = TEAM_FIT if n % 2 else SKILLS
        items.append(scoring.assign(application, person, focus, assigned_by=person))
    return items


def submit_through_the_form(client, item, bound):
    """Queries of submitting `item`'s form, complete, as its interviewer, within `bound()`."""
    client.force_login(item.interviewer)
    url, data = reverse("feedback_submit", args=[item.pk]), complete_post(item)
    with bound(), CaptureQueriesContext(connection) as queries:
        response = client.post(url, data)
    assert response.status_code == 302
    return len(queries)


def test_a_submission_costs_the_same_queries_for_2_or_6_panelists_and_criteria(
    client, team, django_assert_max_num_queries
):
    small, large = panel(team, 2, criteria=2), panel(team, 6, criteria=6)
    waiting = partial(django_assert_max_num_queries, WAITING_MAX_QUERIES)
    opening = partial(django_assert_max_num_queries, OPENING_MAX_QUERIES)

    first = submit_through_the_form(client, small[0], waiting)
    assert submit_through_the_form(client, large[0], waiting) == first
    for item in large[1:-1]:
        submit_through_the_form(client, item, waiting)
    last = submit_through_the_form(client, small[-1], opening)
    assert submit_through_the_form(client, large[-1], opening) == last

    for items in (small, large):
        application = Application.objects.get(pk=items[0].application_id)
        assert application.debrief_opened_at is not None
        assert application.stage == Application.Stage.DEBRIEF
        for item in items:
            item.refresh_from_db()
            revision = item.latest_submission
            assert revision.vote == "yes"
            assert [r.score for r in revision.ratings.all()] == [3] * item.criteria.count()


def test_a_submission_over_a_saved_draft_overwrites_its_ratings_without_reading_them(client, team):
    item, _still_writing = panel(team, 2, criteria=3)  # the debrief stays shut
    criteria = list(item.criteria.all())
    scoring.save_draft(
        item,
        item.interviewer,
        ratings={criteria[0].pk: {"score": 1, "notes": "First thoughts"}},
        vote="no",
    )
    client.force_login(item.interviewer)
    data = complete_post(item, score="4", notes="Clear evidence", draft_version="1")

    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("feedback_submit", args=[item.pk]), data)

    assert response.status_code == 302
    reads = [q["sql"] for q in queries if q["sql"].startswith("SELECT")]
    assert not any('FROM "scorecards_rating"' in sql for sql in reads)
    item.refresh_from_db()
    ratings = item.latest_submission.ratings.order_by("criterion__position")
    assert [(r.score, r.notes) for r in ratings] == [(4, "Clear evidence")] * 3
    assert item.latest_submission.number == 1


def test_the_submission_that_opens_the_debrief_saves_its_application_once(client, team):
    first, last = panel(team, 2, criteria=2)
    client.force_login(first.interviewer)
    client.post(reverse("feedback_submit", args=[first.pk]), complete_post(first))
    client.force_login(last.interviewer)

    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("feedback_submit", args=[last.pk]), complete_post(last))

    assert response.status_code == 302
    application = Application.objects.get(pk=last.application_id)
    assert application.debrief_opened_at is not None
    assert application.stage == Application.Stage.DEBRIEF
    # The moment it opened goes in the move's UPDATE (the page's version moves in its own).
    saves = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "hiring_application"')]
    assert len(saves) == 1
    assert '"debrief_opened_at"' in saves[0]
    assert '"stage"' in saves[0]
