"""Writing to the candidate: Teamfit's own text starts in the candidate's language, and a Send
from under a preview sends only the email that preview showed."""

from django.urls import reverse

from hiring.models import CandidateEmail

COMPOSE = "candidate_email_compose"
WRITTEN = {"start": "kind:message", "subject": "Monday", "body": "Hello {first_name}."}


def test_the_built_in_text_starts_in_the_candidates_language(signed_in, application, member):
    member.language = "de"
    member.save()
    url = reverse(COMPOSE, args=[application.pk]) + "?start=kind:rejected_screen"

    english = signed_in(member).get(url)
    application.candidate.language = "de"
    application.candidate.save()
    german = signed_in(member).get(url)

    assert "Thank you for your interest in {opening_title}" in english.text
    assert "vielen Dank für Ihr Interesse an {opening_title}" in german.text


def test_a_send_under_a_preview_of_other_text_shows_the_new_preview_instead(
    signed_in, application, member
):
    client = signed_in(member)
    url = reverse(COMPOSE, args=[application.pk])
    previewed = client.post(url, {**WRITTEN, "action": "preview"}).context["previewed"]

    edited = {**WRITTEN, "body": "Hello {first_name}, see you Tuesday.", "previewed": previewed}
    response = client.post(url, {**edited, "action": "send"})

    assert response.status_code == 409
    assert "The email changed since your preview, and was not sent" in response.text
    assert "Hello Nina, see you Tuesday." in response.text
    assert not CandidateEmail.objects.exists()
    again = {**edited, "previewed": response.context["previewed"], "action": "send"}
    assert client.post(url, again).status_code == 302
    assert CandidateEmail.objects.get().body == "Hello Nina, see you Tuesday."


def test_a_send_under_the_same_preview_goes(signed_in, application, member):
    client = signed_in(member)
    url = reverse(COMPOSE, args=[application.pk])
    previewed = client.post(url, {**WRITTEN, "action": "preview"}).context["previewed"]

    response = client.post(url, {**WRITTEN, "previewed": previewed, "action": "send"})

    assert response.status_code == 302
    assert CandidateEmail.objects.get().subject == "Monday"
