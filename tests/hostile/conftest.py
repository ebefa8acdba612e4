"""Fixtures for the hostile-input, crash and security tests: a small demo database on disk and a
content hash of every table (what "the database is unchanged" means here)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb
import pytest


def content_hash(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Per table (every table in the file, ``prev_*`` copies included): a hash of its sorted rows.

    Sorted text of every row, so the hash says "same content", not "same bytes on disk" (DuckDB
    may lay out the same rows differently after a rolled-back transaction).
    """
    cur = con.cursor()
    try:
        names = [
            r[0]
            for r in cur.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'main' ORDER BY table_name"
            ).fetchall()
        ]
        out = {}
        for name in names:
            rows = sorted(map(repr, cur.execute(f'SELECT * FROM "{name}"').fetchall()))
            out[name] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
        return out
    finally:
        cur.close()


def file_hash(path: Path) -> dict[str, str]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return content_hash(con)
    finally:
        con.close()


@pytest.fixture(scope="session")
def demo_file(demo_db) -> Path:
    """A 300-application demo database, built once (tests/conftest.py); tests copy it."""
    return demo_db(300, 11)


@pytest.fixture
def db_copy(demo_file, tmp_path) -> Path:
    path = tmp_path / "aivshi.duckdb"
    shutil.copyfile(demo_file, path)
    return path


def app_content_hash() -> dict[str, str]:
    """``content_hash`` of the database the running app (AppTest) holds, read through the app's
    own connection (the app process holds the file's lock)."""
    from ui import data

    cur = data.cursor()
    try:
        return content_hash(cur)
    finally:
        cur.close()
