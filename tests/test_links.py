"""Every link a person is shown opens for them: on the demo organisation, each persona follows
the links of every page they reach from home, each kind of page once, and none answers an
error (an outsider's 404 behind a link means the page offered what the person may not open)."""

import re
from collections import deque
from io import StringIO

import pytest
from django.core.management import call_command

from hiring.models import User

# A link's kind: its path with every number as N (one team's page stands for every team's).
NUMBER = re.compile(r"\d+")
HREF = re.compile(r'href="(/[^"]*)"')
# Signing out ends the walk; static files and Django's admin are not the product's pages.
NOT_FOLLOWED = ("/accounts/logout/", "/static/", "/admin/")


def broken_links(client):
    """(status, link, the page that showed it) for each kind of link reachable from home that
    does not open."""
    seen, broken = set(), []
    queue = deque([("/", None)])
    while queue:
        link, shown_on = queue.popleft()
        kind = NUMBER.sub("N", link.split("?")[0])
        if kind in seen:
            continue
        seen.add(kind)
        response = client.get(link)
        if response.status_code not in (200, 302):
            broken.append((response.status_code, link, shown_on))
            continue
        if response.status_code == 200 and "html" in response["Content-Type"]:
            for found in HREF.findall(response.text):
                found = found.replace("&amp;", "&")
                if not found.startswith(NOT_FOLLOWED):
                    queue.append((found, link))
    return broken, seen


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=StringIO())


@pytest.mark.parametrize(
    "email",
    [
        "cto@teamfit.example",
        "rita@teamfit.example",
        "admin@teamfit.example",
        "ana@teamfit.example",
        "gus@teamfit.example",
    ],
)
def test_every_link_a_persona_is_shown_opens(demo, client, email):
    client.force_login(User.objects.get(email=email))

    broken, seen = broken_links(client)

    assert broken == []
    assert len(seen) > 15  # the walk went beyond home
