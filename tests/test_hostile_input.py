"""Hostile query strings get a 4xx or a page that says what is wrong, never a 500."""

import pytest
from django.template.loader import render_to_string
from django.test import Client

from tests.factories import ApplicationFactory

TOO_BIG = "9" * 23  # beyond any 64-bit id
HOSTILE_VALUES = [TOO_BIG, "-1", "²", "\x00", "' OR 1=1 --", "9" * 400, "0001-01-01", "%ff"]


@pytest.fixture
def signed_in(client, member, team):
    ApplicationFactory(opening__team=team)
    client.force_login(member)
    return client


def test_a_board_filter_beyond_any_id_is_a_bad_request(signed_in):
    assert signed_in.get(f"/pipeline/?team={TOO_BIG}").status_code == 400
    assert signed_in.get(f"/pipeline/?opening={TOO_BIG}").status_code == 400
    assert signed_in.get(f"/pipeline/columns/applied/?team={TOO_BIG}").status_code == 400


def test_a_more_link_beyond_the_calendar_shows_the_first_page(signed_in):
    response = signed_in.get("/pipeline/columns/applied/?after=9999-12-31T23:59:59-14:00_1")

    assert response.status_code == 200
    assert 'class="board-card"' in response.text


def test_a_report_period_beyond_reach_is_refused_beside_the_fields(signed_in):
    response = signed_in.get("/reports/?start=0001-01-01&end=9999-12-31")

    assert response.status_code == 400
    assert 'id="id_start_error"' in response.text
    assert 'id="id_end_error"' in response.text
    assert "Choose a date from 2000 to 2100." in response.text
    assert signed_in.get("/reports/funnel.csv?start=0001-01-01").status_code == 400


def test_a_report_covers_ten_years_at_most(signed_in):
    response = signed_in.get("/reports/?start=2000-01-01&end=2100-12-31")

    assert response.status_code == 400
    assert 'id="id_start_error"' in response.text
    assert "A report covers 10 years at most." in response.text
    assert signed_in.get("/reports/?start=2015-01-01&end=2024-12-31").status_code == 200


@pytest.mark.parametrize("value", HOSTILE_VALUES)
@pytest.mark.parametrize(
    ("path", "names"),
    [
        ("/pipeline/", ["team", "opening", "stage", "stale", "mine"]),
        ("/pipeline/columns/applied/", ["team", "opening", "after"]),
        ("/reports/", ["team", "start", "end"]),
        ("/reports/funnel.csv", ["team", "start", "end"]),
    ],
)
def test_no_filter_value_breaks_a_page(signed_in, path, names, value):
    for name in names:
        status = signed_in.get(path, {name: value}).status_code
        assert status < 500, (name, value, status)


def test_a_page_that_does_not_exist_is_a_page_of_ours(client, member):
    """A 404 (an outsider's too) is Teamfit's page, with the way home, not the server's."""
    client.force_login(member)

    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.text
    assert '<html lang="en">' in response.text


def test_a_body_too_large_to_read_is_answered_with_a_page_of_ours(client, member, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client.force_login(member)

    response = client.post("/me/", {"display_name": "x" * 5000})

    assert response.status_code == 400
    assert "<h1>That could not be read</h1>" in response.text


def test_the_server_error_page_renders_with_nothing_to_read():
    """Django renders it with no request and no context."""
    page = render_to_string("500.html")

    assert "<h1>Something went wrong</h1>" in page


def test_a_form_without_its_csrf_token_is_answered_with_a_page_of_ours(member):
    """Opened before signing in: Django's page spoke of Referer headers, half in English."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)

    response = client.post("/me/", {"display_name": "Ana"})

    assert response.status_code == 403
    assert "<h1>That form had expired</h1>" in response.text
