"""Multiple testing: Holm, Benjamini-Hochberg, Bonferroni.

Sources are cited at each formula; tested against published values (tests/analytics/stats).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from analytics.stats.base import ADJUST_METHODS, AdjustMethod, _check_method

# ---------------------------------------------------------------------------------------------
# Multiplicity
# ---------------------------------------------------------------------------------------------


def adjust_pvalues(pvalues: ArrayLike, method: AdjustMethod = "holm") -> np.ndarray:
    """Adjust a family of p-values for multiple comparisons (as R's ``p.adjust``).

    - ``"holm"``: Holm (1979) step-down, p_(i) (m - i + 1), cumulative maximum, capped at 1;
    - ``"bh"``: Benjamini & Hochberg (1995) step-up, p_(i) m / i, cumulative minimum from the top;
    - ``"bonferroni"``: min(1, m p).

    NaN entries stay NaN and do not count towards the family size m.
    """
    _check_method(method, ADJUST_METHODS, "p-value adjustment")
    p = np.asarray(pvalues, dtype=float)
    shape = p.shape
    p = p.ravel()
    finite = ~np.isnan(p)
    bad = finite & ((p < 0) | (p > 1))
    if bad.any():
        raise ValueError(f"p-values must lie in [0, 1], got {p[bad][0]!r}")
    out = np.full(p.shape, np.nan)
    values = p[finite]
    m = values.size
    if m == 0:
        return out.reshape(shape)
    if method == "bonferroni":
        adjusted = np.minimum(values * m, 1.0)
    else:
        order = np.argsort(values, kind="stable")
        sorted_p = values[order]
        ranks = np.arange(1, m + 1)
        if method == "holm":
            stepped = np.maximum.accumulate(sorted_p * (m - ranks + 1))
        else:  # bh
            stepped = np.minimum.accumulate((sorted_p * m / ranks)[::-1])[::-1]
        adjusted = np.empty(m)
        adjusted[order] = np.minimum(stepped, 1.0)
    out[finite] = adjusted
    return out.reshape(shape)
