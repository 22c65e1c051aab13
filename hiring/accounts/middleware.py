import zoneinfo

from allauth.mfa.utils import is_mfa_enabled
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme

from ..models import Organisation

# Where someone sent to set up two-factor authentication was going: the way on once it is set.
MFA_NEXT = "mfa_next"


class RequireMfaMiddleware:
    """When the organisation requires it, leadership and recruiters set up TOTP first. Their
    account pages stay open and say why (request.mfa_required); the page they asked for is
    kept for the Continue link after their recovery codes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        request.mfa_required = (
            user.is_authenticated
            and user.must_use_mfa
            and not request.path.startswith("/static/")
            and Organisation.current().require_mfa_for_staff
            and not is_mfa_enabled(user)
        )
        if request.mfa_required and not request.path.startswith("/accounts/"):
            wanted = request.get_full_path()
            # request.htmx (hiring/middleware.py): a history restore is a page of its own.
            page = request.method == "GET" and not request.htmx
            if page and url_has_allowed_host_and_scheme(wanted, None):
                request.session[MFA_NEXT] = wanted
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


class UserTimeZoneMiddleware:
    """A signed-in person reads every time in their own zone (User.time_zone); anyone else in
    UTC, unless the page names the zone it shows (a candidate's, from their link)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            timezone.activate(zoneinfo.ZoneInfo(request.user.time_zone))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class UserLanguageMiddleware:
    """A signed-in person who chose a language on their profile reads Teamfit in it; everyone
    else, candidates included, in their browser's (LocaleMiddleware, which runs first and
    names the language in the response)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and request.user.language:
            translation.activate(request.user.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


def browser_language(request):
    """The language the browser asked for (one Teamfit speaks), or "" when it asked none."""
    return request.LANGUAGE_CODE if request.headers.get("Accept-Language") else ""
