from django.conf import settings
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("hiring", "0012_reports_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameModel("Vote", "Ballot"),
    ]
