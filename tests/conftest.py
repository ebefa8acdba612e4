"""Shared fixtures: real DuckDB databases (in memory or in tmp_path), never a mocked connection."""

from __future__ import annotations

import duckdb
import pytest

from analytics import demo, store


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
