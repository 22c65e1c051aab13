"""The services of a fault run: its own database, cache Redis, web nodes and Celery processes.

Every process starts in a session of its own, so it leads its own process group: a stop or a
kill reaches its children (gunicorn's workers, Celery's pool) and nothing this run did not
start. Every wait has a deadline.
"""

import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import psycopg
import redis
from psycopg import sql

ROOT = Path(__file__).resolve().parents[2]


class ServiceMissing(Exception):
    """Something the fault run needs is not on this machine."""


def free_port():
    """A port nobody listens on now: the kernel's pick for port 0."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(ready, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.2)
    raise TimeoutError(f"{what} not ready within {seconds} s")


class Process:
    """A child process leading its own group, its output appended to `<log_dir>/<name>.log`."""

    def __init__(self, name, argv, env, log_dir):
        self.name, self.argv, self.env = name, argv, env
        self.log_path = Path(log_dir) / f"{name}.log"
        self.popen = None

    def start(self):
        with self.log_path.open("ab") as log:
            self.popen = subprocess.Popen(
                self.argv,
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def alive(self):
        return self.popen is not None and self.popen.poll() is None

    def group(self):
        """The live pids of this process's group (its leader may be gone, its children not)."""
        if self.popen is None:
            return []
        self.popen.poll()  # reap the leader, so it does not linger as a zombie
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # After the command in parentheses (which may hold spaces): state, ppid, pgrp.
            state, _, pgrp = stat.rsplit(")", 1)[1].split()[:3]
            if int(pgrp) == self.popen.pid and state != "Z":
                pids.append(int(entry.name))
        return pids

    def signal_group(self, signum):
        with contextlib.suppress(ProcessLookupError):  # the whole group is gone already
            os.killpg(self.popen.pid, signum)

    def kill(self):
        """SIGKILL to the whole group, as a crash or the OOM killer would: no handler runs.
        Returns how many processes it took down."""
        pids = self.group()
        self.signal_group(signal.SIGKILL)
        wait_until(lambda: not self.group(), 10, f"{self.name} to die")
        return len(pids)

    def stop(self, grace=10):
        """SIGTERM to the group, then SIGKILL to whatever is left after `grace` seconds."""
        if self.popen is None:
            return
        if self.group():
            self.signal_group(signal.SIGTERM)
            try:
                wait_until(lambda: not self.group(), grace, f"{self.name} to stop")
            except TimeoutError:
                self.signal_group(signal.SIGKILL)
                wait_until(lambda: not self.group(), 10, f"{self.name} to die")
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=5)


class Database:
    """A database of the run's own on the PostgreSQL server `server_url` names, made and
    dropped through the `postgres` maintenance database (the role needs CREATEDB)."""

    def __init__(self, server_url, name):
        parts = urlsplit(server_url)
        self.name = name
        self.connect_args = {
            "host": parts.hostname or "localhost",
            "port": parts.port or 5432,
            "user": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
        }
        self.url = parts._replace(path=f"/{name}").geturl()

    def maintenance(self):
        return psycopg.connect(
            dbname="postgres", autocommit=True, connect_timeout=5, **self.connect_args
        )

    def unreachable(self):
        """Why the server cannot be used, or "" when it can."""
        try:
            with self.maintenance():
                return ""
        except psycopg.Error as error:
            return str(error).strip().splitlines()[0]

    def create(self):
        self.drop()
        with self.maintenance() as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name)))

    def drop(self):
        with self.maintenance() as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name))
            )

    def terminate_backends(self):
        """Cut every connection to the run's database, as a failover or a proxy's idle timeout
        would; returns how many there were."""
        with self.maintenance() as admin:
            [(count,)] = admin.execute(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> pg_backend_pid()",
                [self.name],
            ).fetchall()
        return count


def redis_answers(url):
    try:
        return redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping()
    except redis.RedisError:
        return False


def login_page_answers(port):
    """The web node serves its login page (as the TLS proxy would ask for it)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=3)
    try:
        connection.request("GET", "/accounts/login/", headers={"X-Forwarded-Proto": "https"})
        return connection.getresponse().status in (200, 302)
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()


def forget_queue(broker_url, queue):
    """Leave the shared broker as the run found it: no list, binding or unacknowledged
    message of the run's queue (kombu's Redis keys) stays behind."""
    with redis.Redis.from_url(broker_url, socket_timeout=2) as broker:
        for tag, entry in broker.hgetall("unacked").items():
            if json.loads(entry)[-1] == queue:
                broker.hdel("unacked", tag)
                broker.zrem("unacked_index", tag)
        priorities = [f"{queue}\x06\x16{priority}" for priority in (3, 6, 9)]
        bindings = [f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"]
        broker.delete(queue, *priorities, *bindings)


class Stack:
    """The processes of the run: a cache Redis, two gunicorn nodes, two Celery workers and
    beat, all sharing `env`."""

    def __init__(self, env, run_dir, cache_port, web_ports, queue, celery_app):
        self.env, self.run_dir, self.queue, self.celery_app = env, Path(run_dir), queue, celery_app
        self.cache_port, self.web_ports = cache_port, web_ports
        self.logs = self.run_dir / "logs"
        self.logs.mkdir(exist_ok=True)
        # Node names unique to the run: another run on the same broker answers no ping of ours.
        self.workers = [f"w{n}-{os.getpid()}" for n in (1, 2)]
        self.processes = {}

    @property
    def cache_url(self):
        return f"redis://127.0.0.1:{self.cache_port}/0"

    def start(self):
        self.start_cache()
        for index, port in enumerate(self.web_ports, 1):
            self.launch(f"web{index}", gunicorn_argv(port))
        for worker in self.workers:
            self.launch(worker, worker_argv(f"{worker}@%h", self.queue))
        self.launch("beat", beat_argv(self.run_dir))
        for index, port in enumerate(self.web_ports, 1):
            self.await_ready(f"web{index}", lambda port=port: login_page_answers(port))
        for worker in self.workers:
            self.await_ready(worker, lambda worker=worker: self.worker_answers(worker))
        self.await_ready("beat", lambda: True)

    def launch(self, name, argv):
        self.processes[name] = Process(name, argv, self.env, self.logs).start()

    def await_ready(self, name, ready, seconds=60):
        """Until `ready()`; a process that exits meanwhile fails the run at once."""
        process = self.processes[name]
        wait_until(lambda: not process.alive() or ready(), seconds, name)
        if not process.alive():
            raise RuntimeError(f"{name} exited: see {process.log_path}")

    def worker_answers(self, worker):
        destination = f"{worker}@{os.uname().nodename}"
        return bool(self.celery_app.control.ping(destination=[destination], timeout=0.5))

    def start_cache(self):
        argv = [shutil.which("redis-server"), "--port", str(self.cache_port)]
        argv += ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"]
        self.launch("cache-redis", argv)
        self.await_ready("cache-redis", lambda: redis_answers(self.cache_url), 20)

    def ensure_cache(self):
        if not redis_answers(self.cache_url):
            self.processes["cache-redis"].stop()
            self.start_cache()

    def kill_cache(self):
        killed = self.processes["cache-redis"].kill()
        if redis_answers(self.cache_url):
            raise RuntimeError("the cache Redis still answers after SIGKILL")
        return killed

    def kill_worker(self, index):
        return self.processes[self.workers[index]].kill()

    def restart_worker(self, index):
        worker = self.workers[index]
        self.launch(worker, worker_argv(f"{worker}@%h", self.queue))
        self.await_ready(worker, lambda: self.worker_answers(worker))

    def stop(self):
        # Web and beat first, so nothing starts work the workers would then be asked to do.
        order = ["web1", "web2", "beat", *self.workers, "cache-redis"]
        for name in order:
            if name in self.processes:
                self.processes[name].stop()


def gunicorn_argv(port):
    # As the README's Production section runs it: a worker per core, 8 threads each.
    return [sys.executable, "-m", "gunicorn", "hiring.wsgi", "--bind", f"127.0.0.1:{port}",
            "--worker-class", "gthread", "--workers", "2", "--threads", "8",
            "--timeout", "30", "--graceful-timeout", "5",
            "--access-logfile", "-", "--error-logfile", "-"]  # fmt: skip


def worker_argv(name, queue):
    # No mingle or gossip: they only slow the start, and would talk to other runs' workers.
    return [sys.executable, "-m", "celery", "-A", "hiring", "worker", "--concurrency", "2",
            "-n", name, "-Q", queue, "--loglevel", "INFO",
            "--without-mingle", "--without-gossip"]  # fmt: skip


def beat_argv(run_dir):
    # Its schedule and pid files in the run's folder, never in the checkout.
    return [sys.executable, "-m", "celery", "-A", "hiring", "beat", "--loglevel", "INFO",
            "--schedule", str(Path(run_dir) / "beat-schedule"),
            "--pidfile", str(Path(run_dir) / "beat.pid")]  # fmt: skip
