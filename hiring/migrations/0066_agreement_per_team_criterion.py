from django.db import migrations, models


def mark_agreement_days_outdated(apps, schema_editor):
    """Coincidences are kept per team's criterion (its key), no longer per criterion name: the
    rows kept by name go, and their days are marked outdated, to count each criterion by its
    key on first read (or from the worker that warms reports), as after any change."""
    Coincidences = apps.get_model("hiring", "Coincidences")
    FiguresOutdated = apps.get_model("hiring", "FiguresOutdated")
    days = Coincidences.objects.values_list("team", "day").distinct().order_by("team", "day")
    FiguresOutdated.objects.bulk_create(
        [FiguresOutdated(team_id=team, day=day) for team, day in days.iterator()],
        batch_size=2000,
    )
    Coincidences.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("hiring", "0065_import_checked_in_worker")]

    operations = [
        migrations.RunPython(mark_agreement_days_outdated, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="coincidences", name="one_coincidences_per_day"),
        migrations.RemoveField(model_name="coincidences", name="criterion"),
        migrations.AddField(
            model_name="coincidences",
            name="criterion_key",
            field=models.UUIDField(default=None),
            preserve_default=False,
        ),
        migrations.AddConstraint(
            model_name="coincidences",
            constraint=models.UniqueConstraint(
                fields=("team", "day", "criterion_key"), name="one_coincidences_per_criterion"
            ),
        ),
    ]
