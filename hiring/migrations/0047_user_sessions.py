"""A UserSession row for each session signed in before the upgrade: from now on someone's
sessions are found by their rows (hiring/accounts/people.py end_sessions), so one deactivated
after the upgrade is signed out of a session made before it too, and the sessions page lists it.
Where it was signed in from was never recorded: the unspecified address and no browser stand
for it (the page says "not recorded"), and the upgrade's time for when it began (the page says
"before")."""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import migrations
from django.utils import timezone

UNRECORDED_IP = "0.0.0.0"


def record_live_sessions(apps, schema_editor):
    Session = apps.get_model("sessions", "Session")
    UserSession = apps.get_model("usersessions", "UserSession")
    User = apps.get_model("hiring", "User")
    now = timezone.now()
    live = Session.objects.filter(expire_date__gt=now).values_list("session_key", "session_data")
    # Each live session decoded once; an anonymous one (a form's CSRF, a message) names no one.
    owners = {
        key: str(user_id)
        for key, data in live.iterator()
        if (user_id := SessionStore().decode(data).get(SESSION_KEY))
    }
    people = {str(pk) for pk in User.objects.values_list("pk", flat=True)}
    UserSession.objects.bulk_create(
        (
            UserSession(
                session_key=key,
                user_id=user_id,
                ip=UNRECORDED_IP,
                user_agent="",
                created_at=now,
                last_seen_at=now,
            )
            for key, user_id in owners.items()
            if user_id in people  # a session outliving its account's deletion
        ),
        batch_size=500,
        ignore_conflicts=True,  # one recorded as someone signed in during the upgrade
    )


class Migration(migrations.Migration):
    dependencies = [
        ("hiring", "0046_admin_and_team_audit_indexes"),
        ("sessions", "0001_initial"),
        ("usersessions", "0001_initial"),
    ]

    operations = [migrations.RunPython(record_live_sessions, migrations.RunPython.noop)]
