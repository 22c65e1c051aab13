import importlib

from django.db import migrations

# searchable() now puts one space between a name's words, as a search's text is typed: a name
# stored with two ("Ana  Lopez") was not found by its second word, nor compared with the same
# name by the duplicates' check. Every record's search_name again, as 0045 first gave it.
fill = importlib.import_module("hiring.migrations.0045_candidate_search_name").fill


class Migration(migrations.Migration):
    dependencies = [("hiring", "0047_user_sessions")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
