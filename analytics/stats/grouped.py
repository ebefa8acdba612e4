"""Statistics computed from frequency tables, so that SQL can return tens of rows, not millions.

Durations in this product are whole days, so a time-to-hire or retention analysis of a million
applications reduces to a few hundred (day, count) rows per group. The functions here take those
rows and give exactly the answer the raw data would: the Kaplan-Meier estimate with Greenwood's
variance, medians with distribution-free intervals, and the difference of medians.

Sources are cited at each formula; tested in tests/analytics/stats/test_grouped.py against the
raw-data answers (``stats.survival``, scipy) on the expanded tables.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as sps

from analytics.stats.base import Interval

nan = float("nan")


@dataclass(frozen=True)
class SurvivalPoint:
    """Kaplan-Meier survival at a time, Greenwood standard error, log-log interval, at risk."""

    time: float
    survival: float
    se: float
    ci: Interval
    at_risk: int


def km_curve(
    times: np.ndarray, events: np.ndarray, censored: np.ndarray, conf: float = 0.95
) -> pd.DataFrame:
    """Kaplan-Meier curve from grouped counts.

    ``times`` are distinct times; ``events[i]`` ended at ``times[i]`` and ``censored[i]`` were last
    seen then (censored after any events at the same time, the usual convention). Returns columns
    time, at_risk, events, censored, survival, se (Greenwood, 1926), low, high (the log-log
    interval of Kalbfleisch & Prentice, 2002, section 1.4, as R's survfit conf.type="log-log").
    """
    times = np.asarray(times, dtype=float)
    events = np.asarray(events, dtype=float)
    censored = np.asarray(censored, dtype=float)
    order = np.argsort(times, kind="stable")
    times, events, censored = times[order], events[order], censored[order]
    total = events.sum() + censored.sum()
    at_risk = total - np.concatenate([[0.0], np.cumsum(events + censored)[:-1]])
    with np.errstate(divide="ignore", invalid="ignore"):
        step = np.where(at_risk > 0, 1.0 - events / at_risk, 1.0)
        surv = np.cumprod(step)
        gw_term = np.where(
            (at_risk > events) & (at_risk > 0), events / (at_risk * (at_risk - events)), 0.0
        )
        gw = np.cumsum(gw_term)
        se = surv * np.sqrt(gw)
        z = sps.norm.ppf(0.5 + conf / 2)
        log_s = np.log(surv)
        # log-log interval: S^exp(+-z * sqrt(gw) / log S)
        scale = z * np.sqrt(gw) / np.abs(log_s)
        low = np.where((surv > 0) & (surv < 1), surv ** np.exp(scale), np.nan)
        high = np.where((surv > 0) & (surv < 1), surv ** np.exp(-scale), np.nan)
    low = np.where(surv >= 1, 1.0, low)
    high = np.where(surv >= 1, 1.0, high)
    low = np.where(surv <= 0, 0.0, low)
    high = np.where(surv <= 0, 0.0, high)
    return pd.DataFrame(
        {
            "time": times,
            "at_risk": at_risk.astype(np.int64),
            "events": events.astype(np.int64),
            "censored": censored.astype(np.int64),
            "survival": surv,
            "se": se,
            "low": low,
            "high": high,
        }
    )


def _boundary_point(t: float, survival: float, n: int, conf: float = 0.95) -> SurvivalPoint:
    """A Kaplan-Meier value of exactly 1 (nobody left yet) or 0, where Greenwood's variance is 0
    and the log-log interval collapses to a point: the Wilson interval of the proportion with the
    number at risk as n (Wilson 1927; for the survival estimate at the boundary, n at risk is the
    effective sample size of Dorey & Korn 1987, Stat Med 6:679-687), and the Agresti-Coull
    standard error sqrt(p~(1 - p~) / (n + z^2)), p~ = (k + z^2 / 2) / (n + z^2) (Agresti & Coull
    1998, Am Stat 52:119-126), so that a comparison of 100% with 100% is not treated as certain."""
    if n <= 0:
        return SurvivalPoint(t, survival, nan, Interval(nan, nan), 0)
    from analytics.stats.proportions import proportion_ci

    k = n if survival >= 1 else 0
    z2 = float(sps.norm.ppf(0.5 + conf / 2)) ** 2
    p_tilde = (k + z2 / 2) / (n + z2)
    se = math.sqrt(p_tilde * (1 - p_tilde) / (n + z2))
    ci = proportion_ci(k, n, conf=conf)
    return SurvivalPoint(t, float(survival), se, Interval(float(ci.low), float(ci.high)), n)


def km_at(curve: pd.DataFrame, t: float) -> SurvivalPoint | None:
    """The curve's value at time ``t`` (right-continuous step).

    None when follow-up ended before ``t`` while the curve was still above zero: then the data say
    nothing about ``t`` (as R's ``summary(survfit, times, extend = FALSE)``). Where the value is
    exactly 1 or 0 the interval is Wilson's and the se Agresti-Coull's (:func:`_boundary_point`),
    never a zero-width (1, 1).
    """
    if curve.empty:
        return None
    upto = curve[curve.time <= t]
    beyond = curve[curve.time > t]
    at_risk = int(beyond.at_risk.iloc[0]) if not beyond.empty else 0
    if upto.empty:
        return _boundary_point(t, 1.0, int(curve.at_risk.iloc[0]))
    row = upto.iloc[-1]
    if curve.time.max() < t and row.survival > 0:
        return None
    if row.survival >= 1 or row.survival <= 0:
        n_b = at_risk if at_risk > 0 else int(row.at_risk)
        point = _boundary_point(t, float(row.survival), n_b)
        return SurvivalPoint(t, point.survival, point.se, point.ci, at_risk)
    return SurvivalPoint(
        t, float(row.survival), float(row.se), Interval(float(row.low), float(row.high)), at_risk
    )


@dataclass(frozen=True)
class SurvivalDifference:
    diff: float
    ci: Interval
    p_value: float


def survival_difference(
    a: SurvivalPoint, b: SurvivalPoint, conf: float = 0.95
) -> SurvivalDifference:
    """Difference of two independent Kaplan-Meier estimates at one time point.

    The "naive" Wald test of Klein, Logan, Harhoff & Andersen (2007), Analyzing survival curves at a
    fixed point in time, Statistics in Medicine 26:4505-4519: z = (S1 - S2) / sqrt(se1^2 + se2^2).
    Points from :func:`km_at` carry a non-zero se at 0% and 100% (Agresti-Coull), so two curves at
    100% give a proper interval around 0 and p = 1; a zero or missing se gives NaN (undefined),
    never a zero-width interval.
    """
    diff = a.survival - b.survival
    se = math.sqrt(a.se**2 + b.se**2)
    z = sps.norm.ppf(0.5 + conf / 2)
    if not (se > 0 and math.isfinite(se)):
        return SurvivalDifference(diff, Interval(nan, nan), nan)
    p = 2 * sps.norm.sf(abs(diff) / se)
    return SurvivalDifference(diff, Interval(diff - z * se, diff + z * se), float(p))


@dataclass(frozen=True)
class MedianSummary:
    n: int
    median: float
    q1: float
    q3: float
    ci: Interval
    se: float


def _order_stat(values: np.ndarray, cum: np.ndarray, rank: int) -> float:
    """The ``rank``-th smallest value (1-based) of a frequency table."""
    return float(values[np.searchsorted(cum, rank)])


def median_summary(
    values: np.ndarray, counts: np.ndarray, conf: float = 0.95
) -> MedianSummary | None:
    """Median, quartiles and a distribution-free interval for the median, from a frequency table.

    The interval uses the order statistics Y(c) and Y(n-c+1) with c = round((n+1)/2 - sqrt(n))
    and the standard error (Y(n-c+1) - Y(c)) / (2 z*), where z* is the normal quantile of the
    exact binomial coverage of that pair: Price & Bonett (2002), Distribution-free confidence
    intervals for difference and ratio of medians, J. Statist. Comput. Simul. 72(2):119-124.
    Quartiles are type-7 quantiles (R's default).
    """
    values = np.asarray(values, dtype=float)
    counts = np.asarray(counts, dtype=np.int64)
    keep = counts > 0
    values, counts = values[keep], counts[keep]
    order = np.argsort(values)
    values, counts = values[order], counts[order]
    n = int(counts.sum())
    if n == 0:
        return None
    cum = np.cumsum(counts)

    def quantile7(p: float) -> float:
        h = (n - 1) * p + 1
        lo = math.floor(h)
        lo_v = _order_stat(values, cum, lo)
        hi_v = _order_stat(values, cum, min(lo + 1, n))
        return lo_v + (h - lo) * (hi_v - lo_v)

    med = quantile7(0.5)
    if n < 3:
        return MedianSummary(n, med, quantile7(0.25), quantile7(0.75), Interval(nan, nan), nan)
    c = max(1, round((n + 1) / 2 - math.sqrt(n)))
    lo_v = _order_stat(values, cum, c)
    hi_v = _order_stat(values, cum, n - c + 1)
    coverage = 1 - 2 * sps.binom.cdf(c - 1, n, 0.5)
    z_star = sps.norm.ppf(0.5 + coverage / 2)
    se = (hi_v - lo_v) / (2 * z_star) if z_star > 0 else nan
    z = sps.norm.ppf(0.5 + conf / 2)
    return MedianSummary(
        n, med, quantile7(0.25), quantile7(0.75), Interval(med - z * se, med + z * se), se
    )


@dataclass(frozen=True)
class MedianDifference:
    diff: float
    ci: Interval
    p_value: float
    test: str


def median_difference(
    a_values: np.ndarray,
    a_counts: np.ndarray,
    b_values: np.ndarray,
    b_counts: np.ndarray,
    conf: float = 0.95,
) -> MedianDifference | None:
    """Median of a minus median of b with the Price-Bonett (2002) interval, and the Mann-Whitney
    test on the full frequency tables (normal approximation with tie correction, as R's
    ``wilcox.test(exact=FALSE, correct=TRUE)``)."""
    ma = median_summary(a_values, a_counts, conf)
    mb = median_summary(b_values, b_counts, conf)
    if ma is None or mb is None or ma.n < 3 or mb.n < 3:
        return None
    diff = ma.median - mb.median
    se = math.sqrt(ma.se**2 + mb.se**2)
    z = sps.norm.ppf(0.5 + conf / 2)
    p = mann_whitney_grouped(a_values, a_counts, b_values, b_counts)
    return MedianDifference(diff, Interval(diff - z * se, diff + z * se), p, "mann-whitney")


def mann_whitney_grouped(
    a_values: np.ndarray, a_counts: np.ndarray, b_values: np.ndarray, b_counts: np.ndarray
) -> float:
    """Two-sided Mann-Whitney p-value from frequency tables (midranks, tie-corrected variance,
    continuity correction 0.5), identical to R's wilcox.test(exact = FALSE) on the expanded data."""
    a = pd.Series(np.asarray(a_counts, dtype=float), index=np.asarray(a_values, dtype=float))
    b = pd.Series(np.asarray(b_counts, dtype=float), index=np.asarray(b_values, dtype=float))
    a = a.groupby(level=0).sum()
    b = b.groupby(level=0).sum()
    table = pd.concat([a.rename("a"), b.rename("b")], axis=1).fillna(0.0).sort_index()
    t = (table.a + table.b).to_numpy()
    n1, n2 = table.a.sum(), table.b.sum()
    n = n1 + n2
    if n1 == 0 or n2 == 0:
        return nan
    midrank = np.cumsum(t) - (t - 1) / 2
    rank_sum_a = float((table.a.to_numpy() * midrank).sum())
    u = rank_sum_a - n1 * (n1 + 1) / 2
    mu = n1 * n2 / 2
    var = n1 * n2 / 12 * ((n + 1) - (t**3 - t).sum() / (n * (n - 1)))
    if var <= 0:
        return 1.0
    z = (abs(u - mu) - 0.5) / math.sqrt(var)
    return float(min(1.0, 2 * sps.norm.sf(abs(z))))
