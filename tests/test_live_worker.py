"""Tasks run by a real Celery worker in its own process, through the configured broker.

On a fresh clone that is the embedded filesystem broker and the SQLite test database; in CI's
second run it is Redis and PostgreSQL.
"""

import os
import re
import subprocess
import sys
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from email import message_from_string
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from kombu import Connection

from hiring.celery import app as celery_app
from hiring.email.notifications import CLAIM_EXPIRES, message_id
from hiring.models import Invitation, Notification, User
from hiring.scheduling import booking
from hiring.tasks import send_invitation, send_session_invites
from hiring.teams import invitations
from tests.factories import ApplicationFactory, UserFactory
from tests.services import require, wait_for

pytestmark = pytest.mark.live_worker
ROOT = Path(__file__).resolve().parent.parent


def broker_reachable(url):
    try:
        with Connection(url, transport_options=celery_app.conf.broker_transport_options) as conn:
            conn.ensure_connection(max_retries=1, timeout=3)
    except Exception:
        return False
    return True


def database_url():
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"


@dataclass
class Worker:
    mail_dir: Path
    log_path: Path
    process: subprocess.Popen | None = None

    def sent_mails(self):
        """Each email's text. Django's file backend may append several to one file, each
        followed by a line of 79 dashes."""
        files = sorted(self.mail_dir.glob("*.log")) if self.mail_dir.exists() else []
        texts = (part.strip() for path in files for part in path.read_text().split("-" * 79))
        return [text for text in texts if text]

    def finished_tasks(self):
        return self.log_path.read_text().count(" succeeded in ")


@pytest.fixture
def start_worker(transactional_db, tmp_path):
    """Start `celery worker` processes on a queue of this test's own, writing emails to files
    in one folder."""
    broker = settings.CELERY_BROKER_URL
    require(f"The Celery broker {broker}", broker_reachable(broker), "start it or unset it")
    queue = f"teamfit-test-{uuid.uuid4().hex[:12]}"
    workers = []

    def start(email_backend=FILE_BACKEND):
        worker = Worker(mail_dir=tmp_path / "mail", log_path=tmp_path / f"worker{len(workers)}.log")
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": broker,
            "CELERY_QUEUE": queue,
            "EMAIL_BACKEND": email_backend,
            "EMAIL_FILE_PATH": str(worker.mail_dir),
        }
        with worker.log_path.open("w") as log:
            worker.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "hiring", "worker", "--pool=solo",
                 "-Q", queue, "--without-mingle", "--without-gossip", "--loglevel=INFO"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        workers.append(worker)
        return worker

    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    try:
        yield start
    finally:
        celery_app.conf.task_default_queue = settings.CELERY_TASK_DEFAULT_QUEUE
        # Killed, not stopped: the test has asserted what it needed, and a warm shutdown takes
        # 4-5 s on the filesystem broker (its worker loop looks for one every 2 s).
        for worker in workers:
            worker.process.kill()
            worker.process.wait(timeout=20)
            print(worker.log_path.read_text())  # shown by pytest when the test fails


@pytest.fixture
def worker(start_worker):
    """A `celery worker` process on a queue of its own, writing emails to files."""
    return start_worker()


def test_invitation_is_emailed_by_the_worker_once_committed(worker):
    admin = UserFactory(role=User.Role.ADMIN)
    with transaction.atomic():
        invitation = invitations.invite("rita@example.com", invited_by=admin, role="recruiter")

    assert wait_for(lambda: Notification.objects.filter(sent_at__isnull=False).exists())
    [text] = worker.sent_mails()
    assert "To: rita@example.com" in text
    [token] = re.findall(r"/invitations/([^/\s]+)/", text)
    assert Invitation.from_token(token) == invitation


def test_a_duplicated_task_sends_one_email(worker):
    admin = UserFactory(role=User.Role.ADMIN)
    with transaction.atomic():
        invitation = invitations.invite("rita@example.com", invited_by=admin, role="recruiter")
    send_invitation.delay(invitation.pk)
    send_invitation.delay(invitation.pk)

    assert wait_for(lambda: worker.finished_tasks() == 3)
    assert len(worker.sent_mails()) == 1
    assert Notification.objects.filter(key=f"invitation:{invitation.pk}").count() == 1


def test_panel_invites_are_sent_by_the_worker_once(worker, member, teammate, team):
    for user in (member, teammate):
        for day in range(5):
            user.working_hours.create(weekday=day, start=clock(9), end=clock(17))
    application = ApplicationFactory(opening__team=team)
    panel = booking.create_panel(
        application,
        member,
        [{"focus": "team_fit", "duration_minutes": 60, "interviewers": [member, teammate]}],
    )
    monday = datetime(2030, 3, 4, tzinfo=UTC)
    [option, *_] = booking.find_options(panel, monday, monday + timedelta(days=1))

    booking.book(panel, option, member)
    session = panel.sessions.get()
    send_session_invites.delay(session.pk, session.sequence)  # a duplicate delivery

    assert wait_for(lambda: worker.finished_tasks() == 2)
    invites = worker.sent_mails()
    assert len(invites) == 3  # two interviewers and the candidate, once each
    assert all("METHOD:REQUEST" in text and session.uid in text for text in invites)


def test_a_worker_killed_after_the_mail_server_accepted_sends_one_more_copy_with_the_same_id(
    start_worker,
):
    dying = start_worker("tests.email.backends.AcceptsThenProcessIsKilled")
    admin = UserFactory(role=User.Role.ADMIN)
    with transaction.atomic():
        invitation = invitations.invite("rita@example.com", invited_by=admin, role="recruiter")

    assert wait_for(lambda: dying.process.poll() is not None)
    # The claim was committed before the message went out, so it outlived the worker.
    notification = Notification.objects.get(key=f"invitation:{invitation.pk}")
    assert notification.claimed_at is not None
    assert notification.sent_at is None
    # Once no attempt that old can be alive, the task comes again. Redis redelivers it; the
    # filesystem broker lost it with the worker's memory, so the test sends it again.
    notification.claimed_at -= CLAIM_EXPIRES
    notification.save(update_fields=["claimed_at"])
    healthy = start_worker()
    send_invitation.delay(invitation.pk)

    assert wait_for(lambda: healthy.finished_tasks() == 1)
    first, second = [message_from_string(text) for text in healthy.sent_mails()]
    assert first["Message-ID"] == second["Message-ID"] == message_id(notification.key)
    notification.refresh_from_db()
    assert notification.sent_at is not None
    assert notification.attempts == 2


def test_a_refused_address_is_retried_and_logged_without_it(start_worker):
    """The worker's log says which task failed and why, never whose address it was (a
    candidate's email takes the same path)."""
    refusing = start_worker("tests.email.backends.RefusesTheRecipient")
    admin = UserFactory(role=User.Role.ADMIN)
    with transaction.atomic():
        invitations.invite("rita@example.com", invited_by=admin, role="recruiter")

    assert wait_for(lambda: " retry: " in refusing.log_path.read_text())
    log = refusing.log_path.read_text()
    assert "hiring.tasks.send_invitation" in log
    assert "SMTPRecipientsRefused" in log
    assert "rita@example.com" not in log
