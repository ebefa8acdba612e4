"""Cached data access for the pages: the one root connection, cursors, and cached results.

The root connection is a ``st.cache_resource`` (one per process, per database path); every
script run, fragment and thread works on its own ``cursor()``, because DuckDB 2.0 refuses
concurrent use of one connection. Results are cached with ``st.cache_data`` keyed by the data
version, so any load (which bumps the version) makes every page recompute.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import streamlit as st

from analytics import demo, overview, store
from analytics.filters import FilterOptions, Filters, filter_options


@st.cache_resource(show_spinner=False)
def _root_connection(db_path: str) -> duckdb.DuckDBPyConnection:
    return store.open_database(db_path, build_demo=demo.build)


def db_path() -> str:
    return str(store.db_path_from_env())


def needs_first_build() -> bool:
    """True before the first start has built the demo database (so the app can say so)."""
    return not Path(db_path()).exists()


def cursor() -> duckdb.DuckDBPyConnection:
    """A fresh cursor on the process's root connection (one per caller)."""
    return _root_connection(db_path()).cursor()


def data_version() -> int:
    cur = cursor()
    try:
        rows = cur.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchall()
    finally:
        cur.close()
    return int(rows[0][0]) if rows else 0


@st.cache_data(show_spinner=False, max_entries=64)
def dataset_info(version: int) -> store.DatasetInfo:
    del version  # the cache key
    cur = cursor()
    try:
        return store.dataset_info(cur)
    finally:
        cur.close()


@st.cache_data(show_spinner=False, max_entries=64)
def options(version: int) -> FilterOptions:
    del version
    cur = cursor()
    try:
        return filter_options(cur)
    finally:
        cur.close()


@st.cache_data(show_spinner=False, max_entries=256)
def headline(
    version: int, filters: Filters, as_of: dt.date, adjust_by: str | None
) -> overview.Overview:
    del version
    cur = cursor()
    try:
        return overview.headline(cur, filters, as_of=as_of, adjust_by=adjust_by)
    finally:
        cur.close()
