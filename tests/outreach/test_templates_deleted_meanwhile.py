"""An email template a colleague deleted while someone edited it: what they typed is kept, to
save as a new one, and the page says what happened; to anyone else the address stays a 404."""

import re
from html import unescape

from django.test import Client
from django.urls import reverse

from hiring.models import AuditEvent, EmailTemplate
from hiring.outreach import editing
from tests.factories import UserFactory

Kind = EmailTemplate.Kind


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def sent_from(page, **typed):
    """The form of `page` as its person sends it, with what they typed."""
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page.text))
    hidden.pop("csrfmiddlewaretoken", None)
    return {"subject": "About {opening_title}", "action": "save", **hidden, **typed}


def action_of(page):
    found = re.search(r'<form method="post" class="card" novalidate action="([^"]*)"', page.text)
    return unescape(found[1])


def test_saving_a_template_a_colleague_deleted_meanwhile_keeps_the_text_to_save_as_new(
    recruiter,
):
    colleague = UserFactory(role=recruiter.role)
    template = EmailTemplate.objects.create(
        kind=Kind.REJECTED_AFTER_SCREEN, name="Rejection", subject="S", body="First."
    )
    url = reverse("email_template_edit", args=[template.pk])
    mine = signed_in(recruiter)
    page = mine.get(url)
    editing.remove(template, colleague)

    response = mine.post(url, sent_from(page, body="MY TEXT"))

    assert response.status_code == 409
    assert "Someone deleted this email after you opened this page." in response.text
    assert "MY TEXT" in response.text
    assert not EmailTemplate.objects.exists()
    saved = mine.post(action_of(response), sent_from(response, body="MY TEXT"))
    assert saved.status_code == 302
    assert EmailTemplate.objects.get().body == "MY TEXT"


def test_a_teams_message_deleted_meanwhile_keeps_its_name_too(member, team):
    template = EmailTemplate.objects.create(
        team=team, kind=Kind.MESSAGE, name="Welcome", subject="S", body="First."
    )
    url = reverse("email_template_edit", args=[template.pk])
    mine = signed_in(member)
    page = mine.get(url)
    editing.remove(template, member)

    response = mine.post(url, sent_from(page, name="Welcome back", body="MY TEXT"))

    assert response.status_code == 409
    assert 'value="Welcome back"' in response.text
    again = sent_from(response, name="Welcome back", body="MY TEXT")
    assert mine.post(action_of(response), again).status_code == 302
    assert EmailTemplate.objects.get(team=team).name == "Welcome back"


def test_a_deleted_templates_address_stays_a_404_to_who_did_not_edit_it(member, outsider, team):
    template = EmailTemplate.objects.create(
        team=team, kind=Kind.MESSAGE, name="Welcome", subject="S", body="First."
    )
    url = reverse("email_template_edit", args=[template.pk])
    page = signed_in(member).get(url)
    other = EmailTemplate.objects.create(
        team=team, kind=Kind.MESSAGE, name="Other", subject="S", body="B"
    )
    editing.remove(template, member)
    editing.remove(other, member)
    other_url = reverse("email_template_edit", args=[other.pk])

    # The outsider with the page of a template of a team not theirs; the member with the page
    # of another template than the one they post to.
    assert signed_in(outsider).post(url, sent_from(page, body="X")).status_code == 404
    assert signed_in(member).post(other_url, sent_from(page, body="X")).status_code == 404
    assert signed_in(member).post(url, {"body": "X"}).status_code == 404


def delete_form_of(page):
    found = re.search(
        r'action="([^"]*/delete/)" class="card">\s*<input[^>]*>\s*'
        r'<input type="hidden" name="page" value="([^"]*)">',
        page.text,
    )
    return found[1], {"page": found[2]}


def test_deleting_a_template_twice_says_it_was_removed(member, outsider, team):
    template = EmailTemplate.objects.create(
        team=team, kind=Kind.MESSAGE, name="Welcome", subject="S", body="First."
    )
    mine = signed_in(member)
    url, data = delete_form_of(mine.get(reverse("email_template_edit", args=[template.pk])))
    assert mine.post(url, data).status_code == 302
    events = AuditEvent.objects.filter(action=AuditEvent.Action.EMAIL_TEMPLATE_CHANGED).count()

    again = mine.post(url, data, follow=True)  # a double click, or the page's other tab

    assert again.redirect_chain == [(reverse("team_email_templates", args=[team.pk]), 302)]
    assert "This email was already removed." in again.text
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EMAIL_TEMPLATE_CHANGED).count() == (
        events
    )
    assert signed_in(outsider).post(url, data).status_code == 404
