"""Benchmarks: `python manage.py bench [--json]`. Only the slot finder so far; pages come next."""

import json
import random
import statistics
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock

from django.core.management.base import BaseCommand

from hiring import scheduling

ZONES = ["Europe/London", "Europe/Berlin", "America/New_York", "America/Sao_Paulo"]


def slot_finder_case(seed=7):
    """6 interviewers in 4 time zones, 50 busy blocks each; 3 back-to-back sessions, 10 days."""
    rng = random.Random(seed)
    start = datetime(2030, 3, 4, tzinfo=UTC)
    end = start + timedelta(days=14)  # ten working days
    interviewers = {}
    for person in range(6):
        busy = []
        for _ in range(50):
            block_start = start + timedelta(minutes=15 * rng.randrange(0, 14 * 24 * 4))
            busy.append(scheduling.Interval(block_start, block_start + timedelta(minutes=30)))
        interviewers[person] = scheduling.Interviewer(
            id=person,
            time_zone=ZONES[person % len(ZONES)],
            working_hours={day: ((clock(7), clock(19)),) for day in range(5)},
            busy=tuple(sorted(busy, key=lambda i: i.start)),
            buffer=timedelta(minutes=15),
            weekly_cap=8,
        )
    requests = [
        scheduling.SessionRequest(duration=timedelta(minutes=60), interviewer_ids=(0, 1)),
        scheduling.SessionRequest(duration=timedelta(minutes=45), interviewer_ids=(2, 3)),
        scheduling.SessionRequest(duration=timedelta(minutes=45), interviewer_ids=(4, 5)),
    ]
    return requests, interviewers, start, end


def measure(function, runs, warmup=3):
    for _ in range(warmup):
        function()
    timings = []
    for _ in range(runs):
        began = time.perf_counter()
        function()
        timings.append((time.perf_counter() - began) * 1000)
    timings.sort()
    return {
        "p50_ms": round(statistics.median(timings), 3),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 3),
        "runs": runs,
    }


class Command(BaseCommand):
    help = "Measure p50 and p95 of Teamfit's hot paths."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")
        parser.add_argument("--runs", type=int, default=50)

    def handle(self, *args, **options):
        requests, interviewers, start, end = slot_finder_case()
        options_found = scheduling.find_options(requests, interviewers, start=start, end=end)
        result = {
            "slot_finder": {
                **measure(
                    lambda: scheduling.find_options(requests, interviewers, start=start, end=end),
                    options["runs"],
                ),
                "options": len(options_found),
                "case": "6 interviewers, 4 zones, 50 busy blocks each, 3 back-to-back, 10 days",
            }
        }
        if options["json"]:
            self.stdout.write(json.dumps(result))
            return
        finder = result["slot_finder"]
        self.stdout.write(
            f"slot finder ({finder['case']}): p50 {finder['p50_ms']} ms, "
            f"p95 {finder['p95_ms']} ms, {finder['options']} options"
        )
