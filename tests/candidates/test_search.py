"""Searching candidates from the header: who finds whom, by what, and at what cost."""

import re

import pytest
from django.urls import reverse

from hiring.candidates import search
from tests.factories import HTMX, ApplicationFactory, OpeningFactory, TeamFactory

# Session, user, the organisation's settings (whether recruiters need two factors), the
# candidates by text, the openings by title, the candidates of those openings and the
# applications shown: whatever the number of results.
SEARCH_MAX_QUERIES = 7


@pytest.fixture
def sam(team):
    """Sam Lee applied to Platform's Backend Engineer opening."""
    return ApplicationFactory(
        opening__team=team,
        opening__title="Backend Engineer",
        candidate__name="Sam Lee",
        candidate__email="sam.lee@mail.example",
    )


@pytest.fixture
def payments():
    """Another team's candidate: Lee Park, for Payments' Risk Analyst opening."""
    return ApplicationFactory(
        opening__team=TeamFactory(name="Payments team"),
        opening__title="Risk Analyst",
        candidate__name="Lee Park",
        candidate__email="lee.park@mail.example",
    )


def found(client, query, **extra):
    response = client.get(reverse("search"), {"q": query}, **extra)
    assert response.status_code == 200
    return set(re.findall(r"<strong>([^<]+)</strong>", response.text))


def test_a_name_is_found_by_any_words_start(client, recruiter, sam):
    client.force_login(recruiter)

    assert found(client, "Sam") == {"Sam Lee"}
    assert found(client, "lee") == {"Sam Lee"}
    assert found(client, "sam l") == {"Sam Lee"}
    assert found(client, "am") == set()  # inside a word: not a word's start


def test_an_email_is_found_by_its_start(client, recruiter, sam):
    client.force_login(recruiter)

    assert found(client, "SAM.LEE@") == {"Sam Lee"}
    assert found(client, "mail.example") == set()


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("émile", "Émile Zola"),
        ("ÉMILE ZO", "Émile Zola"),
        ("ångström", "Zoë Ångström"),
        ("ZOË", "Zoë Ångström"),
        ("núñez", "JOSÉ NÚÑEZ"),
        ("łukasz", "Łukasz Żak"),
        ("żak", "Łukasz Żak"),
    ],
)
def test_a_name_with_letters_beyond_ascii_is_found_in_any_case(client, recruiter, query, name):
    for other in ("Émile Zola", "Zoë Ångström", "JOSÉ NÚÑEZ", "Łukasz Żak"):
        ApplicationFactory(candidate__name=other)
    client.force_login(recruiter)

    assert found(client, query) == {name}


def test_an_openings_title_finds_its_candidates(client, recruiter, sam):
    client.force_login(recruiter)

    assert found(client, "backend") == {"Sam Lee"}
    assert found(client, "engineer") == {"Sam Lee"}


def test_a_member_finds_only_their_teams_candidates(client, member, sam, payments):
    client.force_login(member)

    assert found(client, "lee") == {"Sam Lee"}
    assert found(client, "lee.park") == set()
    assert found(client, "risk analyst") == set()


def test_a_member_of_another_team_finds_nothing_of_this_one(client, outsider, sam):
    client.force_login(outsider)

    assert found(client, "sam") == set()
    assert found(client, "backend") == set()
    assert found(client, "sam.lee@") == set()


@pytest.mark.parametrize("persona", ["recruiter", "leadership"])
def test_recruiters_and_leadership_find_every_team(client, request, persona, sam, payments):
    client.force_login(request.getfixturevalue(persona))

    assert found(client, "lee") == {"Sam Lee", "Lee Park"}


def test_a_candidate_shows_only_the_applications_the_member_may_see(client, member, sam):
    elsewhere = ApplicationFactory(
        candidate=sam.candidate, opening__team=TeamFactory(), opening__title="Secret Role"
    )
    client.force_login(member)

    page = client.get(reverse("search"), {"q": "sam"}).text

    assert sam.get_absolute_url() in page
    assert "Backend Engineer" in page
    assert "sam.lee@mail.example" in page
    assert elsewhere.get_absolute_url() not in page
    assert "Secret Role" not in page


def test_each_result_links_its_applications_with_team_and_stage(client, recruiter, sam):
    sam.stage = "screen"
    sam.save()
    client.force_login(recruiter)

    page = client.get(reverse("search"), {"q": "sam"}).text

    assert f'<a href="{sam.get_absolute_url()}">Backend Engineer</a>' in page
    assert "Platform" in page
    assert '<span class="badge">Screen</span>' in page


def test_htmx_gets_the_results_alone_and_a_browser_the_page(client, member, sam):
    client.force_login(member)

    partial = client.get(reverse("search"), {"q": "sam"}, **HTMX)
    page = client.get(reverse("search"), {"q": "sam"})

    assert "Sam Lee" in partial.text
    assert "Sam Lee" in page.text
    assert "<html" not in partial.text
    assert "<html" in page.text
    assert "<h1>Search candidates</h1>" in page.text
    assert "HX-Request" in partial["Vary"]
    assert "no-store" in partial["Cache-Control"]
    assert "no-store" in page["Cache-Control"]


def test_the_page_searches_as_you_type_with_a_delay(client, member):
    client.force_login(member)

    page = client.get(reverse("search")).text

    assert 'hx-trigger="input changed delay:250ms, search"' in page
    assert 'hx-target="#search-results"' in page


def test_nothing_typed_finds_nothing(client, recruiter, sam):
    client.force_login(recruiter)

    assert found(client, "") == set()
    assert found(client, "   ") == set()
    assert "No candidate matches" not in client.get(reverse("search")).text


@pytest.mark.parametrize("query", ["\u0301", "\u0301 \u0308"])
def test_accents_alone_are_nothing_to_search(client, recruiter, sam, query):
    """The text typed is compared without its accents (searchable()): accents alone leave
    nothing to look for, in the page and in the header's box alike."""
    client.force_login(recruiter)

    assert found(client, query) == set()
    assert found(client, query, **HTMX) == set()


def test_no_match_says_so(client, recruiter, sam):
    client.force_login(recruiter)

    page = client.get(reverse("search"), {"q": "zebra"}).text

    assert "No candidate matches “zebra”." in page


def test_a_query_over_the_limit_is_refused_beside_the_field(client, recruiter, sam):
    client.force_login(recruiter)
    too_long = "s" * (search.MAX_QUERY_LENGTH + 1)

    page = client.get(reverse("search"), {"q": too_long})
    partial = client.get(reverse("search"), {"q": too_long}, **HTMX)

    assert page.status_code == partial.status_code == 400
    assert 'id="id_q_error"' in page.text
    assert "at most 100 characters" in partial.text
    assert "Sam Lee" not in page.text


@pytest.mark.parametrize("query", ["sam\x00", "\U0010ffff", "\ud7ff", "%", "_", "\\", "' OR 1=1"])
def test_hostile_queries_find_nothing_and_break_nothing(client, recruiter, sam, query):
    client.force_login(recruiter)

    response = client.get(reverse("search"), {"q": query})

    assert response.status_code in (200, 400)
    assert "Sam Lee" not in response.text


def test_results_are_capped(client, recruiter, team):
    opening = OpeningFactory(team=team)
    for number in range(search.MAX_RESULTS + 5):
        ApplicationFactory(opening=opening, candidate__name=f"Kim Number{number}")
    client.force_login(recruiter)

    page = client.get(reverse("search"), {"q": "kim"}).text

    assert page.count("<strong>Kim Number") == search.MAX_RESULTS
    assert "type more to narrow them down" in page
    # The newest records first.
    assert f"Kim Number{search.MAX_RESULTS + 4}" in page
    assert "<strong>Kim Number0</strong>" not in page


def test_the_newest_matches_come_first_whichever_way_they_match(client, recruiter, team):
    # Records made in turn: by the first word, the second word, the email; more than the
    # results of each.
    made = []
    for number in range(search.MAX_RESULTS + 2):
        for name, email in [
            (f"Kim First{number}", f"first{number}@mail.example"),
            (f"Ana Kimura{number}", f"second{number}@mail.example"),
            (f"Bo Email{number}", f"kim.email{number}@mail.example"),
        ]:
            made.append(name)
            ApplicationFactory(opening__team=team, candidate__name=name, candidate__email=email)
    client.force_login(recruiter)

    assert found(client, "kim") == set(made[-search.MAX_RESULTS :])


def test_a_members_older_candidates_are_found_past_newer_ones_of_other_teams(client, member, team):
    mine = ApplicationFactory(opening__team=team, candidate__name="Kim Mine")
    for number in range(search.MAX_RESULTS + 2):
        ApplicationFactory(opening__team=TeamFactory(), candidate__name=f"Kim Other{number}")
    client.force_login(member)

    assert found(client, "kim") == {mine.candidate.name}


@pytest.mark.parametrize("persona", ["member", "recruiter"])
@pytest.mark.parametrize("results", [1, 9])
def test_search_runs_a_bounded_number_of_queries(
    client, request, team, django_assert_max_num_queries, persona, results
):
    opening = OpeningFactory(team=team, title="Kim's team lead")
    for number in range(results):
        application = ApplicationFactory(opening=opening, candidate__name=f"Kim {number}")
        ApplicationFactory(candidate=application.candidate, opening__team=team)
    client.force_login(request.getfixturevalue(persona))
    client.get(reverse("search"))  # the organisation's settings are made by a first request

    with django_assert_max_num_queries(SEARCH_MAX_QUERIES):
        page = client.get(reverse("search"), {"q": "kim"}, **HTMX)

    assert page.text.count("<strong>Kim ") == results


@pytest.mark.parametrize("persona", ["member", "recruiter", "leadership"])
def test_the_header_has_the_search_box(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    page = client.get(reverse("home")).text

    assert 'role="search"' in page
    assert '<label for="header-search"' in page
    assert 'hx-trigger="input changed delay:250ms, search"' in page


def test_the_organisation_admin_has_no_search_box(client, org_admin):
    client.force_login(org_admin)

    assert 'id="header-search"' not in client.get(reverse("home")).text


def test_anonymous_visitors_are_sent_to_sign_in(client, sam):
    response = client.get(reverse("search"), {"q": "sam"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(
    ("persona", "linked"), [("member", False), ("recruiter", True), ("leadership", True)]
)
def test_the_page_links_the_possible_duplicates_for_those_who_review_them(
    client, request, persona, linked
):
    client.force_login(request.getfixturevalue(persona))

    page = client.get(reverse("search")).text

    assert (reverse("candidate_duplicates") in page) == linked
