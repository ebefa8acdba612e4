"""The fairness page's own tables: an uploaded file for the two-group tool.

Why here and not in the database: uploaded tables for the two-group tool never reach the app's
database. They live in the session and are counted in a throwaway, locked-down in-memory DuckDB
connection per run. (The cached fairness results of the app's data are in ``ui.cache``.)
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd
import streamlit as st

from analytics import store
from analytics.ingest import IngestError, read_upload
from analytics.metrics import fairness

_UPLOAD_KEY = "_fair_upload"


@dataclass(frozen=True)
class Upload:
    name: str
    frame: pd.DataFrame


def read_uploaded(data: bytes, name: str, file_id: str) -> Upload:
    """Read an upload once per file (kept in the session, not in the database).
    Raises IngestError with a message for the user."""
    held = st.session_state.get(_UPLOAD_KEY)
    if held is not None and held[0] == file_id:
        return held[1]
    raw = read_upload(data, name)
    upload = Upload(raw.name, raw.frame)
    st.session_state[_UPLOAD_KEY] = (file_id, upload)
    return upload


def forget_upload() -> None:
    st.session_state.pop(_UPLOAD_KEY, None)


def _upload_con(upload: Upload) -> tuple[duckdb.DuckDBPyConnection, str]:
    con = duckdb.connect(":memory:")
    # No file access at all: the table is registered from memory (store.harden locks it).
    store.harden(con)
    return con, fairness.load_upload_table(con, upload.frame)


def upload_columns(upload: Upload) -> list[str]:
    return [str(c) for c in upload.frame.columns]


def upload_levels(upload: Upload, column: str) -> pd.DataFrame:
    con, sql = _upload_con(upload)
    try:
        return fairness.column_levels(con, sql, column)
    finally:
        con.close()


def upload_two_group_counts(
    upload: Upload, *, group: str, outcome: str, stratum: str | None
) -> pd.DataFrame:
    con, sql = _upload_con(upload)
    try:
        return fairness.two_group_counts(con, sql, group=group, outcome=outcome, stratum=stratum)
    finally:
        con.close()


__all__ = ["IngestError", "Upload"]
