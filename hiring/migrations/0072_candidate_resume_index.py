from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("hiring", "0071_candidate_erasure_started_at"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="candidate",
            index=models.Index(fields=["resume"], name="candidate_resume"),
        ),
    ]
