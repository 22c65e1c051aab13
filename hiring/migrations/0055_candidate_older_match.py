import importlib

from django.db import migrations, models

from hiring.models import mark_older_matches

# Adding has_older_match rebuilds hiring_candidate on SQLite, which drops the indexes made
# outside the models' state (0019's of the email, 0045's and 0049's of the name): made again
# after it, as 0045 does.
search = importlib.import_module("hiring.migrations.0019_candidate_search")
search_names = importlib.import_module("hiring.migrations.0045_candidate_search_name")
later_words = importlib.import_module("hiring.migrations.0049_candidate_search_later_words_sqlite")
REMADE = {
    "sqlite": {
        "candidate_email_lower": search.INDEXES["sqlite"]["candidate_email_lower"],
        **search_names.AFTER["sqlite"],
        **later_words.LATER_WORDS["sqlite"],
    }
}


def remake_if_dropped(apps, schema_editor):
    # Undone, SQLite drops has_older_match in place (ALTER TABLE DROP COLUMN, as no index holds
    # it then), keeping the table and its indexes: made again only where a rebuild dropped them
    # (re-made whatever the case, they would be there already, and the undoing failed).
    for name, definition in REMADE.get(schema_editor.connection.vendor, {}).items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON hiring_candidate {definition}", None
        )


def mark_every_record(apps, schema_editor):
    """The duplicates review's marks of the records there are, as rebuild_older_matches
    writes them."""
    mark_older_matches(apps.get_model("hiring", "Candidate").objects.all())


class Migration(migrations.Migration):
    dependencies = [
        ("hiring", "0054_auditevent_openings_and_scorecards"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, remake_if_dropped),
        migrations.AddField(
            model_name="candidate",
            name="has_older_match",
            field=models.BooleanField(
                default=False,
                editable=False,
                verbose_name="an older record may be the same person",
            ),
        ),
        migrations.AddIndex(
            model_name="candidate",
            index=models.Index(
                condition=models.Q(("has_older_match", True)),
                fields=["id"],
                name="candidate_older_match",
            ),
        ),
        migrations.RunPython(search_names.replace({}, REMADE), migrations.RunPython.noop),
        # After the indexes: each mark is two probes of them.
        migrations.RunPython(mark_every_record, migrations.RunPython.noop),
    ]
