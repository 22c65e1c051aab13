"""Nothing goes to a candidate whose data was erased: not from a page opened before the
erasure, nor an email queued as it went through."""

from datetime import timedelta
from html import unescape

from django.urls import reverse
from django.utils import timezone

from hiring.models import Application, CandidateEmail, EmailTemplate
from hiring.outreach import messages
from hiring.privacy import erasure
from tests.factories import HTMX

ERASED = "This candidate's data was erased: nothing more is sent to them."
WRITTEN = {"start": "kind:message", "subject": "Hello", "body": "Hi {first_name}", "action": "send"}


def test_an_email_written_on_a_page_opened_before_the_erasure_is_refused(
    signed_in, application, recruiter, mailoutbox, django_capture_on_commit_callbacks
):
    client = signed_in(recruiter)
    url = reverse("candidate_email_compose", args=[application.pk])
    assert client.get(url).status_code == 200
    erasure.erase(application.candidate, by=recruiter)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, WRITTEN)

    assert response.status_code == 400
    assert "This candidate's data was erased" in unescape(response.text)
    assert not CandidateEmail.objects.exists()
    assert messages.send_due() == 0
    assert mailoutbox == []


def test_the_pages_say_up_front_that_nothing_more_is_sent_to_an_erased_candidate(
    signed_in, application, recruiter
):
    erasure.erase(application.candidate, by=recruiter)
    client = signed_in(recruiter)
    url = reverse("candidate_email_compose", args=[application.pk])

    detail = unescape(client.get(application.get_absolute_url()).text)
    assert ERASED in detail
    assert "Email the candidate" not in detail
    assert url not in detail
    for headers in ({}, HTMX):
        response = client.get(url, **headers)
        assert response.status_code == 200
        assert ERASED in unescape(response.text)
        assert "<textarea" not in response.text
        assert 'value="send"' not in response.text
        assert "@invalid" not in response.text  # not "To erased-…@invalid"


def test_an_email_queued_as_the_erasure_went_through_never_goes(application, recruiter, mailoutbox):
    erasure.erase(application.candidate, by=recruiter)
    # Committed just after the erasure cancelled the emails it found.
    email = CandidateEmail.objects.create(
        application=application,
        kind=EmailTemplate.Kind.MESSAGE,
        to="nina@candidates.example",
        subject="Hello",
        body="Hi",
        send_after=timezone.now() - timedelta(seconds=1),
    )

    assert messages.send_due() == 0
    assert mailoutbox == []
    email.refresh_from_db()
    assert email.status == CandidateEmail.Status.CANCELLED


def test_an_email_written_from_a_record_read_before_the_erasure_stores_no_address(
    application, recruiter
):
    """As reported: a move or a booking read the candidate, the erasure went through, then it
    wrote its email with the address and name it had read: never sent, but stored."""
    read = Application.objects.select_related("candidate").get(pk=application.pk)
    erasure.erase(application.candidate, by=recruiter)

    queued = messages.queue_email(read, EmailTemplate.Kind.MESSAGE, by=recruiter)

    assert queued is None
    assert not CandidateEmail.objects.exists()
