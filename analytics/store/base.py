"""What every store module shares: the error type, the transaction, and the ``meta`` table's
key-value access (the data version lives there).

Why a module of its own: the schema, the loads and publishing all run transactions and read the
data version; keeping these few lines below them avoids import cycles.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

import duckdb

from analytics.domain import AivshiError

log = logging.getLogger("aivshi.store")


class StoreError(AivshiError):
    """A database problem described for a person: what failed and what to do.

    Its text reaches users, so it never carries a file path, a process id or the engine's own
    message (those can name the server's layout or data values); ``engine_error`` logs them.
    """


# What DuckDB says when two writers touch the same rows or tables at once (another session's
# load committed first), and when another process holds the file's lock.
_CONFLICT_MARKS = ("write-write conflict", "conflict on", "transactioncontext error")
_LOCK_MARKS = ("could not set lock", "conflicting lock")

BUSY = (
    "Someone else is loading data right now, so nothing was changed. Try again in a moment: "
    "their load will have finished."
)
LOCKED = (
    "The database is in use by another program (or another copy of the app), so it cannot be "
    "opened. Close that program, or ask the person who runs the server; the server log names the "
    "file and the program."
)


def engine_error(what: str, error: BaseException) -> StoreError:
    """A StoreError for a failed database step, in plain words; the details go to the server log.

    ``what`` is the plain-language step ("Loading applications failed"), never the engine text.
    """
    text = str(error).lower()
    log.warning("%s: %s", what, error)
    if any(mark in text for mark in _CONFLICT_MARKS):
        return StoreError(BUSY)
    if any(mark in text for mark in _LOCK_MARKS):
        return StoreError(LOCKED)
    return StoreError(
        f"{what} and nothing was changed. The server log has the technical details; if this "
        "happens again, send them to whoever runs the app."
    )


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
