from django.urls import path

from . import views

urlpatterns = [
    path(
        "applications/<int:application_id>/debrief/",
        views.debrief,
        name="debrief",
    ),
    path(
        "applications/<int:application_id>/decision/",
        views.record_decision,
        name="record_decision",
    ),
    path(
        "applications/<int:application_id>/decision/confirm/",
        views.confirm_decision,
        name="confirm_decision",
    ),
    path(
        "applications/<int:application_id>/decision/withdraw/",
        views.withdraw_decision,
        name="withdraw_decision",
    ),
    path(
        "applications/<int:application_id>/interviewers/<int:feedback_id>/excuse/",
        views.excuse_interviewer,
        name="excuse_interviewer",
    ),
]
