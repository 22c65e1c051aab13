"""Two people editing one email template: a page opened before a colleague saved does not throw
the colleague's text away unseen, nor is what its editor typed dropped."""

import re

from django.test import Client
from django.urls import reverse

from hiring.models import AuditEvent, EmailTemplate
from tests.factories import UserFactory

Kind = EmailTemplate.Kind


def new_url(kind):
    return f"{reverse('email_template_new')}?kind={kind}"


def based_on(page):
    return re.search(r'name="based_on" value="([^"]*)"', page.text).group(1)


def rejection(body, page):
    return {"subject": "About {opening_title}", "body": body, "based_on": based_on(page)}


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_save_from_a_page_opened_before_a_colleagues_save_keeps_theirs(recruiter):
    colleague = UserFactory(role=recruiter.role, display_name="Rui Colleague")
    template = EmailTemplate.objects.create(
        kind=Kind.REJECTED_AFTER_SCREEN, name="Rejection", subject="S", body="First."
    )
    url = reverse("email_template_edit", args=[template.pk])
    mine, theirs = signed_in(recruiter), signed_in(colleague)
    my_page = mine.get(url)
    theirs.post(url, rejection("THEIR TEXT", theirs.get(url)))

    response = mine.post(url, rejection("MY TEXT", my_page))

    assert response.status_code == 409
    assert EmailTemplate.objects.get().body == "THEIR TEXT"
    assert "MY TEXT" in response.text
    assert "THEIR TEXT" in response.text
    assert "As Rui Colleague saved it" in response.text
    assert mine.post(url, rejection("MY TEXT", response)).status_code == 302
    assert EmailTemplate.objects.get().body == "MY TEXT"


def test_a_new_template_sent_after_a_colleague_made_one_is_not_dropped(recruiter):
    colleague = UserFactory(role=recruiter.role)
    url = new_url(Kind.REJECTED_AFTER_SCREEN)
    mine, theirs = signed_in(recruiter), signed_in(colleague)
    my_page = mine.get(url)
    theirs.post(url, rejection("THEIR TEXT", theirs.get(url)))

    response = mine.post(url, rejection("MY TEXT", my_page))

    assert response.status_code == 409
    assert "MY TEXT" in response.text
    assert EmailTemplate.objects.get().body == "THEIR TEXT"


def test_a_preview_keeps_the_version_its_page_was_opened_on(recruiter):
    colleague = UserFactory(role=recruiter.role)
    url = new_url(Kind.REJECTED_AFTER_SCREEN)
    mine = signed_in(recruiter)
    preview = mine.post(url, {**rejection("MY TEXT", mine.get(url)), "action": "preview"})
    signed_in(colleague).post(url, rejection("THEIR TEXT", mine.get(url)))

    response = mine.post(url, rejection("MY TEXT", preview))

    assert response.status_code == 409
    assert EmailTemplate.objects.get().body == "THEIR TEXT"


def saves():
    return AuditEvent.objects.filter(action=AuditEvent.Action.EMAIL_TEMPLATE_CHANGED).count()


def test_the_same_form_sent_twice_saves_once_one_change_in_the_audit_trail(recruiter):
    """A double click: the second post finds the text it carries already saved, by its own
    first, and is not told a colleague saved meanwhile."""
    template = EmailTemplate.objects.create(
        kind=Kind.REJECTED_AFTER_SCREEN, name="Rejection", subject="S", body="First."
    )
    url = reverse("email_template_edit", args=[template.pk])
    mine = signed_in(recruiter)
    data = rejection("MY TEXT", mine.get(url))

    assert mine.post(url, data).status_code == 302
    assert mine.post(url, data).status_code == 302
    assert EmailTemplate.objects.get().body == "MY TEXT"
    assert saves() == 1


def test_a_new_message_sent_twice_is_saved_once(recruiter):
    url = new_url(Kind.MESSAGE)
    mine = signed_in(recruiter)
    data = {**rejection("Our address.", mine.get(url)), "name": "Logistics", "action": "save"}

    assert mine.post(url, data).status_code == 302
    again = mine.post(url, data)  # a double click

    assert again.status_code == 302
    assert EmailTemplate.objects.get().name == "Logistics"
    assert saves() == 1
    changed = {**data, "body": "Another address."}
    response = mine.post(url, changed)  # another message of that name: refused by its field
    assert response.status_code == 400
    assert "Another message already has this name." in response.text
