from django.db import migrations, models

# Each change ends when the next change of the same application happens.
FILL_LEFT_AT = """
UPDATE hiring_stagechange SET left_at = (
    SELECT MIN(later.at) FROM hiring_stagechange later
    WHERE later.application_id = hiring_stagechange.application_id
      AND later.at > hiring_stagechange.at
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("hiring", "0010_team_data_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="stagechange",
            name="left_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunSQL(FILL_LEFT_AT, migrations.RunSQL.noop),
    ]
