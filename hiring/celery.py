import functools
import logging
import os
import uuid
from time import monotonic

from celery import Celery
from celery.contrib.django.task import DjangoTask
from django.db import DatabaseError, transaction
from kombu.exceptions import ChannelError, KombuError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hiring.settings")

logger = logging.getLogger(__name__)


class Task(DjangoTask):
    """Celery's Django task, but what a write queues as it commits never fails the write: once
    it is in, a broker out of reach is logged, not raised. Raised, the person who made the write
    read an error for a write that stood (a candidate accepting an offer, a member recording a
    decision) and tried again. The task is kept in the database instead (UnqueuedTask), and
    beat queues it again once the broker takes it (hiring.tasks.queue_unqueued): a notice is
    late, not lost. Only if the database refuses it too is it lost, and the log names it.
    Outside a transaction nothing waits to commit: it is queued at once and a refusal is
    raised, for a view whose person waits for the task's work (an import, an export) to tell
    them."""

    # A task whose person stands waiting for it (a sign-in code, a password reset link) is run
    # in the request when the broker refuses it: kept for beat, it would arrive after its code
    # expired, its link kept in the database meanwhile. Kept only if it fails there too.
    runs_here_if_refused = False

    def delay_on_commit(self, *args, **kwargs):
        if transaction.get_connection().in_atomic_block:
            transaction.on_commit(functools.partial(self.delay_or_keep, *args, **kwargs))
        else:
            self.delay(*args, **kwargs)

    def delay_or_keep(self, *args, **kwargs):
        """Queued now; refused by the broker, logged and kept for beat to queue again. For
        what a write queues as it commits, and a task's own follow-up (an export's email):
        nobody is waiting to be told of the refusal, and raised it would be lost."""
        try:
            self.delay(*args, **kwargs)
        except (KombuError, OSError):
            logger.exception(
                "Task %s not queued: the broker did not take it", self._described(args)
            )
            if self.runs_here_if_refused and self._ran_here(args, kwargs):
                return
            self._keep(args, kwargs)

    def _ran_here(self, args, kwargs):
        try:
            self.run(*args, **kwargs)
        except Exception:
            logger.exception("Task %s failed when run in the request", self._described(args))
            return False
        logger.warning("Task %s run in the request instead", self._described(args))
        return True

    def _keep(self, args, kwargs):
        from .models import UnqueuedTask  # this module loads before the apps' models

        try:
            payload = dumps({"args": args, "kwargs": kwargs})
            UnqueuedTask.objects.create(name=self.name, payload=payload)
        except DatabaseError:
            logger.exception("Task %s lost: the database did not keep it", self._described(args))
        else:
            logger.warning("Task %s kept, to be queued again by beat", self._described(args))

    def _described(self, args):
        """The task with its ids, for the log; any other argument by its type only: it can
        be a person's address or the text of an email, a password reset link in it."""
        shown = (repr(arg) if isinstance(arg, int) else f"<{type(arg).__name__}>" for arg in args)
        return f"{self.name}({', '.join(shown)})"


app = Celery("hiring", task_cls=Task)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The domains with tasks of their own (hiring/<domain>/tasks.py).
app.autodiscover_tasks(["hiring.imports", "hiring.outreach", "hiring.offers", "hiring.privacy"])


class FilesystemChannel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        """Write the message under a name consumers skip, then rename it into place.

        kombu writes into the final name, so a worker polling at that moment moves away an
        empty file, fails to read it and stops ("Unrecoverable error: JSONDecodeError"), the
        message lost: once in about fifteen bursts of 200 at a poll every 0.1 s.
        """
        # kombu's name: the time orders the messages; consumers take "<...>.<queue>.msg" only.
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        path = os.path.join(self.data_folder_out, name)
        data = str_to_bytes(dumps(payload))
        try:
            with open(f"{path}.part", "wb") as file:
                file.write(data)
            os.replace(f"{path}.part", path)
        except OSError as error:
            raise ChannelError(f"Cannot add file {path!r} to directory") from error


class FilesystemTransport(filesystem.Transport):
    """kombu's filesystem transport (the embedded broker), writing each message atomically."""

    Channel = FilesystemChannel

    @property
    def default_connection_params(self):
        # A folder has no host: kombu's default of 'localhost' came with a warning on every
        # connection ("No hostname was supplied"), in the worker's log and make run's.
        return {"port": self.default_port}
