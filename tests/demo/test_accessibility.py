"""What a screen reader needs from a page, checked without a browser: on top of the walk's
labels and unique ids (test_every_page), a field with an error says so and reads out its
error, header cells have a name, a live region leaves its list a list, every image has alt
text and the page is in its reader's language. The walk opens pages; the forms are sent
empty here, where their errors show."""

import re
from functools import partial

import pytest

from hiring.models import User
from tests.demo.test_every_page import Fields, walk

SCORECARD_LINK = re.compile(r'href="(/feedback/\d+/)"')
CHECK_IN_LINK = re.compile(r'href="(/check-ins/\d+/)"')
CRITERION_NOTES = re.compile(r'<textarea name="(notes_\d+)"')
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)"[^>]*? value="([^"]*)"')


class Accessible(Fields):
    """Fields' problems, and those a screen reader user meets on the page."""

    def __init__(self, lang=None):
        super().__init__()
        self.lang = lang  # the reader's language, when the check knows it
        self.page_lang = None
        self.described = {}  # ids an aria-describedby names (a dict: in the page's order)
        self.invalid = []  # (name, the ids its aria-describedby names) of each invalid field
        self.error_lists = []  # ids of the error lists of fields
        self.texts = {}  # id -> its element's text, for the ids a description names
        self.open = []  # (tag, id) of the elements whose text is being read
        self.headers = []  # the text of each header cell
        self.lists_with_roles = []
        self.images_without_alt = []

    def handle_starttag(self, tag, attrs):
        super().handle_starttag(tag, attrs)
        attrs = dict(attrs)
        if tag == "html":
            self.page_lang = attrs.get("lang")
        described = (attrs.get("aria-describedby") or "").split()
        self.described.update(dict.fromkeys(described))
        if attrs.get("aria-invalid") == "true":
            self.invalid.append((attrs.get("name") or attrs.get("aria-label"), described))
        if tag == "ul" and "errorlist" in (attrs.get("class") or "") and attrs.get("id"):
            self.error_lists.append(attrs["id"])
        if tag in ("ul", "ol", "li") and attrs.get("role"):
            self.lists_with_roles.append(f"<{tag} role={attrs['role']}>")
        if tag == "img" and attrs.get("alt") is None:
            self.images_without_alt.append(attrs.get("src"))
        if tag == "th":
            self.headers.append("")
        if tag not in ("input", "img", "br", "hr", "meta", "link"):
            self.open.append((tag, attrs.get("id")))

    def handle_endtag(self, tag):
        super().handle_endtag(tag)
        while self.open:
            if self.open.pop()[0] == tag:
                break

    def handle_data(self, data):
        for _, id_ in self.open:
            if id_:
                self.texts[id_] = self.texts.get(id_, "") + data
        if any(tag == "th" for tag, _ in self.open):
            self.headers[-1] += data

    def problems(self):
        found = super().problems()
        for name, described in self.invalid:
            if not any(self.texts.get(id_, "").strip() for id_ in described):
                found.append(f"invalid field {name} reads out no error")
        found += [
            f"error {id_} belongs to no field"
            for id_ in self.error_lists
            if id_ not in self.described
        ]
        found += [
            f"aria-describedby names no element {id_}"
            for id_ in self.described
            if id_ not in self.ids
        ]
        found += [
            f"header cell {number} without a name"
            for number, text in enumerate(self.headers, 1)
            if not text.strip()
        ]
        found += [f"a list that is no longer one: {tag}" for tag in self.lists_with_roles]
        found += [f"image {src} without alt" for src in self.images_without_alt]
        if self.lang and self.page_lang != self.lang:
            found.append(f"page in lang {self.page_lang}, its reader reads {self.lang}")
        return found


def problems_of(response):
    page = Accessible()
    page.feed(response.content.decode())
    return page.problems()


def test_the_checks_find_what_a_screen_reader_user_would_miss():
    page = Accessible(lang="de")
    page.feed(
        '<html lang="en"><ul class="messages" role="status"><li>Saved</li></ul>'
        '<table><tr><th scope="col"></th><th>Name</th></tr></table><img src="/a.png">'
        '<ul class="errorlist" id="id_a_error"><li>Required.</li></ul>'
        '<label for="id_a">A</label><input id="id_a" name="a" aria-invalid="true">'
        '<div role="radiogroup" aria-label="B" aria-invalid="true" aria-describedby="id_b_error">'
        '<label><input type="radio" name="b"> 1</label></div>'
        '<label for="id_c">C</label><input id="id_c" name="c" aria-describedby="id_c_helptext">'
    )

    assert page.problems() == [
        "invalid field a reads out no error",
        "invalid field B reads out no error",
        "error id_a_error belongs to no field",
        "aria-describedby names no element id_b_error",
        "aria-describedby names no element id_c_helptext",
        "header cell 1 without a name",
        "a list that is no longer one: <ul role=status>",
        "image /a.png without alt",
        "page in lang en, its reader reads de",
    ]


@pytest.mark.parametrize(
    ("email", "lang"),
    [("admin@teamfit.example", "en"), ("fay@teamfit.example", "de")],
)
def test_every_page_a_persona_reaches_reads_well_aloud(demo, client, email, lang):
    client.force_login(User.objects.get(email=email))

    broken, problems, pages = walk(client, checks=partial(Accessible, lang=lang))

    assert broken == []
    assert problems == []
    assert len(pages) > 15


ERROR_SUMMARY = re.compile(r'id="error-summary" role="alert" tabindex="-1">(.*?)</div>', re.S)


def scorecard_and_check_in_to_fill(client):
    """The first scorecard and the first check-in the signed-in member's home page asks them to
    fill, each found by its own address (however many of either are listed)."""
    home = client.get("/").content.decode()
    return SCORECARD_LINK.search(home).group(1), CHECK_IN_LINK.search(home).group(1)


def test_a_scorecard_and_a_check_in_sent_unrated_tie_each_error_to_its_field(demo, client):
    client.force_login(User.objects.get(email="ana@teamfit.example"))
    feedback, check_in = scorecard_and_check_in_to_fill(client)
    notes_checked = []

    for form in (feedback, check_in):
        page = client.get(form).content.decode()
        as_shown = dict(HIDDEN.findall(page))  # its draft's version
        too_long = dict.fromkeys(CRITERION_NOTES.findall(page), "x" * 10_001)
        response = client.post(f"{form}submit/", as_shown | too_long)

        assert response.status_code == 400, form
        assert 'aria-invalid="true"' in response.content.decode()
        assert problems_of(response) == [], form
        for name in too_long:  # each criterion's notes show their own error
            assert f'id="id_{name}_error"' in response.content.decode()
        notes_checked += too_long

    assert notes_checked  # the scorecard has notes per criterion


def test_what_a_scorecard_or_a_check_in_lacks_as_a_whole_is_announced(demo, client):
    client.force_login(User.objects.get(email="ana@teamfit.example"))
    feedback, check_in = scorecard_and_check_in_to_fill(client)

    for form in (feedback, check_in):
        as_shown = dict(HIDDEN.findall(client.get(form).content.decode()))
        response = client.post(f"{form}submit/", as_shown)  # nothing rated

        # Announced, and given the focus as the page loads (teamfit.js).
        summary = ERROR_SUMMARY.search(response.content.decode())
        assert summary, form
        assert "Rate every criterion" in summary.group(1), form


def test_a_message_after_saving_is_announced_as_a_list(demo, client):
    client.force_login(User.objects.get(email="ana@teamfit.example"))
    feedback = SCORECARD_LINK.search(client.get("/").content.decode()).group(1)
    as_shown = dict(HIDDEN.findall(client.get(feedback).content.decode()))

    response = client.post(f"{feedback}draft/", as_shown, follow=True)

    assert 'class="messages" role="status"' in response.content.decode()
    assert problems_of(response) == []


def test_a_careers_application_sent_empty_reads_out_its_errors(demo, client):
    opening = re.search(r'href="(/careers/\d+/)"', client.get("/careers/").content.decode()).group(
        1
    )

    response = client.post(opening, {}, HTTP_ACCEPT_LANGUAGE="de")

    assert 'aria-invalid="true"' in response.content.decode()
    assert problems_of(response) == []
    assert '<html lang="de">' in response.content.decode()
