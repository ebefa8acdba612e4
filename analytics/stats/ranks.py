"""Rank tests on grouped ordinal counts: the Brunner-Munzel test and the probability of
superiority from counts per ordered category (possibly non-integer: weighted counts rescaled to
the effective n), as SQL returns them, instead of one row per respondent."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats as sps

from analytics.stats.base import Interval


@dataclass(frozen=True)
class GroupedBM:
    """Brunner-Munzel on grouped ordinal counts (x vs y); ``prob_superiority`` = P(X>Y)+P(X=Y)/2."""

    statistic: float
    df: float
    p_value: float
    prob_superiority: float
    prob_superiority_ci: Interval


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
    nan = GroupedBM(math.nan, math.nan, math.nan, math.nan, Interval(0.0, 1.0))
    if n1 <= 1 or n2 <= 1:
        return nan
    before = np.concatenate([[0.0], np.cumsum(t_c)[:-1]])
    rank = before + (t_c + 1.0) / 2.0
    rank_x = np.concatenate([[0.0], np.cumsum(a)[:-1]]) + (a + 1.0) / 2.0
    rank_y = np.concatenate([[0.0], np.cumsum(b)[:-1]]) + (b + 1.0) / 2.0
    mean_x = float((a * rank).sum() / n1)
    mean_y = float((b * rank).sum() / n2)
    sx = float((a * (rank - rank_x - mean_x + (n1 + 1.0) / 2.0) ** 2).sum() / (n1 - 1.0))
    sy = float((b * (rank - rank_y - mean_y + (n2 + 1.0) / 2.0) ** 2).sum() / (n2 - 1.0))
    # P(X > Y) + P(X = Y)/2 from the shares (scale-free, so weights need no rescaling here)
    px, py = a / n1, b / n2
    below_y = np.concatenate([[0.0], np.cumsum(py)[:-1]])
    prob = float((px * (below_y + 0.5 * py)).sum())
    denom = n1 * sx + n2 * sy
    if denom <= 0:
        return GroupedBM(math.nan, math.nan, math.nan, prob, Interval(0.0, 1.0))
    w = n1 * n2 * (mean_y - mean_x) / ((n1 + n2) * math.sqrt(denom))
    df = denom**2 / ((n1 * sx) ** 2 / (n1 - 1.0) + (n2 * sy) ** 2 / (n2 - 1.0))
    p = float(2.0 * sps.t.sf(abs(w), df))
    # Variance of the estimated P: (n1 S_x^2 + n2 S_y^2) / (n1 n2)^2 * ... Brunner & Munzel (2000)
    # eq. 4.4: sigma^2 = S_x^2 / (n1 n2^2) + S_y^2 / (n2 n1^2) in rank units -> shares.
    se = math.sqrt(sx / (n1 * n2 * n2) + sy / (n2 * n1 * n1))
    half = float(sps.t.ppf(0.975, df)) * se
    ci = Interval(max(prob - half, 0.0), min(prob + half, 1.0))
    return GroupedBM(statistic=-w, df=df, p_value=p, prob_superiority=prob, prob_superiority_ci=ci)
