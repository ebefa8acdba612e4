"""Tests for analytics.stats.survey: NPS, Kish effective n, design effect and weighted intervals.

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
    design_effect,
    kish_effective_n,
    nps,
    proportion_ci,
    weighted_proportion_ci,
)

Z95 = sps.norm.ppf(0.975)


# ---------------------------------------------------------------------------------------------
# NPS, Kish effective n, weighted intervals
# ---------------------------------------------------------------------------------------------


def test_nps_hand_computed() -> None:
    # 10 answers: promoters {10, 10, 9, 9} = 40%, passives {8, 7} = 20%, detractors
    # {6, 5, 3, 0} = 40% -> NPS 0; se = 100 sqrt((.4 + .4 - 0^2) / 10) = 28.2843.
    res = nps([10, 10, 9, 9, 8, 7, 6, 5, 3, 0, np.nan])
    assert res.n == 10
    assert (res.promoters, res.passives, res.detractors) == pytest.approx((0.4, 0.2, 0.4))
    assert res.nps == pytest.approx(0.0)
    assert res.se == pytest.approx(100 * math.sqrt(0.8 / 10))
    # Rocks (2016) adjusted Wald: n~ = 13, pP~ = pD~ = 4.75 / 13, centre 0,
    # se = sqrt(9.5 / 13 / 13) = 0.237093 -> +/- 46.47 points.
    assert res.ci == pytest.approx((-Z95 * 23.70931, Z95 * 23.70931), abs=1e-4)
    # 20 answers: 12 promoters, 5 passives, 3 detractors -> NPS 45,
    # se = 100 sqrt((.6 + .15 - .45^2) / 20) = 16.5454.
    res2 = nps([10] * 6 + [9] * 6 + [8] * 5 + [2] * 3)
    assert res2.nps == pytest.approx(45.0)
    assert res2.se == pytest.approx(16.5454, abs=1e-4)


def test_nps_edges_and_errors() -> None:
    all_promoters = nps([10, 10, 9])
    assert all_promoters.nps == 100 and all_promoters.se == 0
    # Rocks (2016) adjusted Wald at the edge: n~ = 6, pP~ = 3.75 / 6, pD~ = 0.75 / 6,
    # centre 0.5, se = sqrt((0.75 - 0.25) / 6) = 0.288675 -> low = 50 - 1.96 * 28.87 = -6.58;
    # the upper limit is clipped at 100 (never the degenerate (100, 100)).
    assert all_promoters.ci.low == pytest.approx(50 - Z95 * 28.86751, abs=1e-4)
    assert all_promoters.ci.high == 100
    empty = nps([np.nan])
    assert empty.n == 0 and math.isnan(empty.nps) and empty.ci == (-100, 100)
    with pytest.raises(ValueError, match="between 0 and 10"):
        nps([3, 11])
    with pytest.raises(ValueError, match="between 0 and 10"):
        nps([-1, 5])
    with pytest.raises(ValueError, match="whole"):
        nps([8.5])
    weighted = nps([10, 0], weights=[3, 1])
    assert weighted.nps == pytest.approx(50.0) and weighted.n == pytest.approx(16 / 10)


def test_kish_effective_n_and_design_effect_by_hand() -> None:
    # w = 1, 1, 2, 2: (sum w)^2 / sum w^2 = 36 / 10 = 3.6; deff = 4 * 10 / 36 = 1.1111.
    assert kish_effective_n([1, 1, 2, 2]) == pytest.approx(3.6)
    assert design_effect([1, 1, 2, 2]) == pytest.approx(10 / 9)
    assert kish_effective_n(np.ones(7)) == pytest.approx(7)
    assert design_effect(np.full(7, 3.0)) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="negative"):
        kish_effective_n([1, -1])
    with pytest.raises(ValueError, match="missing"):
        design_effect([1, np.nan])


def test_weighted_proportion_ci() -> None:
    values = [1, 0, 1, 1, 0, 0, 1, 0]
    assert weighted_proportion_ci(values, np.ones(8)) == pytest.approx(proportion_ci(4, 8))
    # w = 1,1,2,2 on y = 1,0,1,0: p = 3/6 = 0.5, n_eff = 3.6, k = 1.8 -> Wilson with n = 3.6.
    ci = weighted_proportion_ci([1, 0, 1, 0], [1, 1, 2, 2])
    n_eff, p = 3.6, 0.5
    centre = (p * n_eff + Z95**2 / 2) / (n_eff + Z95**2)
    half = Z95 * math.sqrt(n_eff * p * (1 - p) + Z95**2 / 4) / (n_eff + Z95**2)
    assert ci == pytest.approx((centre - half, centre + half))
    assert weighted_proportion_ci([1, np.nan, 0], [1, 5, 1]) == pytest.approx(proportion_ci(1, 2))
    with pytest.raises(ValueError, match="0/1"):
        weighted_proportion_ci([1, 2], [1, 1])
    with pytest.raises(ValueError, match="length"):
        weighted_proportion_ci([1, 0], [1, 1, 1])


# ---------------------------------------------------------------------------------------------
