"""Mail servers that fail in the ways a real one, or the worker talking to it, can.

Each keeps what it accepted in Django's locmem outbox (`mailoutbox`), as the test backend does.
"""

import os
import signal
import smtplib

from django.core.mail.backends.filebased import EmailBackend as FileBackend
from django.core.mail.backends.locmem import EmailBackend as Outbox


class WorkerDied(BaseException):
    """The worker process ending mid-task. Not an Exception: no handler of ours runs in a
    process that was killed, so none may run here."""


class AcceptsThenWorkerDies(Outbox):
    """The server accepts the message; the worker dies before the ledger records it."""

    def send_messages(self, messages):
        super().send_messages(messages)
        raise WorkerDied


class Refuses(Outbox):
    """A server that drops the connection before accepting anything."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class AcceptsThenProcessIsKilled(FileBackend):
    """For a live worker: the message is written to a file (accepted), then the worker's
    process is killed outright, as the kernel's OOM killer or `kill -9` would."""

    def send_messages(self, messages):
        sent = super().send_messages(messages)
        os.kill(os.getpid(), signal.SIGKILL)
        return sent


class RefusesTheRecipient(Outbox):
    """A server that refuses the address, naming it in its reply as real servers do."""

    def send_messages(self, messages):
        refused = {
            to: (550, f"5.1.1 <{to}>: Recipient address rejected".encode()) for to in messages[0].to
        }
        raise smtplib.SMTPRecipientsRefused(refused)


class Meanwhile(Outbox):
    """A server that accepts the message once `Meanwhile.then()` ran: what a person did while
    it was being sent (set `then` in the test, and back to None after)."""

    then = None

    def send_messages(self, messages):
        if Meanwhile.then is not None:
            Meanwhile.then()
        return super().send_messages(messages)
