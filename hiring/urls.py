from django.contrib import admin
from django.urls import include, path

from .debrief import views as debrief_views
from .pipeline import views as pipeline_views
from .reports import views as report_views
from .scheduling import views as schedule_views
from .teams import views

urlpatterns = [
    path("", views.home, name="home"),
    path("me/", views.profile, name="profile"),
    path("pipeline/", pipeline_views.pipeline_board, name="pipeline"),
    path("pipeline/columns/<str:stage>/", pipeline_views.pipeline_column, name="pipeline_column"),
    path(
        "pipeline/applications/<int:application_id>/move/",
        pipeline_views.pipeline_move,
        name="pipeline_move",
    ),
    path("reports/", report_views.reports_page, name="reports"),
    path("reports/<str:name>.csv", report_views.report_csv, name="report_csv"),
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
    path("teams/<int:team_id>/openings/new/", pipeline_views.opening_create, name="opening_create"),
    path("openings/<int:opening_id>/", pipeline_views.opening_detail, name="opening_detail"),
    path("openings/<int:opening_id>/edit/", pipeline_views.opening_edit, name="opening_edit"),
    path("openings/<int:opening_id>/rule/", pipeline_views.opening_rule, name="opening_rule"),
    path(
        "openings/<int:opening_id>/applications/",
        pipeline_views.application_create,
        name="application_create",
    ),
    path(
        "applications/<int:application_id>/",
        pipeline_views.application_detail,
        name="application_detail",
    ),
    path(
        "applications/<int:application_id>/stage/",
        pipeline_views.application_stage,
        name="application_stage",
    ),
    path(
        "applications/<int:application_id>/resume/",
        pipeline_views.application_resume,
        name="application_resume",
    ),
    path(
        "applications/<int:application_id>/interviewers/",
        pipeline_views.assign_interviewer,
        name="assign_interviewer",
    ),
    path("me/availability/", schedule_views.availability_page, name="availability"),
    path(
        "me/availability/settings/",
        schedule_views.availability_settings,
        name="availability_settings",
    ),
    path("me/availability/hours/", schedule_views.working_hours, name="working_hours"),
    path("me/availability/busy/", schedule_views.busy_block_add, name="busy_block_add"),
    path(
        "me/availability/busy/<int:block_id>/delete/",
        schedule_views.busy_block_delete,
        name="busy_block_delete",
    ),
    path("me/availability/import/", schedule_views.ics_upload, name="ics_upload"),
    path("teams/<int:team_id>/pools/", schedule_views.pools, name="pools"),
    path(
        "teams/<int:team_id>/pools/<int:member_id>/remove/",
        schedule_views.pool_remove,
        name="pool_remove",
    ),
    path("applications/<int:application_id>/panel/", schedule_views.panel, name="panel"),
    path(
        "applications/<int:application_id>/panel/times/",
        schedule_views.panel_times,
        name="panel_times",
    ),
    path(
        "applications/<int:application_id>/panel/book/",
        schedule_views.panel_book,
        name="panel_book",
    ),
    path(
        "applications/<int:application_id>/panel/offer/",
        schedule_views.panel_offer,
        name="panel_offer",
    ),
    path(
        "applications/<int:application_id>/panel/sessions/<int:session_id>/cancel/",
        schedule_views.session_cancel,
        name="session_cancel",
    ),
    path("schedule/<str:token>/", schedule_views.candidate_schedule, name="candidate_schedule"),
    path(
        "schedule/<str:token>/windows/",
        schedule_views.candidate_windows,
        name="candidate_windows",
    ),
    path(
        "applications/<int:application_id>/debrief/",
        debrief_views.debrief,
        name="debrief",
    ),
    path(
        "applications/<int:application_id>/decision/",
        debrief_views.record_decision,
        name="record_decision",
    ),
    path(
        "applications/<int:application_id>/decision/confirm/",
        debrief_views.confirm_decision,
        name="confirm_decision",
    ),
    path(
        "applications/<int:application_id>/interviewers/<int:feedback_id>/excuse/",
        debrief_views.excuse_interviewer,
        name="excuse_interviewer",
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
