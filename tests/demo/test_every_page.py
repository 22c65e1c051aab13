"""Every page a person reaches from home, on the demo organisation: each persona follows the
links of every page, each kind of page once. Every link opens (an outsider's 404 behind a link
means the page offered what the person may not open) as a whole page (not a part meant for
htmx), no two elements of a page share an id, and every field has a label (a screen reader
names it, a click on its label reaches it)."""

import re
from collections import Counter, deque
from html.parser import HTMLParser

import pytest

from hiring.models import User

# A link's kind: its path with every number as N (one team's page stands for every team's).
NUMBER = re.compile(r"\d+")
HREF = re.compile(r'href="(/[^"]*)"')
# Signing out ends the walk; static files and Django's admin are not the product's pages.
NOT_FOLLOWED = ("/accounts/logout/", "/static/", "/admin/")
UNLABELLED_TYPES = {"hidden", "submit", "button"}


class Fields(HTMLParser):
    """A page's ids, and its fields that no label names."""

    def __init__(self):
        super().__init__()
        self.ids = Counter()
        self.labelled = set()  # ids a <label for> names
        self.fields = []  # (id, name, inside a label, named by an aria attribute)
        self.in_label = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids[attrs["id"]] += 1
        if tag == "label":
            self.in_label += 1
            self.labelled.add(attrs.get("for"))
        elif tag in ("input", "select", "textarea") and attrs.get("type") not in UNLABELLED_TYPES:
            named = bool(attrs.get("aria-label") or attrs.get("aria-labelledby"))
            self.fields.append((attrs.get("id"), attrs.get("name"), self.in_label > 0, named))

    def handle_endtag(self, tag):
        if tag == "label":
            self.in_label -= 1

    def problems(self):
        shared = [f"id {id_} {count} times" for id_, count in self.ids.items() if count > 1]
        unlabelled = [
            f"field {name} has no label"
            for id_, name, in_label, named in self.fields
            if not (in_label or named or (id_ and id_ in self.labelled))
        ]
        return shared + unlabelled


def walk(client, starts=("/",), checks=Fields):
    """(status, link, the page that showed it) of each link that did not open, the problems
    `checks` (a parser like Fields) finds on each page, and the pages opened from `starts`:
    {kind: the link that opened it}."""
    seen, pages, broken, problems = set(), {}, [], []
    queue = deque((start, None) for start in starts)
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
            pages[kind] = link
            page = checks()
            page.feed(response.text)
            problems += [(link, problem) for problem in page.problems()]
            if "<html lang=" not in response.text:  # a part meant for htmx, opened as a page
                problems.append((link, "not a whole page"))
            for found in HREF.findall(response.text):
                found = found.replace("&amp;", "&")
                if not found.startswith(NOT_FOLLOWED):
                    queue.append((found, link))
    return broken, problems, pages


PERSONAS = [
    "cto@teamfit.example",
    "rita@teamfit.example",
    "admin@teamfit.example",
    "ana@teamfit.example",
    "gus@teamfit.example",
    "fay@teamfit.example",  # reads Teamfit in German
]


@pytest.mark.parametrize("email", PERSONAS)
def test_every_page_a_persona_reaches_opens_and_names_its_fields(demo, client, email):
    client.force_login(User.objects.get(email=email))

    broken, problems, pages = walk(client)

    assert broken == []
    assert problems == []
    assert len(pages) > 15  # the walk went beyond home


def test_every_page_a_candidate_reaches_from_the_demos_links_does_too(demo, client):
    links = re.findall(r"https?://[^/\s]+(/\S*)", demo)

    broken, problems, pages = walk(client, links)

    assert broken == []
    assert problems == []
    assert len(links) >= 4  # the careers page, a scheduling link, an offer, a status page
    assert {"/careers/", "/careers/N/", "/careers/privacy/"} <= pages.keys()


def test_a_page_with_a_field_nothing_names_or_an_id_twice_is_found():
    page = Fields()
    page.feed(
        '<label for="a">A</label><input id="a" name="a"><label>B <input name="b"></label>'
        '<input name="c" aria-label="C"><input type="hidden" name="d">'
        '<select id="e" name="e"></select><p id="a"></p>'
    )

    assert page.problems() == ["id a 2 times", "field e has no label"]
