"""What only a browser can check of accessibility: axe-core's rules for WCAG 2.2 at levels A
and AA (colour contrast and the size of targets among them, with names, roles and ARIA) on
every kind of page the demo's personas reach from home, walked as test_every_page walks them,
and on the pages a candidate opens from their links. Each page is rendered in Chromium, with
its styles and scripts, as its reader sees it."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client

from hiring.models import User
from tests.browser import layout_only
from tests.conftest import seed_demo
from tests.demo.test_every_page import PERSONAS, walk

pytestmark = [pytest.mark.browser, layout_only]

WCAG_A_AND_AA = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
    },
    # The violations in full; of the rules passed, a count (a third less time a page).
    "resultTypes": ["violations"],
}


def violations(browser, base_url, pages, session_key=None):
    """[(page kind, rule, the elements that break it)] of each page of `pages`."""
    context = browser.new_context()
    if session_key:
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session_key, "url": base_url}]
        )
    context.add_init_script(Axe().axe_script)  # in every page, as it loads
    page, found = context.new_page(), []
    for kind, link in pages.items():
        page.goto(base_url + link)
        run = "options => axe.run(document, options).then(results => results.violations)"
        for rule in page.evaluate(run, WCAG_A_AND_AA):
            found.append((kind, rule["id"], [node["target"] for node in rule["nodes"]]))
    context.close()
    return found


def test_every_page_each_persona_and_a_candidate_reach_meets_wcag_a_and_aa(
    transactional_db, live_server, browser
):
    """On the demo organisation, committed for the live server's thread to read (made once for
    both walks). The personas': each kind of page once for each role, in the first of its
    personas to reach it: a page of a kind shows the members the same controls (in German to
    fay; less to gus on his own application), and axe reads their structure and colours, not
    their words. The candidate's: every page from the links seed_demo printed."""
    printed = seed_demo()
    found, checked = {}, set()
    for email in PERSONAS:
        user = User.objects.get(email=email)
        client = Client()
        client.force_login(user)
        _broken, _problems, pages = walk(client)
        assert len(pages) > 15, email  # the walk went beyond home
        fresh = {kind: link for kind, link in pages.items() if (user.role, kind) not in checked}
        checked |= {(user.role, kind) for kind in fresh}
        found[email] = violations(browser, live_server.url, fresh, client.session.session_key)
    _broken, _problems, pages = walk(Client(), re.findall(r"https?://[^/\s]+(/\S*)", printed))
    found["candidate"] = violations(browser, live_server.url, pages)

    assert found == {email: [] for email in [*PERSONAS, "candidate"]}
    # The careers pages, the scheduling link, the offer and the candidate's own page.
    assert {"careers", "schedule", "offer", "status"} <= {kind.split("/")[1] for kind in pages}
