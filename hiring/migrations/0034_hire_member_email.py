import importlib

from django.db import migrations, models

# Adding a column makes SQLite copy hiring_application and drop the old table, and its
# stage-count triggers (0033) with it: they are made again once the column is added, and once
# it is removed when this migration is undone. PostgreSQL alters the table in place.
stage_counts = importlib.import_module("hiring.migrations.0033_stage_counts")


def triggers_again(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in [*stage_counts.SQLITE_DROP, *stage_counts.SQLITE]:
            schema_editor.execute(statement, None)


class Migration(migrations.Migration):
    dependencies = [
        ("hiring", "0033_stage_counts"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, triggers_again),
        migrations.AddField(
            model_name="application",
            name="member_email",
            field=models.EmailField(blank=True, max_length=254),
        ),
        migrations.AddIndex(
            model_name="application",
            index=models.Index(
                condition=models.Q(("member_email", ""), _negated=True),
                fields=["member_email"],
                name="hire_member_email",
            ),
        ),
        migrations.RunPython(triggers_again, migrations.RunPython.noop),
    ]
