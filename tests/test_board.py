"""The pipeline board: who sees which cards, filters, keyset pages, a fixed number of queries."""

import html
import re
from datetime import timedelta
from urllib.parse import unquote

import pytest
from django.utils import timezone

from hiring import board
from hiring.models import Application

from .factories import ApplicationFactory, OpeningFactory


def make_applications(opening, count, stage="applied", days_ago=0):
    when = timezone.now() - timedelta(days=days_ago)
    return [
        ApplicationFactory(
            opening=opening, stage=stage, stage_changed_at=when - timedelta(minutes=i)
        )
        for i in range(count)
    ]


def card_ids(response):
    return [int(pk) for pk in re.findall(r'href="/applications/(\d+)/"', response.text)]


def next_cursor(response):
    found = re.search(r'hx-get="[^"]*after=([^"&]+)"', response.text)
    return unquote(found.group(1)) if found else None


def names(response):
    return {html.unescape(name) for name in re.findall(r"<strong>([^<]+)</strong>", response.text)}


def test_members_see_their_teams_cards_and_leadership_sees_all(
    client, member, outsider, leadership, team
):
    mine = make_applications(OpeningFactory(team=team), 1)[0]
    theirs = make_applications(OpeningFactory(team=outsider.teams.get()), 1)[0]

    client.force_login(member)
    assert names(client.get("/pipeline/")) == {mine.candidate.name}
    client.force_login(leadership)
    assert names(client.get("/pipeline/")) == {mine.candidate.name, theirs.candidate.name}


def test_stale_filter_keeps_open_applications_without_movement(client, member, team):
    opening = OpeningFactory(team=team)
    [stale] = make_applications(opening, 1, stage="panel", days_ago=30)
    make_applications(opening, 1, stage="panel", days_ago=1)
    make_applications(opening, 1, stage="rejected", days_ago=30)
    client.force_login(member)

    response = client.get("/pipeline/?stale=1")

    assert names(response) == {stale.candidate.name}
    assert "stale" in response.text


def test_filters_live_in_the_query_string_and_htmx_gets_the_board_only(client, member, team):
    make_applications(OpeningFactory(team=team), 1, stage="screen")
    client.force_login(member)

    response = client.get("/pipeline/?stage=screen", HTTP_HX_REQUEST="true")

    assert "<html" not in response.text
    assert 'id="col-screen"' in response.text
    assert 'id="col-applied"' not in response.text


def test_more_pages_a_column_by_keyset_without_repeats(client, member, team):
    cards = make_applications(OpeningFactory(team=team), 45)
    client.force_login(member)

    response = client.get("/pipeline/?stage=applied")
    seen, cursor = card_ids(response), next_cursor(response)
    while cursor:
        response = client.get("/pipeline/columns/applied/", {"stage": "applied", "after": cursor})
        seen, cursor = seen + card_ids(response), next_cursor(response)

    assert len(seen) == len(set(seen)) == 45
    oldest_first = sorted(cards, key=lambda a: (a.stage_changed_at, a.pk))
    assert seen == [a.pk for a in oldest_first]


def test_an_unknown_stage_column_is_404(client, member):
    client.force_login(member)
    assert client.get("/pipeline/columns/nonsense/").status_code == 404


@pytest.mark.parametrize("per_stage", [1, 30])
def test_the_board_runs_a_fixed_number_of_queries(
    client, leadership, team, per_stage, django_assert_max_num_queries
):
    opening = OpeningFactory(team=team)
    for stage in Application.Stage.values:
        make_applications(opening, per_stage, stage=stage)
    client.force_login(leadership)

    # Not cached yet: session, user, organisation (created on this first request), teams, the
    # 9 columns, openings, and the database cache: a read, and a write in a savepoint.
    with django_assert_max_num_queries(23):
        response = client.get("/pipeline/")

    assert response.status_code == 200


def test_board_columns_can_use_their_index_on_postgresql(leadership, team):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("EXPLAIN is checked in CI's PostgreSQL run")
    make_applications(OpeningFactory(team=team), 3, stage="panel")
    queryset = board.cards(leadership, board.Filters()).filter(stage="panel")[: board.PAGE_SIZE]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # tiny tables: ask what it could use
        plan = queryset.explain()

    assert "board_column" in plan
