"""Cached access to the Fairness analytics, keyed by the data version, the filters and the options.

Each accessor opens its own cursor on the process's root connection and closes it. Uploaded tables
for the two-group tool never reach the app's database: they live in the session and are counted
in a throwaway in-memory DuckDB connection per run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd
import streamlit as st

from analytics.domain import Filters
from analytics.ingest import IngestError, read_upload
from analytics.metrics import fairness
from ui.data import cursor

_UPLOAD_KEY = "_fair_upload"


@st.cache_data(show_spinner=False, max_entries=32)
def columns(version: int) -> tuple[str, ...]:
    del version  # the cache key
    cur = cursor()
    try:
        return fairness.available_columns(cur)
    finally:
        cur.close()


@st.cache_data(show_spinner=False, max_entries=128)
def step_counts(version: int, filters: Filters, cols: tuple[str, ...]) -> pd.DataFrame:
    del version
    cur = cursor()
    try:
        return fairness.step_counts(cur, filters, cols)
    finally:
        cur.close()


@dataclass(frozen=True)
class ImpactResult:
    """Everything the adverse-impact tab draws, computed once per data version, filters,
    columns and comparison (Fisher's exact tests on thousands of applicants take a moment)."""

    counts: pd.DataFrame
    table: pd.DataFrame
    missing: pd.DataFrame
    pooled: pd.DataFrame
    gaps: pd.DataFrame


@st.cache_data(show_spinner=False, max_entries=64)
def impact(
    version: int, filters: Filters, cols: tuple[str, ...], comparison: fairness.Comparison
) -> ImpactResult:
    counts = step_counts(version, filters, cols)
    pooled_counts = fairness.pooled_by_touchpoint(counts)
    return ImpactResult(
        counts=counts,
        table=fairness.adverse_impact(counts, comparison=comparison),
        missing=fairness.missing_by_step(counts),
        pooled=fairness.adverse_impact(pooled_counts, comparison=comparison),
        gaps=fairness.touchpoint_gap_tests(pooled_counts),
    )


@st.cache_data(show_spinner=False, max_entries=64)
def switcher_quality(version: int, filters: Filters, as_of: dt.date) -> pd.DataFrame:
    del version
    cur = cursor()
    try:
        return fairness.switcher_quality(fairness.switcher_quality_counts(cur, filters, as_of))
    finally:
        cur.close()


@st.cache_data(show_spinner=False, max_entries=64)
def app_table_columns(version: int, table: str) -> list[str]:
    del version
    cur = cursor()
    try:
        return fairness.table_columns(cur, fairness.APP_TABLES[table])
    finally:
        cur.close()


@st.cache_data(show_spinner=False, max_entries=128)
def app_levels(version: int, filters: Filters, table: str, column: str) -> pd.DataFrame:
    del version
    cur = cursor()
    try:
        sql, params = fairness.app_source(table, filters)
        return fairness.column_levels(cur, sql, column, params)
    finally:
        cur.close()


@st.cache_data(show_spinner=False, max_entries=128)
def app_two_group_counts(
    version: int, filters: Filters, table: str, group: str, outcome: str, stratum: str | None
) -> pd.DataFrame:
    del version
    cur = cursor()
    try:
        sql, params = fairness.app_source(table, filters)
        return fairness.two_group_counts(
            cur, sql, group=group, outcome=outcome, stratum=stratum, params=params
        )
    finally:
        cur.close()


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
    con.execute("SET enable_external_access = false")
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
    upload: Upload, group: str, outcome: str, stratum: str | None
) -> pd.DataFrame:
    con, sql = _upload_con(upload)
    try:
        return fairness.two_group_counts(con, sql, group=group, outcome=outcome, stratum=stratum)
    finally:
        con.close()


__all__ = ["IngestError", "Upload"]
