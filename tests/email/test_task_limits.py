"""Every task is bounded in time, and Redis hands a task to another worker only once the
worker that had it is surely gone: a minute after the longest bound, not after an hour."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hiring import tasks
from hiring.celery import app as celery_app
from hiring.email.notifications import CLAIM_EXPIRES, SENDING_TIME_LIMIT_S

ROOT = Path(__file__).resolve().parents[2]
SENDING = [
    "send_invitation",
    "send_account_email",
    "send_session_invites",
    "send_session_cancellations",
    "send_due_reminders",
    "send_decision_notices",
    "send_withdrawal_notices",
    "send_windows_proposed",
    "send_leadership_invited_notices",
    "send_leadership_granted_notices",
    "send_departure_notices",
]


# Tasks of the domains with a tasks module of their own (hiring/celery.py finds them).
DOMAIN_TASKS = {
    "hiring.imports.tasks.check_import",
    "hiring.imports.tasks.run_import",
    "hiring.outreach.tasks.send_candidate_email",
    "hiring.outreach.tasks.send_due_candidate_emails",
    "hiring.offers.tasks.send_offer_answered_notices",
    "hiring.offers.tasks.expire_offers",
    "hiring.privacy.tasks.build_export",
    "hiring.privacy.tasks.send_export_ready",
    "hiring.privacy.tasks.expire_exports",
    "hiring.privacy.tasks.send_erasure_confirmation",
    "hiring.privacy.tasks.send_status_links",
    "hiring.privacy.tasks.run_retention",
    "hiring.privacy.tasks.send_retention_notices",
    "hiring.privacy.tasks.sweep_stored_files",
}


def our_tasks():
    celery_app.loader.import_default_modules()  # every task module, whatever ran before
    return [task for name, task in celery_app.tasks.items() if name.startswith("hiring.")]


def celery_settings(broker_url, *names):
    """The settings `names` as hiring/settings.py makes them for `broker_url`."""
    code = (
        "import json, sys; from django.conf import settings; "
        "print(json.dumps({name: getattr(settings, name) for name in sys.argv[1:]}))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hiring.settings"}
    result = subprocess.run(
        [sys.executable, "-c", code, *names],
        cwd=ROOT,
        env=env | {"CELERY_BROKER_URL": broker_url},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


def test_every_task_stops_softly_before_it_is_killed():
    names = {task.name.removeprefix("hiring.tasks.") for task in our_tasks()}
    assert names == {
        *SENDING,
        "refresh_calendar_feeds",
        "refresh_report",
        "warm_default_reports",
        "queue_unqueued",
        *DOMAIN_TASKS,
    }
    for task in our_tasks():
        assert 0 < task.soft_time_limit < task.time_limit <= tasks.LONGEST_TIME_LIMIT_S, task.name


def test_a_sending_task_ends_before_its_claim_expires_and_retries_after():
    for name in SENDING:
        task = getattr(tasks, name)
        assert task.time_limit == SENDING_TIME_LIMIT_S < CLAIM_EXPIRES.total_seconds()
        assert task.retry_kwargs["countdown"] >= CLAIM_EXPIRES.total_seconds()


@pytest.mark.parametrize("broker_url", ["redis://localhost:6379/0", "rediss://redis.internal/1"])
def test_redis_redelivers_a_minute_after_the_longest_time_limit(broker_url):
    redis = celery_settings(
        broker_url, "CELERY_BROKER_TRANSPORT_OPTIONS", "CELERY_WORKER_PREFETCH_MULTIPLIER"
    )

    assert redis["CELERY_WORKER_PREFETCH_MULTIPLIER"] == 1
    visibility_timeout = redis["CELERY_BROKER_TRANSPORT_OPTIONS"]["visibility_timeout"]
    assert visibility_timeout == tasks.LONGEST_TIME_LIMIT_S + 60
    # A retry waits for its countdown in the worker, unacknowledged, then runs: Redis must not
    # hand it to a second worker meanwhile.
    assert visibility_timeout > CLAIM_EXPIRES.total_seconds() + SENDING_TIME_LIMIT_S


def test_the_embedded_broker_polls_often_and_fetches_a_few_at_a_time():
    embedded = celery_settings(
        "filesystem://",
        "CELERY_BROKER_TRANSPORT_OPTIONS",
        "CELERY_WORKER_PREFETCH_MULTIPLIER",
        "CELERY_BROKER_TRANSPORT",
    )

    options = embedded["CELERY_BROKER_TRANSPORT_OPTIONS"]
    assert set(options) == {
        "data_folder_in",
        "data_folder_out",
        "control_folder",
        "polling_interval",
    }
    assert options["polling_interval"] == 0.1
    assert embedded["CELERY_WORKER_PREFETCH_MULTIPLIER"] == 4
    assert embedded["CELERY_BROKER_TRANSPORT"] == "hiring.celery:FilesystemTransport"
