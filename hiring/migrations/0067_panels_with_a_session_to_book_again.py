from django.db import migrations
from django.db.models import Exists, OuterRef


def clear_panel_booked_where_a_session_waits(apps, schema_editor):
    """Application.panel_booked now also says that no session of the panel waits for a time
    (booked again after its cancellation): a panel with such a session beside one holding a
    time, flagged booked before, is among those to schedule until it is booked."""
    Application = apps.get_model("hiring", "Application")
    InterviewSession = apps.get_model("hiring", "InterviewSession")
    waiting = InterviewSession.objects.filter(
        panel__application=OuterRef("pk"), cancelled_at=None, start__isnull=True
    )
    Application.objects.filter(Exists(waiting), panel_booked=True).update(panel_booked=False)


class Migration(migrations.Migration):
    dependencies = [("hiring", "0066_agreement_per_team_criterion")]

    operations = [
        migrations.RunPython(clear_panel_booked_where_a_session_waits, migrations.RunPython.noop)
    ]
