import importlib

from django.db import migrations

# The candidate search finds a word after a name's second ("cruz" in "Maria de la Cruz") on
# SQLite too (hiring/candidates/search.py): a partial index holding the searchable names of three
# words or more alone, scanned whole for it. PostgreSQL has its trigram index since 0045. Made
# outside the models' state, as 0045's: a migration that rebuilds hiring_candidate on SQLite
# makes it again (as 0045's remake_dropped does 0019's).
search_names = importlib.import_module("hiring.migrations.0045_candidate_search_name")

LATER_WORDS = {
    "sqlite": {
        "candidate_search_later_words": "(search_name) WHERE search_name LIKE '% % %'",
    },
}


class Migration(migrations.Migration):
    dependencies = [("hiring", "0048_candidate_search_name_spaces")]

    operations = [
        migrations.RunPython(
            search_names.replace({}, LATER_WORDS), search_names.replace(LATER_WORDS, {})
        )
    ]
