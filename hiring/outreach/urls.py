from django.urls import path

from . import views

urlpatterns = [
    path("emails/templates/", views.templates_page, name="email_templates"),
    path("emails/templates/new/", views.template_new, name="email_template_new"),
    path("emails/templates/<int:template_id>/", views.template_edit, name="email_template_edit"),
    path(
        "emails/templates/<int:template_id>/delete/",
        views.template_delete,
        name="email_template_delete",
    ),
    path(
        "teams/<int:team_id>/emails/templates/",
        views.team_templates_page,
        name="team_email_templates",
    ),
    path(
        "teams/<int:team_id>/emails/templates/new/",
        views.template_new,
        name="team_email_template_new",
    ),
    path(
        "applications/<int:application_id>/emails/new/",
        views.compose,
        name="candidate_email_compose",
    ),
    path(
        "applications/<int:application_id>/emails/<int:email_id>/cancel/",
        views.email_cancel,
        name="candidate_email_cancel",
    ),
    path(
        "applications/<int:application_id>/emails/<int:email_id>/confirm/",
        views.email_confirm,
        name="candidate_email_confirm",
    ),
]
