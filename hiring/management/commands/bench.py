"""Benchmarks: `python manage.py bench --scale small|medium|large [--json] [--runs N]`.

The pages are measured against a synthetic organisation (see `_synthetic.py`) in a database of
its own, never the one you work in:

- SQLite: the file var/bench-<scale>.sqlite3;
- PostgreSQL (DATABASE_URL): the database <name>_bench_<scale> on the same server, created
  through the maintenance database "postgres" when missing.

The command re-runs itself (`bench --inner`) in a child process whose DATABASE_URL names the
bench database. Settings are read once at start-up, so this is the one way to have everything
a request touches (sessions, the database cache, middleware, the views' queries) use that
database exactly as it would use the real one, with the same connection options. The child
migrates the database, generates the organisation unless a marker row says it is already there
(`--fresh` starts over), then measures in one process and prints the result.

Each page is requested through django.test.Client, signed in with force_login: as leadership,
as the interviewer for the feedback form, as the recruiter for search; the careers pages as an
anonymous visitor. The cache starts empty, so the first request is
timed on its own as cold_ms: the page as a reader finds it right after a change to what it
shows (hiring/freshness.py). After 3 warm-up requests, --runs timed requests give p50 and p95
(nearest rank), and one more request counts the SQL queries. A page slower
than a minute in all stops after 5 runs. The test client keeps the database connection open
between requests, as a persistent connection would. DEBUG stays as configured.

The floor is a page this process adds for itself at /bench/floor/ (the app gains nothing): the
base template for a signed-in user, through every middleware, with no work of its own, so it
costs the same at every scale. Each page's ratio is its p50 over the floor's. The profile page
is not the floor: its time zone menu renders some 600 options, ten times the floor's cost,
which would flatter every ratio; it is measured as a page of its own.

An application through the careers form is measured as a POST of its own ("apply"): a new
address and a small PDF each time, so every run stores a candidate, an application, a consent
and the confirmation email's row, the résumés in a temporary folder. All of it is rolled back at
the end, so the organisation stays as generated (and its confirmation emails never reach a
broker); the one commit per request is not timed.
"""

import argparse
import contextlib
import itertools
import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from importlib import import_module
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.shortcuts import render
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import NoReverseMatch, clear_url_caches, reverse
from django.urls import path as route
from psycopg import sql

from hiring.models import Application, Opening, Team, User
from hiring.scheduling import slots
from scorecards.models import Feedback, Rating

from . import _synthetic

ZONES = ["Europe/London", "Europe/Berlin", "America/New_York", "America/Sao_Paulo"]
WARMUP = 3
# A slow page gets fewer runs, at least MIN_RUNS, so the large scale finishes in minutes.
PAGE_BUDGET_S = 60
MIN_RUNS = 5


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
            busy.append(slots.Interval(block_start, block_start + timedelta(minutes=30)))
        interviewers[person] = slots.Interviewer(
            id=person,
            time_zone=ZONES[person % len(ZONES)],
            working_hours={day: ((clock(7), clock(19)),) for day in range(5)},
            busy=tuple(sorted(busy, key=lambda i: i.start)),
            buffer=timedelta(minutes=15),
            weekly_cap=8,
        )
    requests = [
        slots.SessionRequest(duration=timedelta(minutes=60), interviewer_ids=(0, 1)),
        slots.SessionRequest(duration=timedelta(minutes=45), interviewer_ids=(2, 3)),
        slots.SessionRequest(duration=timedelta(minutes=45), interviewer_ids=(4, 5)),
    ]
    return requests, interviewers, start, end


def measure(function, runs, warmup=WARMUP, budget_s=None):
    """p50 and p95 (nearest rank) of `runs` calls after `warmup`; with a budget, it stops early
    once the budget is spent and at least MIN_RUNS calls are timed."""
    for _ in range(warmup):
        function()
    timings = []
    began = time.perf_counter()
    for _ in range(runs):
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
        if budget_s and len(timings) >= MIN_RUNS and time.perf_counter() - began > budget_s:
            break
    timings.sort()
    return {
        "p50_ms": round(statistics.median(timings), 3),
        "p95_ms": round(timings[math.ceil(len(timings) * 0.95) - 1], 3),
        "runs": len(timings),
    }


@dataclass(frozen=True)
class BenchDatabase:
    vendor: str  # "sqlite" or "postgresql"
    name: str  # the SQLite file, or the PostgreSQL database
    url: str  # DATABASE_URL of the process that measures


def bench_database(label, name=None):
    """Where the organisation of this size lives; `name` overrides the file or database."""
    default = settings.DATABASES["default"]
    if default["ENGINE"] == "django.db.backends.sqlite3":
        path = Path(name or settings.VAR_DIR / f"bench-{label}.sqlite3").resolve()
        return BenchDatabase("sqlite", str(path), f"sqlite:///{path}")
    if default["ENGINE"] == "django.db.backends.postgresql":
        name = name or f"{default['NAME']}_bench_{label}"
        url = urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{name}").geturl()
        return BenchDatabase("postgresql", name, url)
    raise CommandError(f"The benchmark runs on SQLite or PostgreSQL, not {default['ENGINE']}.")


def _maintenance_connection():
    default = settings.DATABASES["default"]
    return psycopg.connect(
        dbname="postgres",
        user=default["USER"],
        password=default["PASSWORD"],
        host=default["HOST"],
        port=default["PORT"] or None,
        autocommit=True,
    )


def create_database(database, fresh=False):
    """Make sure the bench database exists; with `fresh`, empty it first."""
    if fresh:
        drop_database(database)
    if database.vendor == "sqlite":
        Path(database.name).parent.mkdir(parents=True, exist_ok=True)
        return
    with _maintenance_connection() as maintenance:
        exists = maintenance.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [database.name]
        ).fetchone()
        if not exists:
            maintenance.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database.name)))


def drop_database(database):
    if database.vendor == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(database.name + suffix).unlink(missing_ok=True)
        return
    with _maintenance_connection() as maintenance:
        maintenance.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database.name))
        )


def child_environment(database):
    """The measuring process's environment: the bench database, and the cache in a table of
    that database (not REDIS_URL's server, which the measurement empties)."""
    environment = {**os.environ, "DATABASE_URL": database.url}
    environment.pop("REDIS_URL", None)
    return environment


class Command(BaseCommand):
    help = (
        "Measure p50 and p95 of Teamfit's pages on a synthetic organisation, and the slot finder."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=list(_synthetic.SCALES), default="small")
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")
        parser.add_argument("--runs", type=int, default=30)
        parser.add_argument("--fresh", action="store_true", help="Generate the organisation again.")
        parser.add_argument(
            "--database-name",
            help="The SQLite file or PostgreSQL database to use instead of the scale's own.",
        )
        # A custom size, for the test; and the child process that measures.
        parser.add_argument("--applications", type=int, help=argparse.SUPPRESS)
        parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        if options["inner"]:
            return self.inner(options)
        applications = options["applications"]
        label = options["scale"] if applications is None else f"{applications}apps"
        database = bench_database(label, options["database_name"])
        create_database(database, fresh=options["fresh"])
        command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "bench", "--inner"]
        command += ["--scale", options["scale"], "--runs", str(options["runs"])]
        if applications is not None:
            command += ["--applications", str(applications)]
        if options["json"]:
            command.append("--json")
        # Progress goes to stderr as it happens; the result comes back on stdout.
        child = subprocess.run(
            command,
            cwd=settings.BASE_DIR,
            env=child_environment(database),
            stdout=subprocess.PIPE,
            text=True,
        )
        if child.returncode:
            raise CommandError(f"The benchmark failed (exit {child.returncode}); see above.")
        self.stdout.write(child.stdout, ending="")

    def progress(self, message):
        self.stderr.write(message)

    def inner(self, options):
        # The test client's requests come from "testserver".
        if "testserver" not in settings.ALLOWED_HOSTS:
            settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        call_command("migrate", verbosity=0, interactive=False, stdout=StringIO())
        applications = options["applications"] or _synthetic.SCALES[options["scale"]]
        generated = _synthetic.is_generated()
        if generated is None:
            began = time.perf_counter()
            _synthetic.Generator(applications, progress=self.progress).run()
            self.progress(f"Generated in {time.perf_counter() - began:.0f} s.")
        elif generated["applications"] != applications:
            raise CommandError(
                f"{connection.settings_dict['NAME']} holds {generated['applications']:,}"
                f" applications, not {applications:,}: run with --fresh."
            )
        add_floor_page()
        cache.clear()  # so each page's first request is measured uncached
        result = {
            "scale": options["scale"] if options["applications"] is None else "custom",
            "database": connection.vendor,
            "debug": settings.DEBUG,
            "data": data_sizes(),
            "pages": measure_pages(options["runs"]),
            "apply": measure_apply(options["runs"]),
            "slot_finder": measure_slot_finder(options["runs"]),
        }
        if options["json"]:
            self.stdout.write(json.dumps(result))
        else:
            self.stdout.write(table(result))


@login_required
def floor_page(request):
    """Signed in, through every middleware and the base template; no work of its own."""
    return render(request, "base.html")


def add_floor_page():
    urls = import_module(settings.ROOT_URLCONF)
    urls.urlpatterns.insert(0, route("bench/floor/", floor_page, name="bench_floor"))
    clear_url_caches()


def data_sizes():
    return {
        "teams": Team.objects.count(),
        "interviewers": User.objects.filter(role=User.Role.MEMBER).count(),
        "applications": Application.objects.count(),
        "feedback": Feedback.objects.count(),
        "ratings": Rating.objects.count(),
    }


def pages_to_measure():
    """(name, user, path): the same kind of object at every size, picked by a fixed rule."""
    leadership = User.objects.get(email=_synthetic.LEADERSHIP_EMAIL)
    recruiter = User.objects.get(email=_synthetic.RECRUITER_EMAIL)
    team = Team.objects.order_by("pk").first()
    # An application in debrief: a full panel of submitted scorecards to show.
    application = Application.objects.filter(stage="debrief").order_by("pk").first()
    if application is None:
        application = Application.objects.filter(feedback__isnull=False).order_by("pk").first()
    # A scorecard its interviewer is still writing.
    feedback = (
        Feedback.objects.filter(submitted_at=None).select_related("interviewer").order_by("pk")
    ).first() or Feedback.objects.select_related("interviewer").order_by("pk").first()
    pages = [
        ("floor", leadership, reverse("bench_floor")),
        ("profile", leadership, reverse("profile")),
        ("board", leadership, reverse("pipeline")),
        ("board_filtered", leadership, f"{reverse('pipeline')}?stale=1&team={team.pk}"),
    ]
    with contextlib.suppress(NoReverseMatch):  # measured from the day the reports land
        pages.append(("reports", leadership, reverse("reports")))
    pages += [
        ("application", leadership, reverse("application_detail", args=[application.pk])),
        ("feedback_form", feedback.interviewer, reverse("feedback_form", args=[feedback.pk])),
        ("debrief", leadership, reverse("debrief", args=[application.pk])),
        ("careers", None, reverse("careers")),
        ("careers_opening", None, reverse("careers_opening", args=[open_opening().pk])),
        # A last name's start, as a recruiter types it: matches on a later word.
        ("search", recruiter, f"{reverse('search')}?q=tanak"),
    ]
    return pages


def open_opening():
    return Opening.objects.filter(status=Opening.Status.OPEN).order_by("pk").first()


def measure_pages(runs):
    clients, results = {None: Client()}, {}  # None: an anonymous visitor
    for name, user, path in pages_to_measure():
        key = user and user.pk
        if key not in clients:
            clients[key] = Client()
            clients[key].force_login(user)
        client = clients[key]

        def get(client=client, path=path):
            response = client.get(path, secure=True)
            if response.status_code != 200:
                raise CommandError(f"{path} answered {response.status_code}, not 200.")

        # The first request finds nothing cached (see inner()): what a change costs a reader.
        started = time.perf_counter()
        get()
        cold_ms = (time.perf_counter() - started) * 1000
        timing = measure(get, runs, budget_s=PAGE_BUDGET_S)
        with CaptureQueriesContext(connection) as queries:
            get()
        floor = results.get("floor", timing)["p50_ms"]
        results[name] = {
            "path": path,
            "p50_ms": timing["p50_ms"],
            "p95_ms": timing["p95_ms"],
            "queries": len(queries),
            "ratio": round(timing["p50_ms"] / floor, 2),
            "cold_ms": round(cold_ms, 3),
            "runs": timing["runs"],
        }
    return results


# The smallest file the résumé check takes for a PDF.
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def measure_apply(runs):
    """An application through the careers form, as a candidate sends it (see the docstring)."""
    path = reverse("careers_opening", args=[open_opening().pk])
    client, numbers = Client(), itertools.count()
    run = f"{os.getpid()}-{int(time.time())}"

    def post():
        number = next(numbers)
        response = client.post(
            path,
            {
                "name": f"Bench Applicant {number}",
                "email": f"applicant-{run}-{number}@{_synthetic.DOMAIN}",
                "links": "https://example.org/portfolio",
                "note": "I would love to join the team.",
                "consent": "on",
                "time_zone": "Europe/Berlin",
                "resume": SimpleUploadedFile("cv.pdf", PDF, "application/pdf"),
            },
            secure=True,
        )
        if response.status_code != 302:
            raise CommandError(f"Applying on {path} answered {response.status_code}, not 302.")

    with (
        transaction.atomic(),
        tempfile.TemporaryDirectory() as media,
        # One address sends them all: its limit would refuse most of them.
        override_settings(
            MEDIA_ROOT=media,
            CAREERS_APPLICATIONS_PER_ADDRESS_HOUR=10**9,
            CAREERS_APPLICATIONS_PER_EMAIL_DAY=10**9,
        ),
    ):
        timing = measure(post, runs, budget_s=PAGE_BUDGET_S)
        transaction.set_rollback(True)  # see the module's docstring
    return {"path": path, **timing}


def measure_slot_finder(runs):
    requests, interviewers, start, end = slot_finder_case()
    options_found = slots.find_options(requests, interviewers, start=start, end=end)
    return {
        **measure(lambda: slots.find_options(requests, interviewers, start=start, end=end), runs),
        "options": len(options_found),
        "case": "6 interviewers, 4 zones, 50 busy blocks each, 3 back-to-back, 10 days",
    }


def table(result):
    data = result["data"]
    lines = [
        f"Scale {result['scale']} on {result['database']}"
        f" (DEBUG {'on' if result['debug'] else 'off'}): {data['applications']:,} applications,"
        f" {data['feedback']:,} feedback, {data['ratings']:,} ratings, {data['teams']} teams,"
        f" {data['interviewers']} interviewers",
        "",
        f"{'page':<16}{'p50 ms':>9}{'p95 ms':>9}{'queries':>9}{'ratio':>8}{'cold ms':>10}"
        f"{'runs':>6}  path",
    ]
    for name, page in result["pages"].items():
        lines.append(
            f"{name:<16}{page['p50_ms']:>9.1f}{page['p95_ms']:>9.1f}{page['queries']:>9}"
            f"{page['ratio']:>8.2f}{page['cold_ms']:>10.1f}{page['runs']:>6}  {page['path']}"
        )
    apply = result["apply"]
    lines += [
        "",
        f"apply (careers form POST): p50 {apply['p50_ms']} ms, p95 {apply['p95_ms']} ms,"
        f" {apply['runs']} runs  {apply['path']}",
    ]
    finder = result["slot_finder"]
    lines += [
        "",
        f"slot finder ({finder['case']}): p50 {finder['p50_ms']} ms,"
        f" p95 {finder['p95_ms']} ms, {finder['options']} options",
    ]
    return "\n".join(lines)
