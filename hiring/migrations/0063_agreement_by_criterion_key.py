import datetime

from django.db import migrations
from django.db.models import Count


def mark_mixed_version_days_outdated(apps, schema_editor):
    """Existing data: the days of the applications whose panel scored on more than one version
    of their scorecard count each criterion's agreement by its key on first read (or from the
    worker that warms reports), as after any change."""
    Application = apps.get_model("hiring", "Application")
    Feedback = apps.get_model("scorecards", "Feedback")
    FiguresOutdated = apps.get_model("hiring", "FiguresOutdated")
    mixed = (
        Feedback.objects.values("application")
        .annotate(versions=Count("version", distinct=True))
        .filter(versions__gt=1)
        .values("application")
    )
    debriefed = Application.objects.filter(pk__in=mixed, debrief_opened_at__isnull=False)
    days = set()
    for team, moment in debriefed.values_list("opening__team", "created_at").iterator():
        days.add((team, moment.astimezone(datetime.UTC).date()))
    FiguresOutdated.objects.bulk_create(
        [FiguresOutdated(team_id=team, day=day) for team, day in sorted(days)], batch_size=2000
    )


class Migration(migrations.Migration):
    dependencies = [
        ("hiring", "0062_admin_names"),
        ("scorecards", "0009_verbose_names"),
    ]

    operations = [
        migrations.RunPython(mark_mixed_version_days_outdated, migrations.RunPython.noop),
    ]
