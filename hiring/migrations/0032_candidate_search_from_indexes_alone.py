from django.db import migrations

# PostgreSQL's search (hiring/candidates/search.py) reads the ids of the matches from its
# indexes alone, as SQLite's does: each B-tree holds what its condition reads (the name or the
# email) and the id, so a common last name's 4,400 matches are not read from the table one by
# one. A word after the second is found by trigrams, among the names of three words or more
# only. The expressions are the ones search.py compares, to the letter.
BEFORE = {
    "candidate_name_trgm": "USING gin (UPPER(name) gin_trgm_ops)",
    "candidate_name_upper": "(UPPER(name) text_pattern_ops)",
    "candidate_email_upper": "(UPPER(email) text_pattern_ops)",
}
AFTER = {
    "candidate_name_prefix": "(UPPER(name) text_pattern_ops) INCLUDE (id, name)",
    "candidate_second_word_prefix": (
        "(UPPER(SUBSTRING(name FROM STRPOS(name, ' ') + 1)) text_pattern_ops) INCLUDE (id, name)"
    ),
    "candidate_email_prefix": "(UPPER(email) text_pattern_ops) INCLUDE (id, email)",
    "candidate_later_words_trgm": "USING gin (UPPER(name) gin_trgm_ops) WHERE name LIKE '% % %'",
}
INDEXES = {"postgresql": AFTER}


def replace(dropped, made):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name in dropped:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
        for name, definition in made.items():
            # No parameters: the LIKE pattern's % are not placeholders.
            schema_editor.execute(f"CREATE INDEX {name} ON hiring_candidate {definition}", None)

    return run


create_indexes = replace(BEFORE, AFTER)
drop_indexes = replace(AFTER, BEFORE)


class Migration(migrations.Migration):
    dependencies = [("hiring", "0031_seats_ending")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
