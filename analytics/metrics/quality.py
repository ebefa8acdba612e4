"""Quality of hire: its components by pipeline, the weighted composite, ratings and retention.

Metric definitions (DESIGN.md, shown in the page's help text). Hires of the filtered cohort
(applications by application date) who started on or before the as-of date:

- performance: mean 12-month rating (1-5) scaled to 0-100 as (x - 1) / 4 x 100, hires with a
  rating; 95% t-interval; difference with Welch's interval and test;
- ramp: share of hires reaching full productivity within the ramp target (default 90 days),
  among hires followed for at least the target (started at least that many days before the
  as-of date); hires who left before ramping up count as not reaching it; Wilson / Newcombe;
- 12-month retention: Kaplan-Meier at 365 days after start, censored at the as-of date, log-log
  interval; hires followed for less than 12 months contribute to the curve only;
- manager satisfaction (optional): mean 1-5 scaled to 0-100 like performance;
- composite = weighted mean of the component values (0-100) per pipeline; its interval is not
  computed (the components' intervals are shown);
- early voluntary exits: share of hires who left voluntarily within 182 days, among hires
  followed for at least 182 days;
- ramp time: median days to ramp among hires who ramped up (Price-Bonett interval).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from analytics import stats
from analytics.domain import PIPELINES, PRIVACY_THRESHOLD, Filters, ordered_pipelines
from analytics.metrics import common
from analytics.metrics.common import DEFAULT_RAMP_TARGET, add_rate, retention_counts, scale_rating
from analytics.stats import grouped as grouped_stats
from analytics.stats.grouped_survival import logrank_result

COMPONENTS = ("performance", "ramp", "retention", "manager")
DEFAULT_WEIGHTS = {"performance": 0.4, "ramp": 0.2, "retention": 0.4, "manager": 0.0}
RETENTION_DAYS = (182, 365)
EARLY_DAYS = 182

RankComparison = stats.RankComparison
"""The result type of :func:`compare_ratings` (named here for the charts, which read it but do
not import the statistics package)."""


def _hires_sql(cur: duckdb.DuckDBPyConnection, filters: Filters) -> tuple[str, dict]:
    """``FROM ... WHERE`` over the hires who started by ``$as_of``, one row each as ``a`` with
    their application's and their hire's columns. Reads the load-time summary ``app_outcomes``
    when it is current (hires are a few per cent of the applications); otherwise the same columns
    come from joining hires to their applications. One alias, no LATERAL: DuckDB runs the lateral
    form as a join per row (issue 21: 16 vs 7 ms CPU for the ramp counts at 1M)."""
    where, params = filters.where("a")
    if common.outcomes_fresh(cur):
        return (
            f"""
            FROM app_outcomes AS a
            WHERE a.has_hire AND {where} AND a.start_on <= $as_of
            """,
            params,
        )
    return (
        f"""
        FROM (
            SELECT a.*, h.start_on, h.perf_6m, h.perf_12m, h.manager_satisfaction,
                   h.ramp_days, h.left_on, h.exit_type
            FROM hires AS h
            JOIN applications AS a ON a.application_id = h.application_id
        ) AS a
        WHERE {where} AND a.start_on <= $as_of
        """,
        params,
    )


def component_counts(
    cur: duckdb.DuckDBPyConnection, filters: Filters, as_of: dt.date, ramp_target: int
) -> pd.DataFrame:
    """One row per pipeline: hires, perf_n/mean/var, mgr_n/mean/var, ramp_n/ramp_k,
    early_n/early_k (all on the raw 1-5 scales)."""
    body, params = _hires_sql(cur, filters)
    return cur.execute(
        f"""
        SELECT a.pipeline,
               count(*) AS hires,
               count(a.perf_12m) AS perf_n,
               avg(a.perf_12m) AS perf_mean,
               var_samp(a.perf_12m) AS perf_var,
               count(a.manager_satisfaction) AS mgr_n,
               avg(a.manager_satisfaction) AS mgr_mean,
               var_samp(a.manager_satisfaction) AS mgr_var,
               count(*) FILTER (WHERE date_diff('day', a.start_on, $as_of) >= $target) AS ramp_n,
               count(*) FILTER (
                   WHERE date_diff('day', a.start_on, $as_of) >= $target
                     AND a.ramp_days <= $target
               ) AS ramp_k,
               count(*) FILTER (WHERE date_diff('day', a.start_on, $as_of) >= $early) AS early_n,
               count(*) FILTER (
                   WHERE date_diff('day', a.start_on, $as_of) >= $early
                     AND a.left_on IS NOT NULL
                     AND date_diff('day', a.start_on, a.left_on) <= $early
                     AND a.exit_type = 'voluntary'
               ) AS early_k
        {body}
        GROUP BY ALL
        """,
        {**params, "as_of": as_of, "target": int(ramp_target), "early": EARLY_DAYS},
    ).df()


@dataclass(frozen=True)
class QualityResult:
    """``components``: component, pipeline, n, value, low, high (0-100 scale; shares and
    survival in per cent), suppressed. ``differences``: component, diff, low, high, p_value, test
    (first minus second pipeline, same scale), clear (p < 0.05), p_holm and clear_holm (Holm
    across the components compared, the page's multiple-testing family). ``early_exits``:
    pipeline, k, n, rate (+ Wilson).
    ``ramp_times``: pipeline, n, median, low, high, q1, q3."""

    components: pd.DataFrame
    differences: pd.DataFrame
    early_exits: pd.DataFrame
    ramp_times: pd.DataFrame
    pipelines: tuple[str, ...]
    hires: dict[str, int]
    ramp_target: int


def _mean_row(n: int, mean: float, var: float, conf: float = 0.95) -> tuple[float, float, float]:
    """Scaled mean (0-100) with its t interval; NaN when below the privacy threshold."""
    if n < PRIVACY_THRESHOLD or mean is None or not math.isfinite(mean):
        return math.nan, math.nan, math.nan
    ci = stats.mean_ci(n, mean, var, conf)
    return scale_rating(mean), scale_rating(ci.low), scale_rating(ci.high)


def _row(component: str, pipe: str, n: int, est: tuple[float, float, float]) -> dict:
    return {
        "component": component,
        "pipeline": pipe,
        "n": n,
        "value": est[0],
        "low": est[1],
        "high": est[2],
    }


_NAN3 = (math.nan, math.nan, math.nan)


def _component_rows(
    counts: pd.DataFrame, km_points: Mapping[str, grouped_stats.SurvivalPoint | None], km_n: dict
) -> list[dict]:
    rows = []
    for r in counts.itertuples():
        pipe = str(r.pipeline)
        rows.append(
            _row(
                "performance",
                pipe,
                int(r.perf_n),
                _mean_row(int(r.perf_n), r.perf_mean, r.perf_var),
            )
        )
        k, n = int(r.ramp_k), int(r.ramp_n)
        ramp = _NAN3
        if n >= PRIVACY_THRESHOLD:
            ci = stats.proportion_ci(k, n)
            ramp = (100 * k / n, 100 * ci.low, 100 * ci.high)
        rows.append(_row("ramp", pipe, n, ramp))
        point = km_points.get(pipe)
        n_km = int(km_n.get(pipe, 0))
        ret = _NAN3
        if point is not None and n_km >= PRIVACY_THRESHOLD:
            ret = (100 * point.survival, 100 * point.ci.low, 100 * point.ci.high)
        rows.append(_row("retention", pipe, n_km, ret))
        rows.append(
            _row("manager", pipe, int(r.mgr_n), _mean_row(int(r.mgr_n), r.mgr_mean, r.mgr_var))
        )
    return rows


def quality(
    cur: duckdb.DuckDBPyConnection,
    filters: Filters,
    as_of: dt.date,
    *,
    ramp_target: int = DEFAULT_RAMP_TARGET,
) -> QualityResult:
    """Every quality-of-hire component per pipeline with 95% intervals and the differences."""
    counts = component_counts(cur, filters, as_of, ramp_target)
    pipelines = ordered_pipelines(counts.pipeline)
    order = {p: i for i, p in enumerate(pipelines)}
    counts = counts.sort_values("pipeline", key=lambda s: s.map(order), ignore_index=True)
    ret = retention(cur, filters, as_of)
    points = {p: ret.points.get((p, 365)) for p in pipelines}
    comps = pd.DataFrame(
        _component_rows(counts, points, ret.n),
        columns=["component", "pipeline", "n", "value", "low", "high"],
    )
    comps["suppressed"] = comps.value.isna()
    differences = _differences(counts, ret)
    early = counts[["pipeline", "early_k", "early_n"]].rename(
        columns={"early_k": "k", "early_n": "n"}
    )
    add_rate(early, "rate", "k", "n")
    return QualityResult(
        components=comps,
        differences=differences,
        early_exits=early.reset_index(drop=True),
        ramp_times=ramp_times(cur, filters, as_of),
        pipelines=pipelines,
        hires={str(r.pipeline): int(r.hires) for r in counts.itertuples()},
        ramp_target=int(ramp_target),
    )


def _differences(counts: pd.DataFrame, ret: Retention) -> pd.DataFrame:
    """First minus second pipeline per component on the 0-100 scale: Welch for the ratings,
    Miettinen-Nurminen (``compare_proportions``) for ramp, the Kaplan-Meier Wald difference
    for retention."""
    diffs = []
    first, second = PIPELINES
    rows = counts.set_index("pipeline")
    if first in rows.index and second in rows.index:
        a, b = rows.loc[first], rows.loc[second]
        for comp, pre in (("performance", "perf"), ("manager", "mgr")):
            n1, n2 = int(a[f"{pre}_n"]), int(b[f"{pre}_n"])
            if min(n1, n2) >= PRIVACY_THRESHOLD:
                d, ci, p = stats.welch(
                    n1, a[f"{pre}_mean"], a[f"{pre}_var"], n2, b[f"{pre}_mean"], b[f"{pre}_var"]
                )
                f = 100 / 4  # the 0-100 scale
                diffs.append(
                    {
                        "component": comp,
                        "diff": d * f,
                        "low": ci.low * f,
                        "high": ci.high * f,
                        "p_value": p,
                        "test": "welch",
                    }
                )
        n1, n2 = int(a.ramp_n), int(b.ramp_n)
        if min(n1, n2) >= PRIVACY_THRESHOLD:
            c = stats.compare_proportions(int(a.ramp_k), n1, int(b.ramp_k), n2)
            diffs.append(
                {
                    "component": "ramp",
                    "diff": 100 * c.diff,
                    "low": 100 * c.ci.low,
                    "high": 100 * c.ci.high,
                    "p_value": c.p_value,
                    "test": c.test,
                }
            )
    d12 = ret.differences.get(365)
    if d12 is not None:
        diffs.append(
            {
                "component": "retention",
                "diff": 100 * d12.diff,
                "low": 100 * d12.ci.low,
                "high": 100 * d12.ci.high,
                "p_value": d12.p_value,
                "test": "km-wald",
            }
        )
    frame = pd.DataFrame(diffs, columns=["component", "diff", "low", "high", "p_value", "test"])
    return _with_family(frame)


QUALITY_ALPHA = 0.05
"""The level of the per-component verdict and of the verdict after Holm across the components."""


def _with_family(frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``clear`` (the component's own test: p < 0.05, which for Welch, Miettinen-Nurminen and
    the Kaplan-Meier Wald difference is exactly when its interval excludes 0), ``p_holm`` (Holm
    1979, Scand J Stat 6:65, across the components compared: the page's multiple-testing family)
    and ``clear_holm`` (p_holm < 0.05)."""
    p = frame.p_value.to_numpy(float)
    frame["clear"] = p < QUALITY_ALPHA
    frame["p_holm"] = stats.adjust_pvalues(p, "holm") if len(frame) else np.array([], float)
    frame["clear_holm"] = frame.p_holm.to_numpy(float) < QUALITY_ALPHA
    return frame


def composite(result: QualityResult, weights: Mapping[str, float]) -> pd.DataFrame:
    """Weighted mean of the component values (0-100) per pipeline: pipeline, composite,
    components (how many were used). Weights are normalised over the components with a positive
    weight; a pipeline missing any weighted component gets no composite (NaN), so the pipelines are
    always compared on the same components. No interval is computed for the composite."""
    used = {c: float(w) for c, w in weights.items() if c in COMPONENTS and float(w) > 0}
    total = sum(used.values())
    rows = []
    for pipe in result.pipelines:
        part = result.components[result.components.pipeline == pipe].set_index("component")
        values = [part.value.get(c, math.nan) for c in used]
        ok = total > 0 and all(isinstance(v, float) and math.isfinite(v) for v in values)
        value = (
            sum(w * v for w, v in zip(used.values(), values, strict=True)) / total
            if ok
            else math.nan
        )
        rows.append({"pipeline": pipe, "composite": value, "components": len(used)})
    return pd.DataFrame(rows, columns=["pipeline", "composite", "components"])


def ramp_times(cur: duckdb.DuckDBPyConnection, filters: Filters, as_of: dt.date) -> pd.DataFrame:
    """Median days to ramp up per pipeline among hires who did (Price-Bonett interval)."""
    body, params = _hires_sql(cur, filters)
    counts = cur.execute(
        f"""
        SELECT a.pipeline, a.ramp_days AS days, count(*) AS n
        {body} AND a.ramp_days IS NOT NULL
        GROUP BY ALL
        """,
        {**params, "as_of": as_of},
    ).df()
    rows = []
    for pipe in ordered_pipelines(counts.pipeline):
        part = counts[counts.pipeline == pipe]
        n = int(part.n.sum())
        row: dict[str, object] = {"pipeline": pipe, "n": n}
        s = (
            grouped_stats.median_summary(part.days.to_numpy(float), part.n.to_numpy(np.int64))
            if n >= PRIVACY_THRESHOLD
            else None
        )
        if s is not None:
            row.update(median=s.median, low=s.ci.low, high=s.ci.high, q1=s.q1, q3=s.q3)
        rows.append(row)
    return pd.DataFrame(rows, columns=["pipeline", "n", "median", "low", "high", "q1", "q3"])


# ---------------------------------------------------------------------------------------------
# Performance ratings
# ---------------------------------------------------------------------------------------------


def rating_counts(
    cur: duckdb.DuckDBPyConnection, filters: Filters, as_of: dt.date, column: str = "perf_12m"
) -> pd.DataFrame:
    """Ratings as a frequency table: pipeline, rating, n."""
    if column not in ("perf_6m", "perf_12m", "manager_satisfaction"):
        raise ValueError(f"unknown rating column {column!r}")
    body, params = _hires_sql(cur, filters)
    return cur.execute(
        f"""
        SELECT a.pipeline, a.{column} AS rating, count(*) AS n
        {body} AND a.{column} IS NOT NULL
        GROUP BY ALL
        ORDER BY a.pipeline, rating
        """,
        {**params, "as_of": as_of},
    ).df()


def rating_table(counts: pd.DataFrame) -> pd.DataFrame:
    """The ratings frequency table fit to show or download: pipelines with fewer ratings than the
    privacy threshold are left out, and a cell (pipeline x rating) below it shows no count and
    no share (``suppressed``), so no small group can be read off the table. Columns: pipeline,
    rating, n, share, suppressed."""
    frame = counts.copy()
    frame["total"] = frame.groupby("pipeline").n.transform("sum")
    frame = frame[frame.total >= PRIVACY_THRESHOLD].copy()
    frame["suppressed"] = frame.n < PRIVACY_THRESHOLD
    frame["share"] = (frame.n / frame.total).where(~frame.suppressed)
    frame["n"] = frame.n.astype("Int64").mask(frame.suppressed)
    return frame[["pipeline", "rating", "n", "share", "suppressed"]].reset_index(drop=True)


def rating_shares(counts: pd.DataFrame) -> pd.DataFrame:
    """The ratings frequency table with each rating's share of its pipeline and the share's Wilson
    interval, for the ratings chart: pipeline, rating, n, total, share, share_low, share_high,
    suppressed. Pipelines with fewer ratings than the privacy threshold are left out; a rating
    given fewer times than it has no share (its share x n would reveal the count)."""
    frame = counts.copy()
    frame["total"] = frame.groupby("pipeline").n.transform("sum")
    add_rate(frame, "share", "n", "total")
    frame = frame[frame.total >= PRIVACY_THRESHOLD].copy()
    small = frame.n < PRIVACY_THRESHOLD
    frame.loc[small, ["share", "share_low", "share_high"]] = math.nan
    frame["suppressed"] = frame.suppressed | small
    return frame.reset_index(drop=True)


def compare_ratings(counts: pd.DataFrame) -> stats.RankComparison | None:
    """Mann-Whitney and probability of superiority (human-first over automation-first) from a
    frequency table; None when either pipeline has fewer ratings than the privacy threshold."""
    first, second = PIPELINES
    samples = []
    for pipe in (first, second):
        part = counts[counts.pipeline == pipe]
        sample = np.repeat(part.rating.to_numpy(float), part.n.to_numpy(np.int64))
        if sample.size < PRIVACY_THRESHOLD:
            return None
        samples.append(sample)
    return stats.rank_compare(samples[0], samples[1])


# ---------------------------------------------------------------------------------------------
# Retention
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Retention:
    """``curves``: pipeline, time, at_risk, events, censored, survival, se, low, high.
    ``points``: (pipeline, day) -> Kaplan-Meier at 182 and 365 days (None when follow-up is too
    short); ``differences``: day -> first minus second pipeline; ``logrank``: the test."""

    curves: pd.DataFrame
    points: dict[tuple[str, int], grouped_stats.SurvivalPoint | None]
    differences: dict[int, grouped_stats.SurvivalDifference]
    logrank: stats.LogrankResult | None
    n: dict[str, int]


def retention(cur: duckdb.DuckDBPyConnection, filters: Filters, as_of: dt.date) -> Retention:
    """Kaplan-Meier retention of hires by pipeline (groups below the privacy threshold left out)."""
    counts = retention_counts(cur, filters, as_of)
    # A hire who "left" before starting is an input error: left out rather than a crash.
    counts = counts[counts.days >= 0]
    curves, points, n, samples = [], {}, {}, {}
    for pipe in ordered_pipelines(counts.pipeline):
        part = counts[counts.pipeline == pipe]
        total = int(part.events.sum() + part.censored.sum())
        n[pipe] = total
        if total < PRIVACY_THRESHOLD:
            continue
        days = part.days.to_numpy(float)
        ev, ce = part.events.to_numpy(np.int64), part.censored.to_numpy(np.int64)
        curve = grouped_stats.km_curve(days, ev, ce)
        curve.insert(0, "pipeline", pipe)
        curves.append(curve)
        for day in RETENTION_DAYS:
            points[(pipe, day)] = grouped_stats.km_at(curve, day)
        samples[pipe] = part
    first, second = PIPELINES
    diffs = {}
    for day in RETENTION_DAYS:
        a, b = points.get((first, day)), points.get((second, day))
        if a is not None and b is not None:
            diffs[day] = grouped_stats.survival_difference(a, b)
    test = None
    if first in samples and second in samples:
        # The same test as ``stats.logrank`` on one duration per hire, from the day counts.
        test = logrank_result({first: samples[first], second: samples[second]})
    frame = (
        pd.concat(curves, ignore_index=True)
        if curves
        else pd.DataFrame(
            columns=[
                "pipeline",
                "time",
                "at_risk",
                "events",
                "censored",
                "survival",
                "se",
                "low",
                "high",
            ]
        )
    )
    return Retention(curves=frame, points=points, differences=diffs, logrank=test, n=n)


def retention_table(ret: Retention) -> pd.DataFrame:
    """Retention at 6 and 12 months per pipeline: pipeline, day, n, survival, low, high, at_risk."""
    rows = []
    for (pipe, day), p in ret.points.items():
        rows.append(
            {
                "pipeline": pipe,
                "day": day,
                "n": ret.n.get(pipe),
                "survival": p.survival if p else math.nan,
                "low": p.ci.low if p else math.nan,
                "high": p.ci.high if p else math.nan,
                "at_risk": p.at_risk if p else None,
            }
        )
    return pd.DataFrame(
        rows, columns=["pipeline", "day", "n", "survival", "low", "high", "at_risk"]
    )
