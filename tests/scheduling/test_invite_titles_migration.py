"""Migration 0053: busy blocks imported before kept_summary lose the title of Teamfit's own
invites, in every language, and keep every other title."""

import importlib
from datetime import UTC, datetime, timedelta

import pytest
from django.apps import apps
from django.conf import settings

from hiring.email.notifications import interview_summary, translated
from hiring.models import BusyBlock
from tests.factories import ApplicationFactory, team_fit_panel

migration = importlib.import_module("hiring.migrations.0053_busy_blocks_without_invite_titles")

START = datetime(2030, 3, 4, 9, tzinfo=UTC)
FEED, UPLOAD, MANUAL = BusyBlock.Source.FEED, BusyBlock.Source.UPLOAD, BusyBlock.Source.MANUAL


def blocks_titled(user, titles, source=FEED):
    for hour, title in enumerate(titles):
        start = START + timedelta(hours=hour)
        BusyBlock.objects.create(
            user=user, start=start, end=start + timedelta(hours=1), summary=title, source=source
        )


def kept_titles():
    return set(BusyBlock.objects.values_list("summary", flat=True))


def test_the_titles_of_teamfits_invites_are_blanked_and_no_other(member):
    invites = [
        "Interview: Cora D'Arcy (Team fit)",
        "Gespräch: Jörg Meier (Fachliches)",
        "Interview: Cora\nCandidate (Skills)",  # a line break in a name, before names were checked
        "Skills interview: Platform Engineer (Platform)",  # a member's own, as a candidate
        "Gespräch (Teampassung): Platform Engineer (Platform)",
    ]
    others = [
        "Dentist",
        "Interview: prep notes",
        "Interview: Acme (Berlin)",
        "Job interview: Acme (Berlin)",
        "Gespräch: Jahresplanung",
    ]
    blocks_titled(member, invites + others)
    blocks_titled(member, ["Interview: Cora D'Arcy (Skills)"], source=UPLOAD)
    # Typed by its person: theirs to keep.
    blocks_titled(member, ["Interview: Ola Nowak (Skills)"], source=MANUAL)

    migration.blank_invite_titles(apps, None)

    assert kept_titles() == {"", *others, "Interview: Ola Nowak (Skills)"}
    assert BusyBlock.objects.filter(summary="").count() == len(invites) + 1
    assert BusyBlock.objects.count() == len(invites) + len(others) + 2  # the blocks all stay


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_the_titles_teamfit_wrote_are_matched_in_each_of_its_languages(
    language, team, member, recruiter
):
    """The titles fixed in the migration, against interview_summary's when it was written."""
    application = ApplicationFactory(opening__team=team, candidate__name="Cora Candidate")
    session = team_fit_panel(application, [member], recruiter).sessions.get()
    titles = []
    for focus in ("skills", "team_fit"):
        session.focus = focus
        titles += [
            translated(language, interview_summary, session, is_candidate)
            for is_candidate in (False, True)
        ]
    blocks_titled(member, titles, source=UPLOAD)

    migration.blank_invite_titles(apps, None)

    assert kept_titles() == {""}
