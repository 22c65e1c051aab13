"""Anything in braces is a placeholder the email knows, or refused beside its field: a near
miss would otherwise reach the candidate as written."""

import time

import pytest
from django.urls import reverse
from django.utils import translation

from hiring.models import EmailTemplate
from hiring.outreach import forms, placeholders
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


@pytest.mark.parametrize(
    ("text", "stray"),
    [
        ("Hello {candidate_name, welcome.", "{candidate_name"),
        ("Hello candidate_name}, welcome.", "candidate_name}"),
        ("Hello {first_name}, see {status_link", "{status_link"),
    ],
)
def test_a_brace_without_its_pair_is_refused(text, stray):
    found = placeholders.problems(Kind.MESSAGE, "Hello", text)

    assert found == {
        "body": f"A brace without its pair: {stray}. Write a placeholder with one brace on "
        "each side, such as {first_name}."
    }


def test_a_link_in_the_subject_is_refused_it_is_filled_in_the_body_alone():
    assert placeholders.problems(Kind.MESSAGE, "Your page: {status_link}", "Hello.") == {
        "subject": "A link cannot go in the subject: put {status_link} in the body."
    }
    found = placeholders.problems(Kind.INVITATION_TO_SCHEDULE, "{schedule_link}", "Pick times.")
    assert found == {
        "subject": "A link cannot go in the subject: put {schedule_link} in the body.",
        "body": "This email needs {schedule_link}: without it the candidate cannot act.",
    }


def test_a_stray_brace_is_refused_beside_the_field_of_the_compose_form(
    signed_in, application, member
):
    response = signed_in(member).post(
        reverse("candidate_email_compose", args=[application.pk]),
        {
            "start": "kind:message",
            "subject": "Hello",
            "body": "Dear {candidate_name, see you.",
            "action": "send",
        },
    )

    assert response.status_code == 400
    assert "A brace without its pair: {candidate_name." in field_errors(response.text, "body")
    assert not application.emails.exists()


@pytest.mark.parametrize("repeated", ["{", "a"])
def test_the_longest_body_is_checked_at_once(repeated):
    """Each brace or letter of a run was the start of a scan of the rest of it: ten thousand
    braces took seconds of a core per form sent. Eight times the longest body, so that a scan
    in quadratic time takes half a minute and more (64 times those seconds) and one in linear
    time milliseconds: the bound sits far from both, whatever else the machine runs."""
    body = repeated * (forms.BODY_MAX * 8)
    started = time.perf_counter()

    found = placeholders.problems(Kind.MESSAGE, "Hello", body)

    assert time.perf_counter() - started < 5
    assert ("body" in found) == ("{" in body or "}" in body)
