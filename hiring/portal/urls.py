from django.urls import path

from . import views

urlpatterns = [
    path("status/<str:token>/", views.candidate_status, name="candidate_status"),
    path("status/<str:token>/time-zone/", views.candidate_time_zone, name="candidate_time_zone"),
    path("status/<str:token>/withdraw/", views.candidate_withdraw, name="candidate_withdraw"),
]
