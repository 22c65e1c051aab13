from django.db import migrations


def link_departed(apps, schema_editor):
    """The hires who joined their team and left it before 0073 linked its members (it linked
    those who were members as it ran), linked as 0073 links them: to the account that accepted
    the team's invitation at an address of theirs, after they applied (an invitation accepted
    before says they were a member once, not that this hire joined). Without the link, one who
    left is offered "Did not start" (offers.why_no_did_not_start)."""
    Application = apps.get_model("hiring", "Application")
    Invitation = apps.get_model("hiring", "Invitation")
    accepted = {}
    for team_id, user_id, email, at in Invitation.objects.exclude(accepted_by=None).values_list(
        "team", "accepted_by", "email", "accepted_at"
    ):
        accepted.setdefault(team_id, []).append((user_id, email.strip().lower(), at))
    hires = Application.objects.filter(
        stage="hired", member=None, candidate__erased_at=None, opening__team__in=list(accepted)
    ).values_list(
        "pk",
        "opening__team",
        "created_at",
        "member_email",
        "candidate__email",
        "candidate__other_emails",
    )
    for pk, team_id, applied_at, member_email, email, other_emails in hires.iterator():
        known = {address.strip().lower() for address in [email, *other_emails.splitlines()]}
        known = (known | {member_email.strip().lower()}) - {""}
        for user_id, address, at in sorted(accepted[team_id], key=lambda row: row[2]):
            if address in known and at is not None and at >= applied_at:
                Application.objects.filter(pk=pk).update(member_id=user_id)
                break


class Migration(migrations.Migration):
    dependencies = [("hiring", "0075_withdrawn_by_erasure")]

    operations = [migrations.RunPython(link_departed, migrations.RunPython.noop)]
