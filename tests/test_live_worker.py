"""Tasks run by a real Celery worker in its own process, through the configured broker.

On a fresh clone that is the embedded filesystem broker and the SQLite test database; in CI's
second run it is Redis and PostgreSQL.
"""

import os
import re
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from kombu import Connection

from hiring.celery import app as celery_app
from hiring.models import Invitation, Notification, User
from hiring.scheduling import booking
from hiring.tasks import send_invitation, send_session_invites
from hiring.teams import invitations
from tests.factories import ApplicationFactory, UserFactory
from tests.services import require

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


@dataclass
class Worker:
    mail_dir: Path
    log_path: Path

    def sent_mails(self):
        """Each email's text. Django's file backend may append several to one file, each
        followed by a line of 79 dashes."""
        files = sorted(self.mail_dir.glob("*.log")) if self.mail_dir.exists() else []
        texts = (part.strip() for path in files for part in path.read_text().split("-" * 79))
        return [text for text in texts if text]

    def finished_tasks(self):
        return self.log_path.read_text().count(" succeeded in ")


@pytest.fixture
def worker(transactional_db, tmp_path):
    """A `celery worker` process on a queue of its own, writing emails to files."""
    broker = settings.CELERY_BROKER_URL
    require(f"The Celery broker {broker}", broker_reachable(broker), "start it or unset it")
    queue = f"teamfit-test-{uuid.uuid4().hex[:12]}"
    worker = Worker(mail_dir=tmp_path / "mail", log_path=tmp_path / "worker.log")
    log = worker.log_path.open("w")
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker,
        "CELERY_QUEUE": queue,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(worker.mail_dir),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "hiring", "worker", "--pool=solo", "-Q", queue,
         "--without-mingle", "--without-gossip", "--loglevel=INFO"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    try:
        yield worker
    finally:
        celery_app.conf.task_default_queue = settings.CELERY_TASK_DEFAULT_QUEUE
        process.terminate()
        process.wait(timeout=20)
        log.close()
        print(worker.log_path.read_text())  # shown by pytest when the test fails


def wait_for(condition, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


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
