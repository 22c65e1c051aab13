from django.urls import path

from . import views

urlpatterns = [
    path("teams/", views.team_list, name="team_list"),
    path("teams/new/", views.team_create, name="team_create"),
    path("teams/<int:team_id>/", views.team_detail, name="team_detail"),
    path("teams/<int:team_id>/leave/", views.leave_team, name="leave_team"),
    path("teams/<int:team_id>/settings/", views.team_settings, name="team_settings"),
    path(
        "teams/<int:team_id>/trainees/<int:user_id>/",
        views.trainee_progress,
        name="trainee_progress",
    ),
    path(
        "teams/<int:team_id>/trainees/<int:user_id>/graduate/",
        views.propose_graduation,
        name="propose_graduation",
    ),
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
    path(
        "teams/<int:team_id>/invitations/<int:invitation_id>/withdraw/",
        views.withdraw_invitation,
        name="withdraw_team_invitation",
    ),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
]
