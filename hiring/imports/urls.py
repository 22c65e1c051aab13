from django.urls import path

from . import views

urlpatterns = [
    path("openings/<int:opening_id>/import/", views.import_new, name="import_new"),
    path("imports/<int:import_id>/", views.import_detail, name="import_detail"),
    path("imports/<int:import_id>/start/", views.import_start, name="import_start"),
]
