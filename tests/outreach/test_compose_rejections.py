"""Writing to the candidate offers a rejection only where one fits: the application rejected,
or still where a move by hand may reject it (Application.stages_by_hand). Past the screen
only the team's decision says no."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from hiring.models import Application, CandidateEmail
from hiring.outreach import editing, messages
from hiring.outreach.forms import ComposeForm
from tests.factories import field_errors

Stage = Application.Stage
REJECTIONS = ("Rejection after screen", "Rejection after interviews")


def compose_url(application):
    return reverse("candidate_email_compose", args=[application.pk])


def at_the_debrief(application):
    application.stage = Stage.DEBRIEF
    application.debrief_opened_at = timezone.now()
    application.save()
    return application


def test_at_the_debrief_no_rejection_is_offered(signed_in, application, recruiter):
    client = signed_in(recruiter)
    at_the_screen = client.get(compose_url(application)).text
    at_the_debrief(application)

    page = client.get(compose_url(application)).text
    asked = client.get(compose_url(application), {"start": "kind:rejected_panel"})

    assert all(rejection in at_the_screen for rejection in REJECTIONS)
    assert not any(rejection in page for rejection in REJECTIONS)
    assert "A blank message" in page
    assert asked.context["start"] == "kind:message"


def test_a_rejection_sent_from_a_page_opened_before_the_debrief_is_refused_beside_it(
    signed_in, application, recruiter, mailoutbox, django_capture_on_commit_callbacks
):
    client = signed_in(recruiter)
    at_the_debrief(application)
    sent = {
        "start": "kind:rejected_panel",
        "subject": "About {opening_title}",
        "body": "Hello {first_name}, we will not go on.",
        "action": "send",
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(compose_url(application), sent)

    assert response.status_code == 400
    assert "past the screen, only the team&#x27;s decision rejects" in field_errors(
        response.text, "start"
    )
    assert not CandidateEmail.objects.exists()
    assert mailoutbox == []


def test_a_rejection_checked_before_the_application_moved_past_the_screen_is_not_queued(
    application, recruiter, mailoutbox, django_capture_on_commit_callbacks
):
    """As found: the form allowed it and the email was queued without asking again under the
    application's lock, so a move to the debrief between the two let a person's "no" go out
    before the team's. Queued, it is refused beside the form's field, as the form refuses it."""
    written = {"start": "kind:rejected_screen", "subject": "About {opening_title}", "body": "No."}
    form = ComposeForm(written, points=editing.starting_points(application))
    assert form.is_valid()
    at_the_debrief(application)

    with (
        pytest.raises(ValidationError) as refused,
        django_capture_on_commit_callbacks(execute=True),
    ):
        messages.queue_written(
            application, form.kind, by=recruiter, subject="About", body="No.", delay=None
        )

    assert refused.value.message_dict == {"start": [str(messages.NO_REJECTION_NOW)]}
    assert not CandidateEmail.objects.exists()
    assert mailoutbox == []


def test_a_rejected_application_is_offered_its_rejection(signed_in, application, recruiter):
    at_the_debrief(application)
    Application.objects.filter(pk=application.pk).update(stage=Stage.REJECTED)

    page = signed_in(recruiter).get(compose_url(application)).text

    assert all(rejection in page for rejection in REJECTIONS)
