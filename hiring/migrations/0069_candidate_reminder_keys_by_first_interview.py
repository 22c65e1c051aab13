import re
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.db import migrations
from django.utils import timezone

# The candidate's reminder of a day's interviews is keyed by the start of the day's first
# interview, no longer by the day in their zone, which moved as they changed zone
# (hiring/email/reminders.py). Each one sent lately is recorded under its new key too, or it
# would go out again the day of the deploy: a reminder goes out at most a day before its
# day's first interview, and its day lasts at most 25 hours, so three days cover them.
OLD = re.compile(r"reminder:candidate:(\d+):(\d{4}-\d{2}-\d{2})")


def by_first_interview(apps, schema_editor, now=None):
    Notification = apps.get_model("hiring", "Notification")
    InterviewSession = apps.get_model("hiring", "InterviewSession")
    recent = Notification.objects.filter(
        key__startswith="reminder:candidate:",
        created_at__gte=(now or timezone.now()) - timedelta(days=3),
    )
    old = {}
    for notification in recent.exclude(sent_at=None):
        if match := OLD.fullmatch(notification.key):
            old[int(match[1]), date.fromisoformat(match[2])] = notification
    sessions = (
        InterviewSession.objects.filter(
            panel__application__in={application for application, _day in old},
            cancelled_at=None,
            start__isnull=False,
        )
        .select_related("panel__application__candidate")
        .order_by("start")
    )
    firsts = {}
    for session in sessions:
        candidate = session.panel.application.candidate
        day = timezone.localdate(session.start, ZoneInfo(candidate.time_zone or "UTC"))
        firsts.setdefault((session.panel.application_id, day), session.start)
    Notification.objects.bulk_create(
        [
            Notification(
                key=f"reminder:candidate:{application}:{firsts[application, day].isoformat()}",
                created_at=notification.created_at,
                claimed_at=notification.claimed_at,
                attempts=notification.attempts,
                sent_at=notification.sent_at,
            )
            for (application, day), notification in old.items()
            if (application, day) in firsts
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("hiring", "0068_panels_with_a_cancelled_session_still_needed")]

    operations = [migrations.RunPython(by_first_interview, migrations.RunPython.noop)]
