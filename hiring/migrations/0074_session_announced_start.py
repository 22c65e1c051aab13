from django.db import migrations, models

# A booked session's invites went out as it was booked (within moments): its people were told
# its start. Left None, its next move would read as everyone's first invite to it.


def announced_as_booked(apps, schema_editor):
    InterviewSession = apps.get_model("hiring", "InterviewSession")
    InterviewSession.objects.filter(start__isnull=False, cancelled_at=None).update(
        announced_start=models.F("start")
    )


class Migration(migrations.Migration):
    dependencies = [("hiring", "0073_application_member")]

    operations = [
        migrations.AddField(
            model_name="interviewsession",
            name="announced_start",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="announced start"
            ),
        ),
        migrations.RunPython(announced_as_booked, migrations.RunPython.noop),
    ]
