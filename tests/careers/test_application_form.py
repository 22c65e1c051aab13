"""A candidate applies on an opening's page: stored whole on success, nothing stored on an
error, which shows beside its field and in a summary that takes the focus."""

import pytest
from django.conf import settings
from django.urls import reverse

from hiring.models import Application, Candidate, CandidateEmail, Consent, Opening, StageChange
from tests.careers.conftest import resume, stored_files
from tests.factories import field_errors
from tests.pipeline.test_resume_upload import DOCX, ODT


def test_an_application_lands_in_applied_from_the_careers_page(send, opening, media):
    response = send(opening)

    assert response.status_code == 302
    assert response["Location"] == reverse("careers_thanks", args=[opening.pk])
    candidate = Candidate.objects.get()
    assert (candidate.name, candidate.email, candidate.time_zone) == (
        "Dana Candidate",
        "dana@candidates.example",
        "Europe/Berlin",
    )
    assert candidate.links == "https://dana.example"
    assert candidate.resume.read().startswith(b"%PDF-")
    assert len(stored_files(media)) == 1
    application = Application.objects.get()
    assert application.opening == opening
    assert application.stage == Application.Stage.APPLIED
    assert application.source == Application.Source.CAREERS
    assert application.referred_by is None
    assert application.note == "I built payment systems for ten years."
    change = StageChange.objects.get(application=application)
    assert (change.to_stage, change.by) == (Application.Stage.APPLIED, None)


def test_the_consent_is_stored_with_the_notice_version(send, opening):
    send(opening)

    consent = Consent.objects.get()
    assert consent.candidate == Candidate.objects.get()
    assert consent.application == Application.objects.get()
    assert consent.notice_version == settings.PRIVACY_NOTICE_VERSION
    assert consent.given_at is not None


def test_the_candidate_gets_an_email_with_their_status_link(send, opening, mailoutbox):
    send(opening)

    application = Application.objects.get()
    assert [mail.to for mail in mailoutbox] == [["dana@candidates.example"]]
    assert application.status_url() in mailoutbox[0].body
    email = CandidateEmail.objects.get()
    assert (email.application, email.kind) == (application, "received")
    assert email.status == CandidateEmail.Status.SENT


def test_the_thanks_page_says_what_happens_next(send, client, opening):
    response = client.get(send(opening)["Location"])

    assert response.status_code == 200
    text = response.content.decode()
    assert "Thank you for applying" in text
    assert "An email confirming that we received your application is on its way" in text
    assert "Backend Engineer" in text


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"name": "Dana\nCandidate"}, "name", "Write this on one line"),
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        ({"phone": "+41 44\n555 66 77"}, "phone", "Write this on one line"),
        ({"links": "javascript:alert(1)"}, "links", "Line 1 is not a web link"),
        ({"links": "https://ok.example\ndata:text/html,hi"}, "links", "Line 2 is not a web link"),
        ({"links": "https://a.example/" + "x" * 2000}, "links", "at most 2000 characters"),
        ({"resume": ""}, "resume", "This field is required."),
        ({"resume": resume("virus.pdf", b"MZ\x90\x00\x03")}, "resume", "is not a PDF, DOCX or ODT"),
        ({"resume": resume("cv.txt", b"Plain text")}, "resume", "extension \u201ctxt\u201d is not"),
        ({"resume": resume("cv.pdf", b"Plain text")}, "resume", "is not a PDF, DOCX or ODT"),
        ({"resume": resume("cv.exe", b"%PDF-1.7")}, "resume", "extension \u201cexe\u201d is not"),
        ({"note": "x" * 3001}, "note", "at most 3000 characters"),
        ({"consent": ""}, "consent", "Agree to the privacy notice to apply"),
    ],
)
def test_each_field_refuses_bad_input_beside_it_and_stores_nothing(
    send, opening, media, mailoutbox, changes, field, message
):
    response = send(opening, **changes)

    assert response.status_code == 400
    assert message in field_errors(response.content.decode(), field)
    assert Candidate.objects.count() == Application.objects.count() == Consent.objects.count() == 0
    assert stored_files(media) == []
    assert mailoutbox == []


def test_a_form_refused_for_another_field_asks_for_the_resume_again(send, opening, media):
    """A browser never fills a file input in again: the résumé sent with a form refused for
    its consent is gone from the page, so the page says so beside it, before the candidate
    sends it again without."""
    response = send(opening, consent="")

    assert response.status_code == 400
    assert "Choose the résumé again" in field_errors(response.content.decode(), "resume")
    assert stored_files(media) == []
    assert send(opening).status_code == 302


def test_an_oversized_resume_is_refused_and_leaves_no_file(send, opening, media, settings):
    settings.RESUME_MAX_BYTES = 1024

    response = send(opening, resume=resume("cv.pdf", b"%PDF-1.7\n" + b"0" * 2048))

    assert response.status_code == 400
    assert "The résumé is too large" in field_errors(response.content.decode(), "resume")
    assert Candidate.objects.count() == 0
    assert stored_files(media) == []


@pytest.mark.parametrize(("name", "content"), [("cv.docx", DOCX), ("cv.odt", ODT)])
def test_docx_and_odt_resumes_are_taken(send, opening, name, content):
    assert send(opening, resume=resume(name, content)).status_code == 302
    assert Candidate.objects.get().resume.name.endswith(name.removeprefix("cv"))


def test_errors_are_summarised_with_links_to_their_fields_and_described_by(send, opening):
    text = send(opening, email="nope", consent="").content.decode()

    assert 'id="error-summary" role="alert" tabindex="-1" autofocus' in text
    assert '<a href="#id_email">Email address: Enter a valid email address.</a>' in text
    assert '<a href="#id_consent">Agree to the privacy notice to apply' in text
    assert 'aria-describedby="id_email_helptext id_email_error"' in text
    assert 'aria-invalid="true"' in text


def test_an_unknown_time_zone_is_ignored(send, opening):
    assert send(opening, time_zone="Mars/Olympus_Mons").status_code == 302
    assert Candidate.objects.get().time_zone == ""


def test_an_alias_a_browser_reports_is_kept_as_the_menus_zone(send, opening):
    assert send(opening, time_zone="Asia/Calcutta").status_code == 302
    assert Candidate.objects.get().time_zone == "Asia/Kolkata"


def test_a_blank_time_zone_is_ignored(send, opening):
    assert send(opening, time_zone="").status_code == 302
    assert Candidate.objects.get().time_zone == ""


def test_the_form_links_the_privacy_notice_and_hides_the_trap(client, opening):
    text = client.get(reverse("careers_opening", args=[opening.pk])).content.decode()

    assert f'<a href="{reverse("careers_privacy")}">privacy notice</a>' in text
    assert '<div class="visually-hidden"><label for="id_website">Leave this field empty' in text
    assert 'autocomplete="off" tabindex="-1"' in text
    assert 'type="hidden" name="time_zone"' in text
    assert 'enctype="multipart/form-data"' in text


def test_a_closed_opening_has_no_page_and_takes_no_application(send, client, opening, media):
    Opening.objects.filter(pk=opening.pk).update(status=Opening.Status.CLOSED)

    assert client.get(reverse("careers_opening", args=[opening.pk])).status_code == 404
    assert send(opening).status_code == 404
    assert Candidate.objects.count() == 0
    assert stored_files(media) == []


def test_a_form_larger_than_any_file_it_takes_is_refused_before_it_is_read(
    send, opening, media, settings
):
    """Django would write its file to disk first, of any size: the careers form is public."""
    settings.UPLOAD_MAX_BYTES = 4096

    response = send(opening, resume=resume("cv.pdf", b"%PDF-1.7\n" + b"0" * 8192))

    assert response.status_code == 400
    assert "What was sent was too large" in response.content.decode()
    assert Candidate.objects.count() == 0
    assert stored_files(media) == []
    assert send(opening).status_code == 302


def test_the_thanks_page_stays_for_who_applied_once_the_opening_closes(send, client, opening):
    thanks = send(opening)["Location"]
    Opening.objects.filter(pk=opening.pk).update(status=Opening.Status.CLOSED)

    response = client.get(thanks)

    assert response.status_code == 200
    assert "Thank you for applying" in response.content.decode()


def test_anyone_else_finds_a_closed_openings_thanks_page_says_it_is_closed(client, opening):
    Opening.objects.filter(pk=opening.pk).update(status=Opening.Status.CLOSED)

    response = client.get(reverse("careers_thanks", args=[opening.pk]))

    assert response.status_code == 404
    text = response.content.decode()
    assert "This opening is not open for applications" in text
    assert "Thank you for applying" not in text
    assert opening.title not in text
