import importlib

from django.db import migrations

import hiring.models

# Adding (or removing) search_name rebuilds hiring_candidate on SQLite, which drops the indexes
# 0019 made outside the models' state (as 0020 found): made again after either.
search = importlib.import_module("hiring.migrations.0019_candidate_search")

# The candidate search (hiring/candidates/search.py) and the duplicates' check (merging.py)
# compare a name in its searchable() form, stored beside it, so that a name is found however its
# accents are typed. Its indexes, one set per database as in migrations 0019 and 0032, take over
# from those of the name itself; the email's stay.
AFTER = {
    "postgresql": {
        # Each holds the id and what its condition reads, so no row is read (as 0032's).
        "candidate_search_name_prefix": "(search_name text_pattern_ops) INCLUDE (id)",
        "candidate_search_second_word_prefix": (
            "(SUBSTRING(search_name FROM STRPOS(search_name, ' ') + 1) text_pattern_ops) "
            "INCLUDE (id, search_name)"
        ),
        "candidate_search_later_words_trgm": (
            "USING gin (search_name gin_trgm_ops) WHERE search_name LIKE '% % %'"
        ),
    },
    "sqlite": {
        "candidate_search_name": "(search_name)",
        "candidate_search_second_word": "(SUBSTR(search_name, INSTR(search_name, ' ') + 1))",
    },
}
BEFORE = {
    "postgresql": {
        "candidate_name_prefix": "(UPPER(name) text_pattern_ops) INCLUDE (id, name)",
        "candidate_second_word_prefix": (
            "(UPPER(SUBSTRING(name FROM STRPOS(name, ' ') + 1)) text_pattern_ops) INCLUDE (id, name)"
        ),
        "candidate_later_words_trgm": "USING gin (UPPER(name) gin_trgm_ops) WHERE name LIKE '% % %'",
    },
    "sqlite": {
        "candidate_name_lower": "(LOWER(name))",
        "candidate_second_word_lower": "(LOWER(SUBSTR(name, INSTR(name, ' ') + 1)))",
    },
}
BATCH = 2000


def fill(apps, schema_editor):
    """Every record's search_name, a batch at a time (100,000 records in seconds)."""
    Candidate = apps.get_model("hiring", "Candidate")
    last = 0
    with schema_editor.connection.cursor() as cursor:
        while batch := list(
            Candidate.objects.filter(pk__gt=last).order_by("pk").values_list("pk", "name")[:BATCH]
        ):
            cursor.executemany(
                "UPDATE hiring_candidate SET search_name = %s WHERE id = %s",
                [(hiring.models.searchable(name), pk) for pk, name in batch],
            )
            last = batch[-1][0]


def remake_dropped(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for name, definition in search.INDEXES["sqlite"].items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON hiring_candidate {definition}")


def replace(dropped, made):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for name in dropped.get(vendor, {}):
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
        for name, definition in made.get(vendor, {}).items():
            # No parameters: the LIKE pattern's % are not placeholders.
            schema_editor.execute(f"CREATE INDEX {name} ON hiring_candidate {definition}", None)

    return run


class Migration(migrations.Migration):
    dependencies = [("hiring", "0044_unqueuedtask")]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, remake_dropped),
        migrations.AddField(
            model_name="candidate",
            name="search_name",
            field=hiring.models.SearchableName(
                default="", editable=False, verbose_name="name as searched"
            ),
        ),
        migrations.RunPython(remake_dropped, migrations.RunPython.noop),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(replace(BEFORE, AFTER), replace(AFTER, BEFORE)),
    ]
