"""A form sent after its person was signed out (in another tab, or their session expired),
kept so that, once they sign in again, the page it came from offers to send it again instead
of showing the form empty.

What is kept: a plain form (application/x-www-form-urlencoded, no file; an htmx request gets
a 401 instead and its page keeps the text) posted to one of our own pages that asks to sign
in, at most MOST_FIELDS fields and MOST_CHARACTERS of names and values, without its CSRF
token. The sign-in, sign-up, password and two-factor pages (allauth's) never ask to sign in,
nor do a candidate's signed-link pages, and no form to another app's page is kept. It is kept
in the server-side session (never in a cookie), one form at a time, with the page it came
from and the address it went to.

Who it is offered to: the session that held the person's id is gone (flushed by the sign-out,
or deleted once expired), so we cannot know from the session who loaded the form. Instead
every signed-in response leaves a signed cookie naming who was signed in (SIGNED_IN_AS,
as long-lived as a session); it outlives the sign-out, and names the person of an expired
session. The form is kept only when that cookie names someone, and offered only to that same
person signing in, within KEEP_FOR_S, once: it is dropped when the page is opened again by
anyone, signed in, and when it is too old. On a shared computer, whoever signs in next as
someone else never sees it. Sending it again posts the same fields with a fresh CSRF token to
the same address, where the view checks permissions and validates as for any form.

What it shows: the page, opened by its view as ever (a page they may no longer open is shown
as it answers, and offers nothing), lends the labels of the form that sent it (FormOnPage):
each field under its label, each choice as it reads, the fields the page hid left out, and
the button that sends it. A field the page no longer shows is named as it was sent.
"""

import time
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext

KEPT = "form_not_sent"
KEEP_FOR_S = 30 * 60
MOST_FIELDS = 200
MOST_CHARACTERS = 64 * 1024
SIGNED_IN_AS = "signed_in_as"
# The apps whose pages' forms are kept: never allauth's (passwords, codes) nor the admin's.
OUR_APPS = {"hiring", "scorecards"}


def remember_who_signed_in(request, response):
    """Names the signed-in person in a cookie that outlives their session, unless it does."""
    if _signed_in_as(request) != request.user.pk:
        response.set_signed_cookie(
            SIGNED_IN_AS,
            request.user.pk,
            salt=__name__,
            max_age=settings.SESSION_COOKIE_AGE,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )


def _signed_in_as(request):
    """The id of the person last signed in with this browser, if a session of theirs lasts."""
    signed_in_as = request.get_signed_cookie(
        SIGNED_IN_AS, default=None, salt=__name__, max_age=settings.SESSION_COOKIE_AGE
    )
    return int(signed_in_as) if signed_in_as else None


def keep(request, page):
    """Keeps the form of this signed-out `request` to offer it again on `page`, if it is one
    to keep and the browser names whose it is."""
    owner = _signed_in_as(request)
    fields = [
        [name, value]
        for name, values in request.POST.lists()
        if name != "csrfmiddlewaretoken"
        for value in values
    ]
    if owner is None or not _keepable(request, fields):
        return
    request.session[KEPT] = {
        "page": page,
        "path": request.get_full_path(),
        "fields": fields,
        "owner": owner,
        "at": time.time(),
    }


def _keepable(request, fields):
    view = request.resolver_match and request.resolver_match.func
    return (
        request.content_type == "application/x-www-form-urlencoded"
        and view
        and view.__module__.partition(".")[0] in OUR_APPS
        and len(fields) <= MOST_FIELDS
        and sum(len(name) + len(value) for name, value in fields) <= MOST_CHARACTERS
    )


def take(request):
    """The form kept for the page `request` opens, if it is theirs: taken, so shown once."""
    kept = request.session.get(KEPT)
    if kept is None:
        return None
    if time.time() - kept["at"] > KEEP_FOR_S:
        del request.session[KEPT]
        return None
    opens_its_page = (
        request.method == "GET"
        and kept["page"] == request.get_full_path()
        and request.user.is_authenticated
        and not request.htmx
    )
    if not opens_its_page:
        return None
    del request.session[KEPT]
    return kept if kept["owner"] == request.user.pk else None


def form_not_sent(request, kept, page):
    """The page that offers to send the kept form again, in place of the page it came from
    (`page`, its view's response), which lends the form's labels."""
    html_page = page.status_code == 200 and page.get("Content-Type", "").startswith("text/html")
    if page.streaming or not html_page:
        return page
    form = FormOnPage(kept["path"], kept["page"])
    form.feed(page.content.decode(page.charset))
    form.close()
    fields = kept["fields"]
    shown = [
        (form.labels.get(name, name), form.choices.get((name, value), value))
        for name, value in fields
        if value and name not in form.hidden
    ]
    button = form.button_sending(fields)
    context = {**kept, "shown": shown, "button": button, "title": form.title}
    return render(request, "hiring/accounts/resend.html", context)


class FormOnPage(HTMLParser):
    """What `page` says of its form that posts to `action`: each field's label (`labels`, by
    name), each choice's (`choices`, by name and value), the names of its hidden fields and
    the words of its buttons; and the page's title."""

    def __init__(self, action, page):
        super().__init__()
        self.action, self.page = urlsplit(action).path, urlsplit(page).path
        self.labels, self.choices, self.hidden, self.buttons = {}, {}, set(), []
        self.title = ""
        self._in_form = False
        self._ids = {}  # an element's id: its field's name, or (name, value) for a choice
        self._label_of = {}  # an element's id: its label's words
        self._words = None  # the words of the title, label, legend, option or button being read
        self._reading = self._target = None
        self._legend = self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            action = urlsplit(attrs.get("action") or self.page).path
            self._in_form = action == self.action
        if tag == "title":
            self._read(tag, None)
        if not self._in_form:
            return
        name, kind = attrs.get("name"), attrs.get("type", "")
        if tag == "input" and kind == "hidden":
            self.hidden.add(name)
        elif tag == "input" and kind in ("radio", "checkbox") and "value" in attrs:
            self._ids[attrs.get("id")] = (name, attrs["value"])
            if self._legend:  # a group of choices is labelled by its legend
                self.labels.setdefault(name, self._legend)
        elif tag in ("input", "textarea", "select"):
            self._ids[attrs.get("id")] = name
            self._select = name if tag == "select" else None
            if kind == "checkbox":  # a box of its own, ticked: sent as "on"
                self.choices[name, "on"] = gettext("Yes")
        if tag == "option":
            self._read(tag, (self._select, attrs.get("value")))
        elif tag == "label":
            self._read(tag, attrs.get("for"))
        elif tag == "button" and kind in ("", "submit"):
            self._read(tag, (name, attrs.get("value", "")))
            self.hidden.add(name)  # what a button sends is what its words say
        elif tag == "legend":
            self._read(tag, None)

    def _read(self, tag, target):
        self._reading, self._target, self._words = tag, target, []

    def handle_data(self, data):
        if self._words is not None:
            self._words.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "fieldset":
            self._legend = None
        if tag != self._reading:
            return
        words = " ".join("".join(self._words).split()).rstrip(":")
        if tag == "option":
            self.choices[self._target] = words
        elif tag == "label":
            self._label_of[self._target] = words
        elif tag == "legend":
            self._legend = words
        elif tag == "title":
            self.title = words
        else:
            self.buttons.append((self._target, words))
        self._reading = self._words = None

    def button_sending(self, fields):
        """The words of the button that sent `fields`: the one whose name and value they hold,
        else the form's first; "" when the page no longer shows the form."""
        sent = {tuple(field) for field in fields}
        words = [words for field, words in self.buttons if field in sent]
        return (words or [words for _field, words in self.buttons] or [""])[0]

    def close(self):
        super().close()
        for element_id, words in self._label_of.items():
            named = self._ids.get(element_id)
            if isinstance(named, tuple):
                self.choices[named] = words
            elif named:
                self.labels.setdefault(named, words)
