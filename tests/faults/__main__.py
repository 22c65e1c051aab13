"""`make faults`: Teamfit under faults, counted, on the services production uses.

The run makes a PostgreSQL database of its own on the server DATABASE_URL names (or the local
default), starts a cache Redis of its own (it is killed in one scenario, so never the system
one), uses the system Redis as the Celery broker on a queue of its own, a slow SMTP sink, two
gunicorn nodes with DEBUG off, two Celery workers and beat. Then five scenarios:

  a. two tabs of one interviewer autosave and submit the same feedback: no rating lost;
  b. same-instant bookings where only one of each pair fits (overlap, buffer, weekly cap):
     no calendar broken;
  c. a worker killed with SIGKILL mid-send: no invitation lost, a duplicate only with the
     same Message-ID;
  d. the cache Redis killed under load: no 5xx;
  e. every database connection cut, four times under load: no 5xx but for requests in flight.

It prints one table and exits non-zero if a count that must be zero is not. Everything it
started is stopped and its database dropped, whatever happens. Without PostgreSQL, the
system Redis or redis-server it says what is missing and exits 0 (1 under CI=true).
"""

import logging
import os
import secrets
import shutil
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path
from urllib.parse import urlsplit

from .services import Database, ServiceMissing, Stack, forget_queue, free_port, redis_answers
from .smtp_sink import SmtpSink

DEFAULT_DATABASE_URL = "postgres://teamfit:teamfit@127.0.0.1:5432/teamfit"
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/0"
HARD_LIMIT_S = 420  # well past the 2-3 minutes a run takes: only a hang gets here


def main():
    started = time.monotonic()
    server_url, broker_url = service_urls()
    database = Database(server_url, f"{urlsplit(server_url).path.strip('/')}_faults_{os.getpid()}")
    try:
        check_services(database, broker_url)
    except ServiceMissing as missing:
        under_ci = os.environ.get("CI") == "true"
        print(f"faults: {'FAIL' if under_ci else 'skipped'}: {missing}")
        return 1 if under_ci else 0
    signal.signal(signal.SIGTERM, stop_signal)
    signal.signal(signal.SIGALRM, stop_signal)
    signal.alarm(HARD_LIMIT_S)
    run_dir = Path(tempfile.mkdtemp(prefix="teamfit-faults-"))
    results, passed = [], False
    try:
        results = run(database, broker_url, run_dir)
        passed = all(result.passed for result in results)
    except Exception:
        traceback.print_exc()  # the harness failed: the table below is what it got to
    finally:
        signal.alarm(0)
        print_table(results, time.monotonic() - started)
        if passed:
            shutil.rmtree(run_dir, ignore_errors=True)
        else:
            report_failures(results, run_dir)
    return 0 if passed else 1


def service_urls():
    """The PostgreSQL server and the Redis broker of the environment, or the local defaults."""
    server_url = os.environ.get("DATABASE_URL", "")
    if not server_url.startswith(("postgres://", "postgresql://")):
        server_url = DEFAULT_DATABASE_URL
    broker_url = os.environ.get("CELERY_BROKER_URL", "")
    if not broker_url.startswith("redis://"):
        broker_url = DEFAULT_BROKER_URL
    return server_url, broker_url


def check_services(database, broker_url):
    if shutil.which("redis-server") is None:
        raise ServiceMissing("redis-server is not installed (apt-get install redis-server).")
    if why := database.unreachable():
        where = f"{database.connect_args['host']}:{database.connect_args['port']}"
        raise ServiceMissing(f"PostgreSQL at {where}: {why}")
    if not redis_answers(broker_url):
        raise ServiceMissing(f"Redis at {broker_url} (the Celery broker) does not answer.")


def stop_signal(signum, frame):
    raise SystemExit(f"faults: stopped by signal {signal.Signals(signum).name}")


def run(database, broker_url, run_dir):
    sink = SmtpSink(run_dir / "smtp-accepted.jsonl")
    stack = None
    try:
        step("database", database.create)
        smtp_port = sink.start()
        cache_port, web_ports = free_port(), [free_port(), free_port()]
        queue = f"teamfit-faults-{os.getpid()}"
        env = environment(database.url, cache_port, broker_url, queue, smtp_port, run_dir)
        os.environ.update(env)  # this process makes the data, with the settings the nodes use
        world = step("migrations, static files and data", prepare_django)
        from hiring.celery import app as celery_app

        stack = Stack(env, run_dir, cache_port, web_ports, queue, celery_app)
        step("web nodes, workers, beat and the cache Redis", stack.start)
        return run_scenarios(world, stack, sink, database, broker_url, queue, web_ports)
    finally:
        if stack is not None:
            clean_up("stopping every process", stack.stop)
            clean_up("clearing the run's queue off the broker", forget_queue, broker_url, queue)
        sink.stop()
        close_django_connections()
        clean_up("dropping the database", database.drop)


def environment(database_url, cache_port, broker_url, queue, smtp_port, run_dir):
    """Production settings (README, Production) pointed at this run's services."""
    env = {name: value for name, value in os.environ.items() if name != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    (run_dir / "var").mkdir()
    return env | {
        "DJANGO_SETTINGS_MODULE": "hiring.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "REDIS_URL": f"redis://127.0.0.1:{cache_port}/0",
        "CELERY_BROKER_URL": broker_url,
        "CELERY_QUEUE": queue,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "false",
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
        "SITE_URL": "https://teamfit.example",
        # Behind the TLS proxy of the README's Production section, never plain HTTP: the
        # clients send its X-Forwarded-Proto, so secure cookies and the CSRF origin check hold.
        "INSECURE_HTTP": "false",
        # One proxy in front, as in production: each simulated browser has its own address.
        "TRUSTED_PROXY_COUNT": "1",
        "TEAMFIT_VAR_DIR": str(run_dir / "var"),
        "PYTHONUNBUFFERED": "1",
    }


def prepare_django():
    import django
    from django.core.management import call_command

    django.setup()
    logging.getLogger().setLevel(logging.WARNING)  # the nodes' logs are in their files
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # DEBUG off: hashed names
    from .data import build

    return build()


def run_scenarios(world, stack, sink, database, broker_url, queue, ports):
    from . import scenarios as s

    plan = [
        # First while the queue is empty: the crash and its recovery are all the workers do.
        ("c. worker SIGKILL mid-send", s.worker_crash, world, stack, sink, broker_url, queue),
        ("a. two tabs, one feedback", s.feedback_tabs, world, ports),
        ("b. same-instant bookings", s.conflicting_bookings, world, ports),
        ("d. cache Redis SIGKILL", s.cache_outage, world, stack, ports),
        ("e. DB connections cut", s.database_drops, world, database, ports),
    ]
    results = []
    for name, scenario, *args in plan:
        result = step(name, s.timed, name, scenario, *args)
        print(f"faults: {name}: {'ok' if result.passed else 'FAILED'} {result.error}", flush=True)
        results.append(result)
    sink.delay = 0  # the bookings' invites need not hold up the workers' shutdown
    return sorted(results, key=lambda result: result.name)


def step(what, function, *args):
    print(f"faults: {what} ...", flush=True)
    return function(*args)


def clean_up(what, function, *args):
    """A clean-up step: one that fails is reported, and the next ones still run."""
    try:
        step(what, function, *args)
    except Exception:
        traceback.print_exc()


def close_django_connections():
    if "django.db" in sys.modules:
        from django.db import connections

        connections.close_all()


def print_table(results, seconds):
    rows = [("scenario", "requests/ops", "must be 0", "other counts", "s")]
    for result in results:
        rows.append((
            result.name,
            str(result.operations),
            result.error or counts(result.must_be_zero),
            counts(result.other),
            f"{result.seconds:.1f}",
        ))  # fmt: skip
    print()
    for row in rows:
        print("| " + " | ".join(row) + " |")
        if row is rows[0]:
            print("|---|--:|---|---|--:|")
    verdict = "passed" if results and all(r.passed for r in results) else "FAILED"
    print(f"\nfaults: {verdict} in {seconds:.0f} s")


def report_failures(results, run_dir):
    """The first few of what failed here, and where the rest is: in CI the folder is gone."""
    logs = run_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    with (logs / "failures.txt").open("w") as out:
        for result in results:
            out.writelines(f"{result.name}: {detail}\n" for detail in result.details)
            if not result.passed:
                for detail in result.details[:8]:
                    print(f"  {result.name}: {detail}")
    # The web nodes' tracebacks are the 5xx; the workers' include the kills this run made.
    for log in sorted(logs.glob("web*.log")):
        lines = log.read_text(errors="replace").splitlines()
        starts = [n for n, line in enumerate(lines) if line.startswith("Traceback")]
        if starts:
            print(f"faults: first of {len(starts)} tracebacks in {log.name}:")
            print("\n".join(lines[starts[0] : starts[0] + 30]))
    print(f"faults: every process's log, and failures.txt, in {logs}")


def counts(named):
    return ", ".join(f"{name} {value}" for name, value in named.items()) or "-"


if __name__ == "__main__":
    sys.exit(main())
