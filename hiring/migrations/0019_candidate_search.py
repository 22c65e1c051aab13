from django.db import migrations

# The indexes hiring/candidates/search.py and merging.py find candidates through, one set per
# database: each expression here is the one they compare, or the planner cannot use it.
# - PostgreSQL: a trigram index (pg_trgm, a trusted extension a database's owner may create)
#   answers UPPER(name) LIKE '% ...%', a word's start anywhere in the name; B-tree indexes in
#   text_pattern_ops answer a prefix (LIKE 'SAM%' as a range) and equality on UPPER(name) and
#   UPPER(email). Emails are searched by their start only, which a trigram index answers badly
#   (every "...@example.com" has a word starting with "ex").
# - SQLite: expression indexes for prefix ranges and equality on the name, the name after its
#   first space (the second word) and the email.
# Not in the models' state (they differ by database), so a migration that rebuilds
# hiring_candidate on SQLite drops them: tests/candidates/test_search_indexes.py would fail.
INDEXES = {
    "postgresql": {
        "candidate_name_trgm": "USING gin (UPPER(name) gin_trgm_ops)",
        "candidate_name_upper": "(UPPER(name) text_pattern_ops)",
        "candidate_email_upper": "(UPPER(email) text_pattern_ops)",
    },
    "sqlite": {
        "candidate_name_lower": "(LOWER(name))",
        "candidate_second_word_lower": "(LOWER(SUBSTR(name, INSTR(name, ' ') + 1)))",
        "candidate_email_lower": "(LOWER(email))",
    },
}


def create_indexes(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in INDEXES.get(vendor, {}).items():
        schema_editor.execute(f"CREATE INDEX {name} ON hiring_candidate {definition}")


def drop_indexes(apps, schema_editor):
    # The extension stays: dropping it could break anything else that came to use it.
    for name in INDEXES.get(schema_editor.connection.vendor, {}):
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("hiring", "0018_hiring_loop")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
