"""Teamfit speaks English and German: a signed-in person reads it in the language of their
profile (else their browser's), a candidate in their browser's, and every email in its
recipient's. The German catalogue is complete and compiled, and no main page shows a string
German lacks."""

import gettext
import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.utils import timezone, translation

from hiring.accounts import zones
from hiring.models import Application, AuditEvent, Candidate, EmailTemplate, StageChange
from hiring.outreach import messages as outreach
from hiring.pipeline import applications
from hiring.scheduling import booking
from tests.conftest import MONDAY
from tests.factories import ApplicationFactory, OpeningFactory, nine_to_five, team_fit_panel

CATALOGUE = Path(settings.BASE_DIR) / "hiring" / "locale" / "de" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")
GERMAN = {"HTTP_ACCEPT_LANGUAGE": "de-DE,de;q=0.9,en;q=0.5"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}
# What reads the same in both languages. Each is a word German uses as it is; a sentence never
# belongs here.
SAME_IN_GERMAN = {
    "Pipeline",
    "Team",
    "Organisation",
    "Status",
    "Name",
    "Interviews",  # the Panel stage's German name; in English the word is a panel's sessions
    "Alpha",  # Krippendorff's
    "CSV",
    "UTC",
    "English",  # each language names itself in the menu
    "Deutsch",
}


# The catalogue ------------------------------------------------------------------------------


def _key(entry):
    return f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid


def test_the_german_catalogue_translates_every_string_and_keeps_its_placeholders():
    catalogue = polib.pofile(str(CATALOGUE / "django.po"))

    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []
    for entry in catalogue.translated_entries():
        wanted = sorted(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        forms = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for form in forms:
            # A plural's singular may say "one" instead of its number, where it comes twice too.
            found = sorted(PLACEHOLDER.findall(form))
            assert found == wanted or Counter(found) < Counter(wanted), (entry.msgid, form)


def test_the_compiled_catalogue_is_the_catalogue():
    catalogue = polib.pofile(str(CATALOGUE / "django.po"))
    with open(CATALOGUE / "django.mo", "rb") as compiled_file:
        compiled = gettext.GNUTranslations(compiled_file)._catalog

    expected = {}
    for entry in catalogue.translated_entries():
        if entry.msgid_plural:
            expected.update(
                {(_key(entry), int(n)): text for n, text in entry.msgstr_plural.items()}
            )
        else:
            expected[_key(entry)] = entry.msgstr
    assert {key: text for key, text in compiled.items() if key != ""} == expected


# The pages ----------------------------------------------------------------------------------


class VisibleText(HTMLParser):
    """The text a person reads on a page: its text and the attributes read aloud or shown."""

    SHOWN_ATTRIBUTES = {"placeholder", "title", "aria-label", "alt"}

    def __init__(self):
        super().__init__()
        self.texts = []
        self.hidden = 0

    def handle_starttag(self, tag, attributes):
        if tag in ("script", "style"):
            self.hidden += 1
        attributes = dict(attributes)
        for name in self.SHOWN_ATTRIBUTES & attributes.keys():
            self.texts.append(attributes[name] or "")
        if tag == "input" and attributes.get("type") in ("submit", "button"):
            self.texts.append(attributes.get("value") or "")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.texts.append(data)


def visible_texts(html):
    parser = VisibleText()
    parser.feed(html)
    return {" ".join(text.split()) for text in parser.texts} - {""}


def stored_words():
    """Every text the database holds (names, titles, criteria, emails) and every zone's name
    in the menu: data, which reads as it was written in any language."""
    words = set()
    for language in ("en", "de"):  # the places' names are CLDR's, in both
        with translation.override(language):
            words |= {label for _, group in zones.menu() for _, label in group}
    for model in apps.get_models():
        fields = [  # a choice's stored value is no word anyone reads
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField) and not field.choices
        ]
        for row in model.objects.values_list(*fields) if fields else []:
            words.update(value for value in row if isinstance(value, str))
    words = sorted((word for word in words if len(word.strip()) > 1), key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + r")(?!\w)")


def untranslated(text, data):
    """What is left of `text` to translate once its data is taken out, or None."""
    text = data.sub(" ", text)
    words = re.findall(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*", text)
    left = [word for word in words if word not in SAME_IN_GERMAN]
    return " ".join(words) if left else None


def read(client, user, path, language):
    if user is not None:
        user.language = language
        user.save(update_fields=["language"])
        client.force_login(user)
    else:
        client.logout()
    response = client.get(path, **(GERMAN if language == "de" else ENGLISH))
    assert response.status_code == 200, path
    return response


@pytest.fixture
def pages(main_pages, team, member, recruiter):
    """The main pages, and the candidate's page of times offered to them."""
    nine_to_five(member)
    application = ApplicationFactory(opening__team=team, stage="screen")
    panel = team_fit_panel(application, [member], recruiter)
    start = booking.find_options(panel, MONDAY, MONDAY + timedelta(days=3))
    offer = booking.offer_to_candidate(panel, start[:3], recruiter)
    return {**main_pages, "candidate's times": (None, offer.get_absolute_url())}


def test_no_main_page_shows_a_string_german_lacks(client, pages):
    english = {name: read(client, user, path, "en-gb") for name, (user, path) in pages.items()}
    german = {name: read(client, user, path, "de") for name, (user, path) in pages.items()}
    data = stored_words()

    left = {}
    for name, response in german.items():
        assert response["Content-Language"] == "de", name
        same = visible_texts(response.text) & visible_texts(english[name].text)
        found = sorted(filter(None, (untranslated(text, data) for text in same)))
        if found:
            left[name] = found
    assert left == {}


def test_a_time_reads_as_each_language_writes_it():
    moment = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)

    with timezone.override(ZoneInfo("Asia/Singapore")):
        with translation.override("en-gb"):
            english = zones.shown(moment, "D j M, H:i"), zones.shown(moment, "l j F Y")
        with translation.override("de"):
            german = zones.shown(moment, "D j M, H:i"), zones.shown(moment, "l j F Y")

    assert english == ("Mon 4 Mar, 17:00 Singapore time", "Monday 4 March 2030 Singapore time")
    assert german == ("Mo, 4. Mär, 17:00 Zeit Singapur", "Montag, 4. März 2030 Zeit Singapur")


@pytest.mark.parametrize(
    ("row", "display", "english", "german"),
    [
        (
            AuditEvent(action="stage_changed"),
            "get_action_display",
            "Stage changed",
            "Phase geändert",
        ),
        (StageChange(to_stage="hired"), "get_to_stage_display", "Hired", "Eingestellt"),
        (
            AuditEvent(action="no_longer_an_action"),
            "get_action_display",
            *["no_longer_an_action"] * 2,
        ),
    ],
    ids=["an action", "a stage", "a value no longer among the choices"],
)
def test_a_timeline_row_reads_its_label_in_the_readers_language(row, display, english, german):
    # The timeline's rows translate only the label they show (models.LabelledChoices).
    assert getattr(row, display)() == english
    with translation.override("de"):
        assert getattr(row, display)() == german


# Who reads which language -------------------------------------------------------------------


def test_a_person_reads_teamfit_in_the_language_of_their_profile(client, member):
    client.force_login(member)

    response = client.post(
        "/me/",
        {"display_name": member.display_name, "time_zone": member.time_zone, "language": "de"},
        **ENGLISH,
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.language == "de"
    page = client.get("/", **ENGLISH)  # the profile wins over the browser
    assert page["Content-Language"] == "de"
    assert f"Hallo, {member}" in page.text


def test_without_a_choice_the_browser_decides(client, member):
    client.force_login(member)

    assert client.get("/", **GERMAN)["Content-Language"] == "de"
    assert client.get("/", **ENGLISH)["Content-Language"] == "en-gb"
    assert "Hello," in client.get("/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr").text  # not spoken: English


def test_a_candidate_reads_their_page_in_their_browsers_language_and_is_written_to_in_it(
    client, member, recruiter, team, mailoutbox, django_capture_on_commit_callbacks
):
    nine_to_five(member)
    application = ApplicationFactory(opening__team=team, stage="screen")
    candidate = application.candidate
    panel = team_fit_panel(application, [member], recruiter)

    page = client.get(application.status_url(), **GERMAN)

    assert page["Content-Language"] == "de"
    assert Candidate.objects.get(pk=candidate.pk).language == "de"
    [option, *_] = booking.find_options(panel, MONDAY, MONDAY + timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        booking.book(panel, option, recruiter)
    emails = {message.to[0]: message for message in mailoutbox}
    assert emails[candidate.email].subject != emails[member.email].subject
    assert "Gespräch" in emails[candidate.email].subject
    assert "Interview" in emails[member.email].subject


def test_a_careers_application_remembers_the_browsers_language(client, team, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    opening = OpeningFactory(team=team)
    resume = SimpleUploadedFile("cv.pdf", b"%PDF-1.7\n1 0 obj << >> endobj\n")
    data = {"name": "Lena Berg", "email": "lena@example.com", "resume": resume, "consent": "on"}

    response = client.post(f"/careers/{opening.pk}/", data, **GERMAN)

    assert response.status_code == 302
    assert Candidate.objects.get(email="lena@example.com").language == "de"


def test_the_built_in_emails_reach_a_german_candidate_in_german_and_the_organisations_as_written(
    client, team, recruiter, settings, tmp_path, mailoutbox, django_capture_on_commit_callbacks
):
    """Teamfit's own texts are translated; what the organisation writes goes as written."""
    settings.MEDIA_ROOT = tmp_path
    opening = OpeningFactory(team=team, title="SRE")
    resume = SimpleUploadedFile("cv.pdf", b"%PDF-1.7\n1 0 obj << >> endobj\n")
    data = {"name": "Lena Berg", "email": "lena@example.com", "resume": resume, "consent": "on"}

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/careers/{opening.pk}/", data, **GERMAN)
    EmailTemplate.objects.create(
        kind=EmailTemplate.Kind.REJECTED_AFTER_SCREEN,
        name="Ours",
        subject="About {opening_title}",
        body="Dear {first_name}, thank you.",
    )
    application = Application.objects.get(candidate__email="lena@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        applications.move_stage(application, Application.Stage.REJECTED, recruiter, reason="pay")
        outreach.confirm(application.emails.get(kind="rejected_screen"), delay=timedelta(0))
        outreach.send_due()

    received, rejected = mailoutbox
    assert received.subject == "Wir haben Ihre Bewerbung für SRE erhalten"
    assert received.body.startswith("Hallo Lena,\n\nvielen Dank für Ihre Bewerbung als SRE")
    assert "{" not in received.body
    assert (rejected.subject, rejected.body.split("\n")[0]) == (
        "About SRE",
        "Dear Lena, thank you.",
    )
