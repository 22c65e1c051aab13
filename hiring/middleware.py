"""How every page answers, whatever its view: htmx's requests, what browsers may keep, a
signed-out person's form, an address that only takes a form, a file too large to read."""

from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_htmx.middleware import HtmxDetails

from .accounts import resend


class BoundedUploadHandler(FileUploadHandler):
    """The first of FILE_UPLOAD_HANDLERS: a form with files larger than UPLOAD_MAX_BYTES in all
    is refused before its body is read (400: "too large", the page says), where Django would
    write them to a temporary file of any size for the form to refuse, a disk filled through
    the public careers form."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length > settings.UPLOAD_MAX_BYTES:
            raise RequestDataTooBig(f"A form of {content_length} bytes with files")

    def receive_data_chunk(self, raw_data, start):
        return raw_data  # to the next handler

    def file_complete(self, file_size):
        return None  # the next handler's file


class HtmxAsked(HtmxDetails):
    """request.htmx, noting whether the view asked it. A history restore is no htmx request:
    htmx 2 sends HX-Request with it, yet puts the answer in place of the whole page."""

    asked = False

    def __bool__(self):
        self.asked = True
        return super().__bool__() and not self.history_restore_request


class HtmxPagesMiddleware:
    """django-htmx's request.htmx; an answer that depended on it varies on HX-Request, so a
    browser never shows a fragment it kept for the page at the same address (Back)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.htmx = htmx = HtmxAsked(request)
        response = self.get_response(request)
        if htmx.asked:
            patch_vary_headers(response, ["HX-Request"])
        return response


class NoStoreMiddleware:
    """What a signed-in person reads is theirs: no browser or proxy keeps a copy, unless the
    view chose its own caching. Static files never come this far (WhiteNoise), and the careers
    pages a visitor reads stay as their views made them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


class SignedOutMiddleware:
    """A form sent by someone whose session ended. An htmx request gets 401 rather than the
    sign-in page swapped into the page (an autosave says "Not saved", and the text stays);
    one that only read something reloads the page, which then asks to sign in. A plain post
    signs in on the way back to the page that held the form, never to the address that only
    takes its submission, where its person is offered to send it again (accounts/resend.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if kept := resend.take(request):
            return resend.form_not_sent(request, kept, self.get_response(request))
        response = self.get_response(request)
        if request.user.is_authenticated:
            resend.remember_who_signed_in(request, response)
            return response
        if not _to_sign_in_and_back(request, response):
            return response
        if request.htmx:
            refused = HttpResponse(
                _("Not saved: you were signed out. Your text is still here."),
                status=401,
                content_type="text/plain; charset=utf-8",
            )
            if request.method == "GET":
                refused["HX-Refresh"] = "true"
            return refused
        if request.method == "POST":
            page = _form_page(request)
            resend.keep(request, page)
            return redirect_to_login(page)
        return response


def _to_sign_in_and_back(request, response):
    """Whether `response` is login_required's: to the sign-in page, then back here."""
    if response.status_code != 302:
        return False
    to = urlsplit(response["Location"])
    back = parse_qs(to.query).get(REDIRECT_FIELD_NAME)
    return to.path == resolve_url(settings.LOGIN_URL) and back == [request.get_full_path()]


def _form_page(request):
    """The page a form was posted from, when it was one of ours, else home."""
    referer = request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return reverse("home")
    page = urlsplit(referer)
    return f"{page.path}?{page.query}" if page.query else page.path


class MethodNotAllowedMiddleware:
    """An address that only takes a form, opened as a page (a link, a sign-in's way back):
    a page saying so instead of an empty 405."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not isinstance(response, HttpResponseNotAllowed) or response.content:
            return response
        page = render(request, "405.html", status=405)
        page["Allow"] = response["Allow"]
        return page
