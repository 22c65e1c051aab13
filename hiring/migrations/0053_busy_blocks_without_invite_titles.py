"""Busy blocks imported before kept_summary (hiring/scheduling/availability.py) blanked the
title of Teamfit's own invites keep it still: a feed's until it is fetched again, an uploaded
file's for ever. The interviewers' title names the candidate, where erasure never reaches; the
candidate's own is blanked too, as kept_summary blanks every Teamfit invite. Only imported
blocks: a block added by hand says what its person typed.

The titles as Teamfit wrote them (hiring/email/notifications.py interview_summary), in each
language it had (hiring/locale), fixed here as they were: a later change of them is blanked by
kept_summary as it is imported."""

import re

from django.db import migrations

# Per language: the interviewer's title and the candidate's, and the focus labels in them.
TITLES = {
    "en": (
        ("Interview: {candidate} ({focus})", "{focus} interview: {opening} ({team})"),
        ("Skills", "Team fit"),
    ),
    "de": (
        ("Gespräch: {candidate} ({focus})", "Gespräch ({focus}): {opening} ({team})"),
        ("Fachliches", "Teampassung"),
    ),
}
IMPORTED = ["feed", "upload"]
BATCH = 500


def _pattern(title, focus_labels):
    """`title` as a regular expression: its focus one of `focus_labels`, any other part any
    text."""
    pattern = re.escape(title)
    pattern = pattern.replace(re.escape("{focus}"), f"(?:{'|'.join(map(re.escape, focus_labels))})")
    for part in ("{candidate}", "{opening}", "{team}"):
        pattern = pattern.replace(re.escape(part), ".+")
    return pattern


INVITE_TITLE = re.compile(
    "|".join(
        _pattern(title, focus_labels)
        for titles, focus_labels in TITLES.values()
        for title in titles
    )
)


def is_invite_title(summary):
    """Whether `summary` is the title of one of Teamfit's invites; its white space as one
    space, as a block stored before names were checked may have a line break in a name."""
    return INVITE_TITLE.fullmatch(" ".join(summary.split())) is not None


def blank_invite_titles(apps, schema_editor):
    BusyBlock = apps.get_model("hiring", "BusyBlock")
    titled = BusyBlock.objects.filter(source__in=IMPORTED, summary__contains=": ")
    blanked = [
        pk
        for pk, summary in titled.values_list("pk", "summary").iterator()
        if is_invite_title(summary)
    ]
    for start in range(0, len(blanked), BATCH):
        BusyBlock.objects.filter(pk__in=blanked[start : start + BATCH]).update(summary="")


class Migration(migrations.Migration):
    dependencies = [("hiring", "0052_candidate_email_sending_index")]

    operations = [migrations.RunPython(blank_invite_titles, migrations.RunPython.noop)]
