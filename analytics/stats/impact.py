"""Adverse-impact statistics: the impact ratio of a group against a reference group with its
interval, and the two-sided Fisher exact test of the 2x2 table behind it.

Why a module of its own: the bias audit (Fairness page) compares every group at every selection
step with the most-selected group (NYC Local Law 144 bias-audit rule, 6 RCNY 5-300; four-fifths
rule, EEOC Uniform Guidelines 29 CFR 1607.4(D)). Those formulas lived inside the metric module;
here they sit with the other formulas, each with its source.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats as sps

from analytics.stats.base import Interval
from analytics.stats.tables import compare_proportions

_NAN = Interval(math.nan, math.nan)


def impact_ratio(k: int, n: int, ref_k: int, ref_n: int) -> tuple[float, Interval]:
    """(k / n) / (ref_k / ref_n) with the Katz et al. (1978) log interval of the risk ratio
    (``compare_proportions``' ``risk_ratio_ci``: se = sqrt(1/k - 1/n + 1/ref_k - 1/ref_n)).

    The ratio is not defined when the reference group selected nobody: (nan, (nan, nan)).
    """
    ref_rate = ref_k / ref_n if ref_n > 0 else 0.0
    if ref_rate <= 0:
        return math.nan, _NAN
    cmp_ = compare_proportions(k, n, ref_k, ref_n)
    return k / n / ref_rate, cmp_.risk_ratio_ci


def fisher_exact_p(a: int, b: int, c: int, d: int) -> float:
    """Two-sided p-value of Fisher's exact test on the 2x2 table [[a, b], [c, d]] (scipy's
    ``fisher_exact``, which sums the probabilities of tables no more likely than the observed
    one, as R's ``fisher.test`` does; Fisher 1935). NaN when a row or column total is zero (no
    test is possible)."""
    if min(a + b, c + d, a + c, b + d) == 0:
        return math.nan
    return float(sps.fisher_exact(np.array([[a, b], [c, d]], dtype=np.int64)).pvalue)
