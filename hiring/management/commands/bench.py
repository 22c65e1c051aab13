"""Benchmarks: `python manage.py bench --scale small|medium|large [--json] [--runs N] [--busy]`.

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
anonymous visitor. The home page, where every sign-in lands, is measured for each role:
leadership, the recruiter and a member (the feedback form's interviewer). The cache starts
empty, so the first request is timed on its own as cold_ms: the page as nothing of it is
cached, after a deploy (the board's cards too: they are kept in each process's memory).
After 3 warm-up requests, --runs timed
requests give p50 and p95 (nearest rank), and one more request counts the SQL queries. A page
slower than a minute in all stops after 5 runs. The test client keeps the database connection open
between requests, as a persistent connection would. DEBUG stays as configured.

The floor is a page this process adds for itself at /bench/floor/ (the app gains nothing): the
base template for a signed-in user, through every middleware, with no work of its own, so it
costs the same at every scale. Each page's ratio is its p50 over the floor's. The profile page
is not the floor: its time zone menu renders some 600 options, ten times the floor's cost,
which would flatter every ratio; it is measured as a page of its own, with its targets.

--busy measures the pages a second time while a process forked from this one writes through
the product at --write-interval (2 s): the test client posting to the real URLs, as the people
who would (Writer), so caches and their invalidation behave as in production. The cache is
emptied again first, so cold_ms means the same; after its timed requests, each page with
cached content is asked for right after a real change to what it shows (changes_shown),
CHANGED_RUNS times, each after a change of its own, their median as changed_ms: what the first
reader after a change waits (hiring/freshness.py keeps the rest). Each page's timed requests
are spread READS_PER_WRITE to a write interval, so they meet the writes instead of all falling
between two.
Ratios are to the floor under the same load. The writes' own p50/p95, counts and errors (each
failed write is counted, with its reason) come beside the pages in "busy", and so does the
floor requested at the writes' pace by a process of its own ("floor"): each write's ratio is
given to the pages' floor ("ratio") and to that one ("ratio_same_pace"; paced_floor_loop says
why both). The writes commit,
so a busy run works on a copy of the organisation (clone_database), dropped at the end: the
one generated stays as it was, and quiet and busy passes measure the same data.

A write's own reference is measured too ("plain_statements"): a POST, signed in, that only runs
PLAIN_STATEMENTS single-row statements in a transaction (on one application: reads, and
UPDATEs that leave it as it was) and redirects: as many statements as a submission, the fewest
of the four writes, makes besides the session's and the user's reads. Its ratio to the quiet
floor is what that many statements cost through the ORM before a write does anything of its
own.

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
import multiprocessing
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from importlib import import_module
from io import StringIO
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, reset_queries, transaction
from django.db.models import F, Max, Min
from django.shortcuts import redirect, render
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import NoReverseMatch, clear_url_caches, reverse
from django.urls import path as route
from psycopg import sql

from hiring import tasks
from hiring.debrief import decisions
from hiring.models import Application, AuditEvent, Decision, Opening, StageChange, Team, User
from hiring.pipeline import applications as pipeline
from hiring.reports import cached as cached_reports
from hiring.reports import figures
from hiring.scheduling import booking, slots
from hiring.scheduling.views import OPTION_SALT
from scorecards.models import CheckInReview, Feedback, FeedbackRevision, Rating, Vote

from . import _synthetic

ZONES = ["Europe/London", "Europe/Berlin", "America/New_York", "America/Sao_Paulo"]
WARMUP = 3
# A slow page gets fewer runs, at least MIN_RUNS, so the large scale finishes in minutes.
PAGE_BUDGET_S = 60
MIN_RUNS = 5
# --busy: one write every WRITE_INTERVAL_S across the organisation, and each page's timed
# requests spread so that READS_PER_WRITE of them fall between two writes; a write taking
# longer than WRITER_STOP_S after the stop is abandoned (the writer process is terminated).
WRITE_INTERVAL_S = 2.0
READS_PER_WRITE = 5
WRITER_STOP_S = 60
# --busy: the first request after a change is timed this many times, each after a change of its
# own; changed_ms is their median (one request under load varied twofold from run to run).
CHANGED_RUNS = 5
# The busy pass's worker rests this long between two runs of report warming.
WORKER_PAUSE_S = 1.0
WRITE_KINDS = ("submission", "move", "decision", "booking")
# --busy: the writer tries up to this many cards for a booking before writing another kind.
BOOKING_ATTEMPTS = 5
# --busy: how many fortnights ahead the writer looks for a booking's time.
BOOKING_FORTNIGHTS = 4


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


def percentiles(timings):
    """p50 and p95 (nearest rank) of timings in ms."""
    timings = sorted(timings)
    return {
        "p50_ms": round(statistics.median(timings), 3),
        "p95_ms": round(timings[math.ceil(len(timings) * 0.95) - 1], 3),
    }


def measure(function, runs, warmup=WARMUP, budget_s=None, pace_s=None):
    """p50 and p95 (nearest rank) of `runs` calls after `warmup`; with a budget, it stops early
    once the budget is spent and at least MIN_RUNS calls are timed. With `pace_s` the timed
    calls start that many seconds apart (or right after the previous one, if it took longer)."""
    for _ in range(warmup):
        function()
    timings = []
    began = time.perf_counter()
    for number in range(runs):
        if pace_s:
            time.sleep(max(0.0, began + number * pace_s - time.perf_counter()))
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
        if budget_s and len(timings) >= MIN_RUNS and time.perf_counter() - began > budget_s:
            break
    return {**percentiles(timings), "runs": len(timings)}


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


def clone_database(database):
    """A scratch copy of the bench database, for a run whose writes are kept (--busy)."""
    if database.vendor == "sqlite":
        source = Path(database.name)
        path = source.with_stem(f"{source.stem}-busy")
        copy = BenchDatabase("sqlite", str(path), f"sqlite:///{path}")
        drop_database(copy)
        with (
            contextlib.closing(sqlite3.connect(database.name)) as original,
            contextlib.closing(sqlite3.connect(copy.name)) as target,
        ):
            original.backup(target)
        return copy
    name = f"{database.name[:58]}_busy"  # PostgreSQL's names are at most 63 bytes
    copy = BenchDatabase(
        "postgresql", name, urlsplit(database.url)._replace(path=f"/{name}").geturl()
    )
    drop_database(copy)
    with _maintenance_connection() as maintenance:
        maintenance.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(copy.name), sql.Identifier(database.name)
            )
        )
    return copy


def child_environment(database):
    """The measuring process's environment: the bench database, and the cache in a table of
    that database (not REDIS_URL's server, which the measurement empties). Tasks queued by the
    busy pass's writes go to a broker in memory: a worker of the real database must never run
    them (their rows are the bench database's)."""
    environment = {
        **os.environ,
        "DATABASE_URL": database.url,
        "CELERY_BROKER_URL": "memory://localhost//",
    }
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
        parser.add_argument(
            "--busy",
            action="store_true",
            help="Measure the pages again while another process writes through the product.",
        )
        parser.add_argument(
            "--write-interval",
            type=float,
            default=WRITE_INTERVAL_S,
            help="Seconds between two writes in --busy (default: %(default)s).",
        )
        # A custom size, for the test; and the child process that measures.
        parser.add_argument("--applications", type=int, help=argparse.SUPPRESS)
        parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
        parser.add_argument("--generate-only", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        if options["inner"]:
            return self.inner(options)
        if options["write_interval"] <= 0:
            raise CommandError("--write-interval is a number of seconds above 0.")
        applications = options["applications"]
        label = options["scale"] if applications is None else f"{applications}apps"
        database = bench_database(label, options["database_name"])
        create_database(database, fresh=options["fresh"])
        command = ["--scale", options["scale"], "--runs", str(options["runs"])]
        if applications is not None:
            command += ["--applications", str(applications)]
        if options["json"]:
            command.append("--json")
        if options["generate_only"]:
            self.child(database, [*command, "--generate-only"])
            return
        if not options["busy"]:
            self.stdout.write(self.child(database, command), ending="")
            return
        # The busy pass's writes are real commits: they go to a copy of the organisation, dropped
        # afterwards, so the one generated stays as it was for the next run.
        self.child(database, [*command, "--generate-only"])
        scratch = clone_database(database)
        try:
            command += ["--busy", "--write-interval", str(options["write_interval"])]
            self.stdout.write(self.child(scratch, command), ending="")
        finally:
            drop_database(scratch)

    def child(self, database, arguments):
        """Run `bench --inner` on `database`; its stdout. Progress goes to stderr as it happens."""
        command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "bench", "--inner"]
        child = subprocess.run(
            command + arguments,
            cwd=settings.BASE_DIR,
            env=child_environment(database),
            stdout=subprocess.PIPE,
            text=True,
        )
        if child.returncode:
            raise CommandError(f"The benchmark failed (exit {child.returncode}); see above.")
        return child.stdout

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
        # What the worker that warms the reports does every minute: a database generated
        # before the running figures existed has every day marked outdated by the migration.
        began = time.perf_counter()
        figures.bring_up_to_date(Team.objects.values("pk"))
        self.progress(f"Running figures up to date in {time.perf_counter() - began:.1f} s.")
        # A server may run without autovacuum (this project's machines do): what a migration
        # or an earlier busy pass left is settled as production's autovacuum would.
        _synthetic.settle()
        if options["generate_only"]:
            return
        add_bench_pages()
        cache.clear()  # so each page's first request is measured uncached
        # Chosen once, before any write: both passes measure the same pages (the busy writes
        # may submit the scorecard the feedback form's page shows, once they started).
        pages = pages_to_measure()
        result = {
            "scale": options["scale"] if options["applications"] is None else "custom",
            "database": connection.vendor,
            "debug": settings.DEBUG,
            "data": data_sizes(),
            "pages": measure_pages(pages, options["runs"]),
        }
        result["plain_statements"] = measure_plain_statements(
            options["runs"], result["pages"]["floor"]["p50_ms"]
        )
        result["commit"] = measure_commit(options["runs"])
        if options["busy"]:
            self.progress(f"Busy: a write every {options['write_interval']:g} s while measuring.")
            result["busy"] = measure_busy(pages, options["runs"], options["write_interval"])
        # After the busy pass: its writer holds no lock then (SQLite has one writer at a time).
        result["apply"] = measure_apply(options["runs"])
        result["slot_finder"] = measure_slot_finder(options["runs"])
        if options["json"]:
            self.stdout.write(json.dumps(result))
        else:
            self.stdout.write(table(result))


@login_required
def floor_page(request):
    """Signed in, through every middleware and the base template; no work of its own."""
    return render(request, "base.html")


# A submission's statements (16, counted as the pages' are on SQLite), less the session's and
# the user's reads.
PLAIN_STATEMENTS = 14


@login_required
def plain_statements_page(request, application_id):
    """PLAIN_STATEMENTS single-row statements in a transaction, half reads and half UPDATEs that
    leave the application as it was, then a redirect: no work of its own."""
    rows = Application.objects.filter(pk=application_id)
    with transaction.atomic():
        for _ in range(PLAIN_STATEMENTS // 2):
            rows.values_list("stage", flat=True).first()
            rows.update(page_version=F("page_version"))
    return redirect("home")


def add_bench_pages():
    """The floor page, and the plain statements' (measure_plain_statements): this process's
    own, the app gains neither."""
    urls = import_module(settings.ROOT_URLCONF)
    urls.urlpatterns.insert(0, route("bench/floor/", floor_page, name="bench_floor"))
    urls.urlpatterns.insert(
        0,
        route(
            "bench/plain-statements/<int:application_id>/",
            plain_statements_page,
            name="bench_plain_statements",
        ),
    )
    clear_url_caches()


def data_sizes():
    return {
        "teams": Team.objects.count(),
        "interviewers": User.objects.filter(role=User.Role.MEMBER).count(),
        "applications": Application.objects.count(),
        "feedback": Feedback.objects.count(),
        "ratings": Rating.objects.count(),
        # What the busy pass's writes add to (its "data" shows them after the pass).
        "submitted_feedback": Feedback.objects.exclude(submitted_at=None).count(),
        "stage_changes": StageChange.objects.count(),
        "decisions": Decision.objects.count(),
        # Bookings made, not panels booked now: a decision of no hire cancels what was still
        # to come of its panel.
        "bookings": AuditEvent.objects.filter(action=AuditEvent.Action.PANEL_BOOKED).count(),
        "check_in_reviews": CheckInReview.objects.exclude(submitted_at=None).count(),
    }


def pages_to_measure():
    """(name, user, path, change): the same kind of object at every size, picked by a fixed
    rule; change(), where there is one, changes what the page shows (see changes_shown)."""
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
    member = feedback.interviewer
    pages = [
        ("floor", leadership, reverse("bench_floor")),
        # Where every sign-in lands: each role sees its own teams and next steps.
        ("home_leadership", leadership, reverse("home")),
        ("home_recruiter", recruiter, reverse("home")),
        ("home_member", member, reverse("home")),
        ("profile", leadership, reverse("profile")),
        ("board", leadership, reverse("pipeline")),
        ("board_filtered", leadership, f"{reverse('pipeline')}?stale=1&team={team.pk}"),
    ]
    with contextlib.suppress(NoReverseMatch):  # measured from the day the reports land
        pages.append(("reports", leadership, reverse("reports")))
    # Organisation-wide over the default two years of hires, as leadership first opens it.
    pages.append(("validity", leadership, reverse("validity")))
    pages += [
        ("application", leadership, reverse("application_detail", args=[application.pk])),
        ("feedback_form", feedback.interviewer, reverse("feedback_form", args=[feedback.pk])),
        ("debrief", leadership, reverse("debrief", args=[application.pk])),
        ("careers", None, reverse("careers")),
        ("careers_opening", None, reverse("careers_opening", args=[open_opening().pk])),
        # A last name's start, as a recruiter types it: matches on a later word.
        ("search", recruiter, f"{reverse('search')}?q=tanak"),
    ]
    changes = changes_shown(application, feedback, team, recruiter)
    return [(name, user, path, changes.get(name)) for name, user, path in pages]


def changes_shown(application, feedback, team, recruiter):
    """For each page with cached content, a real change to what it shows, made as people make
    it, for the busy pass's changed_ms: a card moved on in the page's team (boards, reports,
    home pages), a candidate renamed (their application, debrief and scorecard), an
    interviewer renamed (validity). Never in the quiet pass: they commit."""
    renames = itertools.count(1)

    def move_a_card(team_id):
        def move():
            card = (
                Application.objects.filter(
                    opening__team_id=team_id, stage__in=list(Writer.NEXT_STAGE)
                )
                .order_by("pk")
                .first()
            )
            if card is not None:
                pipeline.move_stage(card, Writer.NEXT_STAGE[card.stage], recruiter)

        return move

    def rename(record, field):
        def change():
            setattr(record, field, f"{getattr(record, field).split(' #')[0]} #{next(renames)}")
            record.save()

        return change

    member_team = feedback.interviewer.teams.order_by("pk").values_list("pk", flat=True).first()
    scored_a_hire = (
        Feedback.objects.filter(application__stage=Application.Stage.HIRED)
        .select_related("interviewer")
        .order_by("pk")
        .first()
    )
    moved = move_a_card(application.opening.team_id)
    changes = {
        "home_leadership": moved,
        "home_recruiter": moved,
        "home_member": move_a_card(member_team),
        "board": moved,
        "board_filtered": move_a_card(team.pk),
        "reports": moved,
        "application": rename(application.candidate, "name"),
        "feedback_form": rename(feedback.application.candidate, "name"),
        "debrief": rename(application.candidate, "name"),
    }
    if scored_a_hire is not None:
        changes["validity"] = rename(scored_a_hire.interviewer, "display_name")
    return changes


def open_opening():
    return Opening.objects.filter(status=Opening.Status.OPEN).order_by("pk").first()


def measure_pages(pages, runs, pace_s=None, changing=False):
    """Each of `pages` (pages_to_measure()): its cold, warm and, when `changing`, first request
    after a change to what it shows (changed_ms)."""
    clients, results = {None: Client()}, {}  # None: an anonymous visitor
    for name, user, path, change in pages:
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
        timing = measure(get, runs, budget_s=PAGE_BUDGET_S, pace_s=pace_s)
        # A log filled by the request before (a report computed after many writes) would
        # hold its 9,000 entries at the start and count none of this request's.
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            get()
        changed_ms = None
        if changing and change is not None:
            after_changes = []
            for _ in range(CHANGED_RUNS):
                change()
                started = time.perf_counter()
                get()
                after_changes.append((time.perf_counter() - started) * 1000)
            changed_ms = round(statistics.median(after_changes), 3)
        floor = results.get("floor", timing)["p50_ms"]
        results[name] = {
            "path": path,
            "p50_ms": timing["p50_ms"],
            "p95_ms": timing["p95_ms"],
            "queries": len(queries),
            "ratio": round(timing["p50_ms"] / floor, 2),
            "cold_ms": round(cold_ms, 3),
            "changed_ms": changed_ms,
            "runs": timing["runs"],
        }
    return results


def measure_busy(pages, runs, write_interval):
    """The pages again, while one process writes through the product (write_loop) and another
    warms the reports as the worker does (warm_loop)."""
    cache.clear()  # each page's first request uncached again, as in the quiet pass
    before = time.perf_counter()
    with (
        BackgroundProcess(write_loop, write_interval, empty=Writer(None).result()) as writes,
        BackgroundProcess(paced_floor_loop, write_interval, empty=summary([], [], [])) as paced,
        BackgroundProcess(warm_loop, empty=warming([])) as worker,
    ):
        measured = measure_pages(
            pages, runs, pace_s=write_interval / READS_PER_WRITE, changing=True
        )
    paced_floor = paced.result.get("p50_ms")
    floor = measured["floor"]["p50_ms"]
    for kind in writes.result["writes"].values():
        kind["ratio"] = kind["p50_ms"] and round(kind["p50_ms"] / floor, 2)
        kind["ratio_same_pace"] = (
            kind["p50_ms"] and paced_floor and round(kind["p50_ms"] / paced_floor, 2)
        )
    return {
        "write_interval_s": write_interval,
        "reads_per_write": READS_PER_WRITE,
        "seconds": round(time.perf_counter() - before, 1),
        "pages": measured,
        **writes.result,
        "floor": paced.result,
        "worker": worker.result,
        "data": data_sizes(),  # after the pass: its writes as the database shows them
    }


class BackgroundProcess:
    """A process running target(*args, stop, sender) while the block runs: the writes people
    make through the product (write_loop: the test client posting to the real URLs, signed in
    as the person who would), or the worker's warming (warm_loop).

    A process, not a thread: the pages' requests do not wait for its Python, only for the
    database and the machine's cores, as they would in production. It starts when it says it is
    ready; on leaving the block, even through an exception, it is told to stop and joined, and
    terminated if its work in progress outlasts WRITER_STOP_S. `result` is what it sent back:
    the writes' counts, latencies and errors, or the warming runs', or `empty` with the reason
    when it sent nothing (it died)."""

    def __init__(self, target, *args, empty):
        # Forked from this process, set up as it is: its first query opens its own connection.
        self.context = multiprocessing.get_context("fork")
        self.stop = self.context.Event()
        self.receiver, self.sender = self.context.Pipe(duplex=False)
        self.process = self.context.Process(
            target=_with_own_connections,
            args=(target, *args, self.stop, self.sender),
            name=f"bench-{target.__name__}",
        )
        self.empty = empty
        self.result = None

    def __enter__(self):
        self.process.start()  # on connections of its own (_with_own_connections)
        self.sender.close()  # the child's end: if it dies, reading here ends at once
        message = self.receive(WRITER_STOP_S)
        if message != "ready":
            self.__exit__(None, None, None)
            raise CommandError(f"The {self.process.name} process did not start: {message}")
        return self

    def receive(self, timeout):
        if not self.receiver.poll(timeout):
            return None
        try:
            return self.receiver.recv()
        except EOFError:  # it ended without a word
            return None

    def __exit__(self, *exc_info):
        self.stop.set()
        # Its result comes before it ends: reading it first, so a full pipe never blocks it.
        result = self.receive(WRITER_STOP_S)
        self.process.join(5)
        stopped = not self.process.is_alive()
        if not stopped:
            self.process.terminate()
            self.process.join(5)
        if not isinstance(result, dict):
            failure = f"{self.process.name} gave no result (exit {self.process.exitcode})"
            result = {**self.empty, "failure": failure}
        self.result = {**result, "stopped_cleanly": stopped}
        if result.get("failure"):
            sys.stderr.write(f"{self.process.name}: {result['failure']}\n")
        return False


def _with_own_connections(target, *args):
    """target(*args) in the forked child, on connections of its own. The parent's open
    connections come along in the fork, and closing them first would not reach them all (Django
    keeps a thread's connections apart while an event loop runs in it, as Playwright's does in
    the tests); one may be a session the server has since ended. The child leaves each alone
    (closing it would end the parent's session) and holds on to it until it exits (through
    os._exit, which finalizes nothing), so that it is never finalized here."""
    for alias in connections:
        _INHERITED.append(connections[alias])
        connections[alias] = connections.create_connection(alias)
    target(*args)


# In a forked child, the connections it came with (_with_own_connections).
_INHERITED = []


def summary(timings, errors, samples):
    return {
        "count": len(timings),
        **(percentiles(timings) if timings else {"p50_ms": None, "p95_ms": None}),
        "errors": len(errors),
        "error_samples": samples,
    }


def warm_loop(stop, sender):
    """The worker process (BackgroundProcess(warm_loop)): what the beat's worker does for
    the reports (warm_default_reports), again a second after each run, so that the pages a
    reader found out of date (served as they were, hiring/reports/cached.py) are computed again
    within about a run; its runs' times say how long that was."""
    timings, failure = [], None
    tasks.at_background_priority()  # as the worker's task does
    sender.send("ready")
    try:
        while not stop.wait(WORKER_PAUSE_S):
            began = time.perf_counter()
            cached_reports.warm_default_reports(stopping=stop.is_set)
            timings.append(1000 * (time.perf_counter() - began))
    except BaseException:  # noqa: BLE001 - reported to the measuring process, never lost
        failure = traceback.format_exc(limit=5)
    finally:
        with contextlib.suppress(Exception):
            connection.close()
        sender.send({**warming(timings), "failure": failure})
        sender.close()


def warming(timings):
    """The worker's runs, as warm_loop reports them."""
    runs = percentiles(timings) if timings else {"p50_ms": None, "p95_ms": None}
    longest = round(max(timings), 1) if timings else None
    return {"runs": len(timings), **runs, "max_ms": longest}


def paced_floor_loop(interval, stop, sender):
    """The floor page at the writes' pace (BackgroundProcess(paced_floor_loop)): once every
    `interval` seconds, halfway between two writes, in a process of its own like the writer's,
    signed in as the pages' pass requests it; its p50 and p95 down `sender`.

    A request's time depends on how long its process was idle before it: on this project's
    machines, with nothing else running, the floor took 2.6 ms back to back, 6 ms every 0.4 s
    and 10.7 ms every 2 s (a submission 13, 11 and 14 ms). The pages are timed 0.4 s apart with
    their floor, the writes 2 s apart: each write's ratio is given to both floors
    ("ratio", "ratio_same_pace")."""
    timings, errors = [], []
    sender.send("ready")
    try:
        client = Client(raise_request_exception=False)
        client.force_login(User.objects.get(email=_synthetic.LEADERSHIP_EMAIL))
        next_at = time.perf_counter() + interval / 2
        while not stop.wait(max(0.0, next_at - time.perf_counter())):
            next_at = max(next_at + interval, time.perf_counter())
            started = time.perf_counter()
            response = client.get(reverse("bench_floor"), secure=True)
            if response.status_code == 200:
                timings.append((time.perf_counter() - started) * 1000)
            else:
                errors.append(f"The floor answered {response.status_code}")
    except Exception as error:  # noqa: BLE001 - reported to the measuring process
        errors.append(f"{type(error).__name__}: {error}"[:300])
    finally:
        with contextlib.suppress(Exception):
            connection.close()
        sender.send(summary(timings, errors, list(dict.fromkeys(errors))[:3]))
        sender.close()


def write_loop(interval, stop, sender):
    """The writer process: one write every `interval` seconds until `stop`, the kinds in turn
    (another kind when nothing can take this one), then the result down `sender`."""
    writer = Writer(random.Random(17))
    failure = None
    sender.send("ready")
    try:
        kinds = itertools.cycle(WRITE_KINDS)
        next_at = time.perf_counter()
        while not stop.wait(max(0.0, next_at - time.perf_counter())):
            # A write slower than the interval delays the next; they never come in a burst.
            next_at = max(next_at + interval, time.perf_counter())
            writer.write(next(kinds))
    except BaseException:  # noqa: BLE001 - reported to the measuring process, never lost
        failure = traceback.format_exc(limit=5)
    finally:
        with contextlib.suppress(Exception):
            connection.close()
        sender.send({**writer.result(), "failure": failure})
        sender.close()


FORM = "application/x-www-form-urlencoded"


class Writer:
    """Real writes through the product's URLs, each valid where it lands: a submission of an
    assigned scorecard still to submit, by its interviewer; a move of a card to its next stage
    (applied to screen, screen to panel) from the board, by the recruiter; the team's decision
    where the debrief is open and none is recorded, by a member with no scorecard to write,
    following the recommendation (hold while there is none); a booking, by the recruiter, of a
    panel for a card in screen, made for it of two sessions of two members whose working hours
    meet, at one of the times the slot finder offers in the first fortnight that has any (it
    seats them, assigns their scorecards, queues the invites and moves the card to panel). The
    targets, a booking's panel and its time are picked at random and not timed; the POST is, with
    the reply the browser gets (htmx's for the board and the decision, as their pages send them;
    a booking's redirect to the panel, which says it took)."""

    NEXT_STAGE = {"applied": "screen", "screen": "panel"}

    def __init__(self, rng):
        self.rng = rng
        self.clients = {}
        self.timings = {kind: [] for kind in WRITE_KINDS}
        self.errors = {kind: [] for kind in WRITE_KINDS}
        self.skipped = 0

    def result(self):
        writes = {}
        for kind in WRITE_KINDS:
            samples = list(dict.fromkeys(self.errors[kind]))[:3]
            writes[kind] = summary(self.timings[kind], self.errors[kind], samples)
        return {"writes": writes, "skipped": self.skipped}

    def write(self, kind):
        """A write of this kind, or of the next one that has a valid target."""
        at = WRITE_KINDS.index(kind)
        for kind in WRITE_KINDS[at:] + WRITE_KINDS[:at]:
            try:
                post = getattr(self, kind)()
                if post is None:
                    continue  # nothing of this kind to write now
                user, path, data, headers, (status, location) = post
                client = self.client(user)
                started = time.perf_counter()
                # Form-encoded, as the browser and htmx send these forms (the test client's
                # default, multipart, takes longer to parse).
                response = client.post(path, urlencode(data), FORM, secure=True, headers=headers)
                elapsed = (time.perf_counter() - started) * 1000
                if response.status_code != status:
                    self.errors[kind].append(
                        f"{path} answered {response.status_code}, not {status}"
                    )
                elif location and response["Location"] != location:
                    self.errors[kind].append(f"{path} went to {response['Location']}")
                else:
                    self.timings[kind].append(elapsed)
            except Exception as error:  # noqa: BLE001 - counted and reported
                self.errors[kind].append(f"{type(error).__name__}: {error}"[:300])
            return
        self.skipped += 1

    def client(self, user):
        if user.pk not in self.clients:
            # The same client as the pages' measure; a 500 comes back as a status to count.
            self.clients[user.pk] = Client(raise_request_exception=False)
            self.clients[user.pk].force_login(user)
        return self.clients[user.pk]

    def pick(self, queryset):
        """A row of `queryset` at random: the first from a random key on, else the first."""
        bounds = queryset.model.objects.aggregate(low=Min("pk"), high=Max("pk"))
        if bounds["low"] is None:
            return None
        start = self.rng.randint(bounds["low"], bounds["high"])
        return (
            queryset.filter(pk__gte=start).order_by("pk").first() or queryset.order_by("pk").first()
        )

    def submission(self):
        feedback = self.pick(
            Feedback.objects.filter(
                submitted_at=None,
                excused_at=None,
                application__stage__in=["applied", "screen", "panel", "debrief"],
                revisions__submitted_at=None,
            ).select_related("interviewer")
        )
        if feedback is None:
            return None
        # A scorecard a booking assigned has no draft yet: the form then posts revision 1.
        draft = FeedbackRevision.objects.filter(feedback=feedback, submitted_at=None).first()
        data = {
            "takeaways": "Clear examples throughout; see the ratings.",
            "vote": self.rng.choice(Vote.values),
            "draft_version": draft.version if draft else 0,
            "revision": draft.number if draft else 1,
            "amend_reason": "",
        }
        for criterion in feedback.criteria.all():
            data[f"score_{criterion.pk}"] = str(self.rng.randint(1, 4))
            data[f"notes_{criterion.pk}"] = "Asked for the trade-offs and got them."
        path = reverse("feedback_submit", args=[feedback.pk])
        return feedback.interviewer, path, data, {}, (302, None)

    def move(self):
        application = self.pick(Application.objects.filter(stage__in=list(self.NEXT_STAGE)))
        if application is None:
            return None
        recruiter = User.objects.get(email=_synthetic.RECRUITER_EMAIL)
        path = reverse("pipeline_move", args=[application.pk])
        data = {"stage": self.NEXT_STAGE[application.stage], "from_stage": application.stage}
        return recruiter, path, data, {"HX-Request": "true"}, (200, None)

    def decision(self):
        application = self.pick(
            Application.objects.filter(
                stage=Application.Stage.DEBRIEF,
                debrief_opened_at__isnull=False,
                decision__isnull=True,
            ).select_related("opening__team")
        )
        if application is None:
            return None
        feedback = decisions.panel_feedback(application)
        writing = {item.interviewer_id for item in feedback if item.is_waiting}
        members = [
            person
            for person in application.opening.team.members.order_by("pk")
            if person.pk not in writing
        ]
        if not members:
            return None
        recommended = decisions.recommend(application, feedback).outcome
        outcome = recommended if recommended in Decision.Outcome.values else "hold"
        path = reverse("record_decision", args=[application.pk])
        data = {"outcome": outcome, "rationale": "The panel's evidence, discussed in the debrief."}
        return self.rng.choice(members), path, data, {"HX-Request": "true"}, (200, None)

    def booking(self):
        """A booking of the first of BOOKING_ATTEMPTS cards in screen that finds a time (on
        the generated calendars most fortnights are full for one of four people); the panel
        made for a card with none goes again, unwritten."""
        for _attempt in range(BOOKING_ATTEMPTS):
            with transaction.atomic():
                booking_post = self._booking_post()
                if booking_post is not None:
                    return booking_post
                transaction.set_rollback(True)
        return None

    def _booking_post(self):
        application = self.pick(
            Application.objects.filter(stage=Application.Stage.SCREEN, panel=None).select_related(
                "opening__team"
            )
        )
        if application is None:
            return None
        # Two members each session whose working hours meet, as a recruiter would choose.
        meeting = [
            person
            for person in application.opening.team.members.order_by("pk")
            if person.time_zone in _synthetic.MEETING_ZONES
        ]
        if len(meeting) < 4:
            return None
        people = self.rng.sample(meeting, 4)
        recruiter = User.objects.get(email=_synthetic.RECRUITER_EMAIL)
        sessions = [
            {"focus": focus, "duration_minutes": 45, "interviewers": people[at : at + 2]}
            for at, focus in [(0, "skills"), (2, "team_fit")]
        ]
        panel = booking.create_panel(application, recruiter, sessions)
        options = self._first_fortnight_with_time(panel)
        if not options:
            return None
        option = signing.dumps(self.rng.choice(options), salt=OPTION_SALT, compress=True)
        path = reverse("panel_book", args=[application.pk])
        booked = reverse("panel", args=[application.pk])
        return recruiter, path, {"option": option}, {}, (302, booked)

    @staticmethod
    def _first_fortnight_with_time(panel):
        """The times the slot finder offers `panel` in the first fortnight from tomorrow that
        has any, looking BOOKING_FORTNIGHTS ahead: at the large scale the interviewers' next
        weeks are full of the generated panels' sessions (their weekly caps reached), and a
        recruiter then books the weeks after."""
        start = datetime.now(UTC) + timedelta(days=1)
        for _fortnight in range(BOOKING_FORTNIGHTS):
            if options := booking.find_options(panel, start, start + timedelta(days=14)):
                return options
            start += timedelta(days=14)
        return []


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


def measure_plain_statements(runs, floor_ms):
    """plain_statements_page, POSTed by leadership as the floor is requested; its ratio to the
    quiet floor `floor_ms`."""
    application = Application.objects.order_by("pk").values_list("pk", flat=True).first()
    path = reverse("bench_plain_statements", args=[application])
    client = Client()
    client.force_login(User.objects.get(email=_synthetic.LEADERSHIP_EMAIL))

    def post():
        response = client.post(path, secure=True)
        if response.status_code != 302:
            raise CommandError(f"{path} answered {response.status_code}, not 302.")

    timing = measure(post, runs)
    with CaptureQueriesContext(connection) as queries:
        post()
    ratio = round(timing["p50_ms"] / floor_ms, 2)
    return {"path": path, **timing, "queries": len(queries), "ratio": ratio}


# PRAGMA synchronous's values by name.
SQLITE_SYNCHRONOUS = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}


def measure_commit(runs):
    """A write of one row alone in its transaction, no request around it: what each write pays
    at its commit for the disk's flush, on PostgreSQL unless synchronous_commit is off (SQLite in
    WAL with synchronous=NORMAL flushes at checkpoints, not commits). With the setting."""
    rows = Application.objects.filter(pk=Application.objects.order_by("pk").first().pk)

    def write():
        with transaction.atomic():
            rows.update(page_version=F("page_version"))  # the row as it was

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW synchronous_commit")
            setting = f"synchronous_commit={cursor.fetchone()[0]}"
        else:
            cursor.execute("PRAGMA synchronous")
            setting = f"synchronous={SQLITE_SYNCHRONOUS[cursor.fetchone()[0]]}"
    return {**measure(write, runs), "setting": setting}


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
    busy = result.get("busy")
    lines = [
        f"Scale {result['scale']} on {result['database']}"
        f" (DEBUG {'on' if result['debug'] else 'off'}): {data['applications']:,} applications,"
        f" {data['feedback']:,} feedback, {data['ratings']:,} ratings, {data['teams']} teams,"
        f" {data['interviewers']} interviewers",
        "",
        f"{'page':<16}{'p50 ms':>9}{'p95 ms':>9}{'queries':>9}{'ratio':>8}{'cold ms':>10}"
        f"{'runs':>6}"
        + (f"{'busy p50/p95 (ratio)':>26}{'changed':>10}" if busy else "")
        + "  path",
    ]
    for name, page in result["pages"].items():
        column = ""
        if busy and name in busy["pages"]:
            loaded = busy["pages"][name]
            column = (
                f"{loaded['p50_ms']:.1f} / {loaded['p95_ms']:.1f} ({loaded['ratio']:.2f})".rjust(26)
            )
            if loaded["changed_ms"] is not None:
                column += f"{loaded['changed_ms']:>10.1f}"
            else:
                column += " " * 10
        lines.append(
            f"{name:<16}{page['p50_ms']:>9.1f}{page['p95_ms']:>9.1f}{page['queries']:>9}"
            f"{page['ratio']:>8.2f}{page['cold_ms']:>10.1f}{page['runs']:>6}{column}"
            f"  {page['path']}"
        )
    if busy:
        lines += ["", busy_lines(busy)]
    plain = result["plain_statements"]
    lines += [
        "",
        f"plain statements (a POST of {PLAIN_STATEMENTS} single-row statements, nothing else;"
        f" {plain['queries']} queries): p50 {plain['p50_ms']} ms, {plain['ratio']:.2f}x the floor"
        f"  {plain['path']}",
    ]
    commit = result["commit"]
    lines += [
        "",
        f"commit (one row written alone, {commit['setting']}): p50 {commit['p50_ms']} ms,"
        f" p95 {commit['p95_ms']} ms",
    ]
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


def busy_lines(busy):
    """The busy pass's writes, under the pages' table."""
    lines = [
        f"Busy: a write every {busy['write_interval_s']:g} s for {busy['seconds']:g} s,"
        f" {READS_PER_WRITE} page requests between two; ratios to the floor under the same load."
        + (f" {busy['skipped']} times nothing could be written." if busy["skipped"] else "")
        + ("" if busy["stopped_cleanly"] else " The writer had to be terminated.")
    ]
    if busy.get("failure"):
        lines.append(f"The writer failed: {busy['failure']}")
    floor = busy["floor"]
    if floor.get("count"):  # none when its process gave no result
        lines.append(
            f"  The floor at the writes' pace: p50 {floor['p50_ms']:.1f} ms,"
            f" p95 {floor['p95_ms']:.1f} ms ({floor['count']} requests)"
        )
    for kind, write in busy["writes"].items():
        line = f"  {kind:<11}{write['count']:>5} done"
        if write["count"]:
            line += f", p50 {write['p50_ms']:.1f} ms, p95 {write['p95_ms']:.1f} ms"
            line += f" ({write['ratio']:.2f}x the floor"
            if write["ratio_same_pace"]:
                line += f", {write['ratio_same_pace']:.2f}x the floor at its pace"
            line += ")"
        if write["errors"]:
            line += f"; {write['errors']} failed: " + " | ".join(write["error_samples"])
        lines.append(line)
    return "\n".join(lines)
