"""How every page answers, whatever its view (hiring/middleware.py): htmx's history restores
get the whole page, answers that depend on htmx say so, signed-in pages are never kept, a
signed-out form is not lost to the sign-in page, an address that only takes a form says so."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.urls import reverse

from scorecards import scoring
from tests.factories import HTMX, ApplicationFactory, OpeningFactory

HISTORY_RESTORE = {**HTMX, "HTTP_HX_HISTORY_RESTORE_REQUEST": "true"}


def test_a_history_restore_of_the_board_gets_the_whole_page(client, member, team):
    client.force_login(member)

    fragment = client.get(f"/pipeline/?team={team.pk}", **HTMX)
    restored = client.get(f"/pipeline/?team={team.pk}", **HISTORY_RESTORE)

    assert "<header" not in fragment.text
    assert "<header" in restored.text
    assert 'id="board"' in restored.text


@pytest.mark.parametrize("persona", ["member", "leadership"])
def test_every_htmx_page_restores_whole(request, client, team, persona):
    """The pages that answer htmx with a part of themselves: the team page, the search, a
    column's next cards."""
    client.force_login(request.getfixturevalue(persona))

    for url in (f"/teams/{team.pk}/", "/search/?q=Nina", "/pipeline/columns/applied/"):
        assert "<header" in client.get(url, **HISTORY_RESTORE).text, url


def test_answers_that_depend_on_htmx_vary_on_it(client, member, team):
    scorecard = OpeningFactory(team=team).scorecard
    criterion = scorecard.current_version().criteria.first()
    client.force_login(member)

    for url in (
        scorecard.get_absolute_url(),
        reverse("criterion_edit", args=[scorecard.pk, criterion.key]),
        "/pipeline/",
        f"/teams/{team.pk}/",
    ):
        for headers in ({}, HTMX):
            response = client.get(url, **headers)
            assert response.status_code == 200, url
            assert "HX-Request" in response["Vary"], url


def test_the_scorecard_editor_is_never_kept(client, member, team):
    scorecard = OpeningFactory(team=team).scorecard
    client.force_login(member)

    for headers in ({}, HTMX):
        assert "no-store" in client.get(scorecard.get_absolute_url(), **headers)["Cache-Control"]


def test_every_signed_in_page_is_never_kept(client, member, team):
    opening = OpeningFactory(team=team)
    client.force_login(member)

    for url in (
        f"/teams/{team.pk}/",
        "/me/",
        "/me/availability/",
        f"/teams/{team.pk}/pools/",
        f"/teams/{team.pk}/settings/",
        f"/teams/{team.pk}/scorecards/",
        f"/openings/{opening.pk}/edit/",
        "/accounts/email/",
        "/careers/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url


def test_a_visitor_reads_the_careers_pages_as_their_views_made_them(client, team):
    opening = OpeningFactory(team=team)

    response = client.get("/careers/")
    assert response.status_code == 200
    assert "Cache-Control" not in response
    # Those with a form, its token in them and a message after it, are never kept.
    for url in (f"/careers/{opening.pk}/", "/careers/privacy/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url


def test_static_files_are_served_as_before(client, member, settings):
    settings.WHITENOISE_USE_FINDERS = True  # as in development: nothing collected here
    client.force_login(member)

    response = client.get("/static/css/teamfit.css")

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_static_files_in_production_are_named_by_their_content_and_kept_a_year(
    client, member, settings, tmp_path
):
    """What collectstatic writes at deploy, as production stores it (DEBUG off)."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    client.force_login(member)

    [stylesheet] = re.findall(
        r'href="(/static/css/teamfit\.[0-9a-f]{12}\.css)"', client.get("/").text
    )
    response = client.get(stylesheet, HTTP_ACCEPT_ENCODING="gzip")

    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=315360000, public, immutable"
    assert response["Content-Encoding"] == "gzip"


@pytest.fixture
def feedback(team, member):
    return scoring.assign(ApplicationFactory(opening__team=team), member, "skills", member)


def test_a_signed_out_autosave_gets_401_not_the_sign_in_page(client, feedback):
    url = reverse("feedback_draft", args=[feedback.pk])

    response = client.post(url, {"takeaways": "Typed", "draft_version": "0"}, **HTMX)

    assert response.status_code == 401
    assert response.text == "Not saved: you were signed out. Your text is still here."
    assert "HX-Refresh" not in response
    assert "HX-Request" in response["Vary"]


def test_a_signed_out_htmx_read_reloads_the_page_to_sign_in(client, team):
    response = client.get(f"/pipeline/?team={team.pk}", **HTMX)

    assert response.status_code == 401
    assert response["HX-Refresh"] == "true"


def test_a_signed_out_page_still_goes_to_sign_in_and_back(client):
    response = client.get("/pipeline/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/pipeline/"


def next_of(response):
    [page] = parse_qs(urlsplit(response["Location"]).query)["next"]
    return page


def test_a_signed_out_form_signs_in_on_the_way_back_to_its_page(client, feedback):
    page = f"http://testserver{feedback.get_absolute_url()}"
    url = reverse("feedback_submit", args=[feedback.pk])

    from_page = client.post(url, {"takeaways": "Typed"}, HTTP_REFERER=page)
    from_elsewhere = client.post(url, {"takeaways": "Typed"}, HTTP_REFERER="https://evil.example/")
    from_nowhere = client.post(url, {"takeaways": "Typed"})

    assert urlsplit(from_page["Location"]).path == "/accounts/login/"
    assert next_of(from_page) == feedback.get_absolute_url()
    assert next_of(from_elsewhere) == next_of(from_nowhere) == "/"


def test_an_address_that_only_takes_a_form_says_so_as_a_page(client, member, feedback):
    client.force_login(member)

    response = client.get(reverse("feedback_submit", args=[feedback.pk]))

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "This address only takes a form's submission" in response.text
    assert 'href="/"' in response.text
    assert "no-store" in response["Cache-Control"]
