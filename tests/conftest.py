import os
import shutil
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.cache import cache
from hypothesis import settings as hypothesis_settings

from hiring.celery import app as celery_app
from hiring.models import User
from tests.factories import TeamFactory, UserFactory
from tests.services import require

# No per-example deadline: a loaded CI machine makes any time limit flaky.
hypothesis_settings.register_profile("teamfit", deadline=None)
hypothesis_settings.load_profile("teamfit")

# Playwright's sync API runs an event loop in the test thread; the ORM calls around it are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fast_and_isolated(request, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    celery_app.conf.task_always_eager = True
    if settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        settings.CACHES = {"default": redis_cache_of_this_worker(settings.CACHES["default"])}
    # Rate-limit counters live in the shared cache; start each test that can reach it clean.
    for database in ("transactional_db", "db"):
        if database in request.fixturenames:
            request.getfixturevalue(database)
            cache.clear()
            break


def redis_cache_of_this_worker(cache_settings):
    """A Redis database per xdist worker, so one worker's cache.clear() spares the others'."""
    url = urlsplit(cache_settings["LOCATION"])
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    database = int(url.path.strip("/") or 0) + worker
    return {**cache_settings, "LOCATION": urlunsplit(url._replace(path=f"/{database}"))}


@pytest.fixture
def member(db):
    """A member of `team`."""
    return UserFactory(display_name="Ana Member", email="ana@example.com")


@pytest.fixture
def teammate(db):
    """Another member of `team`."""
    return UserFactory(display_name="Ben Teammate", email="ben@example.com")


@pytest.fixture
def team(member, teammate):
    return TeamFactory(name="Platform", members=[member, teammate])


@pytest.fixture
def outsider(db):
    """A member of another team: sees nothing of `team`."""
    user = UserFactory(display_name="Eve Outsider", email="eve@example.com")
    TeamFactory(name="Payments", members=[user])
    return user


@pytest.fixture
def recruiter(db):
    return UserFactory(display_name="Rita Recruiter", role=User.Role.RECRUITER)


@pytest.fixture
def leadership(db):
    return UserFactory(display_name="Carla CTO", role=User.Role.LEADERSHIP)


@pytest.fixture
def org_admin(db):
    return UserFactory(display_name="Alex Admin", role=User.Role.ADMIN)


@pytest.fixture
def superuser(db):
    """The operator's account from createsuperuser: reads everything in the Django admin."""
    return User.objects.create_superuser("root@example.com", "not-used", display_name="Root")


@pytest.fixture
def signed_in(client):
    """sign_in(user): the test's client, signed in as `user`."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def peer(team):
    """A third member of `team`."""
    user = UserFactory(display_name="Cai Peer")
    team.memberships.create(user=user)
    return user


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    chromium = shutil.which("chromium")
    require("Chromium", chromium, "install Debian's chromium package (make chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": chromium,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
        ],
    }
