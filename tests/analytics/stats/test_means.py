"""Tests for analytics.stats.means: rank comparison (R wilcox.test) and Brunner-Munzel (scipy).

Every expected number below comes from a publication, R's documentation/output, a hand
calculation from the cited formula, or a peer library (scipy/statsmodels) — never from the
function under test. Sources are named next to each test.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as sps

from analytics.stats import (
    rank_compare,
)


def approx4(value: float) -> object:
    """Published values are rounded to 4 decimals."""
    return pytest.approx(value, abs=5e-5)


# ---------------------------------------------------------------------------------------------
# Rank comparison: R ?wilcox.test; Brunner-Munzel against scipy
# ---------------------------------------------------------------------------------------------

WILCOX_X = [0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46]
WILCOX_Y = [1.15, 0.88, 0.90, 0.74, 1.21]


def test_rank_compare_matches_r_wilcox_test() -> None:
    # R: wilcox.test(x, y) -> W = 35, p-value = 0.2544; alternative = "greater" -> 0.1272.
    res = rank_compare(WILCOX_X, WILCOX_Y)
    assert res.u == 35
    assert res.p_value == approx4(0.2544)
    assert rank_compare(WILCOX_X, WILCOX_Y, alternative="greater").p_value == approx4(0.1272)
    assert res.rank_biserial == pytest.approx(2 * 35 / 50 - 1)
    assert res.prob_superiority == pytest.approx(0.7)
    assert (res.n_x, res.n_y) == (10, 5)


def test_brunner_munzel_matches_scipy() -> None:
    rng = np.random.default_rng(7)
    x = rng.integers(1, 6, size=40)  # Likert 1-5, many ties
    y = rng.integers(2, 6, size=35)
    res = rank_compare(x, y)
    peer = sps.brunnermunzel(x, y)
    # scipy's statistic has the opposite sign (positive when y tends larger).
    assert res.brunner_munzel_statistic == pytest.approx(-peer.statistic)
    assert res.brunner_munzel_p_value == pytest.approx(peer.pvalue)
    # P(X > Y) + 0.5 P(X = Y) by brute force over all pairs.
    diff = np.subtract.outer(x, y)
    assert res.prob_superiority == pytest.approx(((diff > 0) + 0.5 * (diff == 0)).mean())
    assert res.prob_superiority_ci.contains(res.prob_superiority)
    greater = rank_compare(x, y, alternative="greater")
    # Both libraries read "greater" as "x tends to be larger" (statsmodels calls it "larger").
    assert greater.brunner_munzel_p_value == pytest.approx(
        sps.brunnermunzel(x, y, alternative="greater").pvalue
    )


def test_rank_compare_edges() -> None:
    res = rank_compare([3, 3, 3], [3, 3])
    assert res.prob_superiority == 0.5 and math.isnan(res.brunner_munzel_statistic)
    # No spread at all: Newcombe's score interval around 1/2 and its test (p = 1), not (0, 1).
    assert res.method == "newcombe-score" and res.brunner_munzel_p_value == pytest.approx(1.0)
    assert 0.0 < res.prob_superiority_ci.low < 0.5 < res.prob_superiority_ci.high < 1.0
    single = rank_compare([1.0], [2.0, 3.0, np.nan])
    assert single.n_y == 2 and single.prob_superiority == 0.0
    with pytest.raises(ValueError, match="no non-missing"):
        rank_compare([], [1, 2])
    with pytest.raises(ValueError, match="alternative"):
        rank_compare([1, 2], [1, 2], alternative="bigger")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
