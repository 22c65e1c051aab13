"""A template is written in a language: a candidate gets the version in theirs where the team or
the organisation wrote one, else the one in the default language, else Teamfit's built-in text
in their language; its dates are filled in the language it is written in."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from hiring.models import AuditEvent, CandidateEmail, EmailTemplate
from hiring.outreach import editing, messages, placeholders
from hiring.pipeline import applications
from tests.factories import ApplicationFactory, Stage, field_errors

Kind = EmailTemplate.Kind
REJECTION = Kind.REJECTED_AFTER_SCREEN


def new_url(kind, team=None, language=None):
    if team is None:
        url = f"{reverse('email_template_new')}?kind={kind}"
    else:
        url = f"{reverse('team_email_template_new', args=[team.pk])}?kind={kind}"
    return f"{url}&language={language}" if language else url


def written(team, language, subject, kind=REJECTION, body="Hello {first_name}.", **fields):
    return EmailTemplate.objects.create(
        team=team, kind=kind, language=language, name=subject, subject=subject, body=body, **fields
    )


def subject_for(application, kind=REJECTION):
    return messages.compose(application, kind)[0]


def built_in_subject(language, kind=REJECTION):
    with translation.override(language):
        return str(placeholders.DEFAULTS[kind].subject).replace("{opening_title}", "SRE")


@pytest.fixture
def german(team):
    return ApplicationFactory(opening__team=team, opening__title="SRE", candidate__language="de")


@pytest.fixture
def english(team):
    return ApplicationFactory(opening__team=team, opening__title="SRE", candidate__language="en-gb")


def test_the_version_in_the_candidates_language_first_then_the_default_then_the_built_in(
    team, german, english
):
    texts = [
        written(team, "de", "Team de"),
        written(None, "de", "Org de"),
        written(team, "en-gb", "Team en-gb"),
        written(None, "en-gb", "Org en-gb"),
    ]
    english_gets = ["Team en-gb", "Team en-gb", "Team en-gb", "Org en-gb"]

    for template, theirs in zip(texts, english_gets, strict=True):
        assert subject_for(german) == template.subject
        assert subject_for(english) == theirs
        template.delete()
    assert subject_for(german) == built_in_subject("de") != built_in_subject("en-gb")
    assert subject_for(english) == built_in_subject("en-gb")


def test_a_version_in_another_language_alone_leaves_the_built_in_text(team, english):
    written(team, "de", "Team de")

    assert messages.template_for(english, REJECTION) is placeholders.DEFAULTS[REJECTION]


def test_a_version_failing_the_check_is_passed_over_in_the_candidates_language(team, german):
    written(team, "de", "Team de", body="Hallo {first name}.")
    written(team, "en-gb", "Team en-gb")
    assert subject_for(german) == "Team en-gb"

    written(None, "de", "Org de")
    assert subject_for(german) == "Org de"


def test_dates_are_filled_in_the_language_the_template_is_written_in(team, german, english):
    body = "{offer_link} from {offer_start_date}"
    written(None, "de", "Angebot", kind=Kind.OFFER, body=body)
    written(None, "en-gb", "Offer", kind=Kind.OFFER, body=body)
    values = {"offer_start_date": date(2027, 1, 4)}

    assert messages.compose(german, Kind.OFFER, values=values)[1].endswith("Montag, 4. Januar 2027")
    assert messages.compose(english, Kind.OFFER, values=values)[1].endswith("Monday 4 January 2027")


def test_a_kind_is_one_per_owner_and_language(signed_in, recruiter):
    client = signed_in(recruiter)
    offer = {"subject": "Offer", "body": "{offer_link}", "action": "save"}
    assert client.post(new_url(Kind.OFFER), offer).status_code == 302
    assert (
        client.post(new_url(Kind.OFFER, language="de"), {**offer, "language": "de"}).status_code
        == 302
    )
    english = EmailTemplate.objects.get(language="en-gb")
    url = reverse("email_template_edit", args=[english.pk])

    response = client.post(url, {**offer, "body": "Moved {offer_link}", "language": "de"})

    assert response.status_code == 400
    assert "“Offer” is already written in Deutsch: edit that one." in field_errors(
        response.text, "language"
    )
    assert sorted(EmailTemplate.objects.values_list("language", "body")) == [
        ("de", "{offer_link}"),
        ("en-gb", "{offer_link}"),
    ]


def test_saving_a_kind_replaces_the_owners_version_in_that_language_only(recruiter):
    for language, body in [("en-gb", "One"), ("de", "Eins"), ("de", "Zwei")]:
        editing.save(None, REJECTION, recruiter, subject="S", body=body, language=language)

    assert sorted(EmailTemplate.objects.values_list("language", "body")) == [
        ("de", "Zwei"),
        ("en-gb", "One"),
    ]


def test_message_names_and_stages_are_one_per_owner_and_language(signed_in, recruiter):
    client = signed_in(recruiter)
    welcome = {"name": "Welcome", "subject": "Hi", "body": "Hi.", "send_on_stage": "screen"}
    assert client.post(new_url(Kind.MESSAGE), welcome).status_code == 302
    assert client.post(new_url(Kind.MESSAGE), {**welcome, "language": "de"}).status_code == 302

    response = client.post(
        new_url(Kind.MESSAGE), {**welcome, "name": "welcome", "language": "de", "send_on_stage": ""}
    )
    assert "Another message already has this name." in field_errors(response.text, "name")
    response = client.post(new_url(Kind.MESSAGE), {**welcome, "name": "Hallo", "language": "de"})
    assert "“Welcome (Deutsch)” already goes out on a move to Screen." in field_errors(
        response.text, "send_on_stage"
    )
    assert EmailTemplate.objects.count() == 2


def test_a_move_sends_the_stages_email_in_the_candidates_language(
    team, german, english, recruiter, member
):
    for language, subject in [("en-gb", "Welcome"), ("de", "Willkommen")]:
        editing.save(
            None,
            Kind.MESSAGE,
            recruiter,
            name=subject,
            subject=subject,
            body="{first_name}",
            send_on_stage=Stage.SCREEN,
            language=language,
        )

    applications.move_stage(german, Stage.SCREEN, member)
    applications.move_stage(english, Stage.SCREEN, member)

    assert german.emails.get().subject == "Willkommen"
    assert english.emails.get().subject == "Welcome"


def test_a_move_reads_as_many_queries_whatever_the_languages_written(team, recruiter, member):
    def queries_of_a_move():
        application = ApplicationFactory(opening__team=team, candidate__language="de")
        with CaptureQueriesContext(connection) as captured:
            applications.move_stage(application, Stage.SCREEN, member)
        assert application.emails.exists()
        return len(captured)

    written(None, "en-gb", "Welcome", kind=Kind.MESSAGE, send_on_stage=Stage.SCREEN)
    queries_of_a_move()  # the first reads what is then cached (the organisation)
    one_language = queries_of_a_move()
    written(team, "de", "Willkommen", kind=Kind.MESSAGE, send_on_stage=Stage.SCREEN)

    assert queries_of_a_move() == one_language
    assert CandidateEmail.objects.filter(subject="Willkommen").count() == 1


def test_starting_points_follow_the_candidates_language_past_an_unfit_text(team, german, english):
    written(team, "de", "Team de", body="Hallo {first name}.")  # fails today's check
    written(None, "de", "Org de")
    written(None, "en-gb", "Org en-gb")
    written(None, "de", "Logistik", kind=Kind.MESSAGE)

    german_points = editing.starting_points(german)
    english_points = editing.starting_points(english)

    assert german_points[f"kind:{REJECTION}"].text.subject == "Org de"
    assert english_points[f"kind:{REJECTION}"].text.subject == "Org en-gb"
    logistics = EmailTemplate.objects.get(name="Logistik").pk
    assert german_points[f"template:{logistics}"].label == "Logistik (organisation)"
    assert english_points[f"template:{logistics}"].label == "Logistik (organisation) (Deutsch)"


def test_the_page_says_who_gets_which_text_and_offers_to_write_the_missing_version(
    signed_in, recruiter
):
    client = signed_in(recruiter)
    client.post(new_url(REJECTION), {"subject": "Sorry", "body": "No.", "action": "save"})

    page = client.get(reverse("email_templates")).text

    assert (
        "Candidates writing in Deutsch get the English text above as written: "
        "no Deutsch version yet."
    ) in page
    assert new_url(REJECTION, language="de").replace("&", "&amp;") in page
    form = client.get(new_url(REJECTION, language="de"))
    assert built_in_subject("de").replace("SRE", "{opening_title}") in form.text
    assert form.context["form"]["language"].value() == "de"
    client.post(new_url(REJECTION, language="de"), {"subject": "Leider", "body": "Nein."})
    assert "no Deutsch version yet" not in client.get(reverse("email_templates")).text


def test_the_audit_trail_names_a_language_other_than_the_default(recruiter):
    editing.save(None, Kind.OFFER, recruiter, subject="Offer", body="{offer_link}")
    editing.save(None, Kind.OFFER, recruiter, subject="Angebot", body="{offer_link}", language="de")

    details = AuditEvent.objects.filter(action=AuditEvent.Action.EMAIL_TEMPLATE_CHANGED)
    assert sorted(details.values_list("details", flat=True)) == [
        "Offer (Deutsch): saved",
        "Offer: saved",
    ]


def test_the_migration_writes_the_templates_saved_before_in_the_default_language(
    transactional_db, settings
):
    before = [("hiring", "0055_candidate_older_match")]
    after = [("hiring", "0056_email_template_language")]
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(before)
        old = executor.loader.project_state(before).apps.get_model("hiring", "EmailTemplate")
        old.objects.create(kind=Kind.OFFER, name="Offer", subject="Offer", body="{offer_link}")
        executor.loader.build_graph()
        executor.migrate(after)
        language = EmailTemplate.objects.get().language
    finally:  # the later migrations too, which the next tests' schema holds
        executor.loader.build_graph()
        executor.migrate(latest)

    assert language == settings.LANGUAGE_CODE == "en-gb"


def test_a_language_not_offered_is_refused_beside_its_field(signed_in, recruiter):
    response = signed_in(recruiter).post(
        f"{reverse('email_template_new')}?kind=message",
        {"name": "N", "subject": "S", "body": "B", "language": "xx", "action": "save"},
    )

    assert response.status_code == 400
    assert field_errors(response.text, "language")
    assert not EmailTemplate.objects.exists()
