from django.conf import settings
from django.db import migrations, models


def voters_of_open_proposals(apps, schema_editor):
    """Each open proposal's voters, as they were counted until now: the members who can sign
    in, less the member a removal or a graduation is about."""
    Proposal = apps.get_model("hiring", "Proposal")
    Membership = apps.get_model("hiring", "Membership")
    rows = []
    for proposal in Proposal.objects.filter(status="open"):
        members = Membership.objects.filter(team_id=proposal.team_id, user__is_active=True)
        if proposal.kind in ("remove", "graduate"):
            members = members.exclude(user_id=proposal.subject_id)
        rows += [
            Proposal.voters.through(proposal_id=proposal.pk, user_id=user_id)
            for user_id in members.values_list("user_id", flat=True)
        ]
    Proposal.voters.through.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [
        ("hiring", "0037_candidate_links_out_of_stored_emails"),
    ]

    operations = [
        migrations.AddField(
            model_name="proposal",
            name="voters",
            field=models.ManyToManyField(blank=True, related_name="+", to=settings.AUTH_USER_MODEL),
        ),
        migrations.RunPython(voters_of_open_proposals, migrations.RunPython.noop),
    ]
