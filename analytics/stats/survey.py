"""Survey measures: the Net Promoter Score with its interval; Kish effective n, design effect
and weighted proportion intervals for survey weights.

Sources are cited at each formula; tested against published values (tests/analytics/stats).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from analytics.stats.base import (
    PROPORTION_METHODS,
    Interval,
    ProportionMethod,
    _check_conf,
    _check_method,
    _z,
)
from analytics.stats.proportions import _proportion_ci_float

# ---------------------------------------------------------------------------------------------
# Net Promoter Score
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NpsResult:
    """Candidate NPS = % promoters (9-10) - % detractors (0-6), in points from -100 to 100.

    ``promoters``/``passives``/``detractors`` are shares (0..1). ``n`` is the number of valid
    answers (or the Kish effective n when weights were given).
    """

    nps: float
    se: float
    ci: Interval
    n: float
    promoters: float
    passives: float
    detractors: float


def nps_interval(promoters: float, detractors: float, n: float, conf: float = 0.95) -> Interval:
    """Rocks' (2016) adjusted-Wald interval for the NPS, in points.

    Rocks, B. (2016), "Interval estimation for the 'Net Promoter Score'", The American
    Statistician 70(4):365-372: add 3 pseudo-respondents, 3/4 of them promoters and 3/4
    detractors (n~ = n + 3, pP~ = (P + 3/4) / n~, pD~ = (D + 3/4) / n~), then the Wald interval
    of pP~ - pD~ with the trinomial variance (pP~ + pD~ - (pP~ - pD~)^2) / n~. Rocks found it among
    the best-covering intervals; unlike the plain Wald interval it is not (100, 100) when every
    answer is a promoter. ``promoters``/``detractors`` are shares and ``n`` the (effective) number
    of answers. Clipped to [-100, 100]; because the adjusted centre is pulled towards 0 the
    interval is widened, where needed, to reach the observed score, so it always contains the
    estimate shown beside it (at the extremes the clip keeps the observed edge inside).
    """
    conf = _check_conf(conf)
    if not (n > 0 and math.isfinite(promoters) and math.isfinite(detractors)):
        return Interval(-100.0, 100.0)
    n_adj = n + 3.0
    p_adj = (promoters * n + 0.75) / n_adj
    d_adj = (detractors * n + 0.75) / n_adj
    centre = p_adj - d_adj
    var = max(p_adj + d_adj - centre**2, 0.0) / n_adj
    half = _z(conf) * math.sqrt(var)
    observed = promoters - detractors
    low = max(min(centre - half, observed), -1.0)
    high = min(max(centre + half, observed), 1.0)
    return Interval(100.0 * low, 100.0 * high)


def nps(scores: ArrayLike, conf: float = 0.95, *, weights: ArrayLike | None = None) -> NpsResult:
    """Net Promoter Score with Rocks' (2016) adjusted-Wald interval (:func:`nps_interval`).

    ``se`` = 100 sqrt((pP + pD - (pP - pD)^2) / n) is the plain standard error of the observed
    score: the variance of the mean of a variable scored +1 / 0 / -1 (Rocks 2016; trinomial
    variance of pP - pD). It is 0 when every answer is in one category; the interval is not.

    NaN scores are ignored; scores outside 0-10 or not whole numbers raise ValueError. With
    ``weights`` the shares are weighted and n is the Kish effective n. With no valid scores the
    result has n = 0, NaN estimates and the no-information interval (-100, 100).
    """
    conf = _check_conf(conf)
    values = np.asarray(scores, dtype=float).ravel()
    if weights is None:
        w = np.ones_like(values)
    else:
        w = _check_weights(weights, allow_nan=False)
        if w.size != values.size:
            raise ValueError(f"weights ({w.size}) and scores ({values.size}) differ in length")
    keep = ~np.isnan(values)
    values, w = values[keep], w[keep]
    if np.isinf(values).any() or ((values < 0) | (values > 10)).any():
        bad = values[np.isinf(values) | (values < 0) | (values > 10)][0]
        raise ValueError(f"NPS scores must lie between 0 and 10, got {bad!r}")
    if (values != np.floor(values)).any():
        bad = values[values != np.floor(values)][0]
        raise ValueError(f"NPS scores must be whole numbers 0-10, got {bad!r}")
    total_weight = float(w.sum())
    if values.size == 0 or total_weight <= 0:
        return NpsResult(
            nps=math.nan,
            se=math.nan,
            ci=Interval(-100.0, 100.0),
            n=0.0,
            promoters=math.nan,
            passives=math.nan,
            detractors=math.nan,
        )
    n_eff = float(values.size) if weights is None else kish_effective_n(w)
    promoters = float(w[values >= 9].sum()) / total_weight
    detractors = float(w[values <= 6].sum()) / total_weight
    passives = 1.0 - promoters - detractors
    score = 100.0 * (promoters - detractors)
    se = 100.0 * math.sqrt(max(promoters + detractors - (promoters - detractors) ** 2, 0.0) / n_eff)
    return NpsResult(
        nps=score,
        se=se,
        ci=nps_interval(promoters, detractors, n_eff, conf),
        n=n_eff,
        promoters=promoters,
        passives=max(passives, 0.0),
        detractors=detractors,
    )


# ---------------------------------------------------------------------------------------------
# Survey weights: Kish effective n
# ---------------------------------------------------------------------------------------------


def _check_weights(weights: ArrayLike, *, allow_nan: bool = False) -> np.ndarray:
    w = np.asarray(weights, dtype=float).ravel()
    if not allow_nan and np.isnan(w).any():
        raise ValueError("weights contain missing values (NaN)")
    finite = w[~np.isnan(w)]
    if np.isinf(finite).any():
        raise ValueError("weights contain infinite values")
    if (finite < 0).any():
        raise ValueError(f"weights must not be negative, got {finite[finite < 0][0]!r}")
    return w


def kish_effective_n(weights: ArrayLike) -> float:
    """Kish (1965, Survey Sampling, section 11.7) effective sample size (sum w)^2 / sum w^2."""
    w = _check_weights(weights)
    total_sq = float((w**2).sum())
    if total_sq == 0:
        return 0.0
    return float(w.sum()) ** 2 / total_sq


def design_effect(weights: ArrayLike) -> float:
    """Kish's design effect due to unequal weighting, n sum w^2 / (sum w)^2 = n / n_eff (>= 1)."""
    w = _check_weights(weights)
    total = float(w.sum())
    if total == 0:
        raise ValueError("weights are all zero: the design effect is undefined")
    return w.size * float((w**2).sum()) / total**2


def weighted_proportion_ci(
    values: ArrayLike,
    weights: ArrayLike,
    conf: float = 0.95,
    method: ProportionMethod = "wilson",
) -> Interval:
    """Interval for a weighted proportion using the Kish effective sample size.

    Estimate p = sum(w y) / sum(w) for 0/1 values y; the interval is ``proportion_ci`` with
    n = n_eff (Kish 1965) and k = p n_eff (Korn & Graubard 1998 style effective-n intervals;
    DESIGN.md: "Kish effective n used in every interval and test"). Pairs with a missing value
    are dropped; values must be 0/1 (or booleans).
    """
    conf = _check_conf(conf)
    _check_method(method, PROPORTION_METHODS, "proportion interval")
    y = np.asarray(values, dtype=float).ravel()
    w = _check_weights(weights)
    if y.size != w.size:
        raise ValueError(f"values ({y.size}) and weights ({w.size}) differ in length")
    keep = ~np.isnan(y)
    y, w = y[keep], w[keep]
    if not np.isin(y, (0.0, 1.0)).all():
        raise ValueError(f"values must be 0/1, got {y[~np.isin(y, (0.0, 1.0))][0]!r}")
    total = float(w.sum())
    if total <= 0:
        return Interval(0.0, 1.0)
    p = float((w * y).sum()) / total
    n_eff = kish_effective_n(w)
    return _proportion_ci_float(p * n_eff, n_eff, conf, method)
