"""A report slow to compute is served as it was after a change, labelled with when, while a
worker computes it again; a reader never waits for it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hiring import tasks
from hiring.models import User
from hiring.reports import cached
from tests.factories import ApplicationFactory, OpeningFactory, UserFactory
from tests.reports.test_validity import hires
from tests.test_live_worker import database_url

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


def applied(page):
    return page.context["funnel"][0]["reached"] if page.context.get("funnel") else None


@pytest.fixture
def slow_reports(settings):
    # Every report counts as slow: computed in the background once it has been computed.
    settings.REPORTS_IN_BACKGROUND_AFTER_S = 0


def test_after_a_change_the_reader_gets_the_page_as_it_was_and_a_worker_brings_it_up_to_date(
    client, leadership, team, slow_reports
):
    opening = OpeningFactory(team=team)
    ApplicationFactory(opening=opening)
    client.force_login(leadership)
    first = client.get("/reports/")
    assert "being brought up to date" not in first.content.decode()

    ApplicationFactory(opening=opening)
    # Tasks run at once in the tests: the worker's computing happens inside this request.
    as_it_was = client.get("/reports/").content.decode()
    after = client.get("/reports/").content.decode()

    assert "These figures are as of" in as_it_was
    assert "London time</time>: they are being brought up to date" in as_it_was  # their zone
    assert "<td>Applied</td><td>1</td>" in as_it_was
    assert "<td>Applied</td><td>2</td>" in after
    assert "being brought up to date" not in after


def test_a_report_quick_to_compute_is_computed_for_its_reader(client, leadership, team):
    # Quick as the tests' settings have every report unless they say otherwise (conftest).
    opening = OpeningFactory(team=team)
    ApplicationFactory(opening=opening)
    client.force_login(leadership)
    client.get("/reports/")

    ApplicationFactory(opening=opening)
    page = client.get("/reports/").content.decode()

    assert "<td>Applied</td><td>2</td>" in page
    assert "being brought up to date" not in page


class Clock:
    """time.monotonic() as hiring/reports/cached.py reads it, each call `step` seconds after
    the one before: how long a report takes to compute, set by the test."""

    def __init__(self, step):
        self.now, self.step = 0.0, step

    def monotonic(self):
        self.now += self.step
        return self.now


@pytest.fixture
def clock(settings, monkeypatch):
    settings.REPORTS_IN_BACKGROUND_AFTER_S = 0.5
    clock = Clock(step=1)  # each computation takes seconds: slow
    monkeypatch.setattr(cached, "time", clock)
    return clock


def test_a_report_quick_to_compute_again_is_computed_for_its_reader_again(
    client, leadership, team, clock
):
    opening = OpeningFactory(team=team)
    ApplicationFactory(opening=opening)
    client.force_login(leadership)
    client.get("/reports/")
    ApplicationFactory(opening=opening)
    clock.step = 0.001  # from now on a computation takes milliseconds

    # Slow last time: as it was, while the worker (at once, in the tests) computes it quickly.
    assert "being brought up to date" in client.get("/reports/").content.decode()
    ApplicationFactory(opening=opening)
    page = client.get("/reports/").content.decode()

    assert "<td>Applied</td><td>3</td>" in page
    assert "being brought up to date" not in page


@pytest.mark.parametrize(
    ("url", "other_reader", "label"),
    [
        ("/reports/", {"language": "de"}, "Diese Zahlen sind vom"),
        # Lisbon's clocks read as London's all year: the same days, hires and figures.
        ("/reports/validity/", {"time_zone": "Europe/Lisbon"}, "These figures are as of"),
    ],
)
def test_a_page_made_from_figures_computed_for_another_knows_they_were_slow(
    client, leadership, member, team, clock, url, other_reader, label
):
    opening = OpeningFactory(team=team)
    ApplicationFactory(opening=opening)
    hires(opening, member, 5)
    other = UserFactory(role=User.Role.LEADERSHIP, **other_reader)
    client.force_login(leadership)
    client.get(url)  # the figures, computed slowly
    clock.step = 0.001
    client.force_login(other)
    client.get(url)  # their page, quickly, from the same figures
    OpeningFactory(team=team)  # an opening saved: its team's figures and hires are read again

    assert label in client.get(url).content.decode()


def test_the_validity_page_is_served_as_it_was_too(client, leadership, team, slow_reports):
    client.force_login(leadership)
    client.get("/reports/validity/")
    ApplicationFactory(opening=OpeningFactory(team=team))

    assert "These figures are as of" in client.get("/reports/validity/").content.decode()


def test_with_no_broker_the_reader_still_gets_the_page_as_it_was(
    client, leadership, team, slow_reports, monkeypatch
):
    from kombu.exceptions import OperationalError

    from hiring import tasks

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    opening = OpeningFactory(team=team)
    client.force_login(leadership)
    client.get("/reports/")
    ApplicationFactory(opening=opening)
    # The broker is the outside world here: queueing the refresh fails as when Redis is down.
    monkeypatch.setattr(tasks.refresh_report, "delay", broker_down)

    page = client.get("/reports/")

    assert page.status_code == 200
    assert "These figures are as of" in page.content.decode()


def test_a_page_as_it_was_goes_only_to_readers_of_the_same_teams(
    client, leadership, member, team, slow_reports
):
    from tests.factories import TeamFactory

    other = OpeningFactory(team=TeamFactory())
    ApplicationFactory(opening=other)
    ApplicationFactory(opening=other)
    ApplicationFactory(opening=OpeningFactory(team=team))
    client.force_login(leadership)
    client.get("/reports/")  # every team's, same period, zone and language: three applications
    client.force_login(member)

    page = client.get("/reports/").content.decode()

    assert "<td>Applied</td><td>1</td>" in page  # their own team's, computed for them
    assert "being brought up to date" not in page


WARM_IN_A_WORKER = """
import os, django
django.setup()
from hiring import tasks
tasks.warm_default_reports()
print(os.getpriority(os.PRIO_PROCESS, 0))
"""


@pytest.mark.parametrize("lower_by", [0, 15])
def test_the_worker_warms_the_reports_at_a_lower_priority_than_the_web(transactional_db, lower_by):
    started_at = min(19, os.getpriority(os.PRIO_PROCESS, 0) + lower_by)
    # A process of its own: a process cannot take its priority back once it has lowered it.
    ran = subprocess.run(
        ["nice", "-n", str(lower_by), sys.executable, "-c", WARM_IN_A_WORKER],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url()},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert ran.returncode == 0, ran.stderr
    # Lowered to the background's niceness, never raised from a lower priority.
    assert int(ran.stdout.split()[-1]) == max(tasks.BACKGROUND_NICENESS, started_at)


def test_a_report_computed_at_once_leaves_the_requests_priority_as_it_was(
    client, leadership, team, slow_reports
):
    ApplicationFactory(opening__team=team)
    client.force_login(leadership)
    client.get("/reports/")
    ApplicationFactory(opening__team=team)
    before = os.getpriority(os.PRIO_PROCESS, 0)

    # Tasks run at once in the tests: the refresh runs in this process, as the request's.
    assert "being brought up to date" in client.get("/reports/").content.decode()

    assert os.getpriority(os.PRIO_PROCESS, 0) == before
