"""The email templates page: recruiters (and the admin) edit the organisation's templates, a
team's members only their team's overrides; placeholders are checked beside the field, every
save is audited, and the preview is the email as it goes out."""

import pytest
from django.urls import reverse

from hiring.models import AuditEvent, EmailTemplate
from hiring.outreach import forms, messages, placeholders
from tests.factories import ApplicationFactory, TeamFactory, UserFactory, field_errors

Kind = EmailTemplate.Kind
Action = AuditEvent.Action


def new_url(kind, team=None):
    if team is None:
        return f"{reverse('email_template_new')}?kind={kind}"
    return f"{reverse('team_email_template_new', args=[team.pk])}?kind={kind}"


def rejection(subject="Your application for {opening_title}", body="Hello {first_name}."):
    return {"subject": subject, "body": body, "action": "save"}


def test_the_page_shows_the_built_in_text_until_one_is_saved(signed_in, recruiter):
    response = signed_in(recruiter).get(reverse("email_templates"))

    assert response.status_code == 200
    for kind in (Kind.APPLICATION_RECEIVED, Kind.REJECTED_AFTER_INTERVIEWS, Kind.OFFER):
        assert str(placeholders.DEFAULTS[kind].subject) in response.text
    assert "Built-in text" in response.text
    assert new_url(Kind.REJECTED_AFTER_SCREEN) in response.text


@pytest.mark.parametrize("persona", ["recruiter", "org_admin"])
def test_recruiters_and_the_admin_customise_the_organisations_template(signed_in, request, persona):
    user = request.getfixturevalue(persona)
    client = signed_in(user)
    url = new_url(Kind.REJECTED_AFTER_SCREEN)

    assert client.get(url).status_code == 200
    response = client.post(url, rejection())

    assert response.status_code == 302
    template = EmailTemplate.objects.get()
    assert (template.team, template.kind, template.updated_by) == (
        None,
        Kind.REJECTED_AFTER_SCREEN,
        user,
    )
    [event] = AuditEvent.objects.filter(action=Action.EMAIL_TEMPLATE_CHANGED)
    assert (event.team, event.actor) == (None, user)
    assert event.details == "Rejection after screen: saved"
    page = client.get(reverse("email_templates")).text
    assert "Your application for {opening_title}" in page
    assert "Customised" in page


@pytest.mark.parametrize("persona", ["member", "outsider", "leadership"])
def test_others_cannot_edit_the_organisations_templates(signed_in, request, persona):
    client = signed_in(request.getfixturevalue(persona))

    assert client.get(new_url(Kind.REJECTED_AFTER_SCREEN)).status_code == 404
    assert client.post(new_url(Kind.REJECTED_AFTER_SCREEN), rejection()).status_code == 404
    assert not EmailTemplate.objects.exists()


def test_a_member_overrides_their_own_teams_template_only(signed_in, member, team, outsider):
    client = signed_in(member)

    response = client.post(new_url(Kind.REJECTED_AFTER_SCREEN, team), rejection())

    assert response.status_code == 302
    assert response["Location"] == reverse("team_email_templates", args=[team.pk])
    template = EmailTemplate.objects.get()
    assert template.team == team
    [event] = AuditEvent.objects.filter(action=Action.EMAIL_TEMPLATE_CHANGED)
    assert (event.team, event.details) == (team, "Rejection after screen: saved")
    other = outsider.teams.get()
    assert client.get(reverse("team_email_templates", args=[other.pk])).status_code == 404
    assert client.post(new_url(Kind.MESSAGE, other), rejection()).status_code == 404
    # The members' page lists their own teams, without the organisation's templates.
    page = client.get(reverse("email_templates"))
    assert page.status_code == 200
    assert reverse("team_email_templates", args=[team.pk]) in page.text
    assert reverse("team_email_templates", args=[other.pk]) not in page.text
    assert reverse("email_template_new") not in page.text


def test_another_team_cannot_open_or_delete_a_teams_template(signed_in, member, team, outsider):
    signed_in(member).post(new_url(Kind.REJECTED_AFTER_SCREEN, team), rejection())
    template = EmailTemplate.objects.get()
    client = signed_in(outsider)

    assert client.get(reverse("email_template_edit", args=[template.pk])).status_code == 404
    assert client.post(reverse("email_template_delete", args=[template.pk])).status_code == 404
    assert EmailTemplate.objects.filter(pk=template.pk).exists()


def test_leadership_and_teamless_members_have_no_templates_page(signed_in, leadership):
    assert signed_in(leadership).get(reverse("email_templates")).status_code == 404


def test_placeholder_errors_show_beside_their_field_and_nothing_is_saved(signed_in, recruiter):
    response = signed_in(recruiter).post(
        new_url(Kind.OFFER),
        {"subject": "Offer for {name}", "body": "Congratulations, {first_name}!", "action": "save"},
    )

    assert response.status_code == 400
    assert "Unknown placeholder: {name}" in field_errors(response.text, "subject")
    assert "This email needs {offer_link}" in field_errors(response.text, "body")
    assert "{offer_link}" in response.text  # listed beside the field
    assert not EmailTemplate.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.EMAIL_TEMPLATE_CHANGED).exists()


def test_a_rejection_cannot_go_out_on_a_stage_change(signed_in, recruiter):
    client = signed_in(recruiter)
    page = client.get(new_url(Kind.REJECTED_AFTER_INTERVIEWS)).text
    assert 'name="send_on_stage"' not in page
    assert 'name="send_on_stage"' in client.get(new_url(Kind.MESSAGE)).text

    response = client.post(
        new_url(Kind.MESSAGE),
        {"name": "Sorry", "subject": "Sorry", "body": "Sorry.", "send_on_stage": "rejected"},
    )

    assert response.status_code == 400
    assert field_errors(response.text, "send_on_stage")
    assert not EmailTemplate.objects.exists()


def test_messages_are_many_by_name_and_one_stage_each(signed_in, recruiter):
    client = signed_in(recruiter)
    first = {"name": "Welcome", "subject": "Hi", "body": "Hi.", "send_on_stage": "screen"}
    assert client.post(new_url(Kind.MESSAGE), first).status_code == 302
    second = {**first, "name": "Follow-up"}

    response = client.post(new_url(Kind.MESSAGE), second)
    assert response.status_code == 400
    assert "“Welcome” already goes out on a move to Screen." in field_errors(
        response.text, "send_on_stage"
    )
    response = client.post(new_url(Kind.MESSAGE), {**first, "name": "welcome", "send_on_stage": ""})
    assert "Another message already has this name." in field_errors(response.text, "name")
    assert client.post(new_url(Kind.MESSAGE), {**second, "send_on_stage": ""}).status_code == 302
    assert sorted(EmailTemplate.objects.values_list("name", flat=True)) == ["Follow-up", "Welcome"]


def test_a_kind_is_saved_once_and_deleting_it_brings_back_the_default(signed_in, recruiter):
    client = signed_in(recruiter)
    client.post(new_url(Kind.REJECTED_AFTER_SCREEN), rejection(body="One."))
    template = EmailTemplate.objects.get()
    response = client.get(new_url(Kind.REJECTED_AFTER_SCREEN))
    assert response["Location"] == reverse("email_template_edit", args=[template.pk])
    client.post(reverse("email_template_edit", args=[template.pk]), rejection(body="Two."))
    assert EmailTemplate.objects.get().body == "Two."

    response = client.post(reverse("email_template_delete", args=[template.pk]))

    assert response.status_code == 302
    assert not EmailTemplate.objects.exists()
    details = list(
        AuditEvent.objects.filter(action=Action.EMAIL_TEMPLATE_CHANGED)
        .order_by("pk")
        .values_list("details", flat=True)
    )
    assert details == [
        "Rejection after screen: saved",
        "Rejection after screen: saved",
        "Rejection after screen: back to the default text",
    ]


def test_a_teams_page_starts_from_the_organisations_text(signed_in, recruiter, member, team):
    signed_in(recruiter).post(new_url(Kind.APPLICATION_RECEIVED), rejection(body="ORG-TEXT"))

    page = signed_in(member).get(reverse("team_email_templates", args=[team.pk])).text
    assert "The organisation&#x27;s text" in page
    assert "ORG-TEXT" in signed_in(member).get(new_url(Kind.APPLICATION_RECEIVED, team)).text


def test_the_preview_is_the_email_as_it_goes_out(signed_in, recruiter, team):
    application = ApplicationFactory(
        opening__team=team, opening__title="SRE", candidate__name="Ada <Lovelace>"
    )
    text = {"subject": "About {opening_title}", "body": "Dear {first_name} & co."}

    response = signed_in(recruiter).post(
        new_url(Kind.REJECTED_AFTER_SCREEN),
        {**text, "preview_with": application.pk, "action": "preview"},
    )

    assert response.status_code == 200
    expected = messages.preview(
        application,
        Kind.REJECTED_AFTER_SCREEN,
        text=placeholders.Text(**text),
        by=recruiter,
    )
    assert expected.body.startswith("Dear Ada & co.")
    assert "{status_link}" in expected.body  # the candidate's link, theirs alone
    assert messages.status_link(application) not in expected.body
    assert response.context["preview"].body == expected.body
    assert response.context["preview"].subject == "About SRE"
    assert "Dear Ada &amp; co." in response.text
    assert not EmailTemplate.objects.exists()


def test_without_an_application_the_preview_uses_a_sample_candidate(signed_in, member, team):
    response = signed_in(member).post(
        new_url(Kind.INVITATION_TO_SCHEDULE, team),
        {
            "subject": "Pick times, {first_name}",
            "body": "{schedule_link} until {schedule_expires}",
            "action": "preview",
        },
    )

    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview.subject == "Pick times, Alex"
    assert preview.body.startswith("{schedule_link} until ")
    assert "Where your application stands:" in preview.body


def test_a_member_previews_only_applications_they_see(signed_in, member, team):
    mine = ApplicationFactory(opening__team=team)
    theirs = ApplicationFactory(opening__team=TeamFactory())
    client = signed_in(member)

    page = client.get(new_url(Kind.MESSAGE, team)).text
    assert f'value="{mine.pk}"' in page
    response = client.post(
        new_url(Kind.MESSAGE, team),
        {"name": "N", "subject": "S", "body": "B", "preview_with": theirs.pk, "action": "preview"},
    )
    assert response.status_code == 400
    assert field_errors(response.text, "preview_with")


def test_the_templates_page_runs_a_bounded_number_of_queries(
    signed_in, recruiter, django_assert_max_num_queries
):
    client = signed_in(recruiter)
    for number in range(15):
        TeamFactory()
        client.post(new_url(Kind.MESSAGE), {"name": f"M{number}", "subject": "S", "body": "B"})
    client.post(new_url(Kind.OFFER), rejection(body="{offer_link}"))

    with django_assert_max_num_queries(8):
        response = client.get(reverse("email_templates"))
    assert response.status_code == 200


def test_a_member_in_no_team_is_told_why_there_is_nothing_to_edit(client, db):
    loner = UserFactory()
    client.force_login(loner)

    page = client.get(reverse("email_templates"))

    assert page.status_code == 200
    assert "You are in no team yet." in page.text


def test_a_candidate_chosen_to_preview_with_stays_as_newer_applications_come(
    signed_in, recruiter, team
):
    chosen = ApplicationFactory(opening__team=team, candidate__name="Nina Park")
    client = signed_in(recruiter)
    assert f'value="{chosen.pk}"' in client.get(new_url(Kind.MESSAGE)).text
    ApplicationFactory.create_batch(forms.PREVIEW_CHOICES, opening__team=team)
    sent = {"name": "N", "subject": "S", "body": "Hi {first_name}", "preview_with": chosen.pk}

    preview = client.post(new_url(Kind.MESSAGE), {**sent, "action": "preview"})
    saved = client.post(new_url(Kind.MESSAGE), {**sent, "action": "save"})

    assert preview.status_code == 200
    assert "Hi Nina" in preview.text
    assert saved.status_code == 302
