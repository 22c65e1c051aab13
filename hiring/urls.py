from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.http import Http404
from django.shortcuts import redirect
from django.urls import include, path

# The Django admin signs in through allauth: its rate limits and two-factor authentication.
admin.site.login = secure_admin_login(admin.site.login)
# And changes one's own password there: its rules, the notice email, and the record of the
# session it keeps signed in (the admin's own form gave the session a key its record missed).
admin.site.password_change = lambda request, extra_context=None: redirect("account_change_password")


def no_view_on_site(request, content_type_id, object_id):
    """The admin's "view on site" redirect follows any object's address for any staff member,
    whatever they may read: an invitation's, an offer's and a candidate's scheduling address
    are signed links that act as the person they were sent to."""
    raise Http404


urlpatterns = [
    path("", include("hiring.accounts.urls")),
    path("", include("hiring.teams.urls")),
    path("", include("hiring.pipeline.urls")),
    path("", include("hiring.scheduling.urls")),
    path("", include("hiring.debrief.urls")),
    path("", include("hiring.reports.urls")),
    path("", include("hiring.careers.urls")),
    path("", include("hiring.candidates.urls")),
    path("", include("hiring.imports.urls")),
    path("", include("hiring.outreach.urls")),
    path("", include("hiring.offers.urls")),
    path("", include("hiring.portal.urls")),
    path("", include("hiring.privacy.urls")),
    path("", include("hiring.checkins.urls")),
    path("", include("scorecards.urls")),
    path("accounts/", include("allauth.urls")),
    path(
        "admin/r/<int:content_type_id>/<path:object_id>/",
        no_view_on_site,
        name="no_view_on_site",
    ),
    path("admin/", admin.site.urls),
]
