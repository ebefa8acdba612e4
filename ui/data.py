"""The app's database: the one root connection, a cursor per caller, first build, read-only.

The root connection is a ``st.cache_resource`` (one per process, per database path); every
script run, fragment and thread works on its own ``cursor()``, because DuckDB 2.0 refuses
concurrent use of one connection. Results are cached in ``ui.cache``, keyed by the data version
read here, so any load (which bumps the version) makes every page recompute.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import duckdb
import streamlit as st

from analytics import demo, store


@st.cache_resource(show_spinner=False, max_entries=4)
def _root_connection(
    location: str, read_only: bool, stamp: tuple[str, int, int, int] | None
) -> duckdb.DuckDBPyConnection:
    # ``stamp`` (read-only mode) is part of the cache key: a newly published file gets its own
    # connection, and the old one is dropped from the cache when it is no longer used.
    if read_only:
        previous = _OPEN_READ_ONLY.get(location)
        if previous is not None and stamp is not None and previous[0] != stamp:
            if previous[0][0] == stamp[0]:
                # The file was replaced in place (same path, new inode) instead of through
                # ``python -m analytics publish``: DuckDB would hand back the old database for
                # the same path while it is open, so close it (a page running at this very
                # moment may fail once; publishing via a symlink avoids even that).
                with contextlib.suppress(duckdb.Error):
                    previous[1].close()
        con = store.open_database(location, read_only=True)
        _OPEN_READ_ONLY[location] = (stamp, con)
        return con
    return store.open_database(location, build_demo=demo.build)


# The last read-only root connection per location (see _root_connection).
_OPEN_READ_ONLY: dict[str, tuple[tuple[str, int, int, int] | None, duckdb.DuckDBPyConnection]] = {}


def db_path() -> str:
    """The database location: a file path, ``:memory:`` or a connection string (``md:...``)."""
    return store.db_location_from_env()


def read_only() -> bool:
    """True when the app serves a published database read-only (``AIVSHI_READ_ONLY=1``):
    uploads, survey imports, undo and demo rebuilds are switched off; pages check this flag."""
    return store.read_only_from_env()


READ_ONLY_REASON = (
    "This app serves a published, read-only copy of the data (AIVSHI_READ_ONLY=1), so uploads "
    "and changes are switched off here. Load new data with 'python -m analytics import ... --db "
    "COPY' and publish it with 'python -m analytics publish COPY DEST'; this app picks it up on "
    "the next page run."
)


def needs_first_build() -> bool:
    """True before the first start has built the demo database (so the app can say so)."""
    location = db_path()
    if read_only() or not store.is_local_file(location):
        return False
    return not Path(location).exists()


def cursor() -> duckdb.DuckDBPyConnection:
    """A fresh cursor on the process's root connection (one per caller).

    In read-only mode every call checks the published file (one ``stat``): when a new version
    was published, the next cursor comes from a connection to the new file.
    """
    location, ro = db_path(), read_only()
    stamp = store.file_stamp(location) if ro and store.is_local_file(location) else None
    return _root_connection(location, ro, stamp).cursor()


def data_version() -> int:
    """The loaded data's version (bumped by every load): the key of every cached result."""
    cur = cursor()
    try:
        return int(store.get_meta(cur).get("data_version", 0))
    finally:
        cur.close()
