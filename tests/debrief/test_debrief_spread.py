"""The debrief's Spread column: a gap between ratings, or a dash where only one person rated."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def spreads(page):
    """{criterion name: its Spread cell's text} from the debrief's grid."""
    grid = page.split('class="table grid"')[1].split("</table>")[0]
    rows = [row for row in grid.split("<tr>") if '<th scope="row"' in row]
    return {
        re.search(r"<th[^>]*>([^<]*) <span", row)[1]: re.sub(
            r"<[^>]+>", "", re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[-1]
        ).strip()
        for row in rows
    }


def test_spread_is_a_dash_where_one_person_rated_and_a_number_where_several_did(
    client, opened, member
):
    # Ana alone scored the skills; Ben and Cai both scored team fit 3.
    client.force_login(member)

    page = client.get(reverse("debrief", args=[opened.pk])).text

    assert spreads(page) == {"Problem solving": "–", "Collaboration": "0"}
    assert "– where fewer than two people rated" in page
