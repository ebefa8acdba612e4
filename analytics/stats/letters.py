"""Column-comparison letters for a banner (crosstab) table: which column's share is higher than
which, tested pairwise and Holm-adjusted within each row."""

from __future__ import annotations

import math
from itertools import combinations

import numpy as np
from scipy import stats as sps

from analytics.stats.base import _column_label
from analytics.stats.multiplicity import adjust_pvalues


def holm_letters(shares: np.ndarray, col_n: np.ndarray) -> np.ndarray:
    """Column-comparison letters with Holm-adjusted p-values, lowercase / CAPITALS.

    The test per pair of columns is the pooled two-proportion z-test of ``stats.column_letters``
    (IBM SPSS CTABLES "comparing column proportions"), on shares and column n (the n_eff with
    weights). Within each row the p-values of all pairs are Holm-adjusted (Holm 1979; the
    Bonferroni of ``column_letters`` is replaced by the uniformly more powerful Holm). A cell
    carries the letter of each column it is higher than: lowercase when the adjusted p < 0.05,
    CAPITAL when < 0.01 (the Displayr / Q convention). Columns with n = 0 are not compared.
    """
    shares = np.asarray(shares, dtype=float)
    col_n = np.asarray(col_n, dtype=float)
    n_rows, n_cols = shares.shape
    letters = np.full(shares.shape, "", dtype=object)
    used = [j for j in range(n_cols) if col_n[j] > 0]
    pairs = list(combinations(used, 2))
    if not pairs:
        return letters
    for i in range(n_rows):
        pvals = np.full(len(pairs), np.nan)
        for k, (a, b) in enumerate(pairs):
            pooled = (shares[i, a] * col_n[a] + shares[i, b] * col_n[b]) / (col_n[a] + col_n[b])
            var = pooled * (1.0 - pooled) * (1.0 / col_n[a] + 1.0 / col_n[b])
            if var > 0 and math.isfinite(var):
                z = (shares[i, a] - shares[i, b]) / math.sqrt(var)
                pvals[k] = 2.0 * float(sps.norm.sf(abs(z)))
        adjusted = adjust_pvalues(pvals, "holm")
        cells: list[list[str]] = [[] for _ in range(n_cols)]
        for k, (a, b) in enumerate(pairs):
            p = adjusted[k]
            if not (p < 0.05):
                continue
            winner, loser = (a, b) if shares[i, a] > shares[i, b] else (b, a)
            letter = _column_label(loser)
            cells[winner].append(letter if p < 0.01 else letter.lower())
        for j in range(n_cols):
            letters[i, j] = "".join(sorted(cells[j], key=str.upper))
    return letters
