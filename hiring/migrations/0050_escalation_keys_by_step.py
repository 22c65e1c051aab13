import re
from datetime import timedelta

from django.db import migrations
from django.utils import timezone

# The team's escalations are keyed by application and step, no longer by the UTC date of the
# interviews as well (hiring/email/reminders.py): each one sent recently is recorded under its
# new key too, or a step sent under the old key the day of the deploy would go out again. Only
# the last 15 days' (the chasing ends on day 14); if two dates share a step, it was sent.
OLD = re.compile(r"escalated:(\d+):\d{4}-\d{2}-\d{2}:(\d+):team:(\d+)")


def by_step(apps, schema_editor, now=None):
    Notification = apps.get_model("hiring", "Notification")
    recent = Notification.objects.filter(
        key__startswith="escalated:",
        created_at__gte=(now or timezone.now()) - timedelta(days=15),
    )
    copies = {}
    for old in recent.exclude(sent_at=None).order_by("created_at"):
        if match := OLD.fullmatch(old.key):
            application, days, member = match.groups()
            key = f"escalated:{application}:{days}:team:{member}"
            copies.setdefault(
                key,
                Notification(
                    key=key,
                    created_at=old.created_at,
                    claimed_at=old.claimed_at,
                    attempts=old.attempts,
                    sent_at=old.sent_at,
                ),
            )
    Notification.objects.bulk_create(copies.values(), ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("hiring", "0049_candidate_search_later_words_sqlite")]

    operations = [migrations.RunPython(by_step, migrations.RunPython.noop)]
