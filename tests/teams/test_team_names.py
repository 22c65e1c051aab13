"""A team's name is one line: it goes into the emails that invite colleagues to join it."""

import pytest
from django.urls import reverse

from hiring.models import Team
from tests.factories import field_error

ONE_LINE = "Write this on one line, without line breaks or control characters."


@pytest.mark.parametrize(
    "name",
    ["Platform\nPlease reset your password at evil.example", "Bob \u202egnp.exe", "Data\tOps"],
)
def test_a_name_on_more_than_one_line_is_refused_beside_the_field(client, member, name):
    client.force_login(member)

    response = client.post(reverse("team_create"), {"name": name, "description": "x"})

    assert response.status_code == 400
    assert field_error("name", ONE_LINE) in response.text
    assert not Team.objects.exists()


def test_a_name_with_punctuation_is_kept_as_written(client, member):
    client.force_login(member)

    response = client.post(reverse("team_create"), {"name": 'R&D "O\'Neil"'})

    assert response.status_code == 302
    assert Team.objects.get().name == 'R&D "O\'Neil"'
