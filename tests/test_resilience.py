"""The site stays up when Redis, its cache, does not: pages are computed, logins go through."""

import shutil
import socket
import subprocess
import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache

from tests.factories import PASSWORD, ApplicationFactory, UserFactory
from tests.services import require

# Nothing listens on port 1: every connection is refused at once.
NOBODY_THERE = "redis://127.0.0.1:1/0"


def fail_open_cache(location, retry_after=0):
    """The production cache (see test_deploy.py), trying Redis again `retry_after` seconds after
    it failed."""
    options = {"socket_connect_timeout": 0.2, "RETRY_AFTER": retry_after}
    return {
        "default": {
            "BACKEND": "hiring.cache.FailOpenRedisCache",
            "LOCATION": location,
            "OPTIONS": options,
        }
    }


@pytest.fixture
def redis_down(settings):
    settings.CACHES = fail_open_cache(NOBODY_THERE)


def test_cached_pages_are_computed_while_redis_is_down(client, member, team, redis_down):
    application = ApplicationFactory(opening__team=team)
    client.force_login(member)

    for url in ("/pipeline/", "/reports/", "/reports/funnel.csv", application.get_absolute_url()):
        assert client.get(url).status_code == 200, url


def test_logins_go_through_while_redis_is_down(client, db, redis_down, caplog):
    user = UserFactory()

    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)
    assert client.get("/").status_code == 200
    assert "Redis cache unreachable, serving without it" in caplog.text


def test_an_outage_is_logged_once_not_per_request(client, member, redis_down, caplog):
    client.force_login(member)

    for _ in range(3):
        client.get("/pipeline/")

    warnings = [r for r in caplog.records if r.name == "hiring.cache" and r.levelname == "WARNING"]
    assert len(warnings) == 1


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A redis-server of this test's own, to stop and start again."""

    def __init__(self, binary, folder, keeps_data=False):
        self.port = free_port()
        self.command = [binary, "--port", str(self.port), "--save", "", "--dir", str(folder)]
        if keeps_data:  # on disk, as it stops and starts again
            self.command += ["--appendonly", "yes", "--appendfsync", "always"]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(self.command, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def started_redis(folder, keeps_data=False):
    binary = shutil.which("redis-server")
    require("redis-server", binary, "install Debian's redis-server package")
    server = RedisServer(binary, folder, keeps_data)
    server.start()
    return server


@pytest.fixture
def redis_server(tmp_path):
    server = started_redis(tmp_path)
    yield server
    server.stop()


@pytest.fixture
def redis_keeping_data(tmp_path):
    server = started_redis(tmp_path, keeps_data=True)
    yield server
    server.stop()


def test_the_cache_is_used_again_once_redis_is_back(redis_server, settings):
    settings.CACHES = fail_open_cache(redis_server.url)
    cache.set("greeting", "hello")
    assert cache.get("greeting") == "hello"

    redis_server.stop()
    assert cache.get("greeting") is None
    assert cache.add("lock", True)  # allauth's rate-limit lock: taken, so logins go on

    redis_server.start()
    cache.set("greeting", "hello again")
    assert cache.get("greeting") == "hello again"


def test_a_failed_redis_is_left_alone_for_a_while(redis_server, settings):
    # A Redis that does not answer may cost a connect timeout per operation: not on every one.
    settings.CACHES = fail_open_cache(redis_server.url, retry_after=60)
    redis_server.stop()
    assert cache.get("greeting") is None

    redis_server.start()
    cache.set("greeting", "hello")
    assert cache.get("greeting") is None


def test_a_deletion_that_missed_redis_is_made_once_it_answers(redis_keeping_data, settings):
    # The board forgets a column by deleting its token: a Redis that comes back with its data
    # (or was only out of this process's reach) would otherwise serve the column as it was.
    settings.CACHES = fail_open_cache(redis_keeping_data.url)
    cache.set_many({"board-column:1:screen": "before", "board-column:1:panel": "before"})
    cache.set("greeting", "hello")
    redis_keeping_data.stop()
    cache.delete_many(["board-column:1:screen", "board-column:1:panel"])

    redis_keeping_data.start()
    assert cache.get("greeting") == "hello"  # its data kept, and the first call that reaches it

    assert cache.get_many(["board-column:1:screen", "board-column:1:panel"]) == {}
