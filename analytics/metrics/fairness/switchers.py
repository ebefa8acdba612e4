"""Career switchers: do automated screens hold them back more than human ones, and how do
they do once hired (quality-of-hire components against other hires)?"""

from __future__ import annotations

import datetime as dt
import math

import duckdb
import numpy as np
import pandas as pd

from analytics import stats
from analytics.domain import PRIVACY_THRESHOLD, Filters
from analytics.metrics import common
from analytics.metrics.common import DEFAULT_RAMP_TARGET, scale_rating
from analytics.metrics.fairness.audit import _four_fifths_finding, _p_below_four_fifths
from analytics.metrics.fairness.groups import (
    ALPHA,
    FOUR_FIFTHS,
    RETENTION_DAYS,
    _fin,
)
from analytics.stats.impact import impact_ratio
from analytics.stats.means import welch

SWITCHER_COLUMNS = [
    "scope",
    "touchpoint",
    "n_switchers",
    "k_switchers",
    "rate_switchers",
    "low_switchers",
    "high_switchers",
    "n_others",
    "k_others",
    "rate_others",
    "low_others",
    "high_others",
    "diff",
    "diff_low",
    "diff_high",
    "impact_ratio",
    "p_value",
    "test",
    "finding",
    "ir_low",
    "ir_high",
    "four_fifths",
    "p_adjusted",
    "p_below",
    "p_below_adjusted",
    "four_fifths_finding",
]


def _rate(k: int, n: int) -> tuple[float, float, float]:
    if n < PRIVACY_THRESHOLD:
        return math.nan, math.nan, math.nan
    ci = stats.proportion_ci(k, n)
    return k / n, ci.low, ci.high


def switcher_pass_rates(counts: pd.DataFrame) -> pd.DataFrame:
    """Career switchers vs others at each touchpoint (pooled over its steps, ``scope`` = "all")
    and at each step (``scope`` = the stage), from :func:`step_counts` on ``career_switcher``.

    The difference (switchers - others) with ``stats.compare_proportions``' interval and test;
    the impact ratio (switchers' rate / others' rate) with Koopman's score interval
    (``stats.impact.impact_ratio``) and the four-fifths flag. Multiplicity: the family is every
    row of this table (touchpoints and steps); p-values are Holm-adjusted within it
    (``p_adjusted``) and ``finding`` (clear_difference / no_clear_difference / too_few) uses the
    adjusted p.
    """
    rows: list[dict] = []
    if counts.empty:
        return pd.DataFrame(columns=SWITCHER_COLUMNS)
    known = counts[counts["group"].isin(["true", "false"])]
    groups = [("all", tp, part) for tp, part in known.groupby("touchpoint", sort=True)]
    groups += [
        (stage, tp, part)
        for (_, stage, tp), part in known.groupby(["stage_order", "stage", "touchpoint"], sort=True)
    ]
    for scope, tp, part in groups:
        sums = part.groupby("group")[["applicants", "selected"]].sum()
        n1 = int(sums.applicants.get("true", 0))
        k1 = int(sums.selected.get("true", 0))
        n2 = int(sums.applicants.get("false", 0))
        k2 = int(sums.selected.get("false", 0))
        # Complementary suppression (see pooled_by_touchpoint): a side with a small step cell is
        # not shown pooled either.
        small = part[(part.applicants > 0) & (part.applicants < PRIVACY_THRESHOLD)]["group"]
        if "true" in set(small):
            n1 = k1 = 0
        if "false" in set(small):
            n2 = k2 = 0
        r1, r2 = _rate(k1, n1), _rate(k2, n2)
        row = {
            "scope": scope,
            "touchpoint": tp,
            "n_switchers": n1 if n1 >= PRIVACY_THRESHOLD else math.nan,
            "k_switchers": k1 if n1 >= PRIVACY_THRESHOLD else math.nan,
            "rate_switchers": r1[0],
            "low_switchers": r1[1],
            "high_switchers": r1[2],
            "n_others": n2 if n2 >= PRIVACY_THRESHOLD else math.nan,
            "k_others": k2 if n2 >= PRIVACY_THRESHOLD else math.nan,
            "rate_others": r2[0],
            "low_others": r2[1],
            "high_others": r2[2],
        }
        if n1 >= PRIVACY_THRESHOLD and n2 >= PRIVACY_THRESHOLD:
            c = stats.compare_proportions(k1, n1, k2, n2)
            ir, ir_ci = impact_ratio(k1, n1, k2, n2)
            row.update(
                diff=c.diff,
                diff_low=c.ci.low,
                diff_high=c.ci.high,
                impact_ratio=ir,
                ir_low=ir_ci.low,
                ir_high=ir_ci.high,
                four_fifths=bool(_fin(ir) and ir < FOUR_FIFTHS),
                p_below=_p_below_four_fifths(k1, n1, k2, n2, ir),
                p_value=c.p_value,
                test=c.test,
            )
        else:
            row.update(test="none", finding="too_few", four_fifths=False)
        rows.append(row)
    out = pd.DataFrame(rows, columns=SWITCHER_COLUMNS)
    out["four_fifths"] = out["four_fifths"].astype(bool)
    if out.empty:
        return out
    out["p_adjusted"] = stats.adjust_pvalues(out["p_value"].astype(float).to_numpy(), "holm")
    out["finding"] = [
        "too_few" if not _fin(p) else ("clear_difference" if p < ALPHA else "no_clear_difference")
        for p in out["p_adjusted"]
    ]
    out["p_below_adjusted"] = stats.adjust_pvalues(out["p_below"].astype(float).to_numpy(), "holm")
    out["four_fifths_finding"] = [
        _four_fifths_finding(not _fin(r.rate_switchers), False, r.impact_ratio, r.p_below_adjusted)
        for r in out.itertuples()
    ]
    return out


def switcher_quality_counts(
    cur: duckdb.DuckDBPyConnection,
    filters: Filters,
    as_of: dt.date,
    *,
    ramp_target: int = DEFAULT_RAMP_TARGET,
) -> pd.DataFrame:
    """Hires by career_switcher ("true"/"false"): 12-month rating n/mean/var, ramp within target
    (among hires followed that long), retained 12 months (among hires followed 12 months)."""
    where, params = filters.where("a")
    # Hires with their application's columns: ``app_outcomes`` (built at load time) when current,
    # so the hires are not joined to every application (issue 21: 1.6 s at 10M applications);
    # else the join. Same rows (tested on both paths).
    if common.outcomes_fresh(cur):
        source = "app_outcomes AS a"
        join = "AND a.has_hire"
        h = "a"
    else:
        source = "hires AS h JOIN applications AS a ON a.application_id = h.application_id"
        join = ""
        h = "h"
    return cur.execute(
        f"""
        SELECT CAST(a.career_switcher AS VARCHAR) AS "group",
               count(*) AS hires,
               count({h}.perf_12m) AS perf_n,
               avg({h}.perf_12m) AS perf_mean,
               var_samp({h}.perf_12m) AS perf_var,
               count(*) FILTER (WHERE date_diff('day', {h}.start_on, $as_of) >= $target) AS ramp_n,
               count(*) FILTER (
                   WHERE date_diff('day', {h}.start_on, $as_of) >= $target
                     AND {h}.ramp_days <= $target
               ) AS ramp_k,
               count(*) FILTER (WHERE date_diff('day', {h}.start_on, $as_of) >= $days) AS ret_n,
               count(*) FILTER (
                   WHERE date_diff('day', {h}.start_on, $as_of) >= $days
                     AND ({h}.left_on IS NULL
                          OR date_diff('day', {h}.start_on, {h}.left_on) >= $days)
               ) AS ret_k
        FROM {source}
        WHERE {where} {join}
          AND {h}.start_on <= $as_of
          AND a.career_switcher IS NOT NULL
        GROUP BY ALL
        ORDER BY 1 DESC
        """,
        {**params, "as_of": as_of, "target": int(ramp_target), "days": RETENTION_DAYS},
    ).df()


QUALITY_COLUMNS = [
    "component",
    "n_switchers",
    "switchers",
    "low_switchers",
    "high_switchers",
    "n_others",
    "others",
    "low_others",
    "high_others",
    "diff",
    "diff_low",
    "diff_high",
    "p_value",
    "test",
    "finding",
    "p_adjusted",
]


def _mean_ci(n: int, mean: float, var: float) -> tuple[float, float, float]:
    """A 1-5 mean on 0-100 with its t-interval (quality.py's scale)."""
    if n < PRIVACY_THRESHOLD or not _fin(mean):
        return math.nan, math.nan, math.nan
    ci = stats.mean_ci(n, mean, var)  # Student's t; NaN for n < 2 or an unknown variance
    return scale_rating(mean), scale_rating(ci.low), scale_rating(ci.high)


def switcher_quality(counts: pd.DataFrame) -> pd.DataFrame:
    """Quality-of-hire components of hired career switchers vs other hires (0-100 scale):
    performance (Welch), ramp within target and 12-month retention (Wilson, Newcombe)."""
    by = {str(r["group"]): r for _, r in counts.iterrows()}
    s, o = by.get("true"), by.get("false")
    rows = []

    def num(r: pd.Series | None, col: str) -> float:
        return float(r[col]) if r is not None and _fin(r[col]) else math.nan

    # performance
    n1 = int(s.perf_n) if s is not None else 0
    n2 = int(o.perf_n) if o is not None else 0
    e1 = _mean_ci(n1, num(s, "perf_mean"), num(s, "perf_var"))
    e2 = _mean_ci(n2, num(o, "perf_mean"), num(o, "perf_var"))
    row = {"component": "performance", "n_switchers": n1, "n_others": n2}
    row.update(switchers=e1[0], low_switchers=e1[1], high_switchers=e1[2])
    row.update(others=e2[0], low_others=e2[1], high_others=e2[2])
    if n1 >= PRIVACY_THRESHOLD and n2 >= PRIVACY_THRESHOLD and n1 > 1 and n2 > 1:
        diff, ci, p = welch(
            n1, num(s, "perf_mean"), num(s, "perf_var"), n2, num(o, "perf_mean"), num(o, "perf_var")
        )
        row.update(diff=diff * 25, diff_low=ci.low * 25, diff_high=ci.high * 25, p_value=p)
        # No spread in either group: Welch is undefined (stats.welch says so with NaN); the row
        # then says "too few to say" instead of a zero-width interval.
        row.update(test="welch" if _fin(p) else "no_variance")
    else:
        row.update(test="none", finding="too_few")
    rows.append(row)
    for comp, k_col, n_col in (("ramp", "ramp_k", "ramp_n"), ("retention", "ret_k", "ret_n")):
        k1 = int(s[k_col]) if s is not None else 0
        n1 = int(s[n_col]) if s is not None else 0
        k2 = int(o[k_col]) if o is not None else 0
        n2 = int(o[n_col]) if o is not None else 0
        r1, r2 = _rate(k1, n1), _rate(k2, n2)
        row = {"component": comp, "n_switchers": n1, "n_others": n2}
        row.update(switchers=100 * r1[0], low_switchers=100 * r1[1], high_switchers=100 * r1[2])
        row.update(others=100 * r2[0], low_others=100 * r2[1], high_others=100 * r2[2])
        if n1 >= PRIVACY_THRESHOLD and n2 >= PRIVACY_THRESHOLD:
            c = stats.compare_proportions(k1, n1, k2, n2)
            row.update(diff=100 * c.diff, diff_low=100 * c.ci.low, diff_high=100 * c.ci.high)
            row.update(p_value=c.p_value, test=c.test)
        else:
            row.update(test="none", finding="too_few")
        rows.append(row)
    out = pd.DataFrame(rows, columns=QUALITY_COLUMNS)
    # Multiplicity: the family is the three components; Holm within it, the finding uses it.
    out["p_adjusted"] = stats.adjust_pvalues(out["p_value"].astype(float).to_numpy(), "holm")
    out["finding"] = [
        "too_few" if not _fin(p) else ("clear_difference" if p < ALPHA else "no_clear_difference")
        for p in out["p_adjusted"]
    ]
    for side in ("switchers", "others"):
        small = out[f"n_{side}"] < PRIVACY_THRESHOLD
        out.loc[small, f"n_{side}"] = np.nan
    return out
