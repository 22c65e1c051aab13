from django.urls import path

from . import views

urlpatterns = [
    path("reports/", views.reports_page, name="reports"),
    path("reports/validity/", views.validity_page, name="validity"),
    path("reports/validity.csv", views.validity_csv, name="validity_csv"),
    path("reports/<str:name>.csv", views.report_csv, name="report_csv"),
]
