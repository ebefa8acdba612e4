"""Scale-out: the database location as any DuckDB connection string, read-only mode, publishing a
new version by atomic rename while two app processes read the same file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from analytics import demo, store

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")


def _build(path: Path, n: int, seed: int) -> Path:
    con = store.connect(path)
    demo.build(con, n, seed=seed)
    con.execute("CHECKPOINT")
    con.close()
    return path


def _version(path: Path) -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return int(
            con.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchall()[0][0]
        )
    finally:
        con.close()


@pytest.fixture
def clean_caches():
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


# --- connection strings ----------------------------------------------------------------------


def test_connection_strings_pass_through_unchanged(monkeypatch):
    for location in ("md:hiring?motherduck_token=a//b", "motherduck:x", ":memory:"):
        monkeypatch.setenv(store.DB_ENV_VAR, location)
        assert store.db_location_from_env() == location
        assert not store.is_local_file(location)
    monkeypatch.setenv(store.DB_ENV_VAR, "~/x/aivshi.duckdb")
    assert store.db_location_from_env() == str(Path("~/x/aivshi.duckdb").expanduser())
    assert store.is_local_file(store.db_location_from_env())
    monkeypatch.delenv(store.DB_ENV_VAR)
    assert store.db_location_from_env() == str(store.DEFAULT_DB_PATH)


def test_memory_database_builds_the_demo_without_creating_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    con = store.open_database(":memory:", build_demo=lambda c: demo.build(c, 300, seed=1))
    assert con.execute("SELECT count(*) FROM applications").fetchall()[0][0] == 300
    con.close()
    assert list(tmp_path.iterdir()) == []


def test_app_runs_on_an_in_memory_database(tmp_path, monkeypatch, clean_caches):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(store.DB_ENV_VAR, ":memory:")
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    assert at.title
    assert list(tmp_path.iterdir()) == []


def test_app_runs_on_a_file_database(tmp_path, monkeypatch, clean_caches):
    db_file = _build(tmp_path / "file.duckdb", 600, 3)
    monkeypatch.setenv(store.DB_ENV_VAR, str(db_file))
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception


# --- publish and read-only opening -----------------------------------------------------------


def test_publish_versions_the_file_and_switches_a_symlink(tmp_path):
    a = _build(tmp_path / "a.duckdb", 200, 1)
    b = _build(tmp_path / "b.duckdb", 300, 2)
    dest = tmp_path / "live" / "aivshi.duckdb"
    first = store.publish(a, dest)
    assert dest.is_symlink() and dest.resolve() == first.resolve()
    v1 = _version(dest)
    second = store.publish(b, dest)
    assert dest.resolve() == second.resolve() and second != first
    assert _version(dest) > v1  # readers' caches are keyed by the version: it must move on
    con = store.open_database(dest, read_only=True)
    assert con.execute("SELECT count(*) FROM applications").fetchall()[0][0] == 300
    assert store.derived_fresh(con)  # the summary tables follow the bumped version
    with pytest.raises(duckdb.Error):
        con.execute("DELETE FROM applications")
    con.close()
    for _ in range(3):
        store.publish(a, dest, keep=2)
    assert len(list(dest.parent.glob("aivshi.duckdb.v*"))) == 2


def test_publish_refuses_what_it_cannot_publish(tmp_path):
    with pytest.raises(store.StoreError, match="no such database"):
        store.publish(tmp_path / "missing.duckdb", tmp_path / "dest.duckdb")
    junk = tmp_path / "junk.duckdb"
    junk.write_text("not a database")
    with pytest.raises(store.StoreError, match="not a readable"):
        store.publish(junk, tmp_path / "dest.duckdb")
    open_one = _build(tmp_path / "open.duckdb", 150, 1)
    Path(str(open_one) + ".wal").write_bytes(b"x")
    with pytest.raises(store.StoreError, match="write-ahead log"):
        store.publish(open_one, tmp_path / "dest.duckdb")
    assert not (tmp_path / "dest.duckdb").exists()


def test_publish_cli(tmp_path, capsys):
    from analytics.cli import main

    a = _build(tmp_path / "a.duckdb", 150, 1)
    assert main(["publish", str(a), str(tmp_path / "live.duckdb")]) == 0
    assert "now points to it" in capsys.readouterr().out
    assert main(["publish", str(tmp_path / "nope.duckdb"), str(tmp_path / "live.duckdb")]) == 2
    assert "no such database" in capsys.readouterr().err


def test_read_only_open_of_a_missing_file_says_what_to_do(tmp_path):
    with pytest.raises(store.StoreError, match="publish"):
        store.open_database(tmp_path / "nothing.duckdb", read_only=True)
    assert not (tmp_path / "nothing.duckdb").exists()


def test_reader_reopens_after_a_plain_rename(tmp_path, monkeypatch, clean_caches):
    """Replacing the file in place (no symlink) is noticed by the stat check too."""
    from ui import data

    dest = tmp_path / "aivshi.duckdb"
    os.replace(_build(tmp_path / "a.duckdb", 200, 1), dest)
    monkeypatch.setenv(store.DB_ENV_VAR, str(dest))
    monkeypatch.setenv(store.READ_ONLY_ENV_VAR, "1")
    assert data.read_only() and not data.needs_first_build()
    cur = data.cursor()
    assert cur.execute("SELECT count(*) FROM applications").fetchall()[0][0] == 200
    cur.close()
    b = _build(tmp_path / "b.duckdb", 350, 2)
    os.replace(b, dest)
    cur = data.cursor()
    assert cur.execute("SELECT count(*) FROM applications").fetchall()[0][0] == 350
    cur.close()


def test_data_and_survey_pages_say_uploads_are_off(tmp_path, monkeypatch, clean_caches):
    dest = tmp_path / "live.duckdb"
    store.publish(_build(tmp_path / "a.duckdb", 600, 1), dest)
    monkeypatch.setenv(store.DB_ENV_VAR, str(dest))
    monkeypatch.setenv(store.READ_ONLY_ENV_VAR, "1")
    for lang, word in (("en", "read-only"), ("nl", "alleen gelezen")):
        at = AppTest.from_file(APP, default_timeout=120)
        at.query_params["lang"] = lang
        at.run()
        # The demo banner points to publishing, not to the (switched off) Data page upload.
        banners = [c.value for c in at.sidebar.caption if "600" in c.value]
        assert banners and all("publish" in b and "--kind applications" not in b for b in banners)
        at.switch_page(str(ROOT / "pages" / "data.py")).run()
        assert not at.exception
        assert any(word in i.value for i in at.info)
        assert not at.get("file_uploader")
        at.switch_page(str(ROOT / "pages" / "survey.py")).run()
        assert not at.exception
        assert any("python -m analytics publish" in i.value for i in at.info)
        assert not at.get("file_uploader")


def test_missing_published_database_gets_a_message_not_a_traceback(
    tmp_path, monkeypatch, clean_caches
):
    monkeypatch.setenv(store.DB_ENV_VAR, str(tmp_path / "not_published.duckdb"))
    monkeypatch.setenv(store.READ_ONLY_ENV_VAR, "1")
    for lang, words in (("en", "cannot open its database"), ("nl", "kan de database niet")):
        at = AppTest.from_file(APP, default_timeout=120)
        at.query_params["lang"] = lang
        at.run()
        assert not at.exception
        assert any(words in e.value and "publish" in e.value for e in at.error)
    assert list(tmp_path.iterdir()) == []


# --- two app processes and a loader ----------------------------------------------------------

READER = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from streamlit.testing.v1 import AppTest
    from ui import data

    at = AppTest.from_file(sys.argv[1], default_timeout=120)
    for line in sys.stdin:
        at.run()
        cards = [m.value for m in at.markdown if m.value.startswith("Human-first: **")]
        print(json.dumps({
            "version": data.data_version(),
            "file": str(Path(data.cursor().execute("PRAGMA database_list").fetchall()[0][2])),
            "exceptions": [str(e.value)[:300] for e in at.exception],
            "card": cards[0] if cards else None,
        }), flush=True)
    """
)


def _ask(proc: subprocess.Popen) -> dict:
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write("run\n")
    proc.stdin.flush()
    line = proc.stdout.readline()
    assert line, proc.stderr.read() if proc.stderr else "reader died"
    return json.loads(line)


def test_two_readers_and_a_loader(tmp_path):
    dest = tmp_path / "live" / "aivshi.duckdb"
    store.publish(_build(tmp_path / "v1.duckdb", 800, 1), dest)
    script = tmp_path / "reader.py"
    script.write_text(READER)
    env = {
        **os.environ,
        store.DB_ENV_VAR: str(dest),
        store.READ_ONLY_ENV_VAR: "1",
        "PYTHONPATH": str(ROOT),
    }
    readers = [
        subprocess.Popen(
            [sys.executable, str(script), APP],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=env,
        )
        for _ in range(2)
    ]
    try:
        before = [_ask(r) for r in readers]
        for b in before:
            assert b["exceptions"] == [] and b["card"], b
        assert before[0]["version"] == before[1]["version"]
        # The loader works on a copy while both readers hold the published file open.
        copy = tmp_path / "copy.duckdb"
        loader_env = {k: v for k, v in env.items() if k != store.READ_ONLY_ENV_VAR}
        subprocess.run(
            [sys.executable, "-m", "analytics", "demo", "--applications", "1300", "--seed", "2"]
            + ["--db", str(copy)],
            check=True,
            cwd=ROOT,
            env=loader_env,
            capture_output=True,
        )
        subprocess.run(
            [sys.executable, "-m", "analytics", "publish", str(copy), str(dest)],
            check=True,
            cwd=ROOT,
            env=loader_env,
            capture_output=True,
        )
        after = [_ask(r) for r in readers]
        for a, b in zip(after, before, strict=True):
            assert a["exceptions"] == [], a
            assert a["version"] > b["version"]
            assert a["file"] != b["file"] and a["file"] == str(dest.resolve())
            assert a["card"] != b["card"]  # the overview shows the new numbers
    finally:
        for r in readers:
            r.kill()
            r.wait()
