"""Atomic loads, undo, and what the pages read about the loaded data (version, as-of date,
filter options).

Why it works like this: every load runs in one ``BEGIN ... COMMIT`` that also bumps the data
version used as the cache key, so a failed or interrupted load leaves the previous data exactly
as it was. A load may keep a copy of the previous data (``prev_*`` tables) so that one undo can
put it back.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping

import duckdb
import pandas as pd

from analytics.domain import DIMENSIONS, DatasetInfo, FilterOptions
from analytics.store.base import StoreError, current_version, engine_error, get_meta, transaction
from analytics.store.idkey import drop_legacy_salt
from analytics.store.schema import (
    DATA_TABLES,
    DERIVED_SOURCES,
    DERIVED_SQL,
    PREV_PREFIX,
    RULES_SUMMARY_KEY,
    SCHEMA,
    UNDO_KEY,
    LoadMode,
    derived_tables,
    mark_derived,
    refresh_derived,
)


def load_tables(
    con: duckdb.DuckDBPyConnection,
    tables: Mapping[str, pd.DataFrame],
    *,
    mode: LoadMode = "replace",
    source: str = "",
    meta: Mapping[str, str] | None = None,
    keep_previous: bool = False,
    derived: bool = True,
) -> int:
    """Replace or append whole tables in one transaction and bump the data version.

    Columns are matched by name (``INSERT ... BY NAME``); columns missing from a frame stay NULL.
    Either every table is loaded or none is: any error rolls back and is re-raised as
    ``StoreError``. Returns the new data version.

    ``keep_previous=True`` first copies every data table and ``meta`` into ``prev_*`` tables (in
    the same transaction), so that ``undo_last_load`` can restore them exactly until the next load.
    A load without it forgets the copy (undo then refers to nothing).
    """
    return load_table_batches(
        con,
        [tables],
        mode=mode,
        source=source,
        meta=meta,
        keep_previous=keep_previous,
        derived=derived,
    )


def load_table_batches(
    con: duckdb.DuckDBPyConnection,
    batches: Iterable[Mapping[str, pd.DataFrame]],
    *,
    mode: LoadMode = "replace",
    source: str = "",
    meta: Mapping[str, str] | None = None,
    keep_previous: bool = False,
    derived: bool = True,
) -> int:
    """``load_tables`` for data that arrive in batches (one transaction, one data version).

    A table is replaced (``mode="replace"``) by the first batch that holds it; later batches
    append to it. ``batches`` may be a generator, so only one batch need be in memory at a time.
    ``derived=False`` skips rebuilding the derived tables (readers then compute on the fly) for a
    caller that loads more and calls ``rebuild_derived`` once at the end.
    """
    if mode not in ("replace", "append"):
        raise ValueError(f"mode must be 'replace' or 'append', not {mode!r}")
    rows: dict[str, int] = {}  # rows loaded per table
    keyed_later: dict[str, str] = {}  # table -> primary key column added after the insert
    cur = con.cursor()
    try:
        with transaction(cur):
            version = current_version(cur) + 1
            # A load of other tables (a survey) keeps the derived tables valid: carry them forward.
            present_before = derived_tables(cur)  # None when stale or never built
            derived_fresh_before = present_before is not None
            now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
            _drop_previous(cur)
            drop_legacy_salt(cur)  # never copied into prev_meta, never loaded again
            if keep_previous:
                for name in (*DATA_TABLES, "meta"):
                    cur.execute(f'CREATE TABLE "{PREV_PREFIX}{name}" AS SELECT * FROM "{name}"')
            for tables in batches:
                unknown = [name for name in tables if name not in DATA_TABLES]
                if unknown:
                    raise ValueError(
                        f"Unknown table(s) {unknown}; known tables are {list(DATA_TABLES)}"
                    )
                for name, frame in tables.items():
                    if mode == "replace" and name not in rows:
                        key = _key_after_insert(name, len(frame))
                        if key is not None:
                            keyed_later[name] = key
                            cur.execute(f'DROP TABLE "{name}"')
                            cur.execute(_without_key(name))
                        else:
                            cur.execute(f'DELETE FROM "{name}"')
                    _insert(cur, name, frame)
                    rows[name] = rows.get(name, 0) + len(frame)
            for name, key in keyed_later.items():
                # Refuses duplicates like the inline key would (the whole load rolls back).
                cur.execute(f'ALTER TABLE "{name}" ADD PRIMARY KEY ("{key}")')
            for name, n in rows.items():
                cur.execute(
                    "INSERT INTO load_log VALUES (?, ?, ?, ?, ?, ?)",
                    [version, now, name, mode, n, source],
                )
            settings = {"data_version": str(version), **(meta or {})}
            cur.execute("DELETE FROM meta WHERE key = ?", [UNDO_KEY])
            if keep_previous:
                settings[UNDO_KEY] = str(version)
            for key, value in settings.items():
                cur.execute(
                    "INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = ?",
                    [key, value, value],
                )
            if not derived:
                pass
            elif derived_fresh_before and not any(name in DERIVED_SOURCES for name in rows):
                mark_derived(cur, version)
            elif present_before is not None:
                _refresh_changed(cur, version, set(rows), present_before)
            else:
                refresh_derived(cur, version)
    except duckdb.Error as e:
        raise engine_error(f"Loading {', '.join(rows) or 'the data'} failed", e) from e
    finally:
        cur.close()
    return version


# From this many rows, a replaced table is loaded without its primary key and the key is added
# after the insert (issue 21): DuckDB then builds the index once over the loaded column instead
# of checking it row by row (1M applications: ~0.5 CPU s less, the insert's largest part after
# compression). Smaller loads keep the inline key, whose message names the duplicate value.
KEY_AFTER_INSERT_ROWS = 100_000
_INLINE_KEY = re.compile(r"^\s*(\w+) [A-Z]+ PRIMARY KEY,?$", re.MULTILINE)


def _key_after_insert(name: str, n_rows: int) -> str | None:
    """The column of ``name``'s primary key when it is one column declared inline and the load
    is big enough to add it after the insert; else None."""
    if n_rows < KEY_AFTER_INSERT_ROWS:
        return None
    keys = _INLINE_KEY.findall(SCHEMA[name])
    return keys[0] if len(keys) == 1 and SCHEMA[name].count("PRIMARY KEY") == 1 else None


def _without_key(name: str) -> str:
    """``name``'s CREATE TABLE without its inline primary key (every other column and constraint
    as in ``SCHEMA``); ``ALTER TABLE ... ADD PRIMARY KEY`` puts the key back."""
    return SCHEMA[name].replace(" PRIMARY KEY", "", 1).replace(" IF NOT EXISTS", "", 1)


def _insert(cur: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> None:
    """Insert ``frame`` into ``name`` by column name, scanned as Arrow when it converts (DuckDB
    reads Arrow columns in parallel and without the GIL; pandas object columns are read value by
    value), else as the pandas frame."""
    incoming: object = frame
    if len(frame) >= KEY_AFTER_INSERT_ROWS:
        import pyarrow as pa

        try:
            incoming = pa.Table.from_pandas(frame, preserve_index=False)
        except (pa.ArrowException, TypeError, ValueError):
            incoming = frame  # mixed Python objects: DuckDB's pandas scan decides as before
    cur.register("_incoming", incoming)
    try:
        cur.execute(f'INSERT INTO "{name}" BY NAME SELECT * FROM _incoming')
    finally:
        cur.unregister("_incoming")


def derived_to_rebuild(changed: set[str]) -> list[str]:
    """The derived tables (in build order) whose rows can differ after a load that changed the
    ``changed`` data tables: those whose SQL names a changed table, ``meta`` (the as-of date;
    every load writes meta) or a derived table rebuilt before it. A name is found anywhere in
    the SQL text, so a mention too many costs a rebuild, never a stale table (issue 21: an
    offers file need not rebuild the stage tables, 1.7M events at 1M applications)."""
    rebuilt: set[str] = set()
    for name, sql in DERIVED_SQL.items():
        if any(re.search(rf"\b{re.escape(t)}\b", sql) for t in (*changed, *rebuilt, "meta")):
            rebuilt.add(name)
    return [name for name in DERIVED_SQL if name in rebuilt]


def _refresh_changed(
    cur: duckdb.DuckDBPyConnection, version: int, changed: set[str], present: frozenset[str]
) -> None:
    """``refresh_derived`` for the tables a load can have changed (and any missing from
    ``present``, the derived tables that were fresh before the load); the others describe the
    same rows as before, so they are carried forward."""
    rebuild = set(derived_to_rebuild(changed)) | (set(DERIVED_SQL) - present)
    for name, sql in DERIVED_SQL.items():
        if name in rebuild:
            cur.execute(sql)
    mark_derived(cur, version)


def _drop_previous(cur: duckdb.DuckDBPyConnection) -> None:
    for name in (*DATA_TABLES, "meta"):
        cur.execute(f'DROP TABLE IF EXISTS "{PREV_PREFIX}{name}"')


def can_undo(cur: duckdb.DuckDBPyConnection) -> bool:
    """True when the last change was a load that kept the previous data."""
    meta = get_meta(cur)
    return meta.get(UNDO_KEY) is not None and meta.get(UNDO_KEY) == meta.get("data_version")


def undo_last_load(con: duckdb.DuckDBPyConnection) -> int:
    """Put back the data (every data table and ``meta``) as it was before the last load.

    One transaction; the data version is bumped (not restored) so cached results refresh; the copy
    is dropped, so a second undo is refused. Raises ``StoreError`` when there is nothing to undo.
    Returns the new data version.
    """
    cur = con.cursor()
    try:
        if not can_undo(cur):
            raise StoreError(
                "There is no load to undo: undo works once, right after a load made on the Data "
                "page or with 'python -m analytics import' (a later load or demo rebuild replaces "
                "the saved copy)."
            )
        with transaction(cur):
            version = current_version(cur) + 1
            now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
            for name in (*DATA_TABLES, "meta"):
                cur.execute(f'DELETE FROM "{name}"')
                cur.execute(f'INSERT INTO "{name}" SELECT * FROM "{PREV_PREFIX}{name}"')
                if name != "meta":
                    n = cur.execute(f'SELECT count(*) FROM "{name}"').fetchall()[0][0]
                    cur.execute(
                        "INSERT INTO load_log VALUES (?, ?, ?, 'undo', ?, 'undo last load')",
                        [version, now, name, n],
                    )
            cur.execute("DELETE FROM meta WHERE key IN ('data_version', ?)", [UNDO_KEY])
            cur.execute("INSERT INTO meta VALUES ('data_version', ?)", [str(version)])
            _drop_previous(cur)
            refresh_derived(cur, version)
    except duckdb.Error as e:
        raise engine_error("Undoing the last load failed", e) from e
    finally:
        cur.close()
    return version


def dataset_info(cur: duckdb.DuckDBPyConnection) -> DatasetInfo:
    """Data version, as-of date (for censoring), demo flag and the number of applications."""
    meta = get_meta(cur)
    n_apps = cur.execute("SELECT count(*) FROM applications").fetchall()[0][0]
    if "as_of" in meta:
        as_of = dt.date.fromisoformat(meta["as_of"])
    else:
        # Real uploads without an explicit as-of date: the latest date seen in the data.
        latest = cur.execute(
            """
            SELECT greatest(
                (SELECT max(applied_on) FROM applications),
                (SELECT max(coalesce(exited_on, entered_on)) FROM stage_events),
                (SELECT max(coalesce(decided_on, offered_on)) FROM offers),
                (SELECT max(coalesce(left_on, start_on)) FROM hires)
            )
            """
        ).fetchall()[0][0]
        as_of = latest or dt.date.today()
    return DatasetInfo(
        data_version=int(meta.get("data_version", "0")),
        as_of=as_of,
        is_demo=meta.get("is_demo") == "true",
        applications=int(n_apps),
        pipeline_rules=meta.get(RULES_SUMMARY_KEY) or None,
        undo_available=meta.get(UNDO_KEY) is not None
        and meta.get(UNDO_KEY) == meta.get("data_version"),
    )


def filter_options(cur: duckdb.DuckDBPyConnection) -> FilterOptions:
    first, last = cur.execute(
        "SELECT min(applied_on), max(applied_on) FROM applications"
    ).fetchall()[0]
    values: dict[str, tuple[str, ...]] = {}
    for dim in DIMENSIONS:
        rows = cur.execute(
            f"SELECT DISTINCT {dim} FROM applications WHERE {dim} IS NOT NULL ORDER BY 1"
        ).fetchall()
        values[dim] = tuple(str(r[0]) for r in rows)
    return FilterOptions(first_date=first, last_date=last, values=values)
