import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import migrations
from django.utils import timezone

# The candidate's reminder is recorded for each interview it told of, no longer for the start
# of the day's first interview (hiring/email/reminders.py), which split or joined days as the
# candidate changed zone. Each sent lately is recorded for the interviews of its day, as the
# candidate's zone dates them now, or they would be reminded again the day of the deploy: a
# reminder goes out at most a day before its day's first interview, and its day lasts at most
# 25 hours, so three days cover them.
BY_FIRST = re.compile(r"reminder:candidate:(\d+):(\d{4}-\d{2}-\d{2}T[^:]+:.+)")


def by_interview(apps, schema_editor, now=None):
    Notification = apps.get_model("hiring", "Notification")
    InterviewSession = apps.get_model("hiring", "InterviewSession")
    recent = Notification.objects.filter(
        key__startswith="reminder:candidate:",
        created_at__gte=(now or timezone.now()) - timedelta(days=3),
    ).exclude(sent_at=None)
    sent = {}
    for notification in recent:
        if match := BY_FIRST.fullmatch(notification.key):
            sent[int(match[1]), datetime.fromisoformat(match[2])] = notification
    sessions = InterviewSession.objects.filter(
        panel__application__in={application for application, _first in sent},
        cancelled_at=None,
        start__isnull=False,
    ).select_related("panel__application__candidate")
    by_application = {}
    for session in sessions:
        by_application.setdefault(session.panel.application_id, []).append(session)
    records = []
    for (application, first), notification in sent.items():
        for session in by_application.get(application, []):
            zone = ZoneInfo(session.panel.application.candidate.time_zone or "UTC")
            day = timezone.localdate(first, zone)
            if session.start >= first and timezone.localdate(session.start, zone) == day:
                records.append(
                    Notification(
                        key=f"reminder:candidate:session:{session.pk}:{session.start.isoformat()}",
                        created_at=notification.created_at,
                        claimed_at=notification.claimed_at,
                        attempts=notification.attempts,
                        sent_at=notification.sent_at,
                    )
                )
    Notification.objects.bulk_create(records, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("hiring", "0069_candidate_reminder_keys_by_first_interview")]

    operations = [migrations.RunPython(by_interview, migrations.RunPython.noop)]
