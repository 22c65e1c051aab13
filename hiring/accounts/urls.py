from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("me/", views.profile, name="profile"),
    path("organisation/", views.organisation, name="organisation"),
    path("organisation/invitations/", views.invite, name="invite"),
    path("organisation/people/<int:user_id>/", views.person_edit, name="person_edit"),
    path(
        "organisation/invitations/<int:invitation_id>/revoke/",
        views.revoke_invitation,
        name="revoke_invitation",
    ),
    path("favicon.ico", views.favicon),
]
