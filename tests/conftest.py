"""Shared fixtures: real DuckDB databases (in memory or in tmp_path), never a mocked connection.

``demo_db(applications, seed)`` is the one way to get a demo database file: built once per test
session for each size and seed, shared read-only (a test that writes copies it first). The test
markers (``slow``, ``browser``) are declared in pyproject.toml; tests/e2e is marked ``browser``
here by folder, so no e2e test can forget it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest

from analytics import demo, store

TESTS = Path(__file__).parent
E2E_DIR = TESTS / "e2e"
# Slow, marked here by folder, file and name so the marks survive files being split: whole-app
# AppTest runs (every page test, 2-9 s each), killed processes, the injection sweep over every
# metric function (a content hash of the 20,000-application demo each), the 10,000 x 40 survey
# imports. What is left (``-m "not slow and not browser"``) is the inner loop.
SLOW_DIRS = {"pages"}
SLOW_FILES = {
    "hostile/test_crash.py",
    "hostile/test_hostile_app.py",
    "hostile/test_privacy_app.py",
    "test_readonly.py",
}
SLOW_TESTS = {
    "test_every_metric_query_binds_filter_values",
    "test_injection_strings_in_every_url_parameter",
    "test_real_size_qualtrics_export_in_the_page",
    "test_ten_thousand_by_forty_loads",
    "test_real_size_qualtrics_export_loads_and_the_banner_renders",
}


def pytest_collection_modifyitems(config, items):  # noqa: ARG001 - pytest's hook signature
    for item in items:
        path = Path(str(item.fspath))
        if E2E_DIR in path.parents:
            item.add_marker(pytest.mark.browser)
        relative = path.relative_to(TESTS).as_posix() if TESTS in path.parents else ""
        slow_dir = relative.split("/", 1)[0] in SLOW_DIRS
        if slow_dir or relative in SLOW_FILES or item.originalname in SLOW_TESTS:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Callable[..., Path]:
    """A factory: ``demo_db(applications, seed)`` -> the path of a demo database file, built once
    per session per (applications, seed) and checkpointed. Treat it as read-only: copy it
    (``shutil.copyfile``) before writing, so other tests keep seeing the same data."""
    built: dict[tuple[int, int], Path] = {}

    def make(applications: int = 4000, seed: int = 5) -> Path:
        key = (applications, seed)
        if key not in built:
            path = tmp_path_factory.mktemp("demo") / f"demo-{applications}-{seed}.duckdb"
            con = store.connect(path)
            try:
                demo.build(con, applications, seed=seed)
                con.execute("CHECKPOINT")
            finally:
                con.close()
            built[key] = path
        return built[key]

    return make


@pytest.fixture
def app_database(demo_db, tmp_path, monkeypatch) -> Iterator[Callable[..., Path]]:
    """A factory for tests of the running app (AppTest): ``app_database(applications, seed)``
    copies a session-built demo database (and its id key file, if any) into ``tmp_path``, points
    ``AIVSHI_DB`` at the copy and clears Streamlit's caches before and after, so every test starts
    from its own database and no cached result of another test."""
    import shutil

    import streamlit as st

    def make(applications: int = 300, seed: int = 11) -> Path:
        source = demo_db(applications, seed)
        path = tmp_path / "aivshi.duckdb"
        shutil.copyfile(source, path)
        key = source.with_name(source.name + ".key")
        if key.exists():
            shutil.copyfile(key, path.with_name(path.name + ".key"))
        monkeypatch.setenv(store.DB_ENV_VAR, str(path))
        st.cache_data.clear()
        st.cache_resource.clear()
        return path

    yield make
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture(scope="session")
def demo_con() -> duckdb.DuckDBPyConnection:
    """The default demo (20,000 applications) in memory, built once per test session."""
    con = store.connect(":memory:")
    demo.build(con)
    return con


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    """An empty database with the schema."""
    connection = store.connect(":memory:")
    yield connection
    connection.close()
