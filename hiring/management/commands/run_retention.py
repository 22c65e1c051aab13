"""`python manage.py run_retention`: the retention run beat makes every night, now (after
changing the organisation's retention, or to see what it does): notices, erasures a batch per
transaction, the access log's pruning, ended sessions' records, the rows of imports left
unrun, with how long the batches took; then beat's nightly sweep of stored files no row
references."""

import time

from django.core.management.base import BaseCommand

from hiring.privacy import files, retention


class Command(BaseCommand):
    help = (
        "Run retention now: notices, erasures in batches, access log, sessions, unrun "
        "imports' rows and unreferenced files purged."
    )

    def handle(self, *args, **options):
        began = time.perf_counter()

        def progress(figures):
            self.stdout.write(f"Batch {figures.batches}: {figures.erased} erased so far")

        figures = retention.run(on_batch=progress)
        swept = files.sweep()
        self.stdout.write(
            f"{figures.noticed} told their data goes in a notice period; "
            f"{figures.erased} erased in {figures.batches} batches "
            f"(the longest {figures.longest_batch_s * 1000:.0f} ms); "
            f"{figures.pruned} access log entries pruned; "
            f"{figures.sessions_purged} ended sessions' records purged; "
            f"{figures.imports_expired} unrun imports' rows deleted; "
            f"{swept} stored files no row references deleted; "
            f"{time.perf_counter() - began:.1f} s in all."
        )
