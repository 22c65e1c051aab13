"""A template saved before a check refused its text (a near miss such as {first name}, a brace
without its pair) would reach the candidate as written. It is passed over for the text it
replaced, and its pages say so beside what to fix."""

from django.urls import reverse

from hiring.models import CandidateEmail, EmailTemplate
from hiring.outreach import messages, placeholders
from hiring.pipeline import applications
from tests.factories import Stage, field_errors

Kind = EmailTemplate.Kind


def saved_before(team=None, kind=Kind.REJECTED_AFTER_SCREEN, **fields):
    """Written straight to the table, as editing.save() let it through then."""
    text = {"name": "Old", "subject": "Sorry, {first name}", "body": "Dear {{first_name}}."}
    return EmailTemplate.objects.create(team=team, kind=kind, **{**text, **fields})


def test_a_teams_broken_template_gives_way_to_the_organisations_then_the_built_in(
    application, team
):
    saved_before(team)
    built_in = placeholders.DEFAULTS[Kind.REJECTED_AFTER_SCREEN]
    assert messages.compose(application, Kind.REJECTED_AFTER_SCREEN) == messages.compose(
        application, Kind.REJECTED_AFTER_SCREEN, text=built_in
    )
    EmailTemplate.objects.create(
        kind=Kind.REJECTED_AFTER_SCREEN, name="Org", subject="Org: {opening_title}", body="No."
    )
    assert messages.compose(application, Kind.REJECTED_AFTER_SCREEN) == ("Org: SRE", "No.")


def test_a_broken_message_on_a_stage_is_not_sent(application, team, member):
    saved_before(team, Kind.MESSAGE, send_on_stage=Stage.SCREEN)

    applications.move_stage(application, Stage.SCREEN, member)

    assert not CandidateEmail.objects.exists()


def test_the_templates_page_says_which_is_not_used_and_why(signed_in, recruiter, team):
    saved_before(kind=Kind.REJECTED_AFTER_SCREEN)
    saved_before(kind=Kind.MESSAGE, subject="Hi", body="Hello {candidate_name, welcome.")

    text = signed_in(recruiter).get(reverse("email_templates")).text

    assert (
        "Not used: candidates get the text it replaces until it is fixed. Unknown placeholder: "
        "{first name}. Use one of those listed."
    ) in text
    assert "Not sent until it is fixed. A brace without its pair: {candidate_name." in text


def test_its_edit_page_shows_what_to_fix_beside_each_field(signed_in, recruiter):
    template = saved_before()

    response = signed_in(recruiter).get(reverse("email_template_edit", args=[template.pk]))

    assert response.status_code == 200
    assert "Teamfit no longer sends this text" in response.text
    assert "Unknown placeholder: {first name}" in field_errors(response.text, "subject")
    assert "Unknown placeholder: {{first_name}}" in field_errors(response.text, "body")
    fixed = {"subject": "Sorry, {first_name}", "body": "Dear {first_name}.", "action": "save"}
    editing_page = reverse("email_template_edit", args=[template.pk])
    assert signed_in(recruiter).post(editing_page, fixed).status_code == 302
    assert "Teamfit no longer sends this text" not in signed_in(recruiter).get(editing_page).text
