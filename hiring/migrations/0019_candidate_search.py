from django.db import migrations

# The indexes hiring/candidates/search.py searches candidates through, one set per database:
# each expression here is the one the search compares, or the planner cannot use it.
# - PostgreSQL: trigram indexes (pg_trgm, a trusted extension a database's owner may create)
#   answer UPPER(name) LIKE '%...' and '... %' for any word's start, and the email's start;
#   B-tree indexes on the same expressions answer equality (hiring/candidates/merging.py).
# - SQLite: expression indexes for prefix ranges (and equality) on the name, the name after its
#   first space (the second word) and the email.
# Not in the models' state (they differ by database), so a migration that rebuilds
# hiring_candidate on SQLite drops them: tests/candidates/test_search_indexes.py would fail.
INDEXES = {
    "postgresql": {
        "candidate_name_trgm": "USING gin (UPPER(name) gin_trgm_ops)",
        "candidate_email_trgm": "USING gin (UPPER(email) gin_trgm_ops)",
        # Equality (possible duplicates): a trigram index answers it, slowly.
        "candidate_name_upper": "(UPPER(name))",
        "candidate_email_upper": "(UPPER(email))",
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
