"""Loading a prepared upload: one transaction through ``store.load_tables``, undo, and the
command line's read-map-validate-load in one call.

Why a module of its own: this is the only place the ATS import writes. Replacing applications
also empties every table that hangs off them, and every load keeps the previous data so that one
undo can put it back.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from analytics import store
from analytics.ingest.fields import DateOrder
from analytics.ingest.mapping import Profile
from analytics.ingest.prepare import Prepared, prepare
from analytics.ingest.reading import read_path
from analytics.ingest.report import Problem
from analytics.ingest.values import INT_TYPE_RANGES

# Loading

# Replacing applications replaces everything that hangs off them (stale rows would otherwise
# reference applications that no longer exist, e.g. the demo's).
_DEPENDENT = (
    "stages",
    "stage_events",
    "offers",
    "hires",
    "surveys",
    "survey_questions",
    "survey_respondents",
    "survey_answers",
)


def load(
    con: duckdb.DuckDBPyConnection,
    prepared: Prepared,
    *,
    mode: store.LoadMode = "replace",
) -> int:
    """Load a prepared upload in one transaction (``store.load_tables``). Returns the version.

    ``mode="replace"`` for applications also empties the tables that depend on them and marks the
    database as real data (``is_demo = false``, ``as_of`` = the latest date in the data).
    Raises ``ValueError`` when the upload has problems, ``store.StoreError`` when the load fails.
    """
    if not prepared.ok:
        raise ValueError("This upload has problems; fix them before loading.")
    tables = dict(prepared.tables)
    meta = dict(prepared.meta)
    table_modes = mode
    if prepared.kind == "applications" and mode == "replace":
        for name in _DEPENDENT:
            tables.setdefault(name, _empty(con, name))
        meta["is_demo"] = "false"
    if prepared.kind == "stages" and mode == "append":
        # new stages are appended to the catalogue; events too
        table_modes = "append"
    _check_numbers_fit(con, tables, prepared.report.file)
    return store.load_tables(
        con,
        tables,
        mode=table_modes,
        source=f"{prepared.report.file} ({prepared.kind})",
        meta=meta,
        keep_previous=True,
    )


def _check_numbers_fit(
    con: duckdb.DuckDBPyConnection, tables: dict[str, pd.DataFrame], file: str
) -> None:
    """Refuse a number its column cannot hold, naming the column and value, before the load.

    ``prepare`` already refuses such values with their row; this is the net under every other
    way a number reaches a table (a derived column, a new field). Without it DuckDB answers
    "Current transaction is aborted", naming nothing (issue 18). Raises ``store.StoreError``."""
    cur = con.cursor()
    try:
        types = {
            (r[0], r[1]): r[2]
            for r in cur.execute(
                "SELECT table_name, column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = 'main'"
            ).fetchall()
        }
    finally:
        cur.close()
    for name, frame in tables.items():
        for col in frame.columns:
            kind = types.get((name, str(col)))
            series = frame[col]
            if kind is None or not pd.api.types.is_numeric_dtype(series.dtype):
                continue
            if pd.api.types.is_bool_dtype(series.dtype):
                continue
            x = series.to_numpy(dtype="float64", na_value=np.nan)
            if kind in INT_TYPE_RANGES:
                lo, hi = INT_TYPE_RANGES[kind]
                with np.errstate(invalid="ignore"):
                    bad = np.flatnonzero(~np.isnan(x) & ((x < lo) | (x >= hi + 1)))
                detail = f"{lo:,} .. {hi:,}"
            elif kind in ("DOUBLE", "FLOAT", "REAL"):
                bad = np.flatnonzero(np.isinf(x))
                detail = "finite numbers"
            else:
                continue
            if len(bad):
                value = series.iloc[int(bad[0])]
                problem = Problem(
                    "number_out_of_range", file, column=str(col), value=str(value), detail=detail
                )
                raise store.StoreError(problem.text("en"))


def undo(con: duckdb.DuckDBPyConnection) -> int:
    """Undo the last load (``store.undo_last_load``): the previous data back, a new version."""
    return store.undo_last_load(con)


def _empty(con: duckdb.DuckDBPyConnection, name: str) -> pd.DataFrame:
    cur = con.cursor()
    try:
        cols = [
            r[0]
            for r in cur.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                "ORDER BY ordinal_position",
                [name],
            ).fetchall()
        ]
    finally:
        cur.close()
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in cols})


def import_file(
    con: duckdb.DuckDBPyConnection,
    path: str | Path,
    kind: str,
    *,
    mode: store.LoadMode = "replace",
    date_order: DateOrder | None = None,
    profile: Profile | None = None,
) -> tuple[Prepared, int | None]:
    """Read, map (with ``profile`` or automatically), validate and (when clean) load one file.

    Returns the prepared upload (with its report) and the new data version, or None when
    nothing was loaded. Raises ``IngestError`` when the file cannot be read at all.
    """
    raw = read_path(path)
    mapping = profile.apply(raw.columns) if profile is not None else None
    if profile is not None and date_order is None:
        date_order = profile.date_order  # type: ignore[assignment]
    prepared = prepare(raw, kind, mapping, date_order=date_order, con=con, mode=mode)
    if not prepared.ok:
        return prepared, None
    return prepared, load(con, prepared, mode=mode)
