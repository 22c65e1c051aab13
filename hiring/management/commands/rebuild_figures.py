from django.core.management.base import BaseCommand

from hiring.reports import figures


class Command(BaseCommand):
    help = (
        "Rebuild the reports' running figures of every team from the rows they are made of "
        "(they are kept up to date as the data changes; this starts them afresh)."
    )

    def handle(self, *args, **options):
        days = figures.rebuild()
        self.stdout.write(f"Rebuilt the figures of {days:,} team days.")
