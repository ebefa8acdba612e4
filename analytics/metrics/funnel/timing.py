"""How long the funnel takes: days in each stage (median with its Price-Bonett interval) and
time from application to offer as a cumulative incidence (Kaplan-Meier with competing events
kept at risk, see the package docstring), compared with the log-rank test."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from analytics.domain import PRIVACY_THRESHOLD, Filters, ordered_pipelines
from analytics.metrics import common
from analytics.metrics.funnel.cohort import _cohort_sql, _cube_current, _derived
from analytics.stats import grouped as grouped_stats
from analytics.stats.grouped_survival import logrank_counts
from analytics.store.funnel_timing import STAGE_DAYS_TABLE


def stage_duration_counts(
    cur: duckdb.DuckDBPyConnection, filters: Filters, *, include_open: bool = False
) -> pd.DataFrame:
    """(pipeline, stage, stage_order, days, n): days in stage of exited events. Summed from the
    month cube ``funnel_stage_days`` when it can answer (issue 21), else counted on the events."""
    derived, cube = _cube_current(cur, filters, STAGE_DAYS_TABLE)
    if cube:
        where, params = filters.where("a")
        open_sql = "" if include_open else "AND NOT a.is_open"
        query = f"""
            SELECT a.pipeline, a.stage, a.stage_order, a.days, CAST(sum(a.n) AS BIGINT) AS n
            FROM {STAGE_DAYS_TABLE} AS a
            WHERE {where} {open_sql}
            GROUP BY ALL
            ORDER BY ALL
            """
        return cur.execute(query, params).df()
    sql, params = _cohort_sql(filters, include_open, derived=derived)
    return cur.execute(
        f"""
        WITH {sql}
        SELECT pipeline, stage, stage_order,
               date_diff('day', entered_on, exited_on) AS days, count(*) AS n
        FROM ev
        WHERE exited_on IS NOT NULL AND exited_on >= entered_on
        GROUP BY ALL
        ORDER BY ALL
        """,
        params,
    ).df()


def stage_times(
    cur: duckdb.DuckDBPyConnection, filters: Filters, *, include_open: bool = False
) -> pd.DataFrame:
    """Median days in each stage by pipeline: pipeline, stage, stage_order, n, median, q1, q3,
    low, high (Price-Bonett interval of the median). Groups below the threshold are dropped."""
    counts = stage_duration_counts(cur, filters, include_open=include_open)
    rows = []
    for (pipe, stage, order), part in counts.groupby(
        ["pipeline", "stage", "stage_order"], sort=False
    ):
        total = int(part.n.sum())
        if total < PRIVACY_THRESHOLD:
            continue
        s = grouped_stats.median_summary(part.days.to_numpy(float), part.n.to_numpy(np.int64))
        if s is None:
            continue
        rows.append(
            {
                "pipeline": pipe,
                "stage": stage,
                "stage_order": int(order),
                "n": total,
                "median": s.median,
                "q1": s.q1,
                "q3": s.q3,
                "low": s.ci.low,
                "high": s.ci.high,
            }
        )
    cols = ["pipeline", "stage", "stage_order", "n", "median", "q1", "q3", "low", "high"]
    frame = pd.DataFrame(rows, columns=cols)
    order_map = {p: i for i, p in enumerate(ordered_pipelines(frame.pipeline))}
    frame["_o"] = frame.pipeline.map(order_map)
    return frame.sort_values(["_o", "stage_order"], ignore_index=True).drop(columns="_o")


def time_to_offer_counts(
    cur: duckdb.DuckDBPyConnection, filters: Filters, as_of: dt.date
) -> pd.DataFrame:
    """(pipeline, days, events, censored) for the time from application to offer.

    Offer -> event at offered_on. No offer (open or closed) -> censored at ``as_of``: a closed
    application without an offer stays at risk to the end of follow-up (competing event, see the
    module docstring).
    Open applications are always included (censoring handles them).

    When ``app_outcomes`` is current, no application is joined to the offers (issue 21: a join
    of every application to the offers at 10M): the offers' days come from ``app_outcomes``, and
    the censored are every application counted per pipeline and application day minus those
    with an offer on that day. The same rows as the join (tested on both paths).
    """
    if common.outcomes_fresh(cur):
        where, params = filters.where("a")
        query = f"""
            WITH offered AS (
                SELECT a.pipeline, a.applied_on, a.offered_on
                FROM app_outcomes AS a
                WHERE a.has_offer AND {where}
            ),
            per_day AS (
                SELECT a.pipeline, a.applied_on, count(*) AS n
                FROM applications AS a
                WHERE {where}
                GROUP BY ALL
            ),
            offered_per_day AS (
                SELECT pipeline, applied_on, count(*) AS k FROM offered GROUP BY ALL
            ),
            counted AS (
                SELECT pipeline,
                       greatest(date_diff('day', applied_on, offered_on), 0) AS days,
                       count(*) AS events,
                       0 AS censored
                FROM offered
                GROUP BY ALL
                UNION ALL
                SELECT d.pipeline,
                       greatest(date_diff('day', d.applied_on, $as_of), 0) AS days,
                       0 AS events,
                       sum(d.n - coalesce(o.k, 0)) AS censored
                FROM per_day AS d
                LEFT JOIN offered_per_day AS o USING (pipeline, applied_on)
                WHERE d.n > coalesce(o.k, 0)
                GROUP BY ALL
            )
            SELECT pipeline, days,
                   CAST(sum(events) AS BIGINT) AS events,
                   CAST(sum(censored) AS BIGINT) AS censored
            FROM counted
            GROUP BY ALL
            ORDER BY ALL
            """
        return cur.execute(query, {**params, "as_of": as_of}).df()
    sql, params = _cohort_sql(filters, include_open=True, derived=_derived(cur))
    return cur.execute(
        f"""
        WITH {sql},
        per_app AS (
            SELECT c.pipeline,
                   CASE
                       WHEN o.offered_on IS NOT NULL THEN o.offered_on
                       ELSE $as_of
                   END AS end_on,
                   c.applied_on,
                   o.offered_on IS NOT NULL AS got_offer
            FROM cohort AS c
            LEFT JOIN offers AS o ON o.application_id = c.application_id
        )
        SELECT pipeline,
               greatest(date_diff('day', applied_on, end_on), 0) AS days,
               count(*) FILTER (WHERE got_offer) AS events,
               count(*) FILTER (WHERE NOT got_offer) AS censored
        FROM per_app
        GROUP BY ALL
        ORDER BY ALL
        """,
        {**params, "as_of": as_of},
    ).df()


@dataclass(frozen=True)
class TimeToOffer:
    """Kaplan-Meier curves of "no offer yet" per pipeline (columns of grouped_stats.km_curve plus
    pipeline and ``offered`` = 1 - survival), the log-rank test and the n per pipeline."""

    curves: pd.DataFrame
    n: dict[str, int]
    offers: dict[str, int]
    median_days: dict[str, float]
    logrank_p: float
    logrank_chi2: float


def time_to_offer(cur: duckdb.DuckDBPyConnection, filters: Filters, as_of: dt.date) -> TimeToOffer:
    counts = time_to_offer_counts(cur, filters, as_of)
    curves, n, offers, medians = [], {}, {}, {}
    groups: dict[str, pd.DataFrame] = {}
    for pipe in ordered_pipelines(counts.pipeline):
        part = counts[counts.pipeline == pipe]
        total = int(part.events.sum() + part.censored.sum())
        if total < PRIVACY_THRESHOLD:
            continue
        curve = grouped_stats.km_curve(
            part.days.to_numpy(), part.events.to_numpy(), part.censored.to_numpy()
        )
        curve.insert(0, "pipeline", pipe)
        curve["offered"] = 1 - curve.survival
        curves.append(curve)
        n[pipe], offers[pipe] = total, int(part.events.sum())
        below = curve[curve.survival <= 0.5]
        medians[pipe] = float(below.time.iloc[0]) if not below.empty else math.nan
        groups[pipe] = part
    p_value = chi2 = math.nan
    if len(groups) >= 2:
        chi2, p_value = logrank_counts(groups)
    frame = pd.concat(curves, ignore_index=True) if curves else pd.DataFrame()
    return TimeToOffer(frame, n, offers, medians, p_value, chi2)
