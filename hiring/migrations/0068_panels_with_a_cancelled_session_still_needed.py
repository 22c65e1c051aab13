from django.db import migrations
from django.db.models import Exists, OuterRef


def clear_panel_booked_where_a_cancelled_session_is_needed(apps, schema_editor):
    """Application.panel_booked now also says that no cancelled session is still needed (one
    cancelled from its booking, neither booked again nor dropped since, whose focus no other
    session of the panel has): such a panel, flagged booked before, is among those to schedule
    until the session is booked again or dropped."""
    Application = apps.get_model("hiring", "Application")
    InterviewSession = apps.get_model("hiring", "InterviewSession")
    standing = InterviewSession.objects.filter(
        panel=OuterRef("panel"), focus=OuterRef("focus"), cancelled_at=None
    )
    needed = InterviewSession.objects.filter(
        panel__application=OuterRef("pk"), cancelled_at__isnull=False, start__isnull=False
    ).exclude(Exists(standing))
    Application.objects.filter(Exists(needed), panel_booked=True).update(panel_booked=False)


class Migration(migrations.Migration):
    dependencies = [("hiring", "0067_panels_with_a_session_to_book_again")]

    operations = [
        migrations.RunPython(
            clear_panel_booked_where_a_cancelled_session_is_needed, migrations.RunPython.noop
        )
    ]
