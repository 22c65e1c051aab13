from django.urls import path

from . import views

urlpatterns = [
    path(
        "candidates/<int:candidate_id>/privacy/", views.candidate_privacy, name="candidate_privacy"
    ),
    path("candidates/<int:candidate_id>/hold/", views.candidate_hold, name="candidate_hold"),
    path(
        "candidates/<int:candidate_id>/release/", views.candidate_release, name="candidate_release"
    ),
    path("organisation/access-log/", views.access_log, name="access_log"),
    # Export
    path("candidates/<int:candidate_id>/export/", views.candidate_export, name="candidate_export"),
    path(
        "candidates/<int:candidate_id>/exports/<int:export_id>/",
        views.candidate_export_detail,
        name="candidate_export_detail",
    ),
    path(
        "status/<str:token>/export/",
        views.candidate_export_request,
        name="candidate_export_request",
    ),
    path("exports/<str:token>/", views.export_download, name="export_download"),
    # Erasure
    path("candidates/<int:candidate_id>/erase/", views.candidate_erase, name="candidate_erase"),
    path(
        "status/<str:token>/erase/",
        views.candidate_erasure_request,
        name="candidate_erasure_request",
    ),
    path("erase/<str:token>/", views.candidate_erasure_confirm, name="candidate_erasure_confirm"),
    path("keep/<str:token>/", views.candidate_keep_data, name="candidate_keep_data"),
]
