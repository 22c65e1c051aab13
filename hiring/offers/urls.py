from django.urls import path

from . import views

urlpatterns = [
    path("applications/<int:application_id>/offer/", views.offer_prepare, name="offer_prepare"),
    path(
        "applications/<int:application_id>/offers/<int:offer_id>/edit/",
        views.offer_edit,
        name="offer_edit",
    ),
    path(
        "applications/<int:application_id>/offers/<int:offer_id>/send/",
        views.offer_send,
        name="offer_send",
    ),
    path(
        "applications/<int:application_id>/offers/<int:offer_id>/withdraw/",
        views.offer_withdraw,
        name="offer_withdraw",
    ),
    path(
        "applications/<int:application_id>/did-not-start/",
        views.did_not_start,
        name="did_not_start",
    ),
    path("offer/<str:token>/", views.offer_answer, name="offer_answer"),
    path("offer/<str:token>/accept/", views.offer_accept, name="offer_accept"),
    path("offer/<str:token>/decline/", views.offer_decline, name="offer_decline"),
]
