"""The board cached per column: a change rebuilds the columns that show it, and the facts of the
clock (days in stage, stale, overdue) are read on each request from the moments cached."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hiring import freshness
from hiring.models import InterviewSession, Panel
from hiring.pipeline import applications, board, views
from tests.factories import ApplicationFactory, OpeningFactory, assigned, submit

# A column's page of cards, as its query names it.
COLUMN_QUERY = re.compile(r"\"hiring_application\".\"stage\" = '(\w+)'.* LIMIT 21")


def rebuilt(queries):
    """The stages whose column was read from the database."""
    return {
        found.group(1)
        for query in queries.captured_queries
        if (found := COLUMN_QUERY.search(query["sql"]))
    }


def board_read(client):
    """The board's next request, and the columns it rebuilt."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/pipeline/")
    return response, rebuilt(queries)


def column_of(text, stage):
    return re.search(rf'aria-labelledby="col-{stage}"[^>]*>(.*?)</section>', text, re.S).group(1)


def count_of(text, stage):
    return int(re.search(rf'<h2 id="col-{stage}">[^<]*<span[^>]*>(\d+)</span>', text).group(1))


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """A block whose changes commit at its end: the board learns of a change once it commits."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def opening(team):
    return OpeningFactory(team=team, title="SRE")


def test_after_a_move_leadership_rebuilds_the_two_columns_it_changed(
    client, leadership, member, outsider, opening, committed
):
    moving = ApplicationFactory(opening=opening, stage="screen", candidate__name="Ola Quinn")
    ApplicationFactory(opening=opening, stage="screen")
    ApplicationFactory(opening=OpeningFactory(team=outsider.teams.get()), stage="panel")
    client.force_login(leadership)
    assert board_read(client)[1] == set(board.Application.Stage.values)

    with committed():
        applications.move_stage(moving, "panel", by=member)

    response, columns = board_read(client)
    assert columns == {"screen", "panel"}
    assert "Ola Quinn" not in column_of(response.text, "screen")
    assert "Ola Quinn" in column_of(response.text, "panel")
    assert (count_of(response.text, "screen"), count_of(response.text, "panel")) == (1, 2)


def test_a_submission_rebuilds_its_cards_column_alone(
    client, leadership, teammate, opening, committed
):
    application = ApplicationFactory(opening=opening, stage="panel")
    ApplicationFactory(opening=opening, stage="screen")
    item = assigned(application, teammate, "skills")
    client.force_login(leadership)
    assert "0 of 1 submitted" in board_read(client)[0].text

    with committed():
        submit(item)

    response, columns = board_read(client)
    assert columns == {"panel"}
    assert "1 of 1 submitted" in column_of(response.text, "panel")


def test_renaming_a_candidate_rebuilds_their_cards_column(client, member, opening, committed):
    application = ApplicationFactory(opening=opening, candidate__name="Ola Quinn")
    client.force_login(member)
    board_read(client)

    application.candidate.name = "Ola Quinn-Reyes"
    with committed():
        application.candidate.save()

    response, columns = board_read(client)
    assert columns == {"applied"}
    assert "Ola Quinn-Reyes" in column_of(response.text, "applied")


def test_another_teams_move_leaves_a_members_board_cached(
    client, member, outsider, opening, committed
):
    ApplicationFactory(opening=opening, stage="screen")
    elsewhere = ApplicationFactory(opening=OpeningFactory(team=outsider.teams.get()))
    client.force_login(member)
    board_read(client)

    with committed():
        applications.move_stage(elsewhere, "screen", by=outsider)

    assert board_read(client)[1] == set()


def test_a_new_opening_reaches_the_cached_menu(client, member, team, opening, committed):
    client.force_login(member)
    assert "Data engineer" not in client.get("/pipeline/").text

    with committed():
        OpeningFactory(team=team, title="Data engineer")

    assert '">Data engineer (Platform)</option>' in client.get("/pipeline/").text


def test_a_leader_who_joins_a_team_may_move_its_cards_at_once(
    client, leadership, team, opening, committed
):
    application = ApplicationFactory(opening=opening)
    client.force_login(leadership)
    assert f'id="move-{application.pk}"' not in client.get("/pipeline/").text

    with committed():
        team.memberships.create(user=leadership)

    assert f'id="move-{application.pk}"' in client.get("/pipeline/").text


def test_a_change_reaches_the_board_once_it_commits(
    client, member, opening, django_capture_on_commit_callbacks
):
    # Not before: with the cache outside the database (Redis), a reader between the change and
    # its commit would make a new token and read what was there before.
    application = ApplicationFactory(opening=opening, stage="screen")
    client.force_login(member)
    board_read(client)
    with django_capture_on_commit_callbacks() as commit:
        applications.move_stage(application, "panel", by=member)
    assert board_read(client)[1] == set()

    for callback in commit:
        callback()

    assert board_read(client)[1] == {"screen", "panel"}


@pytest.mark.parametrize("per_stage", [1, 30])
def test_a_warm_board_runs_the_same_few_queries_however_many_cards(
    client, leadership, opening, per_stage, django_assert_max_num_queries
):
    for stage in board.Application.Stage.values:
        for _ in range(per_stage):
            ApplicationFactory(opening=opening, stage=stage)
    client.force_login(leadership)
    client.get("/pipeline/")

    # Session, user, organisation, and one read of the cache: the columns and their tokens
    # (a query on the database cache, none on Redis).
    with django_assert_max_num_queries(4):
        assert client.get("/pipeline/").status_code == 200


def test_another_viewer_never_gets_the_first_viewers_columns(member, teammate, opening):
    application = ApplicationFactory(opening=opening)
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(member)
    second.force_login(teammate)
    board_read(first)

    response, columns = board_read(second)

    assert columns == set(board.Application.Stage.values)
    form = re.search(
        rf'action="/pipeline/applications/{application.pk}/move/.*?</form>', response.text, re.S
    )
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group()).group(1)
    moved = second.post(
        f"/pipeline/applications/{application.pk}/move/",
        {"stage": "screen", "csrfmiddlewaretoken": token},
    )
    assert moved.status_code == 302


# The clock's facts: read from the cached moments at `now`, with no write and no rebuild.


def read_at(request, now):
    """The board as `request`'s user reads it at `now`, and the columns it rebuilt."""
    with CaptureQueriesContext(connection) as queries:
        parts = views.board_parts(request, board.Filters(), now)
    return parts["board"], rebuilt(queries)


@pytest.fixture
def signed_in_request(client, member):
    """A request of `member`'s, as the board reads who is looking."""
    client.force_login(member)
    return client.get("/pipeline/").wsgi_request


def test_days_in_stage_go_up_once_a_whole_day_has_passed(signed_in_request, opening):
    # Moved late in the evening: the next morning is still its first day in the stage.
    moved = timezone.now().replace(hour=23, minute=30) - timedelta(days=3)
    ApplicationFactory(opening=opening, stage_changed_at=moved)
    read_at(signed_in_request, moved)  # cached

    after_midnight, columns = read_at(signed_in_request, moved + timedelta(hours=1))
    day_less_a_moment, _ = read_at(signed_in_request, moved + timedelta(days=1, microseconds=-1))
    a_day, later_columns = read_at(signed_in_request, moved + timedelta(days=1))

    assert "0 days in stage" in after_midnight
    assert "0 days in stage" in day_less_a_moment
    assert "1 day in stage" in a_day
    assert columns == later_columns == set()


def flags(board_html):
    return re.findall(r'<span class="flag (\w+)">', board_html)


def test_stale_and_overdue_flags_come_with_the_clock_alone(
    signed_in_request, member, teammate, opening
):
    now = timezone.now()
    application = ApplicationFactory(
        opening=opening,
        stage="panel",
        stage_changed_at=now - board.STALE_AFTER + timedelta(hours=1),
    )
    item = assigned(application, teammate, "skills")
    item.session = InterviewSession.objects.create(
        panel=Panel.objects.create(application=application, created_by=member),
        focus="skills",
        start=now,
        end=now + timedelta(minutes=30),
    )
    item.save(update_fields=["session"])
    now_html, _ = read_at(signed_in_request, now)  # cached

    overdue, columns = read_at(signed_in_request, now + timedelta(minutes=31))
    stale_too, later_columns = read_at(signed_in_request, now + timedelta(hours=1, seconds=1))

    assert (flags(now_html), flags(overdue), flags(stale_too)) == (
        [],
        ["overdue"],
        ["overdue", "stale"],
    )
    assert columns == later_columns == set()


def test_on_the_stale_board_a_card_turning_stale_joins_its_column(signed_in_request, opening):
    now = timezone.now()
    turning = ApplicationFactory(
        opening=opening,
        stage="screen",
        stage_changed_at=now - board.STALE_AFTER + timedelta(hours=1),
    )
    stale = board.Filters(stale=True)
    assert str(turning.pk) not in views.board_parts(signed_in_request, stale, now)["board"]

    with CaptureQueriesContext(connection) as queries:
        later = views.board_parts(signed_in_request, stale, now + timedelta(hours=1, seconds=1))

    assert rebuilt(queries) == {"screen"}
    assert f"/applications/{turning.pk}/" in later["board"]


@pytest.fixture
def cards_rendered(monkeypatch):
    """The number of cards rendered (not found ready, freshness.cached_each) by get(path) or
    post(path, data), as the client returns it: (response, cards rendered)."""
    stored = []
    store = freshness.fragments.set_many

    def set_many(entries, *args, **kwargs):
        stored.append(len(entries))
        return store(entries, *args, **kwargs)

    monkeypatch.setattr(freshness.fragments, "set_many", set_many)

    def rendered(request):
        stored.clear()
        response = request()
        return response, sum(stored)

    return rendered


def test_a_moves_reply_renders_the_moved_card_alone(client, member, opening, cards_rendered):
    moving = ApplicationFactory(opening=opening, stage="screen", candidate__name="Ola Quinn")
    for _ in range(3):
        ApplicationFactory(opening=opening, stage="screen")
        ApplicationFactory(opening=opening, stage="panel")
    client.force_login(member)
    client.get("/pipeline/")

    response, rendered = cards_rendered(
        lambda: client.post(
            f"/pipeline/applications/{moving.pk}/move/",
            {"stage": "panel"},
            headers={"HX-Request": "true"},
        )
    )

    assert rendered == 1
    joins = re.search(r'<ul hx-swap-oob="beforebegin:#end-panel">(.*?)</ul>', response.text, re.S)
    assert "Ola Quinn" in joins.group(1)
    assert "<section" not in response.text  # no column sent whole


def test_cards_found_ready_are_the_cards_rendered_anew(client, member, opening, cards_rendered):
    for stage in ("applied", "screen", "panel", "debrief"):
        ApplicationFactory(opening=opening, stage=stage)
    client.force_login(member)
    freshness.fragments.clear()
    first, rendered = cards_rendered(lambda: client.get("/pipeline/"))
    cache.clear()  # the columns, not their cards

    again, rendered_again = cards_rendered(lambda: client.get("/pipeline/"))

    assert (rendered, rendered_again) == (4, 0)
    for stage in board.Application.Stage.values:
        assert column_of(again.text, stage) == column_of(first.text, stage)


def test_a_change_to_what_a_card_shows_renders_it_anew(
    client, member, opening, committed, cards_rendered
):
    application = ApplicationFactory(opening=opening, stage="screen", candidate__name="Ola Quinn")
    client.force_login(member)
    client.get("/pipeline/")

    with committed():
        application.candidate.name = "Ola Quinn-Reyes"
        application.candidate.save()
        assigned(application, member, "skills")

    response, rendered = cards_rendered(lambda: client.get("/pipeline/"))
    assert rendered == 1
    assert "Ola Quinn-Reyes" in column_of(response.text, "screen")
    assert "0 of 1 submitted" in column_of(response.text, "screen")
