import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def point_to_latest_submissions(apps, schema_editor):
    Feedback = apps.get_model("scorecards", "Feedback")
    FeedbackRevision = apps.get_model("scorecards", "FeedbackRevision")
    latest = FeedbackRevision.objects.filter(
        feedback=OuterRef("pk"), submitted_at__isnull=False
    ).order_by("-number")
    Feedback.objects.update(latest_submission=Subquery(latest.values("pk")[:1]))


class Migration(migrations.Migration):
    dependencies = [
        ("scorecards", "0003_excused_interviewers"),
    ]

    operations = [
        migrations.AddField(
            model_name="feedback",
            name="latest_submission",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="scorecards.feedbackrevision",
            ),
        ),
        migrations.RunPython(point_to_latest_submissions, migrations.RunPython.noop),
    ]
