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
"""

import time

from django.conf import settings
from django.shortcuts import render

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


def form_not_sent(request, kept):
    """The page that offers to send the kept form again, in place of the page it came from."""
    return render(
        request,
        "hiring/accounts/resend.html",
        {"path": kept["path"], "fields": kept["fields"], "page": kept["page"]},
    )
