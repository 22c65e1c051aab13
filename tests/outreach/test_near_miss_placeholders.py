"""Anything in braces is a placeholder the email knows, or refused beside its field: a near
miss would otherwise reach the candidate as written."""

import pytest
from django.urls import reverse
from django.utils import translation

from hiring.models import EmailTemplate
from hiring.outreach import placeholders
from tests.factories import field_errors

Kind = EmailTemplate.Kind


@pytest.mark.parametrize(
    "near_miss",
    ["{first name}", "{first_name!r}", "{first_name:>9}", "{{first_name}}", "{ first_name }"],
)
def test_a_near_miss_is_refused_as_written(near_miss):
    found = placeholders.problems(Kind.MESSAGE, "Hello", f"Dear {near_miss},")

    assert found == {"body": f"Unknown placeholder: {near_miss}. Use one of those listed."}


def test_the_placeholders_of_the_email_and_its_links_pass():
    body = "{first_name}: {status_link} {schedule_link} until {schedule_expires}"

    assert placeholders.problems(Kind.INVITATION_TO_SCHEDULE, "Times, {first_name}", body) == {}
    assert placeholders.problems(Kind.OFFER, "Offer", "{offer_link} {offer_title}") == {}


def test_every_built_in_text_passes_in_every_language(settings):
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for kind, text in placeholders.DEFAULTS.items():
                assert placeholders.problems(kind, text.subject, text.body) == {}, (language, kind)


def test_a_saved_template_with_a_near_miss_is_refused_beside_the_field(signed_in, recruiter):
    response = signed_in(recruiter).post(
        f"{reverse('email_template_new')}?kind={Kind.REJECTED_AFTER_SCREEN}",
        {"subject": "About {opening_title}", "body": "Hello {first name}.", "action": "save"},
    )

    assert response.status_code == 400
    assert "Unknown placeholder: {first name}" in field_errors(response.text, "body")
    assert not EmailTemplate.objects.exists()
