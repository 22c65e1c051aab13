"""A burst of concurrent POSTs to gunicorn on 127.0.0.1, to choose its worker model (README,
Production). Run by hand from the checkout, as a module (run as a script, tests/email would
hide the standard library's email package); pytest does not collect it:

    .venv/bin/python -m tests.load_burst -- --workers 4
    .venv/bin/python -m tests.load_burst -- --worker-class gthread --workers 2 --threads 8

Each of --requests signed-in people saves their profile at the same moment: a small write and a
redirect, as an autosave is. The site runs with production settings behind an imagined TLS
proxy, on a fresh SQLite database in a temporary folder, or on the database DATABASE_URL names
(migrated, and given the burst's people). One warm-up burst, then --rounds measured ones.

Loopback has no network between the web servers and PostgreSQL, where a request spends much of
its time in production: --database-latency-ms puts a relay in front of DATABASE_URL's server
that holds each packet that long each way.
"""

import argparse
import contextlib
import http.client
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
MOST_REQUESTS = 200
MOST_ROUNDS = 5
TIMEOUT_S = 60


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database-latency-ms", type=float, default=0)
    parser.add_argument("gunicorn", nargs=argparse.REMAINDER, help="after --: gunicorn's options")
    options = parser.parse_args()
    if not 0 < options.requests <= MOST_REQUESTS or not 0 < options.rounds <= MOST_ROUNDS:
        parser.error(f"at most {MOST_REQUESTS} requests and {MOST_ROUNDS} rounds")
    gunicorn_args = [arg for arg in options.gunicorn if arg != "--"]

    with tempfile.TemporaryDirectory() as var_dir:
        port = free_port()
        os.environ.update(production_environ(var_dir))
        people = signed_in_people(options.requests)
        database_url = os.environ.get("DATABASE_URL")
        if options.database_latency_ms and database_url:
            database_url = Relay(database_url, options.database_latency_ms / 1000).url
        server = start_gunicorn(port, gunicorn_args, database_url)
        try:
            burst(port, people)  # warm-up: workers connect to the database, load templates
            rounds = [burst(port, people) for _ in range(options.rounds)]
        finally:
            stop(server)
    report(gunicorn_args, options, rounds)


def production_environ(var_dir):
    Path(var_dir, "static").mkdir()  # WhiteNoise's folder; nothing is served from it here
    return {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "TEAMFIT_VAR_DIR": var_dir,
        "DJANGO_SETTINGS_MODULE": "hiring.settings",
        "LOG_LEVEL": "WARNING",
    }


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def signed_in_people(count):
    """(session cookie, CSRF secret) of `count` new people, signed in."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.utils.crypto import get_random_string

    from hiring.models import User

    call_command("migrate", verbosity=0)
    run = secrets.token_hex(4)
    people = []
    for n in range(count):
        browser = Client()
        browser.force_login(
            User.objects.create_user(f"burst-{run}-{n}@load.example", display_name=f"Burst {n}")
        )
        people.append((browser.cookies["sessionid"].value, get_random_string(32)))
    return people


class Relay:
    """A TCP relay on 127.0.0.1 to the database server of `url` that holds every packet
    `delay` seconds each way, as the network between web servers and database does."""

    def __init__(self, url, delay):
        parts = urlsplit(url)
        self.upstream = (parts.hostname, parts.port or 5432)
        self.delay = delay
        self.listener = socket.create_server(("127.0.0.1", 0))
        port = self.listener.getsockname()[1]
        credentials = parts.netloc.rpartition("@")[0]
        self.url = parts._replace(netloc=f"{credentials}@127.0.0.1:{port}").geturl()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            client, _ = self.listener.accept()
            server = socket.create_connection(self.upstream)
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source, target):
        with contextlib.suppress(OSError):
            while chunk := source.recv(65536):
                time.sleep(self.delay)
                target.sendall(chunk)
        for end in (source, target):
            end.close()


def start_gunicorn(port, args, database_url):
    command = [sys.executable, "-m", "gunicorn", "hiring.wsgi", "--bind", f"127.0.0.1:{port}"]
    env = {**os.environ, **({"DATABASE_URL": database_url} if database_url else {})}
    server = subprocess.Popen(
        [*command, "--log-level", "warning", *args], cwd=ROOT, env=env, start_new_session=True
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            # Signed out, /me/ redirects to the login page: nothing rendered, no static files.
            connection.request("GET", "/me/", headers={"X-Forwarded-Proto": "https"})
            connection.getresponse().read()
            return server
        except OSError:
            time.sleep(0.2)
    stop(server)
    raise SystemExit("gunicorn did not answer within 30 s")


def stop(server):
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()


def burst(port, people):
    """Every person saves their profile at once; (status, seconds) of each request."""
    start = threading.Barrier(len(people))
    results = [None] * len(people)

    def save_profile(index, session, token):
        body = urlencode({"display_name": f"Burst {index}", "time_zone": "Europe/London"})
        headers = {
            "Cookie": f"sessionid={session}; csrftoken={token}",
            "X-CSRFToken": token,
            "Origin": f"https://127.0.0.1:{port}",
            "X-Forwarded-Proto": "https",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        start.wait()
        began = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_S)
        try:
            connection.request("POST", "/me/", body, headers)
            status = connection.getresponse().status
        except OSError as error:
            status = type(error).__name__
        finally:
            connection.close()
        results[index] = (status, time.monotonic() - began)

    threads = [
        threading.Thread(target=save_profile, args=(index, *person))
        for index, person in enumerate(people)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def report(gunicorn_args, options, rounds):
    print(
        f"gunicorn {' '.join(gunicorn_args) or '(defaults)'}: {options.requests} concurrent "
        f"POST /me/, database latency {options.database_latency_ms:g} ms each way"
    )
    for number, results in enumerate(rounds, 1):
        seconds = sorted(elapsed for _, elapsed in results)
        statuses = sorted({str(status) for status, _ in results})
        print(
            f"  round {number}: statuses {', '.join(statuses)}; "
            f"median {statistics.median(seconds):.3f} s, "
            f"p95 {seconds[int(0.95 * (len(seconds) - 1))]:.3f} s, "
            f"slowest {seconds[-1]:.3f} s"
        )


if __name__ == "__main__":
    main()
