"""What the metric modules share, so that siblings never import each other: the result types of a
two-pipeline comparison and the Overview result (the Business case reads it), the
adjusted answer (Mantel-Haenszel risk difference), rate columns with Wilson intervals, the
retention counts (Overview and Quality) and the load-time summary check."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd

from analytics import stats, store
from analytics.domain import PIPELINES, PRIVACY_THRESHOLD, Filters
from analytics.stats import Interval

RETENTION_DAYS = 365


@dataclass(frozen=True)
class GroupEstimate:
    """One pipeline's value of a metric. ``k`` and ``n`` are the numerator and denominator of a
    rate, or ``n`` the number of observations of a time metric."""

    pipeline: str
    n: int
    value: float | None
    ci: Interval | None = None
    k: int | None = None
    q1: float | None = None
    q3: float | None = None
    suppressed: bool = False


@dataclass(frozen=True)
class Adjustment:
    """The adjusted answer for a rate, stratified by one dimension, next to the crude one.

    ``diff``/``ci``/``p_value``: the Mantel-Haenszel risk difference in points (first minus
    second pipeline) with Sato's variance (``stats.mh_risk_difference``); ``crude_*``: the pooled
    Miettinen-Nurminen comparison; ``homogeneity_p``: Cochran's Q over the strata's differences;
    ``change``: "reversal" (point estimates opposite), "vanishes", "appears" or "same".
    """

    by: str
    diff: float
    ci: Interval
    p_value: float
    crude_diff: float
    crude_ci: Interval
    crude_p_value: float
    homogeneity_p: float
    change: str
    strata: int

    @property
    def estimable(self) -> bool:
        return math.isfinite(self.p_value)

    @property
    def clear(self) -> bool:
        """Same statistic for p and interval: p < 0.05 exactly when the interval excludes 0."""
        return self.estimable and self.p_value < 0.05

    @property
    def heterogeneous(self) -> bool:
        return math.isfinite(self.homogeneity_p) and self.homogeneity_p < 0.05

    @property
    def reversal(self) -> bool:
        """Simpson's paradox: crude and adjusted point estimates have opposite signs."""
        return self.change == "reversal"


@dataclass(frozen=True)
class MetricResult:
    key: str
    kind: str  # "count" | "rate" | "median" | "survival"
    groups: dict[str, GroupEstimate]
    diff: float | None = None
    diff_ci: Interval | None = None
    p_value: float | None = None
    test: str | None = None
    risk_ratio: float | None = None
    cohens_h: float | None = None
    adjustment: Adjustment | None = None

    @property
    def comparable(self) -> bool:
        return self.diff is not None and self.diff_ci is not None

    @property
    def clear(self) -> bool:
        """The interval of the difference excludes zero (for rates, by construction exactly when
        the Miettinen-Nurminen score test gives p < 0.05)."""
        if not self.comparable:
            return False
        assert self.diff_ci is not None
        return self.diff_ci.low > 0 or self.diff_ci.high < 0

    @property
    def answer(self) -> tuple[float, Interval, bool] | None:
        """(difference, interval, clear) the page leads with: the adjusted one when the reader
        adjusted and it is estimable, else the crude one; None when not comparable."""
        adj = self.adjustment
        if adj is not None and adj.estimable:
            return adj.diff, adj.ci, adj.clear
        if not self.comparable:
            return None
        assert self.diff is not None and self.diff_ci is not None
        return self.diff, self.diff_ci, self.clear


@dataclass(frozen=True)
class Overview:
    """The headline comparison (``overview.headline``). Defined here, not in overview.py, because
    the Business case takes it as an argument and metric modules never import each other."""

    metrics: dict[str, MetricResult]
    pipelines: tuple[str, ...]
    as_of: dt.date
    adjust_by: str | None = None
    totals: dict[str, int] = field(default_factory=dict)


def outcomes_fresh(cur: duckdb.DuckDBPyConnection) -> bool:
    """Whether ``app_outcomes`` (built at load time, ``store.DERIVED_SQL``) is current."""
    try:
        return store.derived_fresh(cur, "app_outcomes")
    except duckdb.Error:
        return False


def retention_counts(
    cur: duckdb.DuckDBPyConnection, filters: Filters, as_of: dt.date
) -> pd.DataFrame:
    """Hires' follow-up in days since start: (pipeline, days, events, censored), censored at
    ``as_of``. Hires who have not started by ``as_of`` are left out."""
    where, params = filters.where("a")
    params = {**params, "as_of": as_of}
    if outcomes_fresh(cur):
        return cur.execute(
            f"""
            SELECT
                a.pipeline,
                date_diff('day', a.start_on, least(coalesce(a.left_on, $as_of), $as_of)) AS days,
                count(*) FILTER (WHERE a.left_on IS NOT NULL AND a.left_on <= $as_of) AS events,
                count(*) FILTER (WHERE a.left_on IS NULL OR a.left_on > $as_of) AS censored
            FROM app_outcomes AS a
            WHERE {where}
                AND a.has_hire
                AND a.start_on <= $as_of
            GROUP BY ALL
            ORDER BY ALL
            """,
            params,
        ).df()
    return cur.execute(
        f"""
        SELECT
            a.pipeline,
            date_diff('day', h.start_on, least(coalesce(h.left_on, $as_of), $as_of)) AS days,
            count(*) FILTER (WHERE h.left_on IS NOT NULL AND h.left_on <= $as_of) AS events,
            count(*) FILTER (WHERE h.left_on IS NULL OR h.left_on > $as_of) AS censored
        FROM applications AS a
        JOIN hires AS h
            ON h.application_id = a.application_id
        WHERE {where}
            AND h.start_on <= $as_of
        GROUP BY ALL
        ORDER BY ALL
        """,
        params,
    ).df()


def mh_adjustment(strata: pd.DataFrame, num: str, den: str, by: str) -> Adjustment | None:
    """Mantel-Haenszel risk difference (first minus second pipeline) of ``num`` out of ``den``
    over the groups in ``strata`` (columns stratum, pipeline, num, den), with the homogeneity
    test; None below two usable groups. Only pooled numbers leave this function, so small strata
    are never shown."""
    first, second = PIPELINES
    tables = []
    for _, part in strata.groupby("stratum", sort=True):
        rows = part.set_index("pipeline")
        if first not in rows.index or second not in rows.index:
            continue
        k1, n1 = int(rows.at[first, num]), int(rows.at[first, den])
        k2, n2 = int(rows.at[second, num]), int(rows.at[second, den])
        if n1 == 0 or n2 == 0:
            continue
        tables.append([[k1, n1 - k1], [k2, n2 - k2]])
    if len(tables) < 2:
        return None
    rd = stats.mh_risk_difference(tables)
    return Adjustment(
        by=by,
        diff=rd.diff,
        ci=rd.ci,
        p_value=rd.p_value,
        crude_diff=rd.crude.diff,
        crude_ci=rd.crude.ci,
        crude_p_value=rd.crude.p_value,
        homogeneity_p=rd.homogeneity_p,
        change=rd.change,
        strata=rd.n_strata,
    )


def add_rate(frame: pd.DataFrame, name: str, k: str, n: str) -> pd.DataFrame:
    """Add ``name``, ``name_low``, ``name_high`` (Wilson) and ``suppressed`` (n below the privacy
    threshold: no rate shown) to ``frame`` in place and return it."""
    rows = []
    for kk, nn in zip(frame[k], frame[n], strict=True):
        kk, nn = int(kk), int(nn)
        if nn < PRIVACY_THRESHOLD:
            rows.append((math.nan, math.nan, math.nan))
        else:
            ci = stats.proportion_ci(kk, nn)
            rows.append((kk / nn, ci.low, ci.high))
    arr = np.array(rows, dtype=float).reshape(-1, 3)
    frame[name] = arr[:, 0]
    frame[f"{name}_low"] = arr[:, 1]
    frame[f"{name}_high"] = arr[:, 2]
    frame["suppressed"] = frame[n].astype(int) < PRIVACY_THRESHOLD
    return frame


DEFAULT_RAMP_TARGET = 90


def scale_rating(x: float) -> float:
    """A 1-5 rating on 0-100: (x - 1) / 4 x 100."""
    return (x - 1.0) / 4.0 * 100.0
