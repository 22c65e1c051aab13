from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("hiring", "0045_candidate_search_name")]

    operations = [
        migrations.AddIndex(
            model_name="application",
            index=models.Index(fields=["created_at"], name="application_created"),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["at"], name="audit_event_at"),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(
                condition=models.Q(("application", None)),
                fields=["team", "at"],
                name="team_audit_trail",
            ),
        ),
    ]
