"""An opening's title is one line: it goes into emails' subjects and sentences and invites."""

import pytest
from django.urls import reverse

from hiring.models import Opening
from tests.factories import OpeningFactory, field_errors


@pytest.mark.parametrize(
    "title", ["Backend\nEngineer", "Backend\u2028Engineer", "Backend\x1bEngineer"]
)
def test_a_title_on_more_than_one_line_is_refused_beside_the_field(client, member, team, title):
    opening = OpeningFactory(team=team, title="Backend Engineer")
    client.force_login(member)

    response = client.post(
        reverse("opening_edit", args=[opening.pk]),
        {"title": title, "description": "", "status": Opening.Status.OPEN},
    )

    assert response.status_code == 400
    assert "Write this on one line" in field_errors(response.text, "title")
    opening.refresh_from_db()
    assert opening.title == "Backend Engineer"
