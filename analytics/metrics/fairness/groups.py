"""Which groups and steps the fairness views count: the group columns, their natural order,
and applicants and selected per step (stage x touchpoint) and group, counted in SQL."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from typing import Literal

import duckdb
import pandas as pd

from analytics import stats, store
from analytics.domain import AivshiError, Filters
from analytics.store.fairness_counts import COUNTED_COLUMNS, DIMENSION_SOURCE
from analytics.store.fairness_counts import TABLE as COUNTS_TABLE
from analytics.store.fairness_events import TABLE as EVENTS_TABLE

# Categorical columns of ``applications`` a fairness view may group by (a fixed list: column
# names go into SQL as identifiers, so they only ever come from here).
GROUP_COLUMNS = (
    "gender",
    "age_band",
    "career_switcher",
    "region",
    "source",
    "role_family",
    "seniority",
    "pipeline",
)
FOUR_FIFTHS = 0.8
ALPHA = 0.05
SEPARATOR = " × "
Comparison = Literal["best", "rest"]
COMPARISONS: tuple[Comparison, ...] = ("best", "rest")
RETENTION_DAYS = 365


class FairnessError(AivshiError, ValueError):
    """Bad input to a fairness view (unknown column, unreadable outcome): the message says why."""


def natural_key(value: object) -> tuple[int, float, str]:
    """Sort "<30", "30-39", "50+" by their numbers (bands below a bound first), text after."""
    text = str(value)
    digits = re.match(r"\D*?(\d+(?:\.\d+)?)", text) if text[:1] in "<>0123456789" else None
    if digits is None:
        return (2, 0.0, text)
    return (0 if text.startswith("<") else 1, float(digits.group(1)), text)


def group_sort_key(group: object) -> tuple:
    """Groups in a natural order (intersections part by part); missing last."""
    if group is None or (isinstance(group, float) and math.isnan(group)):
        return ((3, 0.0, ""),)
    return tuple(natural_key(part) for part in str(group).split(SEPARATOR))


_fin = stats.finite


# ---------------------------------------------------------------------------------------------
# Counting (SQL)
# ---------------------------------------------------------------------------------------------


def available_columns(cur: duckdb.DuckDBPyConnection) -> tuple[str, ...]:
    """The group columns present in ``applications`` with at least one value, in a fixed order."""
    present = {
        r[0]
        for r in cur.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'applications'"
        ).fetchall()
    }
    out = []
    for col in GROUP_COLUMNS:
        if col not in present:
            continue
        n = cur.execute(f'SELECT count("{col}") FROM applications').fetchall()[0][0]
        if n:
            out.append(col)
    return tuple(out)


def _check_columns(columns: Sequence[str]) -> tuple[str, ...]:
    cols = tuple(columns)
    if not 1 <= len(cols) <= 2:
        raise FairnessError("Choose one group column, or two for the intersectional view.")
    for col in cols:
        if col not in GROUP_COLUMNS:
            raise FairnessError(f"Unknown group column {col!r}; choose one of {GROUP_COLUMNS}.")
    if len(cols) == 2 and cols[0] == cols[1]:
        raise FairnessError("Choose two different columns for the intersectional view.")
    return cols


def events_fresh(cur: duckdb.DuckDBPyConnection) -> bool:
    """Whether ``fairness_events`` (built at load time, ``store.DERIVED_SQL``) is current."""
    try:
        return store.derived_fresh(cur, EVENTS_TABLE)
    except duckdb.Error:
        return False


def counts_fresh(cur: duckdb.DuckDBPyConnection) -> bool:
    """Whether ``fairness_counts`` (the month cube built at load time) is current."""
    try:
        return store.derived_fresh(cur, COUNTS_TABLE)
    except duckdb.Error:
        return False


def _whole_months(filters: Filters) -> bool:
    """True when the date filter starts on a month's first day and ends on a month's last day
    (either side may be open): the cube holds the month's first day as ``applied_on``, and for
    such bounds it lies between them exactly when the application's own date does. The sidebar
    always sets whole months."""
    start_ok = filters.date_from is None or filters.date_from.day == 1
    end_ok = filters.date_to is None or (filters.date_to + dt.timedelta(days=1)).day == 1
    return start_ok and end_ok


def _cube_usable(cur: duckdb.DuckDBPyConnection, filters: Filters) -> bool:
    return _whole_months(filters) and counts_fresh(cur)


def _cube_part(column: str, where: str) -> str:
    """One column's decided events per step and group, summed from the month cube."""
    if column in COUNTED_COLUMNS:
        rows, grp = column, "a.grp"
    else:  # a filter dimension: its value is on every row; sum the pipeline's rows by it
        rows, grp = DIMENSION_SOURCE, f'CAST(a."{column}" AS VARCHAR)'
    return f"""
            SELECT '{column}' AS group_column,
                   a.stage,
                   min(a.stage_order) AS stage_order,
                   coalesce(a.touchpoint, 'unknown') AS touchpoint,
                   {grp} AS grp,
                   sum(a.applicants) AS applicants,
                   sum(a.selected) AS selected,
                   sum(a.rejected) AS rejected
            FROM {COUNTS_TABLE} AS a
            WHERE a.group_column = '{rows}' AND {where}
            GROUP BY ALL"""


def _finish(frame: pd.DataFrame) -> pd.DataFrame:
    frame["applicants"] = frame["applicants"].astype(int)
    frame["selected"] = frame["selected"].astype(int)
    frame["group"] = frame["group"].astype(object).where(frame["group"].notna(), None)
    frame["_key"] = [group_sort_key(g) for g in frame["group"]]
    frame = frame.sort_values(["stage_order", "touchpoint", "_key"], kind="stable")
    return frame.drop(columns="_key").reset_index(drop=True)


# The steps test and the labels, shared by every path: ``counted`` holds one row per group column,
# step and group (a few hundred rows), so the test reads the small result, not the events twice.
_STEPS_SQL = """
        steps AS (
            SELECT group_column, stage, touchpoint
            FROM counted
            GROUP BY ALL
            HAVING sum(rejected) > 0
        )
        SELECT d.group_column,
               d.stage,
               d.stage_order,
               d.touchpoint,
               coalesce(s.label_en, d.stage) AS label_en,
               coalesce(s.label_nl, d.stage) AS label_nl,
               d.grp AS "group",
               d.applicants,
               d.selected
        FROM counted AS d
        JOIN steps USING (group_column, stage, touchpoint)
        LEFT JOIN stages AS s ON s.stage = d.stage
        ORDER BY d.group_column, stage_order, d.touchpoint, d.grp NULLS LAST
"""


def step_counts_by_column(
    cur: duckdb.DuckDBPyConnection, filters: Filters, columns: Sequence[str]
) -> dict[str, pd.DataFrame]:
    """:func:`step_counts` of each of ``columns`` (one group column each), from one query over
    the month cube when it can answer (current, dates in whole months; issue 21: the Fairness
    page's first screen reads every column), else one :func:`step_counts` per column."""
    cols = tuple(dict.fromkeys(columns))
    for col in cols:
        _check_columns((col,))
    if not cols:
        return {}
    if not _cube_usable(cur, filters):
        return {col: step_counts(cur, filters, (col,)) for col in cols}
    where, params = filters.where("a")
    counted = " UNION ALL ".join(_cube_part(col, where) for col in cols)
    frame = cur.execute(f"WITH counted AS ({counted}\n        ),{_STEPS_SQL}", params).df()
    out = {}
    for col in cols:
        part = frame[frame.group_column == col].drop(columns="group_column")
        out[col] = _finish(part.reset_index(drop=True))
    return out


def step_counts(
    cur: duckdb.DuckDBPyConnection,
    filters: Filters,
    columns: Sequence[str],
    *,
    use_derived: bool = True,
) -> pd.DataFrame:
    """Applicants and selected per step (stage x touchpoint) and group, counted in SQL.

    Columns: stage, stage_order, touchpoint, label_en, label_nl, group (text; None when a group
    column is missing for the application), applicants, selected. With two columns the group is
    ``"value1 × value2"`` and is missing when either value is. Steps nobody was rejected at are
    dropped (not selection steps). One column with dates in whole months reads the month cube
    ``fairness_counts`` when current; otherwise the pre-joined events, else the join.
    ``use_derived=False`` forces the join (for the tests that compare the paths).
    """
    cols = _check_columns(columns)
    where, params = filters.where("a")
    if use_derived and len(cols) == 1 and _cube_usable(cur, filters):
        frame = cur.execute(
            f"WITH counted AS ({_cube_part(cols[0], where)}\n        ),{_STEPS_SQL}", params
        ).df()
        return _finish(frame.drop(columns="group_column"))
    parts = [f'CAST(a."{c}" AS VARCHAR)' for c in cols]
    if len(parts) == 1:
        group_sql = parts[0]
    else:
        group_sql = (
            f"CASE WHEN {parts[0]} IS NULL OR {parts[1]} IS NULL THEN NULL "
            f"ELSE {parts[0]} || '{SEPARATOR}' || {parts[1]} END"
        )
    # The events with their application's columns: pre-joined at load (``store.fairness_events``)
    # when current, else the join itself (same rows; a test compares both paths).
    if use_derived and events_fresh(cur):
        source = f"{EVENTS_TABLE} AS a"
        e = "a"
    else:
        source = "stage_events AS e JOIN applications AS a ON a.application_id = e.application_id"
        e = "e"
    frame = cur.execute(
        f"""
        WITH counted AS (
            SELECT 'x' AS group_column,
                   {e}.stage,
                   min({e}.stage_order) AS stage_order,
                   coalesce({e}.touchpoint, 'unknown') AS touchpoint,
                   {group_sql} AS grp,
                   count(*) AS applicants,
                   count(*) FILTER (WHERE {e}.result = 'advanced') AS selected,
                   count(*) FILTER (WHERE {e}.result = 'rejected') AS rejected
            FROM {source}
            WHERE {where}
              AND {e}.result IN ('advanced', 'rejected')
            GROUP BY ALL
        ),{_STEPS_SQL}""",
        params,
    ).df()
    return _finish(frame.drop(columns="group_column"))
