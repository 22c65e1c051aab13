"""How many tasks a second the embedded filesystem broker carries through a worker.

Starts a worker as `make run` does (prefork, two processes) on `filesystem://` in a temporary
folder, enqueues N tasks and times until the worker has finished them all. The tasks are
trivial (Celery's built-in `celery.accumulate`, touching neither the database nor the mail
server: the figure is the broker's and the worker loop's), or with --emails our own
`send_account_email`, each claiming and marking its ledger row in a fresh SQLite database and
handing the message to Django's dummy backend (a mail server that takes no time).

    .venv/bin/python -m tests.email.broker_throughput            # 200 tasks, 3 rounds
    .venv/bin/python -m tests.email.broker_throughput 500 --emails --rounds 1
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.services import wait_for

ROOT = Path(__file__).resolve().parents[2]
QUEUE = "throughput"


def environment(var_dir):
    return {
        **os.environ,
        "TEAMFIT_VAR_DIR": str(var_dir),
        "DATABASE_URL": f"sqlite:///{Path(var_dir) / 'teamfit.sqlite3'}",
        "CELERY_BROKER_URL": "filesystem://",
        "CELERY_QUEUE": QUEUE,
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    }


def migrate(var_dir):
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--verbosity=0"],
        cwd=ROOT,
        env=environment(var_dir),
        check=True,
    )


def start_worker(var_dir, log_path, concurrency):
    command = [
        sys.executable, "-m", "celery", "-A", "hiring", "worker", "-Q", QUEUE,
        f"--concurrency={concurrency}", "--without-mingle", "--without-gossip",
        "--loglevel=INFO",
    ]  # fmt: skip
    with log_path.open("w") as log:
        return subprocess.Popen(
            command, cwd=ROOT, env=environment(var_dir), stdout=log, stderr=subprocess.STDOUT
        )


def finished(log_path):
    return log_path.read_text().count(" succeeded in ")


def producer(var_dir):
    """A Celery app publishing to the worker's broker folder, as the web process would."""
    from celery import Celery

    broker = Path(var_dir) / "broker"
    app = Celery("throughput", broker="filesystem://")
    app.conf.broker_transport = "hiring.celery:FilesystemTransport"
    app.conf.broker_transport_options = {
        "data_folder_in": str(broker / "messages"),
        "data_folder_out": str(broker / "messages"),
        "control_folder": str(broker / "control"),
    }
    app.conf.task_default_queue = QUEUE
    return app


def account_email(number):
    """The arguments of hiring.tasks.send_account_email for one small message."""
    message = {
        "subject": "Confirm your email address",
        "body": "Follow the link to confirm it.",
        "from_email": "Teamfit <teamfit@teamfit.example>",
        "to": [f"person{number}@example.com"],
        "headers": {},
        "alternatives": [],
        "content_subtype": "plain",
    }
    return (f"throughput-{number}", message)


def measure(count, concurrency=2, emails=False, timeout=300):
    """Tasks per second from the first enqueue to the last task finished."""
    with tempfile.TemporaryDirectory() as var_dir:
        log_path = Path(var_dir) / "worker.log"
        if emails:
            migrate(var_dir)
        worker = start_worker(var_dir, log_path, concurrency)
        try:
            if not wait_for(lambda: " ready." in log_path.read_text(), 60, every=0.05):
                raise RuntimeError(f"The worker did not start:\n{log_path.read_text()}")
            app = producer(var_dir)
            started = time.monotonic()
            for number in range(count):
                if emails:
                    app.send_task("hiring.tasks.send_account_email", args=account_email(number))
                else:
                    app.send_task("celery.accumulate", args=(number,))
            enqueued = time.monotonic() - started
            if not wait_for(lambda: finished(log_path) >= count, timeout, every=0.05):
                raise RuntimeError(f"{finished(log_path)} of {count} done in {timeout} s")
            elapsed = time.monotonic() - started
        finally:
            worker.terminate()
            worker.wait(timeout=30)
    return count / elapsed, enqueued, elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, nargs="?", default=200)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--emails", action="store_true", help="send_account_email tasks")
    arguments = parser.parse_args()
    kind = "send_account_email" if arguments.emails else "trivial"
    for _ in range(arguments.rounds):
        rate, enqueued, elapsed = measure(arguments.count, arguments.concurrency, arguments.emails)
        print(
            f"{arguments.count} {kind} tasks, concurrency {arguments.concurrency}: enqueued in "
            f"{enqueued:.2f} s, all done in {elapsed:.2f} s: {rate:.1f} tasks/s"
        )


if __name__ == "__main__":
    main()
