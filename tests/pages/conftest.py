"""Fixtures for running the whole app in AppTest: one demo database file per test session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import streamlit as st

from analytics import store

APP = Path(__file__).resolve().parents[2] / "app.py"


@pytest.fixture(scope="module")
def db_file(tmp_path_factory, demo_db):
    """A small demo database (4,000 applications) per test module (a module's writes stay in it):
    a copy of the session's one (tests/conftest.py), so it is built once, not per module."""
    path = tmp_path_factory.mktemp("db") / "aivshi.duckdb"
    shutil.copyfile(demo_db(4000, 5), path)
    return path


@pytest.fixture
def fresh_app(db_file, monkeypatch):
    """The app pointed at the module's demo database, with empty Streamlit caches (they outlive a
    test, PITFALLS.md). Page test modules use it with ``pytestmark``."""
    monkeypatch.setenv(store.DB_ENV_VAR, str(db_file))
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()
