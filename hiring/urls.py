from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

# The Django admin signs in through allauth: its rate limits and two-factor authentication.
admin.site.login = secure_admin_login(admin.site.login)

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
    path("admin/", admin.site.urls),
]
