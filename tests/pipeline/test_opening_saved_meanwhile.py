"""Two members editing one opening: a page opened before a colleague saved neither throws the
colleague's change away unseen (reopening an opening they closed) nor drops what was typed."""

import re

from django.test import Client
from django.urls import reverse

from hiring.models import Opening
from tests.factories import OpeningFactory


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def fields(page, **typed):
    """What the edit page posts: its hidden fields as it has them, and what was typed."""
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page.text))
    hidden.pop("csrfmiddlewaretoken", None)
    return {**hidden, "title": "Backend engineer", "status": "open", **typed}


def test_a_save_from_a_page_opened_before_a_colleague_closed_the_opening_keeps_it_closed(
    member, teammate, team
):
    opening = OpeningFactory(team=team, title="Backend engineer", description="First.")
    url = reverse("opening_edit", args=[opening.pk])
    mine, theirs = signed_in(member), signed_in(teammate)
    my_page = mine.get(url)
    closed = theirs.post(url, fields(theirs.get(url), description="FILLED.", status="closed"))
    assert closed.status_code == 302

    response = mine.post(url, fields(my_page, description="MY TYPO FIXED."))

    assert response.status_code == 409
    opening.refresh_from_db()
    assert (opening.status, opening.description) == ("closed", "FILLED.")
    assert "MY TYPO FIXED." in response.text  # what Ana typed, to save again or copy
    assert "FILLED." in response.text  # and the opening as it is now
    again = mine.post(url, fields(response, description="MY TYPO FIXED.", status="closed"))
    assert again.status_code == 302
    opening.refresh_from_db()
    assert (opening.status, opening.description) == ("closed", "MY TYPO FIXED.")


def test_saving_twice_from_one_page_saves_once_without_a_conflict(member, team):
    opening = OpeningFactory(team=team, title="Backend engineer", description="First.")
    url = reverse("opening_edit", args=[opening.pk])
    mine = signed_in(member)
    page = mine.get(url)

    first = mine.post(url, fields(page, description="Second."))
    second = mine.post(url, fields(page, description="Second."))  # a double click

    assert (first.status_code, second.status_code) == (302, 302)
    assert Opening.objects.get().description == "Second."
