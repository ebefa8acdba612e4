"""Means and ordinal comparisons: the t interval for a mean, Welch's difference of two means,
Mann-Whitney U and Brunner-Munzel with P(X > Y).

Sources are cited at each formula; tested against published values (tests/analytics/stats).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from analytics.stats.base import ALTERNATIVES, Alternative, Interval, _check_conf, _check_method

# ---------------------------------------------------------------------------------------------
# Ordinal / continuous comparison: Mann-Whitney U and Brunner-Munzel
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RankComparison:
    """x vs y on an ordinal or skewed scale (Likert items, time to hire).

    ``u`` is the Mann-Whitney U of x (R's W), ``p_value`` its test; ``prob_superiority`` is
    P(X > Y) + 0.5 P(X = Y) with the Brunner-Munzel interval; ``brunner_munzel_statistic`` is
    positive when x tends to be larger (statsmodels' sign; scipy's ``brunnermunzel`` reports the
    opposite sign).
    """

    u: float
    p_value: float
    rank_biserial: float
    prob_superiority: float
    prob_superiority_ci: Interval
    brunner_munzel_statistic: float
    brunner_munzel_p_value: float
    n_x: int
    n_y: int
    method: str = "brunner-munzel"


def _clean_sample(values: ArrayLike, name: str) -> np.ndarray:
    arr = np.asarray(values, dtype=float).ravel()
    arr = arr[~np.isnan(arr)]
    if arr.size == 0:
        raise ValueError(f"{name} has no non-missing values")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} contains infinite values")
    return arr


def rank_compare(
    x: ArrayLike,
    y: ArrayLike,
    alternative: Alternative = "two-sided",
    *,
    conf: float = 0.95,
) -> RankComparison:
    """Mann-Whitney U test with effect sizes, and the Brunner-Munzel test.

    - ``u``, ``p_value``: ``scipy.stats.mannwhitneyu(x, y, method="auto", use_continuity=True)``;
      U of x equals R's ``wilcox.test`` W. scipy's "auto" uses the exact distribution when a
      sample has fewer than 8 observations and there are no ties, the normal approximation with
      tie and continuity corrections otherwise (R goes exact up to n < 50).
    - ``rank_biserial`` = 2 U / (n_x n_y) - 1 (Kerby 2014, "simple difference formula"),
      positive when x tends to be larger.
    - ``prob_superiority`` = U / (n_x n_y) = P(X > Y) + 0.5 P(X = Y) (Vargha & Delaney 2000 A);
      interval and test from Brunner & Munzel (2000) via statsmodels ``rank_compare_2indep``.
      statsmodels' Wald interval for P can leave [0, 1]; it is clipped to [0, 1] here.
    NaN values are dropped. Brunner-Munzel needs two observations per sample and a non-zero
    variance estimate (it is zero with no spread or complete separation): otherwise the interval
    and test of P(X>Y) are Newcombe's (2006) method 5 score interval and the score test it
    inverts (``stats.ranks.auc_score_interval``), ``brunner_munzel_statistic`` is NaN and
    ``method`` says "newcombe-score". So complete separation gives a proper interval such as
    (0.72, 1) for 10 vs 10, never (0, 1) by accident.
    """
    _check_method(alternative, ALTERNATIVES, "alternative")
    conf = _check_conf(conf)
    x_arr = _clean_sample(x, "x")
    y_arr = _clean_sample(y, "y")
    n_x, n_y = int(x_arr.size), int(y_arr.size)
    mwu = stats.mannwhitneyu(x_arr, y_arr, alternative=alternative, method="auto")
    u = float(mwu.statistic)
    prob = u / (n_x * n_y)

    from analytics.stats.ranks import NEWCOMBE_SCORE, auc_score_interval, auc_score_p

    bm_stat, bm_p = math.nan, math.nan
    prob_ci = Interval(math.nan, math.nan)
    method = "brunner-munzel"
    if n_x >= 2 and n_y >= 2:
        from statsmodels.stats.nonparametric import rank_compare_2indep

        with np.errstate(divide="ignore", invalid="ignore"):
            bm = rank_compare_2indep(x_arr, y_arr)
            if np.isfinite(bm.statistic) and bm.var > 0:
                bm_stat = float(bm.statistic)
                bm_p = float(bm.test_prob_superior(alternative=_sm_alternative(alternative)).pvalue)
                low, high = bm.conf_int(alpha=1.0 - conf)
                prob_ci = Interval(float(min(max(low, 0.0), 1.0)), float(min(max(high, 0.0), 1.0)))
    if not math.isfinite(bm_p):
        method = NEWCOMBE_SCORE
        bm_p = auc_score_p(prob, n_x, n_y, alternative)
        prob_ci = auc_score_interval(prob, n_x, n_y, conf)

    return RankComparison(
        u=u,
        p_value=float(mwu.pvalue),
        rank_biserial=2.0 * prob - 1.0,
        prob_superiority=prob,
        prob_superiority_ci=prob_ci,
        brunner_munzel_statistic=bm_stat,
        brunner_munzel_p_value=bm_p,
        n_x=n_x,
        n_y=n_y,
        method=method,
    )


def _sm_alternative(alternative: str) -> str:
    # statsmodels names the alternatives for P(x > y) "larger"/"smaller".
    return {"two-sided": "two-sided", "greater": "larger", "less": "smaller"}[alternative]


def mean_ci(n: int, mean: float, var: float, conf: float = 0.95) -> Interval:
    """Student's t interval for a mean from its n, mean and sample variance (NaN for n < 2):
    mean +/- t_{n-1, 1-alpha/2} sqrt(var / n) (Student 1908, Biometrika 6:1-25)."""
    if n < 2 or mean is None or not math.isfinite(mean):
        return Interval(math.nan, math.nan)
    half = float(stats.t.ppf(0.5 + conf / 2, n - 1)) * math.sqrt(var / n)
    return Interval(mean - half, mean + half)


def welch(
    n1: int, m1: float, v1: float, n2: int, m2: float, v2: float, conf: float = 0.95
) -> tuple[float, Interval, float]:
    """Difference of means m1 - m2 with Welch's interval and two-sided p-value: se^2 = v1/n1 +
    v2/n2, Welch-Satterthwaite df = se^4 / ((v1/n1)^2/(n1-1) + (v2/n2)^2/(n2-1)) (Welch 1947,
    Biometrika 34:28-35; Satterthwaite 1946). Zero variance in both groups (every value the same)
    leaves the t statistic undefined: NaN interval and p, which callers report as "no spread, too
    few to say", never a zero-width interval."""
    se2 = v1 / n1 + v2 / n2
    diff = m1 - m2
    if not se2 > 0:
        return diff, Interval(math.nan, math.nan), math.nan
    df = se2**2 / ((v1 / n1) ** 2 / (n1 - 1) + (v2 / n2) ** 2 / (n2 - 1))
    half = float(stats.t.ppf(0.5 + conf / 2, df)) * math.sqrt(se2)
    p = float(2 * stats.t.sf(abs(diff) / math.sqrt(se2), df))
    return diff, Interval(diff - half, diff + half), p
