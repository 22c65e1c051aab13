from django.urls import path

from . import views

urlpatterns = [
    path("reports/", views.reports_page, name="reports"),
    path("reports/<str:name>.csv", views.report_csv, name="report_csv"),
]
