"""Publishing a finished database file to read-only readers by atomic rename.

Why it exists: DuckDB lets one process write a file while no other process may open it, so a
scaled-out deployment loads into a copy and publishes it; readers switch to the new version on
their next script run (see ``connection.open_database(read_only=True)``).

Why a rebuilt copy and not the file's bytes: a replica needs the data tables, the derived tables
and a few ``meta`` keys to serve pages, nothing else. The loader's file also holds the previous
data set (``prev_*`` undo copies), the load log and saved mapping profiles, and a database file
can keep deleted rows (an old salt) in freed blocks. So the published file is a new database
into which only what readers need is copied.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import duckdb

from analytics.store.base import StoreError, current_version, set_meta, transaction
from analytics.store.connection import published_file
from analytics.store.idkey import LEGACY_SALT_KEY
from analytics.store.schema import (
    DATA_TABLES,
    DERIVED_INFO_TABLE,
    DERIVED_SQL,
    UNDO_KEY,
    derived_fresh,
    ensure_schema,
    mark_derived,
)

# meta keys readers must not get: undo bookkeeping and the old in-database salt. The key check
# (``idkey.KEY_CHECK_META``) stays: it reveals no more than a stored candidate hash, and a loader
# that starts from a copy of the published file needs it to refuse appending with another key.
PRIVATE_META_KEYS = (UNDO_KEY, LEGACY_SALT_KEY)


def publish(source: str | Path, dest: str | Path, *, keep: int = 3) -> Path:
    """Publish a finished database file to readers by atomic rename.

    The source (built by the loader, e.g. ``python -m analytics import ... --db copy.duckdb``,
    closed) is copied next to ``dest`` as a versioned file ``<dest>.v<N>`` holding only what
    readers need (``_reader_copy``: no undo copies, load log or profiles), and
    ``dest`` is then
    switched to it by renaming a new symlink over it (``os.replace``: readers see the old or the
    new version, never a half-written file). Readers open the symlink's target, so every version
    has its own path: DuckDB caches open databases by path, and a new path is what lets a reader
    process open the new version while pages still running finish on the old one. The newest
    ``keep`` versions are kept (a reader that still has an older one open keeps reading it: on
    Linux a deleted file lives until closed). Returns the versioned file.
    """
    src, target = Path(source), Path(dest)
    if not src.is_file():
        raise StoreError(f"Cannot publish {src}: no such database file.")
    if Path(str(src) + ".wal").exists():
        raise StoreError(
            f"Cannot publish {src}: it has a write-ahead log ({src}.wal), so it is still open or "
            "was not closed cleanly. Close the loader (or open and close it once) and try again."
        )
    try:
        con = duckdb.connect(str(src), read_only=True)
        con.execute("SELECT count(*) FROM meta").fetchall()
        con.close()
    except duckdb.Error as e:
        raise StoreError(
            f"Cannot publish {src}: it is not a readable AI vs HI database ({e})."
        ) from e
    target.parent.mkdir(parents=True, exist_ok=True)
    existing = sorted(
        target.parent.glob(f"{target.name}.v*"), key=lambda p: _version_number(p, target)
    )
    number = (_version_number(existing[-1], target) + 1) if existing else 1
    versioned = target.with_name(f"{target.name}.v{number}")
    tmp = versioned.with_name(versioned.name + ".part")
    tmp.unlink(missing_ok=True)
    try:
        _reader_copy(src, tmp)
    except duckdb.Error as e:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"Cannot publish {src}: copying its tables failed ({e}).") from e
    os.chmod(tmp, 0o600)  # personal data: the owner (the app's account) only; DEPLOY.md
    _bump_published_version(tmp, target)
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, versioned)
    link = target.with_name(f".{target.name}.link{os.getpid()}")
    link.unlink(missing_ok=True)
    link.symlink_to(versioned.name)
    os.replace(link, target)
    for old in [*existing, versioned][:-keep] if keep > 0 else []:
        old.unlink(missing_ok=True)
    return versioned


def _reader_copy(src: Path, dest: Path) -> None:
    """A new database at ``dest`` with the schema, the data tables, the derived tables and the
    public ``meta`` keys of ``src``; settings tables and the load log stay empty."""
    con = duckdb.connect(str(dest))
    try:
        ensure_schema(con)
        quoted = str(src).replace("'", "''")
        con.execute(f"ATTACH '{quoted}' AS src (READ_ONLY)")
        present = {
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() "
                "WHERE database_name = 'src' AND schema_name = 'main'"
            ).fetchall()
        }
        with transaction(con):
            for name in DATA_TABLES:
                if name in present:
                    con.execute(f'INSERT INTO main."{name}" BY NAME SELECT * FROM src."{name}"')
            con.execute("DELETE FROM main.meta")
            con.execute(
                "INSERT INTO main.meta SELECT key, value FROM src.meta WHERE key <> ALL(?)",
                [list(PRIVATE_META_KEYS)],
            )
            for name in (*DERIVED_SQL, DERIVED_INFO_TABLE):
                if name in present:
                    con.execute(f'CREATE TABLE main."{name}" AS SELECT * FROM src."{name}"')
        con.execute("DETACH src")
        con.execute("CHECKPOINT")
    finally:
        con.close()


def _bump_published_version(copy: Path, target: Path) -> None:
    """Give the copy a data version above the one readers have now, so their caches (keyed by
    the data version) never mistake the new file for the old one."""
    previous = 0
    if published_file(target).exists():
        with contextlib.suppress(duckdb.Error):
            old = duckdb.connect(str(published_file(target)), read_only=True)
            try:
                previous = current_version(old)
            finally:
                old.close()
    con = duckdb.connect(str(copy))
    try:
        own = current_version(con)
        if own <= previous:
            fresh = derived_fresh(con)
            with transaction(con):
                set_meta(con, "data_version", str(previous + 1))
                if fresh:
                    mark_derived(con, previous + 1)
        con.execute("CHECKPOINT")
    finally:
        con.close()


def _version_number(path: Path, target: Path) -> int:
    suffix = path.name[len(target.name) + 2 :]
    return int(suffix) if suffix.isdigit() else -1
