"""Fixtures for running the whole app in AppTest: one demo database file per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from analytics import demo, store

APP = Path(__file__).resolve().parents[2] / "app.py"


@pytest.fixture(scope="session")
def db_file(tmp_path_factory):
    """A small demo database (4,000 applications) shared by the page tests."""
    path = tmp_path_factory.mktemp("db") / "aivshi.duckdb"
    con = store.connect(path)
    demo.build(con, 4000, seed=5)
    con.close()
    return path
