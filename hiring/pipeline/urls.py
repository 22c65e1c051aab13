from django.urls import path

from . import views

urlpatterns = [
    path("pipeline/", views.pipeline_board, name="pipeline"),
    path("pipeline/columns/<str:stage>/", views.pipeline_column, name="pipeline_column"),
    path(
        "pipeline/columns/<str:stage>/reject/",
        views.pipeline_reject_many,
        name="pipeline_reject_many",
    ),
    path(
        "pipeline/applications/<int:application_id>/move/",
        views.pipeline_move,
        name="pipeline_move",
    ),
    path("teams/<int:team_id>/openings/new/", views.opening_create, name="opening_create"),
    path("openings/<int:opening_id>/", views.opening_detail, name="opening_detail"),
    path("openings/<int:opening_id>/edit/", views.opening_edit, name="opening_edit"),
    path("openings/<int:opening_id>/rule/", views.opening_rule, name="opening_rule"),
    path(
        "openings/<int:opening_id>/applications/",
        views.application_create,
        name="application_create",
    ),
    path(
        "applications/<int:application_id>/",
        views.application_detail,
        name="application_detail",
    ),
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
]
