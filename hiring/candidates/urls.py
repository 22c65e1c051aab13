from django.urls import path

from . import views

urlpatterns = [
    path("search/", views.candidate_search, name="search"),
    path("candidates/duplicates/", views.duplicates, name="candidate_duplicates"),
    path(
        "candidates/<int:candidate_id>/merge/<int:other_id>/",
        views.candidate_merge,
        name="candidate_merge",
    ),
]
