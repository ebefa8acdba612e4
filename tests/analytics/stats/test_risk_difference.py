"""One decision rule: the verdict, the p-value and the interval of a difference of proportions
(crude: Miettinen-Nurminen; adjusted: Mantel-Haenszel risk difference with Sato's variance)
never contradict each other; the adjusted answer and the words for how it differs from the crude.

Expected numbers come from publications (Newcombe 1998b Table II; Charig et al. 1986 kidney
stones), hand calculation of the cited formula, or scipy as a peer.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from analytics.stats import (
    adjustment_change,
    compare_proportions,
    mh_risk_difference,
)
from analytics.stats.proportions import DECISION_TOLERANCE, diff_ci, mn_score_statistic

FAST = settings(max_examples=200, deadline=None)

# Kidney stones (Charig et al. 1986, BMJ 292:879; Julious & Mullee 1994, BMJ 309:1480):
# open surgery (A) vs percutaneous nephrolithotomy (B), success by stone size.
SMALL = [[81, 6], [234, 36]]
LARGE = [[192, 71], [55, 25]]


def _consistent(res: object) -> None:
    """Verdict == (shown p < 0.05) == (shown interval excludes 0), and the estimate is inside."""
    assert res.clear == (res.p_value < 0.05)  # type: ignore[attr-defined]
    assert res.clear == res.ci.excludes(0.0)  # type: ignore[attr-defined]
    assert res.ci.low <= res.diff <= res.ci.high  # type: ignore[attr-defined]
    assert -1.0 <= res.ci.low < res.ci.high <= 1.0  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------------------------
# Crude: the MN interval inverts the MN score test
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "counts", [(56, 70, 48, 80), (9, 10, 3, 10), (5, 56, 0, 29), (3, 40, 9, 25)]
)
def test_interval_limits_are_where_the_score_test_gives_p_alpha(
    counts: tuple[int, int, int, int],
) -> None:
    # Newcombe (1998b) Table II examples: at each MN limit the score test of H0: d = limit has
    # p = 0.05 (unless the limit is the parameter's edge, -1 or 1).
    res = compare_proportions(*counts)
    for limit in res.ci:
        if abs(limit) < 1.0:
            p = sps.chi2.sf(mn_score_statistic(*map(float, counts), limit), 1)
            assert p == pytest.approx(0.05, abs=1e-8)


def test_exhaustive_small_tables_verdict_never_contradicts_p_or_interval() -> None:
    # Every 2x2 table with 1..6 per group (729 tables).
    for n1 in range(1, 7):
        for n2 in range(1, 7):
            for k1 in range(n1 + 1):
                for k2 in range(n2 + 1):
                    _consistent(compare_proportions(k1, n1, k2, n2))


@pytest.mark.slow
def test_exhaustive_tables_up_to_12_per_group() -> None:
    for n1 in range(1, 13):
        for n2 in range(1, 13):
            for k1 in range(n1 + 1):
                for k2 in range(n2 + 1):
                    _consistent(compare_proportions(k1, n1, k2, n2))


@FAST
@given(
    n1=st.integers(1, 100),
    n2=st.integers(1, 100),
    f1=st.floats(0, 1),
    f2=st.floats(0, 1),
)
def test_property_verdict_consistent_for_groups_up_to_100(
    n1: int, n2: int, f1: float, f2: float
) -> None:
    res = compare_proportions(round(f1 * n1), n1, round(f2 * n2), n2)
    _consistent(res)
    # The nudge that makes the interval agree with the test is never more than the tolerance.
    raw = diff_ci(res.k1, n1, res.k2, n2, method="miettinen_nurminen")
    assert abs(raw.low - res.ci.low) <= DECISION_TOLERANCE
    assert abs(raw.high - res.ci.high) <= DECISION_TOLERANCE


@pytest.mark.slow
def test_tables_near_the_boundary_are_consistent() -> None:
    # Search groups of 30-100 for tables whose p lies within 0.002 of 0.05 (where the old
    # Newcombe-vs-chi-square pairing disagreed) and check every one of them.
    found = 0
    for n in range(30, 101, 7):
        for k1 in range(n + 1):
            for k2 in range(max(0, k1 - 25), min(n, k1 + 25) + 1):
                stat = mn_score_statistic(float(k1), float(n), float(k2), float(n))
                if abs(sps.chi2.sf(stat, 1) - 0.05) < 0.002:
                    _consistent(compare_proportions(k1, n, k2, n))
                    found += 1
    assert found > 20


def test_group_order_flips_the_sign_only() -> None:
    ab, ba = compare_proportions(30, 70, 18, 60), compare_proportions(18, 60, 30, 70)
    assert ab.p_value == pytest.approx(ba.p_value) and ab.clear == ba.clear
    assert ab.ci.low == pytest.approx(-ba.ci.high) and ab.ci.high == pytest.approx(-ba.ci.low)


# ---------------------------------------------------------------------------------------------
# Adjusted: Mantel-Haenszel risk difference
# ---------------------------------------------------------------------------------------------


def test_one_stratum_gives_the_wald_interval_newcombe_table_2() -> None:
    # With one stratum Sato's variance reduces to p1 q1 / n1 + p2 q2 / n2, so the interval is
    # the Wald interval: Newcombe (1998b) Table II example a, method 1: 0.0575 to 0.3425.
    res = mh_risk_difference([[[56, 14], [48, 32]]])
    assert res.diff == pytest.approx(0.2)
    assert res.ci.low == pytest.approx(0.0575, abs=5e-5)
    assert res.ci.high == pytest.approx(0.3425, abs=5e-5)
    assert res.se**2 == pytest.approx(0.8 * 0.2 / 70 + 0.6 * 0.4 / 80)
    assert math.isnan(res.homogeneity_p)  # one stratum: nothing to compare


def test_kidney_stones_simpsons_paradox() -> None:
    res = mh_risk_difference([SMALL, LARGE])
    # Crude: A 273/350 = 78.0% vs B 289/350 = 82.6%: A looks worse.
    assert res.crude.diff == pytest.approx(273 / 350 - 289 / 350)
    # Hand calculation of RD_MH = sum w (p1 - p2) / sum w, w = n1 n2 / N.
    w = np.array([87 * 270 / 357, 263 * 80 / 343])
    d = np.array([81 / 87 - 234 / 270, 192 / 263 - 55 / 80])
    assert res.diff == pytest.approx(float((w * d).sum() / w.sum()))
    assert res.diff > 0 > res.crude.diff
    assert res.change == "reversal"
    _consistent(res)
    # Hand calculation of Sato's variance (Sato 1989, Biometrics 45:1323).
    p_term = sum(
        (n1**2 * c - n2**2 * a + n1 * n2 * (n2 - n1) / 2) / (n1 + n2) ** 2
        for a, n1, c, n2 in ((81, 87, 234, 270), (192, 263, 55, 80))
    )
    q_term = sum(
        (a * (n2 - c) + c * (n1 - a)) / (2 * (n1 + n2))
        for a, n1, c, n2 in ((81, 87, 234, 270), (192, 263, 55, 80))
    )
    assert res.se**2 == pytest.approx((res.diff * p_term + q_term) / w.sum() ** 2)
    # Both stone sizes favour A by similar amounts: homogeneity is not rejected.
    assert not res.heterogeneous and res.homogeneity_df == 1


def test_cochran_q_by_hand_and_heterogeneity() -> None:
    # Two strata pointing opposite ways: 40/50 vs 10/50 and 10/50 vs 40/50.
    res = mh_risk_difference([[[40, 10], [10, 40]], [[10, 40], [40, 10]]])
    assert res.diff == pytest.approx(0.0)
    var = 0.8 * 0.2 / 50 + 0.2 * 0.8 / 50
    q = 2 * 0.6**2 / var
    assert res.homogeneity_q == pytest.approx(q)
    assert res.homogeneity_p == pytest.approx(sps.chi2.sf(q, 1))
    assert res.heterogeneous and not res.clear


def test_significance_changes_without_reversal() -> None:
    # "no longer clear": crude clearly positive only because group 1 sits in the high stratum.
    vanishes = mh_risk_difference([[[90, 10], [18, 2]], [[2, 18], [10, 90]]])
    assert vanishes.crude.clear and vanishes.crude.diff > 0
    assert vanishes.diff >= 0 and not vanishes.clear
    assert vanishes.change == "vanishes"
    # "becomes clear": a modest advantage in each stratum, hidden crude by the mix.
    appears = mh_risk_difference([[[80, 120], [48, 112]], [[45, 5], [72, 18]]])
    assert appears.diff > 0 and appears.clear
    assert not appears.crude.clear and appears.crude.diff > 0
    assert appears.change == "appears"
    same = mh_risk_difference([[[30, 10], [15, 25]], [[30, 10], [15, 25]]])
    assert same.change == "same" and same.diff == pytest.approx(same.crude.diff)


def test_adjustment_change_rule() -> None:
    assert adjustment_change(-0.04, False, 0.05, False) == "reversal"
    assert adjustment_change(0.1, True, -0.02, True) == "reversal"
    assert adjustment_change(0.1, True, 0.02, False) == "vanishes"
    assert adjustment_change(0.0, False, 0.05, True) == "appears"
    assert adjustment_change(0.1, True, 0.08, True) == "same"


def test_no_variance_is_not_estimable() -> None:
    res = mh_risk_difference([[[0, 10], [0, 12]], [[0, 20], [0, 8]]])
    assert res.diff == 0.0 and not res.estimable and not res.clear
    assert math.isnan(res.ci.low)
    skipped = mh_risk_difference([[[3, 7], [0, 0]], [[5, 5], [2, 8]]])
    assert skipped.n_strata == 1


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 60), st.integers(1, 60), st.floats(0, 1), st.floats(0, 1)),
        min_size=1,
        max_size=6,
    )
)
def test_property_adjusted_consistent_and_order_invariant(
    strata: list[tuple[int, int, float, float]],
) -> None:
    tables = [[[round(f1 * n1), n1 - round(f1 * n1)], [round(f2 * n2), n2 - round(f2 * n2)]]
              for n1, n2, f1, f2 in strata]  # fmt: skip
    res = mh_risk_difference(tables)
    if res.estimable:
        _consistent(res)
        # Swapping the groups flips the sign and nothing else.
        swapped = mh_risk_difference([[t[1], t[0]] for t in tables])
        assert swapped.diff == pytest.approx(-res.diff, abs=1e-12)
        assert swapped.p_value == pytest.approx(res.p_value, rel=1e-9, abs=1e-300)
        # The order of the strata does not matter.
        reordered = mh_risk_difference(tables[::-1])
        assert reordered.diff == pytest.approx(res.diff, abs=1e-12)
    assert res.change in ("reversal", "vanishes", "appears", "same")
    if res.change == "reversal":
        assert res.diff * res.crude.diff < 0
