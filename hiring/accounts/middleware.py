import zoneinfo

from allauth.mfa.utils import is_mfa_enabled
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from ..models import Organisation


class RequireMfaMiddleware:
    """When the organisation requires it, leadership and recruiters set up TOTP first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and user.must_use_mfa
            and not request.path.startswith(("/accounts/", "/static/"))
            and Organisation.current().require_mfa_for_staff
            and not is_mfa_enabled(user)
        ):
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
