"""Crashes: a process killed with SIGKILL in the middle of a load, after a commit that is only in
the write-ahead log, and during the first start (schema and demo build). Afterwards the database
opens and holds exactly the previous data (or exactly the new data, when the kill came after the
commit); never a mix. Real processes, real files, real SIGKILL."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from analytics import store

from .conftest import file_hash

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def _child(code: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(proc: subprocess.Popen, word: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if word in line:
            return
        if not line and proc.poll() is not None:
            raise AssertionError(f"child ended before {word!r}: {proc.stderr.read()}")
    raise AssertionError(f"no {word!r} within {timeout} s")


def _kill(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


LOAD_BIG = """
    import sys
    from analytics import demo, store
    con = store.connect(sys.argv[1])
    big = demo.generate(int(sys.argv[2]), 99)  # generated before the load starts
    print("loading", flush=True)
    store.load_tables(con, big.tables, mode="replace", source="big", meta=big.meta)
    print("committed", flush=True)
    con.close()
    print("closed", flush=True)
"""


@pytest.mark.parametrize("delay", [0.05, 0.3, 1.0])
def test_sigkill_during_a_large_load_keeps_exactly_the_previous_data(db_copy, delay):
    before = file_hash(db_copy)
    proc = _child(LOAD_BIG, str(db_copy), "150000")
    _wait_for(proc, "loading")
    time.sleep(delay)
    committed = proc.poll() is not None
    _kill(proc) if not committed else proc.wait()
    out = proc.stdout.read()
    after = file_hash(db_copy)  # opens (replaying the WAL) without error
    if "committed" in out:  # the kill came too late: then it is all the new data
        con = store.connect(db_copy, read_only=True)
        n = con.execute("SELECT count(*) FROM applications").fetchall()[0][0]
        con.close()
        assert n == 150000
    else:
        assert after == before, "a load killed before its commit must leave no trace"


def test_at_least_one_kill_lands_inside_the_transaction(db_copy):
    # Guard for the test above: with a load this size the kill does land mid-load.
    proc = _child(LOAD_BIG, str(db_copy), "150000")
    _wait_for(proc, "loading")
    time.sleep(0.2)
    assert proc.poll() is None, "the load finished within 0.2 s; make it bigger"
    _kill(proc)
    assert "committed" not in proc.stdout.read()


COMMIT_THEN_HANG = """
    import sys, time
    import pandas as pd
    from analytics import store
    con = store.connect(sys.argv[1])
    frame = pd.DataFrame({"application_id": ["W-1"], "applied_on": [pd.Timestamp("2025-02-03")],
                          "pipeline": ["human_first"], "status": ["open"]})
    store.load_tables(con, {"applications": frame}, mode="append", source="wal")
    print("committed", flush=True)
    time.sleep(120)
"""


def test_a_commit_only_in_the_wal_survives_sigkill(db_copy):
    proc = _child(COMMIT_THEN_HANG, str(db_copy))
    _wait_for(proc, "committed")
    wal = Path(f"{db_copy}.wal")
    assert wal.exists() and wal.stat().st_size > 0, "the commit should still be in the WAL"
    _kill(proc)
    con = store.connect(db_copy)  # replays the WAL
    try:
        assert con.execute(
            "SELECT status FROM applications WHERE application_id = 'W-1'"
        ).fetchall() == [("open",)]
        n, version = con.execute(
            "SELECT (SELECT count(*) FROM applications), "
            "(SELECT value FROM meta WHERE key = 'data_version')"
        ).fetchall()[0]
        assert n == 301 and int(version) == 2  # the demo (version 1) plus this append
    finally:
        con.close()


FIRST_START = """
    import sys
    from analytics import demo, store
    print("starting", flush=True)
    con = store.open_database(sys.argv[1], build_demo=lambda c: demo.build(c, 200000, seed=1))
    print("opened", flush=True)
"""


@pytest.mark.parametrize("delay", [0.0, 0.5, 1.5])
def test_sigkill_during_the_first_start_leaves_no_half_built_database(tmp_path, delay):
    target = tmp_path / "data" / "aivshi.duckdb"
    proc = _child(FIRST_START, str(target))
    _wait_for(proc, "starting")
    time.sleep(delay)
    if proc.poll() is None:
        _kill(proc)
    opened = "opened" in proc.stdout.read()
    if not opened:
        assert not target.exists(), "the demo is built under a temporary name and renamed"
    # the next start builds (or opens) a complete database, ignoring any leftover temporary file
    con = store.open_database(
        target, build_demo=lambda c: __import__("analytics.demo").demo.build(c, 300, seed=2)
    )
    try:
        info = store.dataset_info(con)
        assert info.is_demo and info.applications in (300, 200000)
    finally:
        con.close()
    # the killed process's half-built file is cleaned up by the next start
    assert not [f for f in target.parent.iterdir() if f.name.startswith(f"{target.name}.tmp")]


DEMO_CLI = [sys.executable, "-m", "analytics", "demo", "--applications", "200000", "--db"]


@pytest.mark.parametrize("delay", [0.3, 1.2])
def test_sigkill_during_the_demo_command_leaves_an_empty_or_complete_database(tmp_path, delay):
    target = tmp_path / "cli.duckdb"
    proc = subprocess.Popen([*DEMO_CLI, str(target)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    time.sleep(delay)
    if proc.poll() is None:
        _kill(proc)
    if not target.exists():
        return  # killed before DuckDB created the file: nothing to check
    con = store.connect(target)  # opens; the schema is complete (created in one transaction)
    try:
        tables = {r[0] for r in con.execute("SHOW TABLES").fetchall()}
        assert set(store.SCHEMA) <= tables
        info = store.dataset_info(con)
        # either nothing was loaded (version 0, no rows anywhere) or the whole demo
        if info.data_version == 0:
            for name in store.DATA_TABLES:
                assert con.execute(f'SELECT count(*) FROM "{name}"').fetchall()[0][0] == 0
        else:
            assert info.applications == 200000
    finally:
        con.close()


def test_copy_of_a_killed_database_is_still_consistent(db_copy, tmp_path):
    # A backup taken by copying the file (and its WAL) right after a kill opens the same way.
    proc = _child(LOAD_BIG, str(db_copy), "150000")
    _wait_for(proc, "loading")
    time.sleep(0.2)
    _kill(proc)
    backup = tmp_path / "backup.duckdb"
    shutil.copyfile(db_copy, backup)
    if Path(f"{db_copy}.wal").exists():
        shutil.copyfile(f"{db_copy}.wal", f"{backup}.wal")
    assert file_hash(backup) == file_hash(db_copy)
    os.remove(backup)
