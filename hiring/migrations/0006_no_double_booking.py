from django.db import migrations

# On PostgreSQL the database itself refuses two booked seats of one person that overlap,
# even when two recruiters book at the same instant. SQLite has no exclusion constraints;
# there the booking's IMMEDIATE transaction serialises writers and re-checks.
ADD = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE hiring_sessioninterviewer
    ADD CONSTRAINT no_overlapping_interviews
    EXCLUDE USING gist (user_id WITH =, tstzrange(start, "end") WITH &&)
    WHERE (start IS NOT NULL);
"""
DROP = "ALTER TABLE hiring_sessioninterviewer DROP CONSTRAINT no_overlapping_interviews;"


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ADD)


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("hiring", "0005_scheduling")]

    operations = [migrations.RunPython(add_constraint, drop_constraint)]
