from django.urls import path

from . import views

urlpatterns = [
    path("careers/", views.careers_page, name="careers"),
    path("careers/privacy/", views.privacy, name="careers_privacy"),
    path("careers/<int:opening_id>/", views.opening_page, name="careers_opening"),
    path("careers/<int:opening_id>/thanks/", views.thanks, name="careers_thanks"),
    path("careers/<int:opening_id>/refer/", views.refer, name="careers_refer"),
]
