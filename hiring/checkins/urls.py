from django.urls import path

from . import views

urlpatterns = [
    path("check-ins/<int:check_in_id>/", views.check_in_detail, name="check_in_detail"),
    path("check-ins/<int:check_in_id>/draft/", views.check_in_draft, name="check_in_draft"),
    path("check-ins/<int:check_in_id>/submit/", views.check_in_submit, name="check_in_submit"),
]
