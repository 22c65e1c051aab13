from django.core.management.base import BaseCommand

from hiring.models import Candidate, mark_older_matches


class Command(BaseCommand):
    help = (
        "Mark again, from scratch, every candidate record an older record may be, as the "
        "duplicates review lists them (every write of a record keeps its mark; this starts "
        "them afresh)."
    )

    def handle(self, *args, **options):
        mark_older_matches(Candidate.objects.all())
        marked = Candidate.objects.filter(has_older_match=True).count()
        self.stdout.write(f"Marked every record again: {marked:,} may be an older one.")
