import json
import multiprocessing
import os
import random
import time
from datetime import datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core import signing
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from hiring.management.commands import _synthetic
from hiring.management.commands.bench import (
    PLAIN_STATEMENTS,
    WRITE_KINDS,
    BackgroundProcess,
    Writer,
    _with_own_connections,
    bench_database,
    drop_database,
    paced_floor_loop,
    write_loop,
)
from hiring.models import BusyBlock, User
from hiring.scheduling.views import OPTION_SALT
from tests.factories import ApplicationFactory


def test_bench_measures_a_synthetic_organisation_quiet_then_busy_and_reuses_it(tmp_path, capfd):
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        database = bench_database("busy", str(tmp_path / "bench.sqlite3"))
    else:
        database = bench_database("busy", f"teamfit_bench_busy_{os.getpid()}")
    arguments = ["--json", "--runs", "2", "--applications", "40", "--database-name", database.name]
    try:
        out = StringIO()
        call_command("bench", *arguments, "--busy", "--write-interval", "0.05", stdout=out)
        again = StringIO()
        call_command("bench", *arguments, stdout=again)  # reuses what the first run generated
    finally:
        drop_database(database)

    assert capfd.readouterr().err.count("Generating 40 applications") == 1
    result = json.loads(out.getvalue())
    assert result["database"] == database.vendor
    assert result["data"]["applications"] == 40
    # The quiet pass: every page of the organisation, the careers form's apply, the slot finder.
    pages = result["pages"]
    expected = {"floor", "board", "board_filtered", "application", "feedback_form", "debrief"}
    expected |= {"careers", "careers_opening", "search", "profile"}
    expected |= {"home_leadership", "home_recruiter", "home_member"}
    assert expected <= set(pages)
    for page in pages.values():
        assert page["queries"] > 0
        assert 0 < page["p50_ms"] <= page["p95_ms"]
        assert page["cold_ms"] > 0
        assert page["changed_ms"] is None
    assert pages["floor"]["ratio"] == 1.0
    assert 0 < result["apply"]["p50_ms"] <= result["apply"]["p95_ms"]
    finder = result["slot_finder"]
    assert finder["options"] == 10
    assert 0 < finder["p50_ms"] <= finder["p95_ms"]

    # The statements alone a write of a submission's size makes, against the quiet floor.
    plain = result["plain_statements"]
    assert plain["queries"] >= PLAIN_STATEMENTS + 2  # and the session's and the user's reads
    assert plain["ratio"] == round(plain["p50_ms"] / pages["floor"]["p50_ms"], 2)
    # What a commit costs on its own, with the setting that decides whether it waits for the disk.
    commit = result["commit"]
    assert 0 < commit["p50_ms"] <= commit["p95_ms"]
    waits = "synchronous_commit=on" if database.vendor == "postgresql" else "synchronous=NORMAL"
    assert commit["setting"] == waits
    busy = result["busy"]
    assert busy["write_interval_s"] == 0.05
    # Every page measured quietly is measured again under the writes, in the same shape.
    assert set(busy["pages"]) == set(pages)
    for name, page in busy["pages"].items():
        assert page.keys() == pages[name].keys()
        assert page["path"] == pages[name]["path"]
        assert page["queries"] > 0, (name, page)
    assert busy["pages"]["floor"]["ratio"] == 1.0
    # Each page with cached content is read again right after a change to what it shows.
    changed = {name for name, page in busy["pages"].items() if page["changed_ms"] is not None}
    assert {"board", "reports", "application", "debrief", "home_member"} <= changed
    assert "floor" not in changed
    # Real writes of every kind happened, none failed, and the writer stopped when told.
    assert busy["stopped_cleanly"]
    assert not busy["failure"]
    assert set(busy["writes"]) == set(WRITE_KINDS)
    for kind in WRITE_KINDS:
        write = busy["writes"][kind]
        assert write["errors"] == 0, write["error_samples"]
        assert write["count"] > 0
        assert 0 < write["p50_ms"] <= write["p95_ms"]
        assert write["ratio"] == round(write["p50_ms"] / busy["pages"]["floor"]["p50_ms"], 2)
        assert write["ratio_same_pace"] == round(write["p50_ms"] / busy["floor"]["p50_ms"], 2)
    # The floor was requested at the writes' pace, halfway between two, as the pages' pass does.
    assert busy["floor"]["stopped_cleanly"]
    assert busy["floor"]["errors"] == 0, busy["floor"]["error_samples"]
    assert busy["floor"]["count"] > 0
    assert 0 < busy["floor"]["p50_ms"] <= busy["floor"]["p95_ms"]
    # A worker kept the reports computed meanwhile, as beat's does, and stopped when told.
    worker = busy["worker"]
    assert worker["runs"] > 0
    assert not worker["failure"]
    assert worker["stopped_cleanly"]
    # The database shows them: counted by the measuring process after the pass.
    before, after = result["data"], busy["data"]
    assert after["submitted_feedback"] > before["submitted_feedback"]
    assert after["stage_changes"] > before["stage_changes"]
    assert after["decisions"] > before["decisions"]
    assert after["bookings"] > before["bookings"]
    assert after["applications"] == before["applications"]
    # They went to a copy of the organisation, gone after the run: the next run finds the
    # organisation as it was generated.
    assert not list(Path(tmp_path).glob("*-busy*"))
    assert json.loads(again.getvalue())["data"] == before


def test_the_writes_stop_when_a_page_raises_and_a_failed_write_is_counted(transactional_db):
    # A card to move, but no benchmark recruiter to move it: each write fails, and says why.
    ApplicationFactory(stage="applied")
    writes = BackgroundProcess(write_loop, 0.01, empty={})

    def measure_a_failing_page():
        with writes:
            time.sleep(0.3)
            raise RuntimeError("a page failed")

    with pytest.raises(RuntimeError, match="a page failed"):
        measure_a_failing_page()
    assert not writes.process.is_alive()
    assert writes.result["stopped_cleanly"]
    assert not writes.result["failure"]
    move = writes.result["writes"]["move"]
    assert move["count"] == 0
    assert move["errors"] > 0
    assert move["error_samples"] == ["DoesNotExist: User matching query does not exist."]


def test_the_paced_floor_counts_what_failed_and_stops_when_told(transactional_db):
    # No benchmark leadership to sign in as: it says why, and measured nothing.
    with BackgroundProcess(paced_floor_loop, 0.01, empty={}) as floor:
        time.sleep(0.1)

    assert floor.result["stopped_cleanly"]
    assert floor.result["count"] == 0
    assert floor.result["error_samples"] == ["DoesNotExist: User matching query does not exist."]


def _dies_once_ready(stop, sender):
    sender.send("ready")
    os._exit(3)


def test_a_process_that_dies_without_a_word_gives_its_empty_result_and_why(capfd):
    with BackgroundProcess(_dies_once_ready, empty={"runs": 0}) as dying:
        dying.process.join(10)

    assert dying.result == {
        "runs": 0,
        "failure": "bench-_dies_once_ready gave no result (exit 3)",
        "stopped_cleanly": True,
    }
    assert "bench-_dies_once_ready gave no result (exit 3)" in capfd.readouterr().err


def _send_connection(sender):
    connection.ensure_connection()
    sender.send(id(connection.connection))
    connection.close()


def test_a_forked_process_opens_connections_of_its_own(transactional_db):
    """A connection the parent left open comes along in the fork: the child neither uses nor
    closes it (either would garble or end the parent's session), and the parent goes on."""
    connection.ensure_connection()
    receiver, sender = multiprocessing.Pipe(duplex=False)
    child = multiprocessing.get_context("fork").Process(
        target=_with_own_connections, args=(_send_connection, sender)
    )
    child.start()
    child.join(10)

    assert child.exitcode == 0
    assert receiver.recv() != id(connection.connection)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_a_booking_is_written_in_the_first_fortnight_with_time(transactional_db):
    """At the large scale the interviewers' next weeks are full: the writer books after them."""
    _synthetic.Generator(40).run()
    blocked_until = timezone.now() + timedelta(days=20)
    BusyBlock.objects.bulk_create(
        BusyBlock(user=person, start=timezone.now(), end=blocked_until)
        for person in User.objects.all()
    )

    _recruiter, path, data, _headers, _expected = Writer(random.Random(1)).booking()

    option = signing.loads(data["option"], salt=OPTION_SALT)
    starts = [datetime.fromisoformat(session["start"]) for session in option["sessions"]]
    assert path.endswith("/panel/book/")
    assert min(starts) >= blocked_until
