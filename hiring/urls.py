from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("me/", views.profile, name="profile"),
    path("teams/", views.team_list, name="team_list"),
    path("teams/new/", views.team_create, name="team_create"),
    path("teams/<int:team_id>/", views.team_detail, name="team_detail"),
    path("teams/<int:team_id>/leave/", views.leave_team, name="leave_team"),
    path("teams/<int:team_id>/proposals/member/", views.propose_member, name="propose_member"),
    path("teams/<int:team_id>/proposals/rule/", views.propose_rule, name="propose_rule"),
    path(
        "teams/<int:team_id>/members/<int:user_id>/remove/",
        views.propose_removal,
        name="propose_removal",
    ),
    path("teams/<int:team_id>/proposals/<int:proposal_id>/vote/", views.vote, name="vote"),
    path(
        "teams/<int:team_id>/proposals/<int:proposal_id>/withdraw/",
        views.withdraw_proposal,
        name="withdraw_proposal",
    ),
    path("teams/<int:team_id>/openings/new/", views.opening_create, name="opening_create"),
    path("openings/<int:opening_id>/", views.opening_detail, name="opening_detail"),
    path("openings/<int:opening_id>/edit/", views.opening_edit, name="opening_edit"),
    path(
        "openings/<int:opening_id>/applications/",
        views.application_create,
        name="application_create",
    ),
    path("applications/<int:application_id>/", views.application_detail, name="application_detail"),
    path(
        "applications/<int:application_id>/stage/",
        views.application_stage,
        name="application_stage",
    ),
    path(
        "applications/<int:application_id>/resume/",
        views.application_resume,
        name="application_resume",
    ),
    path(
        "applications/<int:application_id>/interviewers/",
        views.assign_interviewer,
        name="assign_interviewer",
    ),
    path("", include("scorecards.urls")),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("organisation/", views.organisation, name="organisation"),
    path("organisation/invitations/", views.invite, name="invite"),
    path(
        "organisation/invitations/<int:invitation_id>/revoke/",
        views.revoke_invitation,
        name="revoke_invitation",
    ),
    path("favicon.ico", views.favicon),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
