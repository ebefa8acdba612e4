"""Survival: Kaplan-Meier with intervals, survival at a time, median survival, log-rank.

Sources are cited at each formula; tested against published values (tests/analytics/stats).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

from analytics.stats.base import _check_conf

# ---------------------------------------------------------------------------------------------
# Survival: Kaplan-Meier and log-rank
# ---------------------------------------------------------------------------------------------

KM_COLUMNS: tuple[str, ...] = ("time", "survival", "low", "high", "at_risk", "events")


def _survival_data(durations: ArrayLike, observed: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    t = np.asarray(durations, dtype=float).ravel()
    e_raw = np.asarray(observed).ravel()
    if t.size != e_raw.size:
        raise ValueError(f"durations ({t.size}) and observed ({e_raw.size}) differ in length")
    if t.size == 0:
        raise ValueError("no durations given")
    if not np.isfinite(t).all():
        raise ValueError("durations contain missing or infinite values")
    if (t < 0).any():
        raise ValueError(f"durations must not be negative, got {t[t < 0][0]!r}")
    e_float = e_raw.astype(float)
    if np.isnan(e_float).any() or not np.isin(e_float, (0.0, 1.0)).all():
        raise ValueError("observed must be booleans or 0/1 (1 = event seen, 0 = censored)")
    return t, e_float.astype(bool)


def kaplan_meier(durations: ArrayLike, observed: ArrayLike, conf: float = 0.95) -> pd.DataFrame:
    """Kaplan-Meier (1958) survival curve with Greenwood log-log ("exponential Greenwood")
    pointwise intervals (Kalbfleisch & Prentice 2002, eq. 1.11), via ``scipy.stats.ecdf`` on
    ``CensoredData``.

    Returns one row per distinct event time, preceded by a row at time 0 (survival 1) when no
    event happens at 0. Columns: time, survival, low, high, at_risk (number with duration >= time),
    events. Where the survival has dropped to 0 the log-log interval does not exist: low and high
    are NaN there (as R's ``conf.type = "log-log"``).
    """
    conf = _check_conf(conf)
    t, e = _survival_data(durations, observed)
    rows: list[dict[str, float]] = []
    event_times = np.unique(t[e])
    if event_times.size == 0 or event_times[0] > 0:
        rows.append(
            {"time": 0.0, "survival": 1.0, "low": 1.0, "high": 1.0, "at_risk": float(t.size)}
        )
    if event_times.size:
        data = stats.CensoredData(uncensored=t[e], right=t[~e])
        sf = stats.ecdf(data).sf
        with warnings.catch_warnings():
            # scipy warns where S(t) = 0 (log-log undefined); documented NaN limits instead.
            warnings.simplefilter("ignore", RuntimeWarning)
            ci = sf.confidence_interval(confidence_level=conf, method="log-log")
        with np.errstate(invalid="ignore"):
            survival = sf.evaluate(event_times)
            low = ci.low.evaluate(event_times)
            high = ci.high.evaluate(event_times)
        for time, s, lo, hi in zip(event_times, survival, low, high, strict=True):
            rows.append(
                {
                    "time": float(time),
                    "survival": float(s),
                    "low": float(lo),
                    "high": float(hi),
                    "at_risk": float((t >= time).sum()),
                }
            )
    frame = pd.DataFrame(rows, columns=["time", "survival", "low", "high", "at_risk"])
    frame["events"] = [int(((t == time) & e).sum()) for time in frame["time"]]
    frame["at_risk"] = frame["at_risk"].astype(int)
    return frame[list(KM_COLUMNS)]


def survival_at(km_frame: pd.DataFrame, t: float) -> tuple[float, float, float]:
    """(survival, low, high) of a :func:`kaplan_meier` frame at time t (right-continuous step
    function: the last row with time <= t). Before the first row: (1, 1, 1)."""
    if not {"time", "survival", "low", "high"} <= set(km_frame.columns):
        raise ValueError("km_frame must come from kaplan_meier (time, survival, low, high)")
    if math.isnan(t):
        raise ValueError("t must be a number, got nan")
    times = km_frame["time"].to_numpy(dtype=float)
    idx = int(np.searchsorted(times, t, side="right")) - 1
    if idx < 0:
        return 1.0, 1.0, 1.0
    row = km_frame.iloc[idx]
    return float(row["survival"]), float(row["low"]), float(row["high"])


def median_survival(km_frame: pd.DataFrame) -> float:
    """Median survival time: the smallest time with S(t) <= 0.5 (Kalbfleisch & Prentice 2002,
    section 1.4; R ``survfit`` uses the same rule except when S equals 0.5 exactly over an
    interval, where it takes the midpoint). NaN when the curve never reaches 0.5."""
    if not {"time", "survival"} <= set(km_frame.columns):
        raise ValueError("km_frame must come from kaplan_meier (time, survival)")
    reached = km_frame.loc[km_frame["survival"] <= 0.5 + 1e-12, "time"]
    return float(reached.iloc[0]) if len(reached) else math.nan


@dataclass(frozen=True)
class LogrankResult:
    """Log-rank test of equal survival curves across groups.

    ``statistic`` is the chi-square statistic (k - 1 degrees of freedom = ``dof``);
    ``observed``/``expected`` are events per group under the null.
    """

    statistic: float
    dof: int
    p_value: float
    observed: dict[str, float]
    expected: dict[str, float]


def _logrank_k_sample(
    data: Mapping[str, tuple[np.ndarray, np.ndarray]],
) -> tuple[float, int, dict[str, float], dict[str, float]]:
    """k-sample log-rank chi-square (Mantel 1966; Kalbfleisch & Prentice 2002, section 7.3):
    at each event time j, E_gj = n_gj d_j / n_j and
    Cov_gh = d_j (n_j - d_j) / (n_j - 1) * (n_gj / n_j) (delta_gh - n_hj / n_j);
    X^2 = (O - E)' V^- (O - E) over the first k - 1 groups (V has rank k - 1)."""
    names = list(data)
    all_t = np.concatenate([data[g][0] for g in names])
    all_e = np.concatenate([data[g][1] for g in names])
    event_times = np.unique(all_t[all_e])
    k = len(names)
    obs = np.zeros(k)
    exp = np.zeros(k)
    cov = np.zeros((k, k))
    for time in event_times:
        at_risk = np.array([(data[g][0] >= time).sum() for g in names], dtype=float)
        deaths = np.array([((data[g][0] == time) & data[g][1]).sum() for g in names], dtype=float)
        n_j = at_risk.sum()
        d_j = deaths.sum()
        share = at_risk / n_j
        obs += deaths
        exp += d_j * share
        if n_j > 1:
            scale = d_j * (n_j - d_j) / (n_j - 1)
            cov += scale * (np.diag(share) - np.outer(share, share))
    diff = (obs - exp)[: k - 1]
    sub = cov[: k - 1, : k - 1]
    statistic = float(diff @ np.linalg.pinv(sub) @ diff) if sub.any() else math.nan
    return (
        statistic,
        k - 1,
        dict(zip(names, obs.tolist(), strict=True)),
        dict(zip(names, exp.tolist(), strict=True)),
    )


def logrank(groups: Mapping[str, tuple[ArrayLike, ArrayLike]]) -> LogrankResult:
    """Log-rank test across two or more groups: {name: (durations, observed)}.

    Two groups: ``scipy.stats.logrank`` (its z statistic squared is reported as the chi-square).
    More groups: the k-sample log-rank chi-square with k - 1 df, written here because scipy only
    compares two samples (formula in :func:`_logrank_k_sample`).
    """
    if len(groups) < 2:
        raise ValueError(f"logrank needs at least two groups, got {len(groups)}")
    data: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for name, pair in groups.items():
        try:
            data[str(name)] = _survival_data(*pair)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"group {name!r}: {exc}") from exc
    statistic, dof, observed, expected = _logrank_k_sample(data)
    if sum(observed.values()) == 0:
        return LogrankResult(math.nan, dof, math.nan, observed, expected)
    if len(data) == 2:
        (t1, e1), (t2, e2) = data.values()
        result = stats.logrank(
            stats.CensoredData(uncensored=t1[e1], right=t1[~e1]),
            stats.CensoredData(uncensored=t2[e2], right=t2[~e2]),
        )
        return LogrankResult(
            statistic=float(result.statistic) ** 2,
            dof=1,
            p_value=float(result.pvalue),
            observed=observed,
            expected=expected,
        )
    p_value = float(stats.chi2.sf(statistic, dof)) if math.isfinite(statistic) else math.nan
    return LogrankResult(statistic, dof, p_value, observed, expected)
