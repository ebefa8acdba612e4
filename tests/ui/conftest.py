"""Fixtures for the ui/ tests: a real demo database file the app's connection opens, and empty
Streamlit caches (they outlive a test, PITFALLS.md)."""

from __future__ import annotations

import pytest
import streamlit as st

from analytics import demo, store


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    """A small demo database (2,000 applications, with surveys) per test module."""
    path = tmp_path_factory.mktemp("db") / "aivshi.duckdb"
    con = store.connect(path)
    demo.build(con, 2000, seed=7)
    con.close()
    return path


@pytest.fixture
def app_db(demo_file, monkeypatch):
    """Point the app (``ui.data``) at the module's demo database, with empty caches."""
    monkeypatch.setenv(store.DB_ENV_VAR, str(demo_file))
    st.cache_data.clear()
    st.cache_resource.clear()
    yield demo_file
    st.cache_data.clear()
    st.cache_resource.clear()
