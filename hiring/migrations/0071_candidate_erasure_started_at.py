from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("hiring", "0070_candidate_reminders_by_interview"),
    ]

    operations = [
        migrations.AddField(
            model_name="candidate",
            name="erasure_started_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="erasure started at"),
        ),
    ]
