"""What every store module shares: the error type, the transaction, and the ``meta`` table's
key-value access (the data version lives there).

Why a module of its own: the schema, the loads and publishing all run transactions and read the
data version; keeping these few lines below them avoids import cycles.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import duckdb

from analytics.domain import AivshiError


class StoreError(AivshiError):
    """A database problem described for a person: what failed and what to do."""


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """``BEGIN`` ... ``COMMIT``, or ``ROLLBACK`` and re-raise on any error."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def current_version(cur: duckdb.DuckDBPyConnection) -> int:
    """The data version (0 for a fresh database)."""
    row = cur.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchall()
    return int(row[0][0]) if row else 0


def get_meta(cur: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(cur.execute("SELECT key, value FROM meta").fetchall())


def set_meta(cur: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    cur.execute(
        "INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = ?",
        [key, value, value],
    )
