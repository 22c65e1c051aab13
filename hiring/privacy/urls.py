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
    # Erasure
]
