from django.urls import path

from . import views

urlpatterns = [
    path("careers/", views.careers_page, name="careers"),
    path("careers/privacy/", views.privacy, name="careers_privacy"),
    path("careers/<int:opening_id>/", views.opening_page, name="careers_opening"),
    path("careers/<int:opening_id>/thanks/", views.thanks, name="careers_thanks"),
    path("careers/<int:opening_id>/refer/", views.refer, name="careers_refer"),
    path("openings/<int:opening_id>/questions/", views.questions_page, name="opening_questions"),
    path(
        "openings/<int:opening_id>/questions/new/", views.question_add, name="opening_question_add"
    ),
    path(
        "openings/<int:opening_id>/questions/<int:question_id>/",
        views.question_edit,
        name="opening_question_edit",
    ),
    path(
        "openings/<int:opening_id>/questions/<int:question_id>/remove/",
        views.question_remove,
        name="opening_question_remove",
    ),
    path(
        "openings/<int:opening_id>/questions/<int:question_id>/move/",
        views.question_move,
        name="opening_question_move",
    ),
]
