"""Operator-grade defaults (issue 24): every connection hardened, files private, errors in plain
words without paths, process ids or engine internals, concurrent loads answered plainly."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import threading

import duckdb
import pandas as pd
import pytest

from analytics import demo, store
from analytics.store.base import BUSY, LOCKED, engine_error

ESCAPES = [
    "SELECT * FROM read_text('/etc/passwd')",
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM glob('/etc/*')",
    "COPY (SELECT 1) TO '/tmp/aivshi_memory_leak.csv'",
    "ATTACH '/tmp/aivshi_memory_other.duckdb' AS other",
    "SET disabled_filesystems = ''",
    "SET enable_external_access = true",
]


@pytest.fixture(autouse=True)
def _restore_umask():
    # private_files() changes the process umask; give the rest of the suite its own back.
    old = os.umask(0o022)
    os.umask(old)
    yield
    os.umask(old)


@pytest.mark.parametrize("query", ESCAPES)
def test_an_in_memory_app_database_cannot_reach_files(query):
    con = store.open_database(":memory:", build_demo=lambda c: demo.build(c, 200, seed=3))
    try:
        assert con.execute("SELECT count(*) FROM applications").fetchall()[0][0] == 200
        with pytest.raises(duckdb.Error):
            con.execute(query).fetchall()
    finally:
        con.close()
    assert not os.path.exists("/tmp/aivshi_memory_leak.csv")


@pytest.mark.parametrize("query", ESCAPES[:3])
def test_a_remote_connection_cannot_read_local_files(query):
    # MotherDuck itself needs the network (not here); its lockdown is the local file system
    # switched off, which is DuckDB's own setting and is checked on a local connection.
    con = duckdb.connect(":memory:")
    store.harden_remote(con, "md:hiring")
    with pytest.raises(duckdb.Error):
        con.execute(query).fetchall()
    with pytest.raises(duckdb.Error):
        con.execute("SET lock_configuration = false")


def test_loads_still_work_on_a_hardened_in_memory_database():
    con = store.open_database(":memory:", build_demo=lambda c: demo.build(c, 200, seed=3))
    frame = pd.DataFrame({"key": ["operator_note"], "value": ["x"]})
    version = store.load_tables(con, {}, meta=dict(zip(frame.key, frame.value, strict=True)))
    assert version > 0
    con.close()


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_database_files_and_published_versions_are_private(tmp_path):
    os.umask(0o022)  # a typical server account: files readable by every local user
    path = tmp_path / "data" / "aivshi.duckdb"
    con = store.open_database(path, build_demo=lambda c: demo.build(c, 200, seed=3))
    con.execute("CREATE TABLE scratch AS SELECT 1 AS x")  # writes the WAL
    wal = path.with_name(path.name + ".wal")
    assert _mode(path) == 0o600
    if wal.exists():
        assert _mode(wal) == 0o600
    con.close()
    published = store.publish(path, tmp_path / "pub" / "aivshi.duckdb")
    assert _mode(published) == 0o600


def test_the_cli_writes_private_files(tmp_path):
    db = tmp_path / "cli.duckdb"
    env = {**os.environ, store.DB_ENV_VAR: str(db)}
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os; os.umask(0o022); from analytics.cli import main; "
            f"raise SystemExit(main(['demo', '--applications', '200', '--db', {str(db)!r}]))",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert _mode(db) == 0o600


def test_a_locked_database_is_explained_without_path_or_process_id(tmp_path):
    path = tmp_path / "secret-location" / "aivshi.duckdb"
    path.parent.mkdir()
    duckdb.connect(str(path)).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; c = duckdb.connect({str(path)!r}); print('ready', flush=True); "
            "time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(store.StoreError) as caught:
            store.connect(path)
    finally:
        holder.kill()
        holder.wait()
    message = str(caught.value)
    assert message == LOCKED
    assert "secret-location" not in message and str(holder.pid) not in message
    assert "PID" not in message and "IO Error" not in message


def test_engine_errors_become_plain_sentences():
    boom = duckdb.TransactionException(
        'TransactionContext Error: Catalog write-write conflict on alter with "applications"'
    )
    assert str(engine_error("Loading applications failed", boom)) == BUSY
    other = duckdb.ConversionException('Conversion Error: Could not convert "/srv/x" at PID 42')
    text = str(engine_error("Loading applications failed", other))
    assert text.startswith("Loading applications failed and nothing was changed.")
    assert "/srv/x" not in text and "42" not in text and "Conversion Error" not in text


def test_two_loads_at_once_get_a_plain_answer_and_change_nothing_half_way(tmp_path):
    path = tmp_path / "aivshi.duckdb"
    con = store.open_database(path, build_demo=lambda c: demo.build(c, 300, seed=4))
    apps = con.execute("SELECT * FROM applications").df()
    before = con.execute("SELECT count(*) FROM applications").fetchall()[0][0]
    start = threading.Barrier(2)
    outcomes: list[object] = []

    def load(seed: int) -> None:
        frame = apps.sample(frac=1.0, random_state=seed)
        start.wait()
        try:
            outcomes.append(store.load_tables(con, {"applications": frame}, mode="replace"))
        except store.StoreError as e:
            outcomes.append(e)

    for _round in range(5):  # a conflict needs the two commits to overlap; try a few times
        outcomes.clear()
        threads = [threading.Thread(target=load, args=(s,)) for s in (1, 2)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        if any(isinstance(o, store.StoreError) for o in outcomes):
            break
    errors = [o for o in outcomes if isinstance(o, store.StoreError)]
    assert errors, "the two loads never overlapped in five tries"
    for e in errors:
        assert str(e) == BUSY
    assert any(isinstance(o, int) for o in outcomes)
    assert con.execute("SELECT count(*) FROM applications").fetchall()[0][0] == before
    con.close()


def test_a_published_version_copied_while_the_app_reads_it_is_a_consistent_backup(tmp_path):
    # DEPLOY.md, "Backups": published versions are never written again, so a plain copy taken
    # while read-only app processes serve them is a complete database.
    work = tmp_path / "work.duckdb"
    con = store.open_database(work, build_demo=lambda c: demo.build(c, 300, seed=6))
    query = "SELECT count(*), sum(hash(application_id)) FROM applications"
    expected = con.execute(query).fetchall()
    con.close()
    live = store.publish(work, tmp_path / "pub" / "aivshi.duckdb")
    reader = store.open_database(tmp_path / "pub" / "aivshi.duckdb", read_only=True)
    backup = tmp_path / "backup" / "aivshi-backup.duckdb"
    backup.parent.mkdir()
    shutil.copy2(live, backup)
    copy = duckdb.connect(str(backup), read_only=True)
    got = copy.execute(query).fetchall()
    assert got == expected
    assert reader.execute("SELECT count(*) FROM applications").fetchall()[0][0] == expected[0][0]
    copy.close()
    reader.close()
