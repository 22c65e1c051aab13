"""Names as they show: one that turns the rest of a line around, or shows as nothing, is refused."""

import pytest

from hiring.models import Candidate
from tests.factories import field_errors


@pytest.mark.parametrize("name", ["Bob \u202egnp.exe", "Bob \u2067Alice", "\u202dDana"])
def test_a_name_with_a_bidirectional_override_is_refused_beside_the_field(send, opening, name):
    response = send(opening, name=name)

    assert response.status_code == 400
    assert "Write this on one line" in field_errors(response.content.decode(), "name")
    assert not Candidate.objects.exists()


def test_a_name_in_a_right_to_left_script_is_welcome(send, opening):
    response = send(opening, name="ليلى حداد")

    assert response.status_code == 302
    assert Candidate.objects.get().name == "ليلى حداد"


def test_a_name_of_invisible_characters_alone_is_refused_beside_the_field(send, opening):
    """It showed as a blank card on the board."""
    response = send(opening, name="\u200b\u200b\ufeff")

    assert response.status_code == 400
    assert "Write this in characters one can see." in field_errors(response.text, "name")
    assert not Candidate.objects.exists()


def test_a_name_with_a_joiner_between_letters_is_welcome(send, opening):
    assert send(opening, name="Zoë Ka\u200dur").status_code == 302
