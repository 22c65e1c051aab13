from django.urls import path

from . import views

urlpatterns = [
    path("teams/<int:team_id>/scorecards/", views.library, name="scorecard_library"),
    path("scorecards/<int:scorecard_id>/", views.scorecard_edit, name="scorecard_edit"),
    path("scorecards/<int:scorecard_id>/copy/", views.copy_template, name="scorecard_copy"),
    path("scorecards/<int:scorecard_id>/criteria/", views.criterion_add, name="criterion_add"),
    path(
        "scorecards/<int:scorecard_id>/criteria/<uuid:key>/",
        views.criterion_edit,
        name="criterion_edit",
    ),
    path(
        "scorecards/<int:scorecard_id>/criteria/<uuid:key>/remove/",
        views.criterion_remove,
        name="criterion_remove",
    ),
    path(
        "scorecards/<int:scorecard_id>/criteria/<uuid:key>/move/",
        views.criterion_move,
        name="criterion_move",
    ),
    path("feedback/<int:feedback_id>/", views.feedback_form, name="feedback_form"),
    path("feedback/<int:feedback_id>/draft/", views.feedback_draft, name="feedback_draft"),
    path("feedback/<int:feedback_id>/submit/", views.feedback_submit, name="feedback_submit"),
    path("feedback/<int:feedback_id>/amend/", views.feedback_amend, name="feedback_amend"),
]
