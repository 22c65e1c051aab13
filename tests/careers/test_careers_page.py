"""The public careers page, an opening's page and the privacy notice."""

import pytest
from django.test import Client
from django.urls import reverse

from hiring.models import Candidate, Opening, Organisation
from tests.factories import OpeningFactory, TeamFactory


@pytest.fixture
def organisation(db):
    return Organisation.objects.create(pk=1, name="Acme Robotics")


def test_it_lists_the_open_openings_by_team(client, organisation, team, opening):
    OpeningFactory(team=team, title="Closed Role", status=Opening.Status.CLOSED)
    payments = TeamFactory(name="Payments")
    OpeningFactory(team=payments, title="Ledger Engineer")

    response = client.get(reverse("careers"))

    assert response.status_code == 200
    text = response.content.decode()
    assert "Careers at Acme Robotics" in text
    assert "Closed Role" not in text
    # Teams by name, each with its openings under it.
    assert text.index("Payments") < text.index("Ledger Engineer") < text.index("Platform")
    assert text.index("Platform") < text.index("Backend Engineer")
    assert reverse("careers_opening", args=[opening.pk]) in text
    assert "Refer someone" not in text


def test_a_signed_in_person_sees_a_referral_link(client, organisation, outsider, opening):
    client.force_login(outsider)

    text = client.get(reverse("careers")).content.decode()

    assert reverse("careers_refer", args=[opening.pk]) in text


def test_without_openings_it_says_so(client, organisation):
    assert "No openings right now" in client.get(reverse("careers")).content.decode()


@pytest.mark.parametrize("signed_in", [False, True])
def test_it_runs_a_bounded_number_of_queries(
    client, organisation, member, team, django_assert_max_num_queries, signed_in
):
    # Signed in adds the session and the user; the list is computed (and its cache entry
    # written) once, then read from the cache with the teams' versions.
    extra = 2 if signed_in else 0
    if signed_in:
        client.force_login(member)
    for count in (2, 40):
        while Opening.objects.count() < count:
            OpeningFactory(team=TeamFactory())
        with django_assert_max_num_queries(9 + extra):
            response = client.get(reverse("careers"))
        links = response.content.decode().count('href="/careers/')
        assert links >= count
        with django_assert_max_num_queries(3 + extra):
            again = client.get(reverse("careers"))
        assert again.content.decode().count('href="/careers/') == links


def test_the_list_follows_the_openings_at_once(client, organisation, opening):
    assert opening.title in client.get(reverse("careers")).content.decode()
    opening.status = Opening.Status.CLOSED
    opening.save()
    assert opening.title not in client.get(reverse("careers")).content.decode()
    opening.status = Opening.Status.OPEN
    opening.title = "Staff Engineer"
    opening.save()
    assert "Staff Engineer" in client.get(reverse("careers")).content.decode()


def test_an_opening_page_shows_its_description_and_the_form(client, organisation, opening):
    response = client.get(reverse("careers_opening", args=[opening.pk]))

    assert response.status_code == 200
    text = response.content.decode()
    assert "<h1>Backend Engineer</h1>" in text
    assert "Build our API." in text
    assert "Send my application" in text


def test_every_visitor_gets_the_empty_form_in_their_own_language(
    client, organisation, opening, settings
):
    """The empty form is rendered once per process for each language (and résumé limit), and
    every visitor's page shows it whole."""
    url = reverse("careers_opening", args=[opening.pk])

    def form(response):
        """The form's fields: what follows its CSRF token, which is each visitor's own."""
        text = response.content.decode()
        token = text.index('name="csrfmiddlewaretoken"')
        return text[text.index(">", token) : text.index("</form>")]

    first = form(client.get(url))
    assert 'name="email"' in first
    assert "at most 10 MB" in first
    assert form(Client().get(url)) == first
    german = form(Client().get(url, headers={"accept-language": "de"}))
    assert "E-Mail-Adresse" in german
    assert "höchstens 10 MB" in german
    settings.RESUME_MAX_BYTES = 5 * 1024 * 1024
    assert "at most 5 MB" in form(Client().get(url))


def test_an_unknown_opening_is_not_found(client, db):
    assert client.get(reverse("careers_opening", args=[0])).status_code == 404
    assert client.get(reverse("careers_thanks", args=[0])).status_code == 404


def test_a_closed_openings_link_and_a_form_sent_after_it_closed_point_to_the_open_ones(
    client, send, opening
):
    opening.status = Opening.Status.CLOSED
    opening.save()

    for response in (client.get(reverse("careers_opening", args=[opening.pk])), send(opening)):
        assert response.status_code == 404
        text = response.content.decode()
        assert "This opening is not open for applications" in text
        assert f'href="{reverse("careers")}"' in text
        assert opening.title not in text  # nor whether it was ever open
    assert not Candidate.objects.exists()


def test_the_privacy_notice_names_its_version_and_the_rights(client, organisation, settings):
    settings.PRIVACY_NOTICE_VERSION = "2031-07"

    text = client.get(reverse("careers_privacy")).content.decode()

    assert "Version 2031-07" in text
    assert "Acme Robotics runs its hiring with Teamfit" in text
    for words in ("What we keep", "Why", "How long", "Get a copy", "erased", "Withdraw"):
        assert words in text


def test_the_privacy_notice_states_the_organisations_retention(client, organisation):
    organisation.retention_months = 18
    organisation.save()

    text = client.get(reverse("careers_privacy")).content.decode()

    assert "for 18 months after your last application closed" in text
    assert "Erase" in text


def test_the_privacy_notice_reads_one_month_as_one(client, organisation):
    organisation.retention_months = 1
    organisation.save()

    text = client.get(reverse("careers_privacy")).content.decode()

    assert "for 1 month after your last application closed" in text
    assert "keep your data for another 1 month." in text
