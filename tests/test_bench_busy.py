import json
import os
import time
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from hiring.management.commands.bench import (
    WRITE_KINDS,
    BackgroundProcess,
    bench_database,
    drop_database,
    write_loop,
)
from tests.factories import ApplicationFactory


def test_bench_busy_measures_every_page_again_while_real_writes_land(tmp_path):
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        database = bench_database("busy", str(tmp_path / "bench.sqlite3"))
    else:
        database = bench_database("busy", f"teamfit_bench_busy_{os.getpid()}")
    arguments = ["--json", "--runs", "2", "--applications", "40", "--busy"]
    arguments += ["--write-interval", "0.05", "--database-name", database.name]
    try:
        out = StringIO()
        call_command("bench", *arguments, stdout=out)
    finally:
        drop_database(database)

    result = json.loads(out.getvalue())
    busy = result["busy"]
    assert busy["write_interval_s"] == 0.05
    # Every page measured quietly is measured again under the writes, in the same shape.
    assert {"home_leadership", "home_recruiter", "home_member", "profile"} <= set(result["pages"])
    assert set(busy["pages"]) == set(result["pages"])
    for name, page in busy["pages"].items():
        assert page.keys() == result["pages"][name].keys()
        assert page["path"] == result["pages"][name]["path"]
        assert page["queries"] > 0, (name, page)
    assert busy["pages"]["floor"]["ratio"] == 1.0
    # Each page with cached content is read again right after a change to what it shows.
    changed = {name for name, page in busy["pages"].items() if page["changed_ms"] is not None}
    assert {"board", "reports", "application", "debrief", "home_member"} <= changed
    assert "floor" not in changed
    assert all(page["changed_ms"] is None for page in result["pages"].values())
    # Real writes of every kind happened, none failed, and the writer stopped when told.
    assert busy["stopped_cleanly"]
    assert not busy["failure"]
    assert set(busy["writes"]) == set(WRITE_KINDS)
    for kind in WRITE_KINDS:
        write = busy["writes"][kind]
        assert write["errors"] == 0, write["error_samples"]
        assert write["count"] > 0
        assert 0 < write["p50_ms"] <= write["p95_ms"]
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
    assert after["booked_panels"] > before["booked_panels"]
    assert after["applications"] == before["applications"]
    # They went to a copy of the organisation, gone after the run.
    assert not list(Path(tmp_path).glob("*-busy*"))


def test_the_writes_stop_when_a_page_raises_and_a_failed_write_is_counted(transactional_db):
    # A card to move, but no benchmark recruiter to move it: each write fails, and says why.
    ApplicationFactory(stage="applied")
    writes = BackgroundProcess(write_loop, 0.01)

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
