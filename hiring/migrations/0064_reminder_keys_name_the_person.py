import re
from datetime import timedelta

from django.db import migrations
from django.utils import timezone

# An interviewer's reminder is keyed by its seat, its person and its start, no longer by the
# seat and start alone (hiring/email/reminders.py), so whoever replaces them in the seat is
# reminded too. Each one sent in the last day (a reminder goes out at most a day ahead) is
# recorded under its new key too, or it would go out again the day of the deploy.
OLD = re.compile(r"reminder:(\d+):(\d{4}-.+)")


def name_the_person(apps, schema_editor, now=None):
    Notification = apps.get_model("hiring", "Notification")
    SessionInterviewer = apps.get_model("hiring", "SessionInterviewer")
    recent = Notification.objects.filter(
        key__startswith="reminder:", created_at__gte=(now or timezone.now()) - timedelta(days=1)
    )
    old = {}
    for notification in recent.exclude(sent_at=None):
        if match := OLD.fullmatch(notification.key):
            old[int(match[1]), match[2]] = notification
    people = dict(
        SessionInterviewer.objects.filter(pk__in={seat for seat, _start in old}).values_list(
            "pk", "user_id"
        )
    )
    Notification.objects.bulk_create(
        [
            Notification(
                key=f"reminder:{seat}:{people[seat]}:{start}",
                created_at=notification.created_at,
                claimed_at=notification.claimed_at,
                attempts=notification.attempts,
                sent_at=notification.sent_at,
            )
            for (seat, start), notification in old.items()
            if seat in people
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("hiring", "0063_agreement_by_criterion_key")]

    operations = [migrations.RunPython(name_the_person, migrations.RunPython.noop)]
