import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Undone, the column's removal makes SQLite copy hiring_application without its stage-count
# triggers (0033), as 0034 says: they are made again then.
triggers_again = importlib.import_module("hiring.migrations.0034_hire_member_email").triggers_again


def link_members(apps, schema_editor):
    """The hires who are members of their team already, linked to their accounts as
    checkins.link_hires links those who join from now on: by an address of theirs (their
    account's, or an invitation's they accepted) that is one of the candidate record's or the
    one the team proposed them at. An erased hire's record knows no address any more: theirs
    stays unlinked."""
    Application = apps.get_model("hiring", "Application")
    Membership = apps.get_model("hiring", "Membership")
    Invitation = apps.get_model("hiring", "Invitation")
    addresses = {}
    for user_id, email in Membership.objects.values_list("user", "user__email"):
        addresses.setdefault(user_id, set()).add(email.lower())
    for user_id, email in Invitation.objects.exclude(accepted_by=None).values_list(
        "accepted_by", "email"
    ):
        addresses.setdefault(user_id, set()).add(email.lower())
    members = {}
    for team_id, user_id in Membership.objects.values_list("team", "user"):
        members.setdefault(team_id, []).append(user_id)
    hires = Application.objects.filter(
        stage="hired", member=None, candidate__erased_at=None, opening__team__in=list(members)
    ).values_list("pk", "opening__team", "member_email", "candidate__email", "candidate__other_emails")
    for pk, team_id, member_email, email, other_emails in hires.iterator():
        known = {address.strip().lower() for address in [email, *other_emails.splitlines()]}
        known = (known | {member_email}) - {""}
        for user_id in members[team_id]:
            if addresses[user_id] & known:
                Application.objects.filter(pk=pk).update(member_id=user_id)
                break


class Migration(migrations.Migration):
    dependencies = [("hiring", "0072_candidate_resume_index")]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, triggers_again),
        migrations.AddField(
            model_name="application",
            name="member",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="Member",
            ),
        ),
        migrations.RunPython(link_members, migrations.RunPython.noop),
    ]
