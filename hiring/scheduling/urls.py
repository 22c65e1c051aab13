from django.urls import path

from . import views

urlpatterns = [
    path("me/availability/", views.availability_page, name="availability"),
    path(
        "me/availability/settings/",
        views.availability_settings,
        name="availability_settings",
    ),
    path("me/availability/hours/", views.working_hours, name="working_hours"),
    path("me/availability/busy/", views.busy_block_add, name="busy_block_add"),
    path(
        "me/availability/busy/<int:block_id>/delete/",
        views.busy_block_delete,
        name="busy_block_delete",
    ),
    path("me/availability/import/", views.ics_upload, name="ics_upload"),
    path("teams/<int:team_id>/pools/", views.pools, name="pools"),
    path(
        "teams/<int:team_id>/pools/<int:member_id>/remove/",
        views.pool_remove,
        name="pool_remove",
    ),
    path("applications/<int:application_id>/panel/", views.panel, name="panel"),
    path(
        "applications/<int:application_id>/panel/times/",
        views.panel_times,
        name="panel_times",
    ),
    path(
        "applications/<int:application_id>/panel/book/",
        views.panel_book,
        name="panel_book",
    ),
    path(
        "applications/<int:application_id>/panel/offer/",
        views.panel_offer,
        name="panel_offer",
    ),
    path(
        "applications/<int:application_id>/panel/sessions/<int:session_id>/cancel/",
        views.session_cancel,
        name="session_cancel",
    ),
    path(
        "applications/<int:application_id>/panel/sessions/<int:session_id>/reopen/",
        views.session_reopen,
        name="session_reopen",
    ),
    path(
        "applications/<int:application_id>/panel/sessions/<int:session_id>/interviewers/"
        "<int:user_id>/replace/",
        views.interviewer_replace,
        name="interviewer_replace",
    ),
    path("applications/<int:application_id>/panel/edit/", views.panel_edit, name="panel_edit"),
    path(
        "applications/<int:application_id>/panel/delete/",
        views.panel_delete,
        name="panel_delete",
    ),
    path(
        "applications/<int:application_id>/panel/cancel/",
        views.panel_cancel,
        name="panel_cancel",
    ),
    path(
        "applications/<int:application_id>/panel/reschedule/",
        views.panel_reschedule,
        name="panel_reschedule",
    ),
    path("schedule/<str:token>/", views.candidate_schedule, name="candidate_schedule"),
    path(
        "schedule/<str:token>/windows/",
        views.candidate_windows,
        name="candidate_windows",
    ),
    # Under the candidate's own page's link (hiring/portal), whose token it takes.
    path(
        "status/<str:token>/interviews.ics",
        views.candidate_calendar,
        name="candidate_calendar",
    ),
]
