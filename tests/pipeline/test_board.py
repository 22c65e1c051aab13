"""The pipeline board: who sees which cards, filters, keyset pages, a fixed number of queries."""

import html
import re
from datetime import timedelta
from urllib.parse import unquote

import pytest
from django.utils import timezone

from hiring.models import Application, AuditEvent, Decision
from hiring.pipeline import board
from tests.factories import ApplicationFactory, OpeningFactory


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


def test_more_is_a_page_of_its_own_without_htmx_and_the_cards_alone_with_it(client, member, team):
    make_applications(OpeningFactory(team=team), 45)
    client.force_login(member)
    cursor = next_cursor(client.get("/pipeline/?stage=applied"))
    query = {"stage": "applied", "after": cursor}

    page = client.get("/pipeline/columns/applied/", query)
    cards = client.get("/pipeline/columns/applied/", query, HTTP_HX_REQUEST="true")

    assert page.status_code == cards.status_code == 200
    assert "<html" in page.text
    assert "<h1>Applied</h1>" in page.text
    assert 'href="/pipeline/?stage=applied"' in page.text  # back to the board, as filtered
    assert "<html" not in cards.text
    assert card_ids(page) == card_ids(cards) != []
    assert next_cursor(page) == next_cursor(cards)


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

    # Not cached yet: session, user, organisation (created on this first request), the cache
    # read, the column counts, the 9 columns and their cards' scorecards, the menus' teams and
    # openings, the teams whose cards may move; and the database cache's writes, five queries
    # each (a count, a read and an insert in a savepoint): a token for each of the 9 columns
    # and the menus, then the columns and the menus themselves. Redis writes them all in one
    # round trip.
    with django_assert_max_num_queries(21 + 20 * 5):
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


# Moving a card from the board.


# A move's reply: the session, the card (read once, locked) and its checks, the mover's
# addresses (whether it is their own application: access.runs_pipeline_of), the move and its
# audit, the candidate's emails an earlier move queued and has not sent (taken back), what it
# changed (and, once it commits, the columns it forgets), the two columns' counts and the moved
# card, whatever the size of the board: 19.
MOVE_REPLY_MAX_QUERIES = 19


def move_url(application, query=""):
    return f"/pipeline/applications/{application.pk}/move/{query}"


def column_names(response, stage):
    found = re.search(rf'aria-labelledby="col-{stage}"[^>]*>(.*?)</section>', response.text, re.S)
    return names_in(found.group(1))


def names_in(fragment):
    return {html.unescape(name) for name in re.findall(r"<strong>([^<]+)</strong>", fragment)}


def counts_in(response):
    return dict(re.findall(r'id="count-(\w+)"[^>]*hx-swap-oob="true">(\d+)<', response.text))


def joined(response, stage):
    """The names of the cards the reply adds at the end of `stage`'s column."""
    found = re.findall(
        rf'<ul hx-swap-oob="beforebegin:#end-{stage}">(.*?)</ul>', response.text, re.S
    )
    return names_in("".join(found))


def post_move(client, application, stage, query=""):
    return client.post(move_url(application, query), {"stage": stage}, HTTP_HX_REQUEST="true")


def test_a_member_moves_a_card_and_htmx_gets_the_card_and_the_two_counts(
    client, member, team, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    opening = OpeningFactory(team=team)
    [application, stays] = make_applications(opening, 2, stage="screen")
    make_applications(opening, 1, stage="panel")
    client.force_login(member)
    assert f'id="move-{application.pk}"' in client.get("/pipeline/").text

    with (
        django_assert_max_num_queries(MOVE_REPLY_MAX_QUERIES),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = post_move(client, application, "panel", f"?team={team.pk}")

    assert response.status_code == 200
    # The card leaves its column and joins the end of the other; no other card is sent.
    assert f'<li id="card-{application.pk}" hx-swap-oob="delete">' in response.text
    assert joined(response, "panel") == {application.candidate.name}
    assert stays.candidate.name not in response.text
    assert counts_in(response) == {"screen": "1", "panel": "2"}
    assert "<section" not in response.text
    application.refresh_from_db()
    assert application.stage == "panel"
    change = application.stage_changes.get(to_stage="panel")
    assert (change.from_stage, change.by) == ("screen", member)
    event = application.audit_events.get(action=AuditEvent.Action.STAGE_CHANGED)
    assert (event.actor, event.details) == (member, "Screen → Panel")


def test_the_board_shows_where_a_moved_card_joins_a_column_shown_to_its_end(client, member, team):
    opening = OpeningFactory(team=team)
    make_applications(opening, board.PAGE_SIZE + 1, stage="panel", days_ago=3)
    make_applications(opening, 2, stage="screen")
    client.force_login(member)

    page = client.get("/pipeline/").text

    # A column with more to page through has no end yet: a card moved in comes with its last
    # page, the newest in the stage.
    assert 'id="end-panel"' not in page
    assert 'id="end-screen"' in page


def test_a_move_that_empties_a_column_or_fills_an_empty_one_sends_it_whole(client, member, team):
    opening = OpeningFactory(team=team)
    [application] = make_applications(opening, 1, stage="screen")
    client.force_login(member)

    response = post_move(client, application, "panel")

    sections = re.findall(
        r'<section class="stage" id="column-(\w+)"[^>]*hx-swap-oob', response.text
    )
    assert sections == ["screen", "panel"]
    assert column_names(response, "panel") == {application.candidate.name}
    assert column_names(response, "screen") == set()
    assert joined(response, "panel") == set()


def test_a_moved_card_the_filters_leave_out_joins_no_column(client, member, team):
    opening = OpeningFactory(team=team)
    [application, *_] = make_applications(opening, 2, stage="screen", days_ago=30)
    make_applications(opening, 1, stage="panel", days_ago=30)
    client.force_login(member)

    response = post_move(client, application, "panel", "?stale=1")

    # Moved, it is no longer stale: the stale-only board counts it nowhere.
    assert joined(response, "panel") == set()
    assert counts_in(response) == {"screen": "1", "panel": "1"}


def test_a_moved_card_keeps_its_decision_to_confirm(client, member, team):
    [application, _stays] = make_applications(OpeningFactory(team=team), 2, stage="panel")
    # Recorded against the recommendation and not yet confirmed, then moved back by hand.
    Decision.objects.create(
        application=application, outcome="hire", recommendation="no_hire", recorded_by=member
    )
    make_applications(application.opening, 1, stage="debrief", days_ago=3)
    client.force_login(member)

    response = post_move(client, application, "debrief")

    assert joined(response, "debrief") == {application.candidate.name}
    assert "decision to confirm" in response.text


def test_without_htmx_a_move_returns_to_the_same_board(client, member, team):
    [application] = make_applications(OpeningFactory(team=team), 1)
    client.force_login(member)

    response = client.post(move_url(application, f"?stale=1&team={team.pk}"), {"stage": "screen"})

    assert response.status_code == 302
    assert response.url == f"/pipeline/?stale=1&team={team.pk}"
    assert "moved to Screen" in client.get(response.url).text


def test_leadership_and_other_teams_cannot_move_cards(client, leadership, outsider, team):
    [application] = make_applications(OpeningFactory(team=team), 1)
    for person in (leadership, outsider):
        client.force_login(person)
        assert f'id="move-{application.pk}"' not in client.get("/pipeline/").text
        assert client.post(move_url(application), {"stage": "screen"}).status_code == 404
    application.refresh_from_db()
    assert application.stage == "applied"
    assert not application.audit_events.exists()


def test_a_recruiter_moves_cards_of_every_team(client, recruiter, team):
    [application] = make_applications(OpeningFactory(team=team), 1)
    client.force_login(recruiter)

    assert client.post(move_url(application), {"stage": "screen"}).status_code == 302
    application.refresh_from_db()
    assert application.stage == "screen"


@pytest.mark.parametrize(
    ("stage", "data", "message"),
    [
        ("applied", {"stage": "hired"}, "Choose the stage to move"),
        ("applied", {}, "Choose the stage to move"),
        ("rejected", {"stage": "screen"}, "This application is rejected."),
    ],
)
def test_a_move_that_cannot_happen_says_why_and_changes_nothing(
    client, member, team, stage, data, message
):
    [application] = make_applications(OpeningFactory(team=team), 1, stage=stage)
    client.force_login(member)

    response = client.post(move_url(application), data, HTTP_HX_REQUEST="true")

    assert response.status_code == 400
    assert message in html.unescape(response.text)
    # The card's form swaps nothing: the board with the message replaces the board.
    assert response.text.lstrip().startswith('<div id="board"')
    assert (response["HX-Retarget"], response["HX-Reswap"]) == ("#board", "outerHTML")
    application.refresh_from_db()
    assert application.stage == stage
    assert not application.stage_changes.exists()
    assert not application.audit_events.exists()


def test_closed_cards_offer_no_move(client, member, team):
    [application] = make_applications(OpeningFactory(team=team), 1, stage="hired")
    client.force_login(member)

    assert f'id="move-{application.pk}"' not in client.get("/pipeline/").text


def move_menu(page, application):
    return re.search(rf'id="move-{application.pk}">(.*?)</select>', page, re.S).group(1)


def test_a_card_offers_the_next_stage_first_and_earlier_ones_last(client, member, team):
    [application] = make_applications(OpeningFactory(team=team), 1, stage="screen")
    client.force_login(member)

    menu = move_menu(client.get("/pipeline/").text, application)

    assert re.findall(r'value="(\w+)"', menu) == [
        "panel",
        "debrief",
        "rejected",
        "withdrawn",
        "applied",
    ]
    assert re.findall(r"<option[^>]* selected>", menu) == ['<option value="panel" selected>']
    assert '<optgroup label="Back to"><option value="applied">' in menu


@pytest.mark.parametrize(
    ("stage", "chosen"),
    [("applied", "screen"), ("screen", "panel"), ("panel", "debrief"), ("debrief", "")],
)
def test_a_menu_never_defaults_to_an_earlier_stage(client, member, team, stage, chosen):
    [application] = make_applications(OpeningFactory(team=team), 1, stage=stage)
    client.force_login(member)

    menu = move_menu(client.get("/pipeline/").text, application)

    # From Debrief the team's decision comes next: nothing is chosen, not Applied.
    assert re.findall(r'<option value="(\w*)"[^>]* selected>', menu) == [chosen]


def test_each_column_counts_its_cards_under_the_filters(client, member, team):
    opening = OpeningFactory(team=team)
    make_applications(opening, 23, stage="applied", days_ago=30)
    make_applications(opening, 2, stage="applied")
    make_applications(opening, 1, stage="screen")
    client.force_login(member)

    def count(response, stage):
        heading = re.search(rf'<h2 id="col-{stage}">[^<]*<span[^>]*>(\d+)</span>', response.text)
        return int(heading.group(1))

    board_page = client.get("/pipeline/")
    assert (count(board_page, "applied"), count(board_page, "screen")) == (25, 1)
    assert count(board_page, "hired") == 0
    assert len(names(board_page)) == board.PAGE_SIZE + 1  # the count is not the page
    stale = client.get("/pipeline/?stale=1")
    assert (count(stale, "applied"), count(stale, "screen")) == (23, 0)


def test_a_card_says_where_the_candidate_came_from(client, member, team):
    opening = OpeningFactory(team=team, title="SRE")
    ApplicationFactory(opening=opening, source=Application.Source.CAREERS)
    ApplicationFactory(opening=opening, source=Application.Source.REFERRAL)
    client.force_login(member)

    page = client.get("/pipeline/").text

    assert f"SRE · {team.name} · Careers page" in page
    assert f"SRE · {team.name} · Referral" in page


# Fitting a laptop's width: Hired, Rejected and Withdrawn folded to their counts.


def test_finished_stages_fold_to_their_counts_in_one_column(client, member, team):
    opening = OpeningFactory(team=team)
    [hired] = make_applications(opening, 1, stage="hired")
    make_applications(opening, 3, stage="rejected")
    client.force_login(member)

    page = client.get("/pipeline/").text
    folded = re.search(r'<div class="folded-stages">(.*?)</div>\s*</div>', page, re.S).group(1)

    headings = re.findall(r'<summary>\s*<h2 id="col-(\w+)">[^<]*<span[^>]*>(\d+)</span>', folded)
    assert headings == [("hired", "1"), ("rejected", "3"), ("withdrawn", "0")]
    assert '<details class="folded">' in folded  # closed until opened
    assert hired.candidate.name in names_in(folded)  # there once opened, and without JavaScript
    assert 'id="col-offer"' not in folded


def test_a_folded_stage_chosen_in_the_filter_shows_open(client, member, team):
    make_applications(OpeningFactory(team=team), 1, stage="hired")
    client.force_login(member)

    page = client.get("/pipeline/?stage=hired").text

    assert '<details class="folded" open>' in page
    assert 'id="col-applied"' not in page


# The opening filter follows the team chosen.


def opening_menu(text):
    return re.search(r'<select name="opening" id="f-opening"[^>]*>(.*?)</select>', text, re.S)


def test_the_opening_menu_offers_the_chosen_teams_openings(client, leadership, team, outsider):
    ours = OpeningFactory(team=team, title="SRE")
    OpeningFactory(team=outsider.teams.get(), title="Payments engineer")
    client.force_login(leadership)

    every = opening_menu(client.get("/pipeline/").text).group(1)
    chosen = opening_menu(client.get(f"/pipeline/?team={team.pk}").text).group(1)

    assert "SRE (Platform)" in every
    assert "Payments engineer (Payments)" in every
    assert re.findall(r'<option value="(\d+)"', chosen) == [str(ours.pk)]


def test_htmx_swaps_the_opening_menu_beside_the_board(client, leadership, team, outsider):
    ours = OpeningFactory(team=team, title="SRE")
    theirs = OpeningFactory(team=outsider.teams.get(), title="Payments engineer")
    make_applications(theirs, 1)
    client.force_login(leadership)

    # The team changed while another team's opening was chosen: that opening no longer applies.
    response = client.get(f"/pipeline/?team={team.pk}&opening={theirs.pk}", HTTP_HX_REQUEST="true")

    assert response.text.lstrip().startswith('<div id="board"')
    menu = opening_menu(response.text)
    assert 'hx-swap-oob="true"' in menu.group(0)
    assert re.findall(r'<option value="(\d*)"[^>]*>', menu.group(1)) == ["", str(ours.pk)]
    assert " selected" not in menu.group(1).split("</option>", 1)[1]


def test_without_javascript_another_teams_opening_is_dropped(client, leadership, team, outsider):
    theirs = OpeningFactory(team=outsider.teams.get())
    [application] = make_applications(OpeningFactory(team=team), 1)
    make_applications(theirs, 1)
    client.force_login(leadership)

    page = client.get(f"/pipeline/?team={team.pk}&opening={theirs.pk}")

    assert names(page) == {application.candidate.name}


def test_an_opening_of_the_chosen_team_still_filters(client, leadership, team):
    wanted, other = OpeningFactory(team=team), OpeningFactory(team=team)
    [application] = make_applications(wanted, 1)
    make_applications(other, 1)
    client.force_login(leadership)

    page = client.get(f"/pipeline/?team={team.pk}&opening={wanted.pk}")

    assert names(page) == {application.candidate.name}
    assert f'<option value="{wanted.pk}" selected>' in page.text
