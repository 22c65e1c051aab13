"""A slow SMTP server on 127.0.0.1 that records every message it accepts.

It speaks enough SMTP for Django's SMTP backend (smtplib) and waits `delay` seconds before it
confirms the end of a message's DATA. A worker killed during that wait has handed over a message
it never heard was accepted: like a real mail server, the sink keeps it (it records before it
answers), which is how a crash turns into a duplicate when the task runs again.
"""

import email.parser
import hashlib
import json
import socketserver
import threading
import time


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True  # a connection left open never holds up the run's exit
    allow_reuse_address = True


class SmtpSink:
    def __init__(self, record_path, delay=0.0):
        self.record_path = record_path
        self.delay = delay
        self.lock = threading.Lock()
        self.accepted = []  # {"to": [...], "message_id": ..., "at": monotonic seconds}
        self.in_flight = 0  # messages received whose 250 is not sent yet
        self.cut_off = 0  # sessions that ended without QUIT: the client died or hung up
        self.last_activity = time.monotonic()
        self.server = None

    def start(self):
        """Listen on a free port of 127.0.0.1, answer from threads; returns the port."""
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                sink.converse(self.rfile, self.wfile)

        self.server = _Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, name="smtp-sink", daemon=True).start()
        return self.server.server_address[1]

    def stop(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def converse(self, rfile, wfile):
        """One SMTP session. Whatever way it ends short of QUIT counts as cut off."""
        self.touch()
        try:
            finished = self.commands(rfile, wfile)
        except OSError:  # reset by a peer that died
            finished = False
        if not finished:
            with self.lock:
                self.cut_off += 1

    def commands(self, rfile, wfile):
        def reply(*lines):
            wfile.write(b"".join(line.encode() + b"\r\n" for line in lines))
            wfile.flush()

        reply("220 teamfit-faults ESMTP sink")
        recipients = []
        while line := rfile.readline():
            self.touch()
            command = line.decode("latin-1").strip()
            verb = command[:4].upper()
            if verb == "EHLO":
                reply("250-teamfit-faults", "250 8BITMIME")
            elif verb == "HELO":
                reply("250 teamfit-faults")
            elif verb in ("MAIL", "RSET"):
                recipients = []
                reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command.partition("<")[2].partition(">")[0].lower())
                reply("250 OK")
            elif verb == "DATA":
                reply("354 End data with <CR><LF>.<CR><LF>")
                data = read_data(rfile)
                if data is None:
                    return False  # the client went away halfway through the message
                self.accept(recipients, data)
                reply("250 OK")
                recipients = []
            elif verb == "NOOP":
                reply("250 OK")
            elif verb == "QUIT":
                reply("221 Bye")
                return True
            else:
                reply("502 Command not implemented")
        return False

    def accept(self, recipients, data):
        """Keep the message after the slow server's pause, before it says so."""
        with self.lock:
            self.in_flight += 1
        try:
            time.sleep(self.delay)
            headers = email.parser.BytesHeaderParser().parsebytes(data)
            message_id = headers["Message-ID"] or "sha256:" + hashlib.sha256(data).hexdigest()
            record = {"to": recipients, "message_id": message_id.strip(), "at": time.monotonic()}
            with self.lock:
                self.accepted.append(record)
                with open(self.record_path, "a") as log:
                    log.write(json.dumps(record) + "\n")
        finally:
            with self.lock:
                self.in_flight -= 1
            self.touch()

    def touch(self):
        self.last_activity = time.monotonic()

    def quiet_for(self):
        return time.monotonic() - self.last_activity


def read_data(rfile):
    """The message up to the line with a single dot, dot-stuffing undone; None on EOF."""
    lines = []
    while line := rfile.readline():
        if line in (b".\r\n", b".\n"):
            return b"".join(lines)
        lines.append(line[1:] if line.startswith(b"..") else line)
    return None
