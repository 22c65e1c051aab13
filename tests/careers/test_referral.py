"""Anyone of the organisation refers someone to an open opening; the candidate consents later."""

from django.urls import reverse

from hiring.models import Application, Candidate, Consent, Opening, StageChange
from tests.careers.conftest import resume, stored_files
from tests.factories import field_errors


def referral(**changes):
    return {
        "name": "Noor Referred",
        "email": "noor@candidates.example",
        "links": "https://noor.example",
        "resume": resume(),
        "note": "We shipped the billing rewrite together; she leads calmly.",
        **changes,
    }


def refer(client, opening, django_capture_on_commit_callbacks, **changes):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("careers_refer", args=[opening.pk]), referral(**changes))


def test_a_member_of_any_team_refers_someone(
    client, outsider, opening, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(outsider)

    response = refer(client, opening, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    application = Application.objects.get()
    assert application.source == Application.Source.REFERRAL
    assert application.referred_by == outsider
    assert application.note.startswith("We shipped the billing rewrite")
    assert application.stage == Application.Stage.APPLIED
    assert StageChange.objects.get(application=application).by == outsider
    assert application.candidate.resume
    assert Consent.objects.count() == 0
    assert [mail.to for mail in mailoutbox] == [["noor@candidates.example"]]
    assert application.status_url() in mailoutbox[0].body
    page = client.get(response["Location"]).content.decode()
    assert "Thank you for referring Noor Referred for Backend Engineer" in page


def test_the_referred_person_is_told_they_were_recommended_not_thanked_for_applying(
    client, outsider, opening, mailoutbox, django_capture_on_commit_callbacks
):
    """They did not apply: the email says who they heard from, and what they may do."""
    client.force_login(outsider)

    refer(client, opening, django_capture_on_commit_callbacks)

    [email] = mailoutbox
    assert "applying" not in email.subject + email.body
    assert "recommended you for Backend Engineer" in email.body
    assert Application.objects.get().status_url() in email.body


def test_a_colleague_referred_is_written_to_in_their_own_language(
    client, member, outsider, opening, mailoutbox, django_capture_on_commit_callbacks
):
    """The email goes in its reader's language, as every email does: an account at the
    address says it, whatever language the referrer reads."""
    outsider.language = "de"
    outsider.save()
    client.force_login(member)

    refer(client, opening, django_capture_on_commit_callbacks, email="EVE@example.com")

    [email] = mailoutbox
    assert email.subject == "Sie wurden für Backend Engineer empfohlen"
    assert "Stand Ihrer Bewerbung:" in email.body
    assert Application.objects.get().candidate.language == "de"


def test_referring_someone_who_applied_already_says_the_same_and_no_more(
    client, member, opening, django_capture_on_commit_callbacks, mailoutbox
):
    """No second email goes to them, so the message claims none; nor does it tell the
    referrer that they applied."""
    client.force_login(member)
    refer(client, opening, django_capture_on_commit_callbacks)
    mailoutbox.clear()

    response = refer(client, opening, django_capture_on_commit_callbacks)

    page = client.get(response["Location"]).content.decode()
    assert "Thank you for referring Noor Referred for Backend Engineer." in page
    assert "We wrote to them" not in page
    assert mailoutbox == []
    assert Application.objects.count() == 1


def test_a_referral_needs_no_resume_but_a_reason(
    client, member, opening, media, django_capture_on_commit_callbacks
):
    client.force_login(member)

    response = refer(client, opening, django_capture_on_commit_callbacks, resume="", note="")

    assert response.status_code == 400
    assert "This field is required." in field_errors(response.content.decode(), "note")
    assert field_errors(response.content.decode(), "resume") == ""
    assert Candidate.objects.count() == 0
    assert stored_files(media) == []


def test_a_referral_refuses_a_bad_link_beside_it(
    client, member, opening, django_capture_on_commit_callbacks
):
    client.force_login(member)

    response = refer(client, opening, django_capture_on_commit_callbacks, links="javascript:x")

    assert response.status_code == 400
    assert "Line 1 is not a web link" in field_errors(response.content.decode(), "links")


def test_referring_needs_a_sign_in(client, opening, django_capture_on_commit_callbacks):
    response = refer(client, opening, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert Candidate.objects.count() == 0


def test_a_closed_opening_takes_no_referral(
    client, member, opening, django_capture_on_commit_callbacks
):
    Opening.objects.filter(pk=opening.pk).update(status=Opening.Status.CLOSED)
    client.force_login(member)

    assert client.get(reverse("careers_refer", args=[opening.pk])).status_code == 404
    assert refer(client, opening, django_capture_on_commit_callbacks).status_code == 404
    assert Candidate.objects.count() == 0


def test_the_opening_page_links_to_the_referral(client, member, opening):
    client.force_login(member)

    text = client.get(reverse("opening_detail", args=[opening.pk])).content.decode()

    assert reverse("careers_refer", args=[opening.pk]) in text
    assert reverse("careers_opening", args=[opening.pk]) in text
