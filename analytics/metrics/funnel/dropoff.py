"""Why and how candidates drop out: withdrawal reasons, the number of steps before the first
human contact, and completion and pass rates per touchpoint format."""

from __future__ import annotations

import duckdb
import pandas as pd

from analytics.domain import PRIVACY_THRESHOLD, Filters
from analytics.metrics.funnel.cohort import _add_rate, _cohort_sql, _cube_current, _sources
from analytics.store.funnel_timing import FORMATS_TABLE


def withdrawal_reasons(
    cur: duckdb.DuckDBPyConnection, filters: Filters, *, include_open: bool = False
) -> pd.DataFrame:
    """Withdrawals per reason per pipeline: pipeline, reason, n, withdrawals (all reasons of that
    pipeline), share with Wilson low/high. Counted on each application's withdrawal event."""
    derived, cubes = _sources(cur, filters)
    if cubes:  # one row per application and reason, counted by month at load time
        where, params = filters.where("a")
        open_sql = "" if include_open else "AND a.status <> 'open'"
        query = f"""
            SELECT a.pipeline, a.reason, CAST(sum(a.n) AS BIGINT) AS n
            FROM funnel_withdrawals AS a
            WHERE {where} {open_sql}
            GROUP BY ALL
            ORDER BY pipeline, n DESC, reason
            """
    else:
        sql, params = _cohort_sql(filters, include_open, derived=derived)
        query = f"""
            WITH {sql}
            SELECT pipeline, coalesce(withdrawal_reason, '(missing)') AS reason,
                   count(DISTINCT application_id) AS n
            FROM ev
            WHERE result = 'withdrawn'
            GROUP BY ALL
            ORDER BY pipeline, n DESC, reason
            """
    frame = cur.execute(query, params).df()
    frame["withdrawals"] = frame.groupby("pipeline").n.transform("sum")
    _add_rate(frame, "share", "n", "withdrawals")
    return frame


# ---------------------------------------------------------------------------------------------
# 3. Steps before the first human contact
# ---------------------------------------------------------------------------------------------


def first_human_contact(
    cur: duckdb.DuckDBPyConnection, filters: Filters, *, include_open: bool = False
) -> pd.DataFrame:
    """Per ``first_human_step`` (1, 2, 3, ..., NULL = never): withdrawal rate (withdrawn /
    applications) and offer acceptance (accepted / decided offers), each with a Wilson interval.

    Columns: step (nullable Int64), applications, withdrawn, withdrawal(+_low/_high),
    offers_decided, accepted, acceptance(+_low/_high). The NULL row comes last.
    """
    derived, cubes = _sources(cur, filters)
    if cubes:  # the same counts, summed from the month cube built at load time
        where, params = filters.where("a")
        open_sql = "" if include_open else "AND a.status <> 'open'"
        query = f"""
            SELECT a.first_human_step AS step,
                   CAST(sum(a.applications) AS BIGINT) AS applications,
                   CAST(coalesce(sum(a.applications) FILTER (WHERE a.status = 'withdrawn'), 0)
                        AS BIGINT) AS withdrawn,
                   CAST(sum(a.offers_decided) AS BIGINT) AS offers_decided,
                   CAST(sum(a.accepted) AS BIGINT) AS accepted
            FROM funnel_contact AS a
            WHERE {where} {open_sql}
            GROUP BY ALL
            ORDER BY step NULLS LAST
            """
    else:
        sql, params = _cohort_sql(filters, include_open, derived=derived)
        query = f"""
            WITH {sql}
            SELECT c.first_human_step AS step,
                   count(*) AS applications,
                   count(*) FILTER (WHERE c.status = 'withdrawn') AS withdrawn,
                   count(o.accepted) AS offers_decided,
                   count(*) FILTER (WHERE o.accepted) AS accepted
            FROM cohort AS c
            LEFT JOIN offers AS o ON o.application_id = c.application_id
            GROUP BY ALL
            ORDER BY step NULLS LAST
            """
    frame = cur.execute(query, params).df()
    frame["step"] = frame.step.astype("Int64")
    _add_rate(frame, "withdrawal", "withdrawn", "applications")
    _add_rate(frame, "acceptance", "accepted", "offers_decided")
    return frame


# ---------------------------------------------------------------------------------------------
# 4. Touchpoint formats
# ---------------------------------------------------------------------------------------------


def touchpoint_formats(
    cur: duckdb.DuckDBPyConnection, filters: Filters, *, include_open: bool = False
) -> pd.DataFrame:
    """Per stage x format x touchpoint: applications entering, completion (not withdrawn) and pass
    rate (advanced among decided, i.e. not pending), with Wilson intervals. The last stage (hired:
    nothing to complete) is left out, and so are rows with fewer than the privacy threshold
    entering.
    """
    derived, cube = _cube_current(cur, filters, FORMATS_TABLE)
    sql, params = _cohort_sql(filters, include_open, derived=derived)
    if cube:  # the same events counted by month at load time (issue 21: 80x fewer rows at 10M)
        where, _ = filters.where("a")
        open_sql = "" if include_open else "AND NOT a.is_open"
        ev = f"""
            SELECT a.stage, a.stage_order, a.format, a.touchpoint, a.result, a.n
            FROM {FORMATS_TABLE} AS a
            WHERE {where} {open_sql}"""
    else:
        ev = "SELECT stage, stage_order, format, touchpoint, result, 1 AS n FROM ev"
    frame = cur.execute(
        f"""
        WITH {sql},
        counted AS ({ev}
        )
        SELECT stage, min(stage_order) AS stage_order,
               coalesce(format, '(missing)') AS format,
               coalesce(touchpoint, '(missing)') AS touchpoint,
               CAST(sum(n) AS BIGINT) AS entering,
               CAST(coalesce(sum(n) FILTER (WHERE result <> 'withdrawn'), 0) AS BIGINT)
                   AS completed,
               CAST(coalesce(sum(n) FILTER (WHERE result <> 'pending'), 0) AS BIGINT) AS decided,
               CAST(coalesce(sum(n) FILTER (WHERE result = 'advanced'), 0) AS BIGINT) AS advanced
        FROM counted
        WHERE stage_order < (SELECT max(stage_order) FROM cat)
        GROUP BY stage, format, touchpoint
        HAVING sum(n) >= $min_n
        ORDER BY stage_order, entering DESC, format
        """,
        {**params, "min_n": PRIVACY_THRESHOLD},
    ).df()
    _add_rate(frame, "completion", "completed", "entering")
    _add_rate(frame, "pass", "advanced", "decided")
    return frame
