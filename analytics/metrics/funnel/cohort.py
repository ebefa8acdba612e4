"""Who the funnel counts: the filtered cohort of applications, one event per application and
stage, and the ever-reached counts per pipeline x stage (x stratum).

Every funnel question starts from the same CTEs, so they are built here once: identifiers come
from ``DIMENSIONS`` only and values are always bound. When ``store.refresh_derived`` has built
its load-time tables and they are current, the per-run window and join are read from them.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from analytics import stats, store
from analytics.domain import DIMENSIONS, PRIVACY_THRESHOLD, Filters

# ---------------------------------------------------------------------------------------------
# SQL building blocks (identifiers from DIMENSIONS only; values always bound)
# ---------------------------------------------------------------------------------------------


def _check_dim(dim: str | None) -> None:
    if dim is not None and dim not in DIMENSIONS:
        raise ValueError(f"dimension must be one of {DIMENSIONS}, not {dim!r}")


def _catalogue_cte(*, derived: bool) -> str:
    """``cat``: the stage catalogue plus stages that appear only in the events (key as label)."""
    return f"""
        cat AS (
            SELECT stage, stage_order, label_en, label_nl FROM stages
            UNION ALL
            SELECT stage, min(stage_order), stage, stage
            FROM {"event_stages" if derived else "stage_events"}
            WHERE stage NOT IN (SELECT stage FROM stages)
            GROUP BY stage
        ),"""


def _cohort_cte(where: str, open_sql: str, stratum_sql: str) -> str:
    """``cohort``: the filtered applications with their stratum."""
    return f"""
        cohort AS (
            SELECT a.application_id, a.pipeline, a.applied_on, a.status, a.first_human_step,
                   {stratum_sql} AS stratum
            FROM applications AS a
            WHERE {where} {open_sql}
        ),"""


def _derived_ctes(where: str, open_sql: str, stratum_sql: str) -> str:
    """``ev``, ``last_event``, ``pipe_stages`` read from the load-time tables."""
    return f"""
        ev AS (
            SELECT a.*, {stratum_sql} AS stratum
            FROM app_stage AS a
            WHERE {where} {open_sql}
        ),
        last_event AS (
            SELECT a.application_id, a.pipeline, {stratum_sql} AS stratum,
                   a.max_order, a.last_result
            FROM app_summary AS a
            WHERE {where} {open_sql}
        ),
        pipe_stages AS (
            SELECT ps.pipeline, cat.stage, cat.stage_order
            FROM pipeline_stages AS ps
            JOIN cat ON cat.stage = ps.stage
        )
        """


# ``ev``, ``last_event``, ``pipe_stages`` computed per run from the raw events: re-entries at a
# stage keep their latest event (latest ``entered_on``), see the package docstring.
_EVENT_CTES = """
        ev AS (
            SELECT e.*, c.pipeline, c.stratum, c.applied_on, c.status
            FROM stage_events AS e
            JOIN cohort AS c ON c.application_id = e.application_id
            QUALIFY row_number() OVER (
                PARTITION BY e.application_id, e.stage
                ORDER BY e.entered_on DESC, e.exited_on DESC NULLS FIRST
            ) = 1
        ),
        last_event AS (
            SELECT application_id, pipeline, stratum,
                   max(stage_order) AS max_order,
                   arg_max(result, (stage_order, entered_on)) AS last_result
            FROM ev
            GROUP BY ALL
        ),
        pipe_stages AS (
            SELECT DISTINCT a.pipeline, cat.stage, cat.stage_order
            FROM stage_events AS e
            JOIN applications AS a USING (application_id)
            JOIN cat ON cat.stage = e.stage
        )
        """


def _cohort_sql(
    filters: Filters,
    include_open: bool,
    stratum: str | None = None,
    *,
    derived: bool = False,
) -> tuple[str, dict[str, Any]]:
    """CTEs ``cat`` (stage catalogue), ``cohort`` (filtered applications), ``ev`` (one event per
    application and stage: the latest), ``last_event`` (per application: furthest stage and the
    result there) and ``pipe_stages`` (the stages each pipeline's applications ever entered), and
    the parameters they need.

    ``derived=True`` reads ``ev``, ``last_event`` and ``pipe_stages`` from the tables
    ``store.refresh_derived`` maintains at load time (same rows, no window or join per run);
    use it only when ``store.derived_fresh`` says they describe the current data.
    """
    _check_dim(stratum)
    where, params = filters.where("a")
    open_sql = "" if include_open else "AND a.status <> 'open'"
    stratum_sql = f"coalesce(CAST(a.{stratum} AS VARCHAR), '(missing)')" if stratum else "'all'"
    rest = _derived_ctes(where, open_sql, stratum_sql) if derived else _EVENT_CTES
    sql = _catalogue_cte(derived=derived) + _cohort_cte(where, open_sql, stratum_sql) + rest
    return sql, params


FUNNEL_DERIVED = ("app_stage", "app_summary", "pipeline_stages", "event_stages")
FUNNEL_CUBES = ("funnel_ends", "funnel_contact", "funnel_withdrawals")
"""Count tables by application month and filter dimension (``store.DERIVED_SQL``, issue 21)."""


def _derived(cur: duckdb.DuckDBPyConnection) -> bool:
    """Whether the load-time tables (``store.refresh_derived``) are there and current."""
    try:
        return store.derived_fresh(cur, *FUNNEL_DERIVED)
    except duckdb.Error:
        return False


def whole_months(filters: Filters) -> bool:
    """True when the date filter starts on a month's first day and ends on a month's last day
    (either side may be open): the count cubes hold the month's first day as ``applied_on``, and
    for such bounds "the month's first day lies between them" selects exactly the applications
    whose own date does. The sidebar always sets whole months (the differencing rule)."""
    start_ok = filters.date_from is None or filters.date_from.day == 1
    end_ok = filters.date_to is None or (filters.date_to + dt.timedelta(days=1)).day == 1
    return start_ok and end_ok


def _sources(cur: duckdb.DuckDBPyConnection, filters: Filters) -> tuple[bool, bool]:
    """(derived, cubes): whether the load-time tables are current, and whether the count cubes
    can answer ``filters`` exactly (current, and the dates in whole months)."""
    return _cube_current(cur, filters, *FUNNEL_CUBES)


def _cube_current(
    cur: duckdb.DuckDBPyConnection, filters: Filters, *tables: str
) -> tuple[bool, bool]:
    """(derived, cube): whether the load-time tables are current, and whether the count cubes
    ``tables`` are current and can answer ``filters`` exactly (dates in whole months)."""
    try:
        current = store.derived_tables(cur)  # one catalogue query for both answers
    except duckdb.Error:
        return False, False
    if current is None or not set(FUNNEL_DERIVED) <= current:
        return False, False
    return True, set(tables) <= current and whole_months(filters)


def stage_catalogue(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The ordered stages (stage, stage_order, label_en, label_nl); stages that appear only in
    ``stage_events`` get their key as label."""
    sql, _ = _cohort_sql(Filters(), include_open=True, derived=_derived(cur))
    return cur.execute(
        f"WITH {sql} SELECT stage, stage_order, label_en, label_nl FROM cat ORDER BY stage_order"
    ).df()


def stage_counts(
    cur: duckdb.DuckDBPyConnection,
    filters: Filters,
    *,
    include_open: bool = False,
    stratum: str | None = None,
) -> pd.DataFrame:
    """Per pipeline (x stratum) x stage: reached (ever-reached), withdrawn and rejected there.

    Columns: pipeline, stratum, stage, stage_order, reached, withdrawn, rejected. Every stage of a
    pipeline's own funnel (the catalogue stages its applications entered) appears for every stratum
    present (zeros where nobody of that stratum reached it); a stage the pipeline never uses is left
    out, so it neither counts as passed nor breaks the pass-through between its neighbours.
    """
    derived, cubes = _sources(cur, filters)
    sql, params = _cohort_sql(filters, include_open, stratum, derived=derived)
    if cubes:  # the same (furthest stage, result) counts, summed from the month cube
        where, _ = filters.where("a")
        open_sql = "" if include_open else "AND a.status <> 'open'"
        stratum_sql = f"coalesce(CAST(a.{stratum} AS VARCHAR), '(missing)')" if stratum else "'all'"
        ends = f"""
            SELECT a.pipeline, {stratum_sql} AS stratum, a.max_order, a.last_result,
                   CAST(sum(a.n) AS BIGINT) AS n
            FROM funnel_ends AS a
            WHERE {where} {open_sql} AND a.max_order IS NOT NULL
            GROUP BY ALL"""
    else:
        ends = """
            SELECT pipeline, stratum, max_order, last_result, count(*) AS n
            FROM last_event
            GROUP BY ALL"""
    return cur.execute(
        f"""
        WITH {sql},
        -- A pipeline's funnel holds the stages its applications pass through (pipe_stages): a
        -- stage that no application of the pipeline ever entered (a coding test that only the
        -- automated pipeline has, or the steps before an imported pipeline's first stage) is not
        -- part of it. Taken from all applications, not the filtered cohort: a filter that leaves
        -- nobody at a stage shows it with zero, it does not remove it.
        -- Applications are first counted per (furthest stage, result there), so the join to the
        -- stages runs over a few hundred rows, not one per application.
        ends AS ({ends}
        ),
        grid AS (
            SELECT DISTINCT l.pipeline, l.stratum, ps.stage, ps.stage_order
            FROM ends AS l JOIN pipe_stages AS ps USING (pipeline)
        ),
        counted AS (
            SELECT l.pipeline, l.stratum, cat.stage,
                   CAST(sum(l.n) AS BIGINT) AS reached,
                   CAST(coalesce(sum(l.n) FILTER (
                       WHERE l.max_order = cat.stage_order AND l.last_result = 'withdrawn'
                   ), 0) AS BIGINT) AS withdrawn,
                   CAST(coalesce(sum(l.n) FILTER (
                       WHERE l.max_order = cat.stage_order AND l.last_result = 'rejected'
                   ), 0) AS BIGINT) AS rejected
            FROM ends AS l
            JOIN pipe_stages AS cat ON cat.pipeline = l.pipeline AND cat.stage_order <= l.max_order
            GROUP BY ALL
        )
        SELECT g.pipeline, g.stratum, g.stage, g.stage_order,
               coalesce(c.reached, 0) AS reached,
               coalesce(c.withdrawn, 0) AS withdrawn,
               coalesce(c.rejected, 0) AS rejected
        FROM grid AS g
        LEFT JOIN counted AS c USING (pipeline, stratum, stage)
        ORDER BY g.pipeline, g.stratum, g.stage_order
        """,
        params,
    ).df()


def open_count(cur: duckdb.DuckDBPyConnection, filters: Filters) -> int:
    """Open applications in the filtered cohort (what the default rule leaves out)."""
    where, params = filters.where("a")
    if _sources(cur, filters)[1]:
        rows = cur.execute(
            f"SELECT sum(a.n) FROM funnel_ends AS a WHERE {where} AND a.status = 'open'", params
        ).fetchall()
        return int(rows[0][0] or 0)
    rows = cur.execute(
        f"SELECT count(*) FROM applications AS a WHERE {where} AND a.status = 'open'", params
    ).fetchall()
    return int(rows[0][0])


# ---------------------------------------------------------------------------------------------
# Helpers on small frames
# ---------------------------------------------------------------------------------------------


def _rate(k: int, n: int) -> tuple[float, float, float]:
    """(rate, Wilson low, Wilson high); NaN when n is below the privacy threshold."""
    if n < PRIVACY_THRESHOLD:
        return math.nan, math.nan, math.nan
    ci = stats.proportion_ci(int(k), int(n))
    return k / n, ci.low, ci.high


def _add_rate(frame: pd.DataFrame, name: str, k: str, n: str) -> None:
    values = [_rate(int(a), int(b)) for a, b in zip(frame[k], frame[n], strict=True)]
    arr = np.array(values, dtype=float).reshape(-1, 3)
    frame[name] = arr[:, 0]
    frame[f"{name}_low"] = arr[:, 1]
    frame[f"{name}_high"] = arr[:, 2]
