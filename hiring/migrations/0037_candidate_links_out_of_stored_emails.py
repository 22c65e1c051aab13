"""The candidate's signed links out of the emails stored before: every email to a candidate is
shown on the application's page, and whoever read a link there could act as the candidate. An
email keeps them as placeholders (hiring/outreach/placeholders.py LINKS), filled as it goes out;
one still to go out is sent with them filled anew."""

import re

from django.db import migrations

LINK = re.compile(r"https?://\S+?/(status|offer|schedule)/[\w:=-]+/")


def as_placeholders(body):
    return LINK.sub(lambda found: f"{{{found[1]}_link}}", body)


def links_to_placeholders(apps, schema_editor):
    CandidateEmail = apps.get_model("hiring", "CandidateEmail")
    for email in CandidateEmail.objects.filter(body__contains="://").iterator():
        body = as_placeholders(email.body)
        if body != email.body:
            email.body = body
            email.save(update_fields=["body"])


class Migration(migrations.Migration):
    dependencies = [("hiring", "0036_verbose_names")]

    operations = [migrations.RunPython(links_to_placeholders, migrations.RunPython.noop)]
