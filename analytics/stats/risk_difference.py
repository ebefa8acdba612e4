"""The adjusted answer in points: the Mantel-Haenszel risk difference over strata, its interval
and test from one standard error, a homogeneity test of the stratum differences, and the rule
that says how the adjusted answer relates to the crude one (reversal, vanishes, appears).

Sources are cited at each formula; tested in tests/analytics/stats/test_risk_difference.py.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from analytics.stats.base import _NAN_INTERVAL, Interval, _check_conf, _z
from analytics.stats.tables import ProportionComparison, _as_strata, compare_proportions

Change = Literal["reversal", "vanishes", "appears", "same"]
"""How the adjusted answer relates to the crude one (:func:`adjustment_change`)."""

HOMOGENEITY_ALPHA = 0.05
"""Below this homogeneity p-value the strata are said to disagree (one pooled number hides it)."""


@dataclass(frozen=True)
class StratifiedDifference:
    """Group 1 minus group 2, adjusted for strata, next to the crude comparison.

    ``diff``: the Mantel-Haenszel risk difference; ``ci``, ``p_value`` and :attr:`clear` all come
    from one Wald statistic diff / se with Sato's (1989) variance, so they cannot disagree.
    ``homogeneity_p``: Cochran's Q over the stratum differences (df = ``homogeneity_df``).
    ``crude``: the pooled table's :func:`compare_proportions` (Miettinen-Nurminen).
    ``change``: :func:`adjustment_change` of crude to adjusted. NaN ``ci``/``p_value`` when the
    adjusted difference has no variance (every stratum 0% or 100% in both groups): not estimable.
    """

    diff: float
    ci: Interval
    se: float
    p_value: float
    homogeneity_q: float
    homogeneity_df: int
    homogeneity_p: float
    crude: ProportionComparison
    change: Change
    n_strata: int
    conf: float = 0.95

    @property
    def estimable(self) -> bool:
        return math.isfinite(self.p_value)

    @property
    def clear(self) -> bool:
        """p < 1 - conf, which is exactly when ``ci`` excludes 0 (same statistic)."""
        return bool(self.p_value < 1.0 - self.conf)

    @property
    def heterogeneous(self) -> bool:
        """The strata's differences disagree more than chance allows (homogeneity p < 0.05)."""
        return math.isfinite(self.homogeneity_p) and self.homogeneity_p < HOMOGENEITY_ALPHA


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def adjustment_change(
    crude_diff: float, crude_clear: bool, adjusted_diff: float, adjusted_clear: bool
) -> Change:
    """How adjusting changed the answer, in the words the pages use (DESIGN.md):

    - "reversal": the point estimates have opposite signs (Simpson's paradox, "points the other
      way"), whatever their significance;
    - "vanishes": same direction (or one is exactly 0), crude clear, adjusted not ("no longer
      clear");
    - "appears": same direction, adjusted clear, crude not ("becomes clear");
    - "same": the verdict did not change.
    """
    if _sign(crude_diff) * _sign(adjusted_diff) < 0:
        return "reversal"
    if crude_clear and not adjusted_clear:
        return "vanishes"
    if adjusted_clear and not crude_clear:
        return "appears"
    return "same"


def _cochran_q(strata: np.ndarray, pooled: float) -> tuple[float, int, float]:
    """Cochran's (1954) Q = sum w_k (d_k - d_MH)^2, w_k = 1 / (p1 q1 / n1 + p2 q2 / n2), df K - 1
    over the strata with both groups present; the homogeneity test of the risk difference that
    metafor's ``rma.mh(measure = "RD")`` reports (Viechtbauer 2010, J Stat Softw 36(3)).
    As metafor does (``add = 1/2, to = "only0"``), 1/2 is added to every cell of a stratum with a
    zero cell for d_k and its variance, so that 0% and 100% strata get a finite weight."""
    q = 0.0
    used = 0
    for table in strata:
        a, b, c, d = (float(x) for x in table.ravel())
        if a + b == 0 or c + d == 0:
            continue
        if min(a, b, c, d) == 0:
            a, b, c, d = a + 0.5, b + 0.5, c + 0.5, d + 0.5
        n1, n2 = a + b, c + d
        p1, p2 = a / n1, c / n2
        var = p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2
        q += (p1 - p2 - pooled) ** 2 / var
        used += 1
    if used < 2:
        return math.nan, 0, math.nan
    return q, used - 1, float(stats.chi2.sf(q, used - 1))


def mh_risk_difference(
    tables: Iterable[ArrayLike] | np.ndarray, *, conf: float = 0.95
) -> StratifiedDifference:
    """Mantel-Haenszel risk difference p1 - p2 over strata, each [[a, b], [c, d]] (rows group 1,
    group 2; columns yes, no).

    - RD_MH = sum (a n2 - c n1) / N / sum n1 n2 / N (Mantel-Haenszel weights n1 n2 / N;
      Greenland & Robins 1985, Biometrics 41:55);
    - Var = (RD_MH sum P + sum Q) / (sum n1 n2 / N)^2 with
      P = (n1^2 c - n2^2 a + n1 n2 (n2 - n1) / 2) / N^2 and
      Q = (a (n2 - c) + c (n1 - a)) / (2 N) (Sato 1989, Biometrics 45:1323), consistent both for
      many small strata and few large ones; with one stratum it equals the Wald variance
      p1 q1 / n1 + p2 q2 / n2;
    - interval RD_MH +/- z se (clipped to [-1, 1]) and p = 2 (1 - Phi(|RD_MH| / se)): one statistic,
      so the verdict, p and interval agree (a limit within 1e-12 of 0 on the wrong side of the
      test's decision is moved to the test's side);
    - homogeneity: :func:`_cochran_q`.

    Strata where either group is empty carry no information and are skipped.
    """
    conf = _check_conf(conf)
    strata = _as_strata(tables)
    n1 = strata[:, 0].sum(axis=1)
    n2 = strata[:, 1].sum(axis=1)
    strata = strata[(n1 > 0) & (n2 > 0)]
    pooled = strata.sum(axis=0) if len(strata) else np.zeros((2, 2))
    crude = compare_proportions(
        int(pooled[0, 0]), int(pooled[0].sum()), int(pooled[1, 0]), int(pooled[1].sum()), conf
    )
    if len(strata) == 0:
        return StratifiedDifference(
            math.nan, _NAN_INTERVAL, math.nan, math.nan, math.nan, 0, math.nan, crude, "same", 0,
            conf,
        )  # fmt: skip
    a, b, c, d = strata[:, 0, 0], strata[:, 0, 1], strata[:, 1, 0], strata[:, 1, 1]
    n1, n2 = a + b, c + d
    big_n = n1 + n2
    weight = float((n1 * n2 / big_n).sum())
    diff = float(((a * n2 - c * n1) / big_n).sum()) / weight
    p_term = float(((n1**2 * c - n2**2 * a + n1 * n2 * (n2 - n1) / 2.0) / big_n**2).sum())
    q_term = float(((a * (n2 - c) + c * (n1 - a)) / (2.0 * big_n)).sum())
    var = (diff * p_term + q_term) / weight**2
    q, q_df, q_p = _cochran_q(strata, diff)
    if not var > 0:
        # Every stratum 0% (or 100%) in both groups: the difference is 0 with no variance.
        change = adjustment_change(crude.diff, crude.clear, diff, False)
        return StratifiedDifference(
            diff, _NAN_INTERVAL, 0.0, math.nan, q, q_df, q_p, crude, change, len(strata), conf
        )
    se = math.sqrt(var)
    z = _z(conf)
    p_value = float(2.0 * stats.norm.sf(abs(diff) / se))
    clear = p_value < 1.0 - conf
    low, high = diff - z * se, diff + z * se
    # One statistic decides: nudge a limit that rounding put on the wrong side of 0.
    if clear and low <= 0.0 <= high:
        low, high = (math.nextafter(0.0, 1.0), high) if diff > 0 else (low, -math.nextafter(0, 1))
    elif not clear and (low > 0.0 or high < 0.0):
        low, high = (0.0, high) if low > 0.0 else (low, 0.0)
    ci = Interval(max(low, -1.0), min(high, 1.0))
    change = adjustment_change(crude.diff, crude.clear, diff, clear)
    return StratifiedDifference(
        diff, ci, se, p_value, q, q_df, q_p, crude, change, len(strata), conf
    )
