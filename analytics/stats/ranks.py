"""Rank tests on grouped ordinal counts: the Brunner-Munzel test and the probability of
superiority from counts per ordered category (possibly non-integer: weighted counts rescaled to
the effective n), as SQL returns them, instead of one row per respondent."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize
from scipy import stats as sps

from analytics.stats.base import Interval, _check_conf, _z

BRUNNER_MUNZEL = "brunner-munzel"
NEWCOMBE_SCORE = "newcombe-score"


def _hanley_mcneil_variance(theta: float, m: float, n: float) -> float:
    """Newcombe's (2006) symmetrised Hanley-McNeil variance of the estimated P(X>Y):
    theta (1 - theta) / (m n) [1 + N* (1 - theta) / (2 - theta) + N* theta / (1 + theta)],
    N* = (m + n) / 2 - 1 (Hanley & McNeil 1982, Radiology 143:29-36, with Q1 = theta / (2 - theta)
    and Q2 = 2 theta^2 / (1 + theta); Newcombe 2006, Stat Med 25:559-573, method 4)."""
    n_star = max((m + n) / 2.0 - 1.0, 0.0)
    core = 1.0 + n_star * (1.0 - theta) / (2.0 - theta) + n_star * theta / (1.0 + theta)
    return theta * (1.0 - theta) / (m * n) * core


def auc_score_interval(theta_hat: float, m: float, n: float, conf: float = 0.95) -> Interval:
    """Newcombe's (2006) method 5 interval for P(X>Y) + P(X=Y)/2: every theta with
    (theta - theta_hat)^2 <= z^2 V(theta), V the symmetrised Hanley-McNeil variance evaluated at
    theta (a score-type interval; Newcombe, "Confidence intervals for an effect size measure based
    on the Mann-Whitney statistic. Part 2", Stat Med 2006; 25:559-573).

    Why: it stays inside [0, 1], contains the estimate and is not degenerate under complete
    separation (theta_hat = 0 or 1), where the Brunner-Munzel variance is 0 and a Wald interval
    would be (1, 1), or (0, 1) by accident."""
    conf = _check_conf(conf)
    if not (m > 0 and n > 0 and math.isfinite(theta_hat)):
        return Interval(math.nan, math.nan)
    z2 = _z(conf) ** 2

    def g(theta: float) -> float:
        return (theta - theta_hat) ** 2 - z2 * _hanley_mcneil_variance(theta, m, n)

    eps = 1e-12
    low = 0.0
    if theta_hat > eps and g(0.0) > 0 and g(theta_hat - eps) < 0:
        low = float(optimize.brentq(g, 0.0, theta_hat - eps, xtol=1e-14))
    high = 1.0
    if theta_hat < 1 - eps and g(1.0) > 0 and g(theta_hat + eps) < 0:
        high = float(optimize.brentq(g, theta_hat + eps, 1.0, xtol=1e-14))
    return Interval(min(low, theta_hat), max(high, theta_hat))


def auc_score_p(theta_hat: float, m: float, n: float, alternative: str = "two-sided") -> float:
    """The score test that :func:`auc_score_interval` inverts, at theta = 1/2:
    z = (theta_hat - 1/2) / sqrt(V(1/2)), V(1/2) = (1 + 2 N*/3) / (4 m n) (Newcombe 2006,
    method 5 at the null). The interval excludes 1/2 exactly when the two-sided p < 1 - conf."""
    if not (m > 0 and n > 0 and math.isfinite(theta_hat)):
        return math.nan
    z = (theta_hat - 0.5) / math.sqrt(_hanley_mcneil_variance(0.5, m, n))
    if alternative == "greater":
        return float(sps.norm.sf(z))
    if alternative == "less":
        return float(sps.norm.cdf(z))
    return float(min(1.0, 2.0 * sps.norm.sf(abs(z))))


@dataclass(frozen=True)
class GroupedBM:
    """Brunner-Munzel on grouped ordinal counts (x vs y); ``prob_superiority`` = P(X>Y)+P(X=Y)/2."""

    statistic: float
    df: float
    p_value: float
    prob_superiority: float
    prob_superiority_ci: Interval
    method: str = BRUNNER_MUNZEL


def brunner_munzel_counts(x_counts: np.ndarray, y_counts: np.ndarray) -> GroupedBM:
    """Brunner & Munzel (2000) test from counts per ordered category (counts may be non-integer:
    weighted counts rescaled to n_eff).

    With whole counts this is exactly ``scipy.stats.brunnermunzel`` on the expanded samples
    (tests check it), written with category midranks: overall midrank R_c, within-sample
    midranks, placement variances S_x^2, S_y^2, W = n_x n_y (mean R_y - mean R_x) /
    ((n_x + n_y) sqrt(n_x S_x^2 + n_y S_y^2)), Satterthwaite df, two-sided t p-value. The sign
    follows ``stats.rank_compare`` (positive when x tends to be larger), i.e. minus scipy's.
    P(X>Y) interval: Brunner-Munzel's, p +/- t sqrt(S_x^2/(n_x n_y^2) + S_y^2/(n_y n_x^2)) ... in
    its placement form, clipped to [0, 1].
    """
    a = np.asarray(x_counts, dtype=float)
    b = np.asarray(y_counts, dtype=float)
    n1, n2 = float(a.sum()), float(b.sum())
    t_c = a + b
    if n1 <= 0 or n2 <= 0:
        return GroupedBM(math.nan, math.nan, math.nan, math.nan, Interval(math.nan, math.nan))
    before = np.concatenate([[0.0], np.cumsum(t_c)[:-1]])
    rank = before + (t_c + 1.0) / 2.0
    rank_x = np.concatenate([[0.0], np.cumsum(a)[:-1]]) + (a + 1.0) / 2.0
    rank_y = np.concatenate([[0.0], np.cumsum(b)[:-1]]) + (b + 1.0) / 2.0
    mean_x = float((a * rank).sum() / n1)
    mean_y = float((b * rank).sum() / n2)
    sx = float((a * (rank - rank_x - mean_x + (n1 + 1.0) / 2.0) ** 2).sum() / max(n1 - 1.0, 1e-300))
    sy = float((b * (rank - rank_y - mean_y + (n2 + 1.0) / 2.0) ** 2).sum() / max(n2 - 1.0, 1e-300))
    # P(X > Y) + P(X = Y)/2 from the shares (scale-free, so weights need no rescaling here)
    px, py = a / n1, b / n2
    below_y = np.concatenate([[0.0], np.cumsum(py)[:-1]])
    prob = float((px * (below_y + 0.5 * py)).sum())
    denom = n1 * sx + n2 * sy
    if n1 <= 1 or n2 <= 1 or not denom > 0:
        # No Brunner-Munzel variance (a group of one, no spread, complete separation): Newcombe's
        # score interval and its test instead, never a (0, 1) or zero-width interval by accident.
        return GroupedBM(
            statistic=math.nan,
            df=math.nan,
            p_value=auc_score_p(prob, n1, n2),
            prob_superiority=prob,
            prob_superiority_ci=auc_score_interval(prob, n1, n2),
            method=NEWCOMBE_SCORE,
        )
    w = n1 * n2 * (mean_y - mean_x) / ((n1 + n2) * math.sqrt(denom))
    df = denom**2 / ((n1 * sx) ** 2 / (n1 - 1.0) + (n2 * sy) ** 2 / (n2 - 1.0))
    p = float(2.0 * sps.t.sf(abs(w), df))
    # Variance of the estimated P: (n1 S_x^2 + n2 S_y^2) / (n1 n2)^2 * ... Brunner & Munzel (2000)
    # eq. 4.4: sigma^2 = S_x^2 / (n1 n2^2) + S_y^2 / (n2 n1^2) in rank units -> shares.
    se = math.sqrt(sx / (n1 * n2 * n2) + sy / (n2 * n1 * n1))
    half = float(sps.t.ppf(0.975, df)) * se
    ci = Interval(max(prob - half, 0.0), min(prob + half, 1.0))
    return GroupedBM(statistic=-w, df=df, p_value=p, prob_superiority=prob, prob_superiority_ci=ci)
