import os
import shutil
import time
import warnings
from datetime import UTC, datetime, timedelta
from io import StringIO
from types import SimpleNamespace
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import DatabaseError, connection, connections
from django.test import override_settings
from django.utils import translation
from hypothesis import settings as hypothesis_settings
from kombu.exceptions import OperationalError
from xdist.scheduler import LoadScopeScheduling

from hiring import ratelimit
from hiring.celery import Task
from hiring.celery import app as celery_app
from hiring.models import Application, Invitation, User
from hiring.scheduling import booking
from scorecards.models import Feedback
from tests.factories import (
    ApplicationFactory,
    OpeningFactory,
    TeamFactory,
    UserFactory,
    nine_to_five,
    submitted,
)
from tests.services import require, wait_for

# No per-example deadline: a loaded CI machine makes any time limit flaky.
hypothesis_settings.register_profile("teamfit", deadline=None)
hypothesis_settings.load_profile("teamfit")

MONDAY = datetime(2030, 3, 4, tzinfo=UTC)
# Names and addresses as long as real ones get: they must wrap or scroll, not widen the page.
LONG_NAME = "Maximiliane Oberhauser-Vandenberghe"
LONG_EMAIL = "maximiliane.oberhauser-vandenberghe@a-rather-long-company-domain.example"

# Playwright's sync API runs an event loop in the test thread; the ORM calls around it are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


DATABASE_FIXTURES = {"db", "transactional_db", "django_db_serialized_rollback", "live_server"}


# The tests of the demo organisation (tests/demo/: seed_demo once for the package, each test
# rolled back to it) run in one xdist worker, which makes the demo once, not once each.
DEMO_PACKAGE = "tests/demo/"


def pytest_collection_modifyitems(items):
    """A test marked plain_data, which CI runs once, not again on PostgreSQL (.ci/run), may
    not reach the database. The demo (made once for the package, tests/demo/conftest.py) is
    read only in its package, which holds no test of the database without it: that test would
    find the demo there. The longest tests run first."""
    for item in items:
        uses_database = item.get_closest_marker("django_db") or DATABASE_FIXTURES & set(
            item.fixturenames
        )
        if item.get_closest_marker("plain_data") and uses_database:
            raise pytest.UsageError(f"{item.nodeid} is marked plain_data but uses the database.")
        in_package = item.nodeid.startswith(DEMO_PACKAGE)
        if ("demo" in item.fixturenames) != (in_package and bool(uses_database)):
            raise pytest.UsageError(
                f"{item.nodeid}: the tests of the demo are in {DEMO_PACKAGE}, "
                "and every test there that uses the database uses the demo."
            )
    # The longest first (the demo's package, in one worker, and the browser's tests): started
    # last, one of them kept a worker busy after the other had finished.
    items.sort(
        key=lambda item: (
            not (item.nodeid.startswith(DEMO_PACKAGE) or item.get_closest_marker("browser"))
        )
    )


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    return DemoPackageTogether(config, log)


class DemoPackageTogether(LoadScopeScheduling):
    """xdist's load scheduling, test by test, but for the demo's package, all in one worker."""

    def _split_scope(self, nodeid):
        return DEMO_PACKAGE if nodeid.startswith(DEMO_PACKAGE) else nodeid


def isolated_settings():
    """What every test runs under: fast password hashing; a report slow to compute where a
    test says so (slow_reports), never because a loaded machine took more than the default half
    second over a small one; on Redis, a cache of this worker's own."""
    overrides = {
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        "REPORTS_IN_BACKGROUND_AFTER_S": 3600,
    }
    if settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        overrides["CACHES"] = {"default": redis_cache_of_this_worker(settings.CACHES["default"])}
    return overrides


@pytest.fixture(autouse=True)
def _fast_and_isolated(request, settings, tmp_path_factory):
    for name, value in isolated_settings().items():
        setattr(settings, name, value)
    # Files go to this worker's temporary folder, never the checkout's var/media: the retention
    # run deletes the stored files no row of the test database references.
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"
    celery_app.conf.task_always_eager = True
    # A request activates its reader's language and leaves it on the thread, as a server's
    # next request activates its own: each test starts in the default one.
    translation.deactivate()
    # Rate-limit counters live in the shared cache; start each test that can reach it clean.
    for database in ("transactional_db", "db"):
        if database in request.fixturenames:
            request.getfixturevalue(database)
            cache.clear()
            break


@pytest.fixture(autouse=True)
def _rate_limit_windows_held(monkeypatch):
    """The rate limits count in windows of the clock (hiring.ratelimit.count): its clock held
    at the test's start, so that a test's thirty posts never straddle two windows, however
    slowly a loaded machine sends them."""
    held = time.time()
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: held))


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


def seed_demo():
    """The demo organisation made; what seed_demo printed (the careers page, a candidate's
    links)."""
    out = StringIO()
    celery_app.conf.task_always_eager = True
    with override_settings(**isolated_settings()):
        call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def peer(team):
    """A third member of `team`."""
    user = UserFactory(display_name="Cai Peer")
    team.memberships.create(user=user)
    return user


@pytest.fixture
def main_pages(team, member, teammate, peer, recruiter, leadership, org_admin):
    """A team busy hiring: applications in every stage, a booked panel with Ana's scorecard to
    write, debriefs with everyone's scores, invitations waiting; {page: (who, path)}."""
    nine_to_five(member, teammate, peer)
    opening = OpeningFactory(team=team, title="Senior Site Reliability Engineer, Payments")
    for index, stage in enumerate(Application.Stage.values * 2):
        ApplicationFactory(
            opening=opening,
            stage=stage,
            candidate__name=f"{LONG_NAME} {index}",
            candidate__email=f"{index}.{LONG_EMAIL}",
        )
    booked = ApplicationFactory(opening=opening, stage="panel", candidate__name=LONG_NAME)
    panel = booking.create_panel(
        booked,
        recruiter,
        [
            {"focus": "skills", "duration_minutes": 45, "interviewers": [member]},
            {"focus": "team_fit", "duration_minutes": 60, "interviewers": [teammate, peer]},
        ],
    )
    booking.book(
        panel, booking.find_options(panel, MONDAY, MONDAY + timedelta(days=2))[0], recruiter
    )
    debriefed = []
    for votes in (("yes", "strong_yes", "no"), ("strong_no", "yes", "yes"), ("no", "no", "yes")):
        application = ApplicationFactory(opening=opening, stage="panel")
        for person, focus, vote in zip(
            (member, teammate, peer), ("skills", "team_fit", "team_fit"), votes, strict=True
        ):
            submitted(application, person, focus, vote, score=2 + (vote.endswith("yes")))
        debriefed.append(application)
    for index in range(3):
        Invitation.objects.create(
            email=f"{index}.{LONG_EMAIL}", role="recruiter", invited_by=org_admin
        )
    UserFactory(display_name=LONG_NAME, email=LONG_EMAIL)
    debrief = f"/applications/{debriefed[0].pk}/debrief/"
    return {
        "home, member": (member, "/"),
        "home, recruiter": (recruiter, "/"),
        "home, leadership": (leadership, "/"),
        "home, admin": (org_admin, "/"),
        "board": (recruiter, "/pipeline/"),
        "reports": (leadership, "/reports/"),
        "debrief": (member, debrief),
        "debrief, leadership": (leadership, debrief),
        "panel": (recruiter, f"/applications/{booked.pk}/panel/"),
        "application": (recruiter, booked.get_absolute_url()),
        "application, member": (member, debriefed[0].get_absolute_url()),
        "feedback form": (
            member,
            Feedback.objects.get(application=booked, interviewer=member).get_absolute_url(),
        ),
        "profile": (member, "/me/"),
        "availability": (member, "/me/availability/"),
        "team": (member, team.get_absolute_url()),
        "organisation": (org_admin, "/organisation/"),
        "careers": (None, "/careers/"),
        "opening on the careers page": (None, f"/careers/{opening.pk}/"),
        "candidate's status page": (None, booked.status_url()),
    }


# How long the test databases' teardown waits for the sessions of processes the tests started
# (workers, subprocesses) to leave: a process that exited leaves its server session behind a
# moment, and PostgreSQL refuses to drop a database someone is still connected to.
SESSIONS_LEAVE_S = 10


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test databases, dropped once every other session on them has left; one
    still there after SESSIONS_LEAVE_S is ended, so the drop succeeds, and named in a warning
    (which process left it is then to be found). Never fails the run: at worst the drop fails
    as it would have."""
    yield
    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock():
        connection.close()  # a session of its own: the server may have closed the tests'
        try:
            _end_other_sessions(connection)
        except DatabaseError as error:
            warnings.warn(f"Other sessions on the test database not checked: {error}", stacklevel=1)
        finally:
            connection.close()


def _end_other_sessions(connection):
    others = (
        "SELECT pid, application_name, state, left(query, 80) FROM pg_stat_activity"
        " WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    with connection.cursor() as cursor:

        def left():
            cursor.execute(others)
            return cursor.fetchall()

        wait_for(lambda: not left(), SESSIONS_LEAVE_S)
        for pid, application, state, query in left():
            warnings.warn(
                f"Ended a session left on the test database: pid {pid}, application"
                f" {application!r}, {state}, last query {query!r}",
                stacklevel=1,
            )
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.fixture(scope="session")
def playwright(playwright):
    """pytest-playwright's, closing the database connections the test thread opened while it
    ran. Its event loop runs in that thread, and Django keeps a thread's connections apart
    while a loop runs (asgiref's Local): once it stops, the test databases' teardown sees only
    the others, and these stay open."""
    yield playwright
    connections.close_all()


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


@pytest.fixture
def broker_down(monkeypatch):
    """The broker is the outside world: every task's publishing fails as when Redis is down
    (the test marked django_db(transaction=True) to queue on commit as a request does)."""

    def refused(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(Task, "apply_async", refused)
