from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("hiring", "0055_candidate_older_match"),
    ]

    # The templates saved before were written for every candidate in the default language
    # (settings.LANGUAGE_CODE, "en-gb"): their dates and placeholders were filled in it.
    operations = [
        migrations.AddField(
            model_name="emailtemplate",
            name="language",
            field=models.CharField(
                choices=[("en-gb", "English"), ("de", "Deutsch")],
                default="en-gb",
                max_length=8,
                verbose_name="language",
            ),
        ),
    ]
