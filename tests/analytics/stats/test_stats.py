"""Tests for analytics.stats against published values and independent implementations.

Every expected number below comes from a publication, R's documentation/output, a hand
calculation from the cited formula, or a peer library (scipy/statsmodels) — never from the
function under test. Sources are named next to each test.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize
from scipy import stats as sps
from statsmodels.duration.survfunc import survdiff
from statsmodels.stats.contingency_tables import StratifiedTable
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from analytics.stats import (
    DIFF_METHODS,
    PROPORTION_METHODS,
    Interval,
    adjust_pvalues,
    column_letters,
    compare_proportions,
    crosstab_test,
    design_effect,
    diff_ci,
    kaplan_meier,
    kish_effective_n,
    logrank,
    mantel_haenszel,
    median_survival,
    nps,
    power_two_proportions,
    proportion_ci,
    rank_compare,
    sample_size_two_proportions,
    survival_at,
    weighted_proportion_ci,
)
from analytics.stats.proportions import _n_two_proportions

FAST = settings(max_examples=60, deadline=None)
Z95 = sps.norm.ppf(0.975)


def approx4(value: float) -> object:
    """Published values are rounded to 4 decimals."""
    return pytest.approx(value, abs=5e-5)


# ---------------------------------------------------------------------------------------------
# One proportion: Newcombe (1998a) Stat Med 17:857-872, Table I
# ---------------------------------------------------------------------------------------------

NEWCOMBE_1998A = {
    # (k, n): {method: (low, high)}; method 1 = Wald, 3 = Wilson, 4 = Wilson cc, 5 = exact.
    (81, 263): {
        "wald": (0.2522, 0.3638),
        "wilson": (0.2553, 0.3662),
        "wilson_cc": (0.2535, 0.3682),
        "exact": (0.2527, 0.3676),
    },
    (15, 148): {
        "wald": (0.0527, 0.1500),
        "wilson": (0.0624, 0.1605),
        "wilson_cc": (0.0598, 0.1644),
        "exact": (0.0578, 0.1617),
    },
    (0, 20): {
        "wilson": (0.0, 0.1611),
        "wilson_cc": (0.0, 0.2005),
        "exact": (0.0, 0.1684),
    },
    (1, 29): {
        "wilson": (0.0061, 0.1718),
        "wilson_cc": (0.0018, 0.1963),
        "exact": (0.0009, 0.1776),
    },
}


@pytest.mark.parametrize(
    ("k", "n", "method", "low", "high"),
    [
        (k, n, method, low, high)
        for (k, n), methods in NEWCOMBE_1998A.items()
        for method, (low, high) in methods.items()
    ],
)
def test_proportion_ci_newcombe_1998a_table_1(
    k: int, n: int, method: str, low: float, high: float
) -> None:
    ci = proportion_ci(k, n, method=method)  # type: ignore[arg-type]
    assert ci.low == approx4(low)
    assert ci.high == approx4(high)


def test_wilson_matches_closed_form_by_hand() -> None:
    # Wilson (1927): (2np + z^2 +/- z sqrt(z^2 + 4npq)) / (2(n + z^2)), computed here directly.
    k, n = 81, 263
    p = k / n
    root = Z95 * math.sqrt(Z95**2 + 4 * n * p * (1 - p))
    low = (2 * n * p + Z95**2 - root) / (2 * (n + Z95**2))
    high = (2 * n * p + Z95**2 + root) / (2 * (n + Z95**2))
    assert proportion_ci(k, n) == pytest.approx((low, high), abs=1e-12)


@pytest.mark.parametrize(("k", "n"), [(81, 263), (15, 148), (1, 29), (7, 9)])
@pytest.mark.parametrize(
    ("ours", "theirs"),
    [("agresti_coull", "agresti_coull"), ("jeffreys", "jeffreys"), ("exact", "beta")],
)
def test_proportion_ci_matches_statsmodels_peer(k: int, n: int, ours: str, theirs: str) -> None:
    # Peer implementation: statsmodels.stats.proportion.proportion_confint (interior k only:
    # statsmodels' Jeffreys lacks the Brown-Cai-DasGupta boundary modification).
    expected = proportion_confint(k, n, alpha=0.05, method=theirs)
    assert proportion_ci(k, n, method=ours) == pytest.approx(expected, abs=1e-10)  # type: ignore[arg-type]


def test_jeffreys_boundary_modification() -> None:
    # Brown, Cai & DasGupta (2001), section 4.1.2: lower limit 0 at k = 0, upper 1 at k = n.
    assert proportion_ci(0, 20, method="jeffreys").low == 0.0
    assert proportion_ci(20, 20, method="jeffreys").high == 1.0
    assert proportion_ci(0, 20, method="jeffreys").high == pytest.approx(
        sps.beta.ppf(0.975, 0.5, 20.5)
    )


@pytest.mark.parametrize("method", PROPORTION_METHODS)
def test_proportion_ci_edges(method: str) -> None:
    assert proportion_ci(0, 0, method=method) == (0.0, 1.0)  # type: ignore[arg-type]
    low, high = proportion_ci(0, 50, method=method)  # type: ignore[arg-type]
    assert low == 0.0 and 0.0 <= high <= 1.0
    low, high = proportion_ci(50, 50, method=method)  # type: ignore[arg-type]
    assert high == 1.0 and 0.0 <= low <= 1.0
    low, high = proportion_ci(400_000_000, 1_000_000_000, method=method)  # type: ignore[arg-type]
    # Wald half-width at p = 0.4, n = 1e9: 1.96 sqrt(0.24 / 1e9) = 3.04e-5; all methods agree.
    assert low == pytest.approx(0.4 - 3.0364e-5, abs=2e-8)
    assert high == pytest.approx(0.4 + 3.0364e-5, abs=2e-8)


def test_proportion_ci_symmetry_and_conf() -> None:
    low, high = proportion_ci(3, 10)
    low2, high2 = proportion_ci(7, 10)
    assert (low, high) == pytest.approx((1 - high2, 1 - low2), abs=1e-12)
    assert proportion_ci(3, 10, conf=0.99).low < low
    assert proportion_ci(5.0, 10.0) == proportion_ci(5, 10)  # integer-valued floats are counts


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((-1, 10), "negative"),
        ((1, -10), "negative"),
        ((1.5, 10), "whole number"),
        ((1, 10.5), "whole number"),
        ((11, 10), "must not exceed"),
        ((math.nan, 10), "finite"),
        (("3", 10), "count"),
        ((True, 10), "count"),
    ],
)
def test_proportion_ci_rejects_bad_counts(args: tuple, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        proportion_ci(*args)


@pytest.mark.parametrize("conf", [0.0, 1.0, 95, -0.5, math.nan])
def test_proportion_ci_rejects_bad_conf(conf: float) -> None:
    with pytest.raises(ValueError, match="conf"):
        proportion_ci(3, 10, conf=conf)


def test_proportion_ci_rejects_unknown_method() -> None:
    with pytest.raises(ValueError, match="unknown proportion interval method 'logit'"):
        proportion_ci(3, 10, method="logit")  # type: ignore[arg-type]


@FAST
@given(
    n=st.integers(min_value=1, max_value=5000),
    frac=st.floats(min_value=0, max_value=1),
    method=st.sampled_from(PROPORTION_METHODS),
    conf=st.sampled_from([0.8, 0.9, 0.95, 0.99]),
)
def test_property_interval_contains_estimate(n: int, frac: float, method: str, conf: float) -> None:
    k = round(frac * n)
    low, high = proportion_ci(k, n, conf=conf, method=method)  # type: ignore[arg-type]
    assert 0.0 <= low <= k / n <= high <= 1.0


@FAST
@given(
    p=st.sampled_from([0.05, 0.2, 0.5, 0.7, 0.95]),
    n=st.integers(min_value=20, max_value=2000),
    method=st.sampled_from(PROPORTION_METHODS),
)
def test_property_interval_narrows_as_n_grows(p: float, n: int, method: str) -> None:
    # Same observed proportion with four times the data: the interval must be narrower.
    k = round(p * n)
    narrow = proportion_ci(4 * k, 4 * n, method=method)  # type: ignore[arg-type]
    wide = proportion_ci(k, n, method=method)  # type: ignore[arg-type]
    assert narrow.high - narrow.low < wide.high - wide.low


# ---------------------------------------------------------------------------------------------
# Difference of proportions: Newcombe (1998b) Stat Med 17:873-890, Table II
# ---------------------------------------------------------------------------------------------

# Examples (a)-(h). Method 10 = hybrid score ("newcombe"), 11 = with continuity correction,
# 6 = Miettinen-Nurminen score. Values recomputed here to 4 decimals agree with the table.
NEWCOMBE_1998B = {
    (56, 70, 48, 80): {
        "newcombe": (0.0524, 0.3339),
        "newcombe_cc": (0.0428, 0.3422),
        "miettinen_nurminen": (0.0528, 0.3382),
        "wald": (0.0575, 0.3425),
    },
    (9, 10, 3, 10): {
        "newcombe": (0.1705, 0.8090),
        "newcombe_cc": (0.1013, 0.8387),
        "miettinen_nurminen": (0.1700, 0.8406),
    },
    (6, 7, 2, 7): {
        "newcombe": (0.0582, 0.8062),
        "miettinen_nurminen": (0.0342, 0.8534),
    },
    (5, 56, 0, 29): {
        "newcombe": (-0.0381, 0.1926),
        "newcombe_cc": (-0.0667, 0.2037),
        "miettinen_nurminen": (-0.0326, 0.1933),
    },
    (0, 10, 0, 20): {
        "newcombe": (-0.1611, 0.2775),
        "newcombe_cc": (-0.2005, 0.3445),
        "miettinen_nurminen": (-0.1658, 0.2844),
    },
    (0, 10, 0, 10): {
        "newcombe": (-0.2775, 0.2775),
        "newcombe_cc": (-0.3445, 0.3445),
        "miettinen_nurminen": (-0.2879, 0.2879),
    },
    (10, 10, 0, 20): {"newcombe": (0.6791, 1.0), "newcombe_cc": (0.6014, 1.0)},
    (10, 10, 0, 10): {"newcombe": (0.6075, 1.0), "newcombe_cc": (0.5128, 1.0)},
}


@pytest.mark.parametrize(
    ("counts", "method", "low", "high"),
    [
        (counts, method, low, high)
        for counts, methods in NEWCOMBE_1998B.items()
        for method, (low, high) in methods.items()
    ],
)
def test_diff_ci_newcombe_1998b_table_2(
    counts: tuple[int, int, int, int], method: str, low: float, high: float
) -> None:
    ci = diff_ci(*counts, method=method)  # type: ignore[arg-type]
    assert ci.low == approx4(low)
    assert ci.high == approx4(high)


def _mn_reference(k1: int, n1: int, k2: int, n2: int, conf: float = 0.95) -> tuple[float, float]:
    """Independent Miettinen-Nurminen interval: the restricted MLE by numerical maximisation
    of the binomial log-likelihood (no closed-form cubic), limits by bisection on a grid."""
    p1, p2 = k1 / n1, k2 / n2
    d_hat = p1 - p2
    crit = sps.chi2.ppf(conf, 1)
    n_total = n1 + n2

    def loglik(q2: float, delta: float) -> float:
        q1 = q2 + delta
        eps = 1e-300
        return -(
            k1 * math.log(max(q1, eps))
            + (n1 - k1) * math.log(max(1 - q1, eps))
            + k2 * math.log(max(q2, eps))
            + (n2 - k2) * math.log(max(1 - q2, eps))
        )

    def excess(delta: float) -> float:
        lo, hi = max(0.0, -delta), min(1.0, 1.0 - delta)
        res = optimize.minimize_scalar(
            loglik, bounds=(lo, hi), args=(delta,), method="bounded", options={"xatol": 1e-13}
        )
        q2 = float(res.x)
        q1 = q2 + delta
        var = (q1 * (1 - q1) / n1 + q2 * (1 - q2) / n2) * n_total / (n_total - 1)
        return (d_hat - delta) ** 2 - crit * var

    def bisect(inside: float, outside: float) -> float:
        if excess(outside) <= 0:
            return outside
        for _ in range(60):
            mid = (inside + outside) / 2
            if excess(mid) <= 0:
                inside = mid
            else:
                outside = mid
        return (inside + outside) / 2

    step = 1e-6
    return bisect(d_hat - step, -1.0), bisect(d_hat + step, 1.0)


@pytest.mark.parametrize(
    "counts",
    [
        (56, 70, 48, 80),
        (6, 7, 2, 7),
        (5, 56, 0, 29),
        (10, 10, 0, 20),
        (10, 10, 0, 10),
        (3, 40, 9, 25),
    ],
)
def test_miettinen_nurminen_matches_independent_implementation(
    counts: tuple[int, int, int, int],
) -> None:
    expected = _mn_reference(*counts)
    assert diff_ci(*counts, method="miettinen_nurminen") == pytest.approx(expected, abs=2e-6)


@FAST
@given(
    n1=st.integers(1, 400),
    n2=st.integers(1, 400),
    f1=st.floats(0, 1),
    f2=st.floats(0, 1),
    conf=st.sampled_from([0.9, 0.95, 0.99]),
)
def test_newcombe_matches_statsmodels_newcomb(
    n1: int, n2: int, f1: float, f2: float, conf: float
) -> None:
    # Peer: statsmodels confint_proportions_2indep(method="newcomb") (correct per PITFALLS.md).
    k1, k2 = round(f1 * n1), round(f2 * n2)
    expected = confint_proportions_2indep(
        k1, n1, k2, n2, method="newcomb", compare="diff", alpha=1 - conf
    )
    assert diff_ci(k1, n1, k2, n2, conf=conf) == pytest.approx(expected, abs=1e-9)


@FAST
@given(
    n1=st.integers(1, 300),
    n2=st.integers(1, 300),
    f1=st.floats(0, 1),
    f2=st.floats(0, 1),
    method=st.sampled_from(DIFF_METHODS),
)
def test_property_diff_ci_contains_difference(
    n1: int, n2: int, f1: float, f2: float, method: str
) -> None:
    k1, k2 = round(f1 * n1), round(f2 * n2)
    low, high = diff_ci(k1, n1, k2, n2, method=method)  # type: ignore[arg-type]
    assert -1.0 <= low <= k1 / n1 - k2 / n2 + 1e-12
    assert k1 / n1 - k2 / n2 - 1e-12 <= high <= 1.0


def test_diff_ci_edges_and_errors() -> None:
    assert diff_ci(0, 0, 3, 10) == (-1.0, 1.0)
    assert diff_ci(3, 10, 0, 0, method="miettinen_nurminen") == (-1.0, 1.0)
    huge = diff_ci(500_000_000, 1_000_000_000, 499_000_000, 1_000_000_000)
    assert huge.low == pytest.approx(0.001 - Z95 * math.sqrt(2 * 0.25 / 1e9), abs=1e-7)
    with pytest.raises(ValueError, match="k2 \\(11\\) must not exceed n2 \\(10\\)"):
        diff_ci(1, 10, 11, 10)
    with pytest.raises(ValueError, match="unknown difference interval method 'score'"):
        diff_ci(1, 10, 1, 10, method="score")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="conf"):
        diff_ci(1, 10, 1, 10, conf=1.5)


# ---------------------------------------------------------------------------------------------
# compare_proportions
# ---------------------------------------------------------------------------------------------


def test_compare_proportions_chi_square_by_hand() -> None:
    # 56/70 vs 48/80 (Newcombe 1998b example a). Hand formulas:
    # X^2 = N (ad - bc)^2 / (r1 r2 c1 c2) = 150 * 1120^2 / (70 * 80 * 104 * 46) = 7.02353.
    res = compare_proportions(56, 70, 48, 80)
    chi2 = 150 * 1120**2 / (70 * 80 * 104 * 46)
    assert res.test == "chi-square"
    assert res.p_value == pytest.approx(sps.chi2.sf(chi2, 1), rel=1e-10)
    assert res.p_value == pytest.approx(0.008045, abs=1e-6)
    assert (res.p1, res.p2, res.diff) == pytest.approx((0.8, 0.6, 0.2))
    assert res.ci.low == approx4(0.0524) and res.ci.high == approx4(0.3339)
    assert res.clear
    # Katz log interval for RR, se = sqrt(1/56 - 1/70 + 1/48 - 1/80).
    se_rr = math.sqrt(1 / 56 - 1 / 70 + 1 / 48 - 1 / 80)
    assert res.risk_ratio == pytest.approx(0.8 / 0.6)
    assert res.risk_ratio_ci == pytest.approx(
        (0.8 / 0.6 * math.exp(-Z95 * se_rr), 0.8 / 0.6 * math.exp(Z95 * se_rr))
    )
    # Woolf: OR = 56*32 / (14*48), se = sqrt(1/56 + 1/14 + 1/48 + 1/32).
    odds = 56 * 32 / (14 * 48)
    se_or = math.sqrt(1 / 56 + 1 / 14 + 1 / 48 + 1 / 32)
    assert res.odds_ratio == pytest.approx(odds)
    assert res.odds_ratio_ci == pytest.approx(
        (odds * math.exp(-Z95 * se_or), odds * math.exp(Z95 * se_or))
    )
    # Cohen (1988): h = 2 asin sqrt(.8) - 2 asin sqrt(.6) = 0.4421.
    assert res.cohens_h == pytest.approx(0.4421, abs=1e-4)
    assert (res.k1, res.n1, res.k2, res.n2) == (56, 70, 48, 80)


def test_compare_proportions_uses_fisher_for_small_expected() -> None:
    # R ?fisher.test, TeaTasting matrix(c(3, 1, 1, 3)): two-sided p-value = 0.4857.
    res = compare_proportions(3, 4, 1, 4)
    assert res.test == "fisher"
    assert res.p_value == approx4(0.4857)
    assert not res.clear


def test_compare_proportions_haldane_correction() -> None:
    # 5/10 vs 0/10: a zero cell, so 0.5 is added to every cell (Haldane 1956):
    # OR = 5.5 * 10.5 / (5.5 * 0.5) = 21; RR = (5.5/11) / (0.5/11) = 11.
    res = compare_proportions(5, 10, 0, 10)
    assert res.odds_ratio == pytest.approx(21.0)
    se = math.sqrt(1 / 5.5 + 1 / 5.5 + 1 / 0.5 + 1 / 10.5)
    assert res.odds_ratio_ci == pytest.approx((21 * math.exp(-Z95 * se), 21 * math.exp(Z95 * se)))
    assert res.risk_ratio == pytest.approx(11.0)
    assert math.isfinite(res.risk_ratio_ci.high)


def test_compare_proportions_degenerate_tables() -> None:
    empty = compare_proportions(0, 0, 3, 10)
    assert empty.test == "none" and math.isnan(empty.p_value) and math.isnan(empty.diff)
    assert empty.ci == (-1.0, 1.0) and not empty.clear
    no_events = compare_proportions(0, 30, 0, 40)
    assert no_events.test == "none" and math.isnan(no_events.p_value)
    assert no_events.diff == 0.0 and math.isnan(no_events.odds_ratio)
    all_events = compare_proportions(30, 30, 40, 40)
    assert all_events.test == "none"
    with pytest.raises(ValueError, match="k1"):
        compare_proportions(-1, 10, 2, 10)


def test_compare_proportions_huge_counts() -> None:
    res = compare_proportions(500_000_000, 1_000_000_000, 499_000_000, 1_000_000_000)
    assert res.test == "chi-square" and res.p_value < 1e-100 and res.clear


# ---------------------------------------------------------------------------------------------
# Crosstabs: R ?chisq.test (Agresti 2007, p. 39, party identification by gender)
# ---------------------------------------------------------------------------------------------

PARTY = [[762, 327, 468], [484, 239, 477]]


def test_crosstab_matches_r_chisq_test() -> None:
    # R: X-squared = 30.07, df = 2, p-value = 2.954e-07; Xsq$stdres (Agresti 2007 Table 2.10).
    res = crosstab_test(pd.DataFrame(PARTY, index=["F", "M"], columns=["D", "I", "R"]))
    assert res.statistic == pytest.approx(30.07, abs=5e-3)
    assert res.dof == 2
    assert res.p_value == pytest.approx(2.954e-07, rel=2e-4)
    assert res.adjusted_residuals == pytest.approx(
        np.array([[4.5020535, 0.6994517, -5.3159455], [-4.5020535, -0.6994517, 5.3159455]]),
        abs=1e-6,
    )
    # Expected counts: row total x column total / N, e.g. 1557 * 1246 / 2757 = 703.6714.
    assert res.expected[0, 0] == pytest.approx(1557 * 1246 / 2757)
    # Cramer's V = sqrt(X^2 / (N (min(r, c) - 1))) = sqrt(30.0701 / 2757) = 0.1044.
    assert res.cramers_v == approx4(0.1044)
    assert res.test == "chi-square" and res.share_expected_below_5 == 0.0


def test_crosstab_2x2_has_no_yates_correction() -> None:
    res = crosstab_test([[56, 14], [48, 32]])
    assert res.statistic == pytest.approx(150 * 1120**2 / (70 * 80 * 104 * 46))


def test_crosstab_drops_empty_rows_and_handles_degenerate() -> None:
    res = crosstab_test([[762, 327, 0, 468], [0, 0, 0, 0], [484, 239, 0, 477]])
    assert res.statistic == pytest.approx(30.07, abs=5e-3)
    assert res.expected.shape == (3, 4)
    assert np.isnan(res.expected[1]).all() and np.isnan(res.adjusted_residuals[:, 2]).all()
    single = crosstab_test([[5, 6, 7]])
    assert single.test == "none" and math.isnan(single.p_value)
    with pytest.raises(ValueError, match="negative"):
        crosstab_test([[1, -2], [3, 4]])
    with pytest.raises(ValueError, match="two-dimensional"):
        crosstab_test([1, 2, 3])
    with pytest.raises(ValueError, match="numeric counts"):
        crosstab_test(pd.DataFrame({"a": ["x", "y"], "b": [1, 2]}))


def test_column_letters_party_table_by_hand() -> None:
    # Row F: D 61.2%, I 57.8%, R 49.5%. Pooled z (hand): D vs R z = 5.44, I vs R z = 3.22,
    # D vs I z = 1.37 (Bonferroni p = 0.52). Row M mirrors it. So D and I beat R in row F,
    # and R beats D and I in row M.
    letters = column_letters(PARTY)
    assert letters.tolist() == [["C", "C", ""], ["", "", "AB"]]


def test_column_letters_bonferroni_within_row() -> None:
    # Columns of 100: 50% vs 36% -> pooled p = .43, z = .14 / sqrt(.43 * .57 * .02) = 2.000,
    # two-sided p = 0.0455 < 0.05 on its own, but with 3 columns (3 pairs) Bonferroni gives
    # 0.137 -> no letter.
    two_cols = column_letters([[50, 36], [50, 64]])
    assert two_cols.tolist() == [["B", ""], ["", "A"]]
    three_cols = column_letters([[50, 36, 43], [50, 64, 57]])
    assert three_cols.tolist() == [["", "", ""], ["", "", ""]]
    with pytest.raises(ValueError, match="alpha"):
        column_letters(PARTY, alpha=5)


# ---------------------------------------------------------------------------------------------
# Mantel-Haenszel: R ?mantelhaen.test, Rabbits (penicillin) data
# ---------------------------------------------------------------------------------------------

# R: array(c(0,0,6,5, 3,0,3,6, 6,2,0,4, 5,6,1,0, 2,5,0,0), dim = c(2, 2, 5)), filled column-major:
# each stratum is [[x11, x12], [x21, x22]] = [[v1, v3], [v2, v4]] (rows Delay, columns Cured/Died).
RABBITS_RAW = [0, 0, 6, 5, 3, 0, 3, 6, 6, 2, 0, 4, 5, 6, 1, 0, 2, 5, 0, 0]
RABBITS = [[[v[0], v[2]], [v[1], v[3]]] for v in np.array(RABBITS_RAW).reshape(5, 4).tolist()]


def test_mantel_haenszel_matches_r_rabbits() -> None:
    # R: Mantel-Haenszel X-squared = 3.9286, df = 1, p-value = 0.04747;
    # common odds ratio 7, 95 percent CI 1.026713 47.725133.
    res = mantel_haenszel(RABBITS)
    assert res.statistic == approx4(3.9286)
    assert res.p_value == pytest.approx(0.04747, abs=5e-6)
    assert res.odds_ratio == pytest.approx(7.0)
    assert res.ci == pytest.approx((1.026713, 47.725133), abs=5e-7)
    assert res.correction


def test_mantel_haenszel_peer_statsmodels() -> None:
    # Peer: statsmodels StratifiedTable (no zero margins here, so Breslow-Day is defined).
    tables = [[[12, 8], [6, 14]], [[20, 15], [9, 18]], [[5, 10], [7, 6]], [[30, 12], [25, 20]]]
    ours = mantel_haenszel(tables, correction=False)
    peer = StratifiedTable([np.array(t) for t in tables])
    assert ours.odds_ratio == pytest.approx(peer.oddsratio_pooled)
    assert ours.ci == pytest.approx(peer.oddsratio_pooled_confint(0.05))
    null = peer.test_null_odds(correction=False)
    assert ours.statistic == pytest.approx(null.statistic)
    assert ours.p_value == pytest.approx(null.pvalue)
    assert ours.homogeneity_test == "breslow-day-tarone"
    assert ours.homogeneity_p == pytest.approx(peer.test_equal_odds(adjust=True).pvalue, rel=1e-6)
    corrected = mantel_haenszel(tables)
    assert corrected.statistic == pytest.approx(peer.test_null_odds(correction=True).statistic)


def test_mantel_haenszel_flags_simpsons_paradox() -> None:
    # Kidney stones (Charig et al. 1986, BMJ 292:879): open surgery (A) vs PCNL (B), success
    # by stone size. Crude: A 273/350 < B 289/350 (OR < 1); within both sizes A does better.
    small = [[81, 6], [234, 36]]
    large = [[192, 71], [55, 25]]
    res = mantel_haenszel([small, large])
    assert res.crude_odds_ratio == pytest.approx(273 * 61 / (77 * 289))
    assert res.crude_odds_ratio < 1 < res.odds_ratio
    assert res.reversal


def test_mantel_haenszel_reversal_rule() -> None:
    # Rabbits: crude OR 1.85 with an interval containing 1 (not clear), adjusted 7.0 clear ->
    # the answers disagree, so reversal is flagged even though both point the same way.
    rabbits = mantel_haenszel(RABBITS)
    assert rabbits.crude_odds_ratio == pytest.approx(
        16 * 15 / (10 * 13)
    )  # pooled [[16,10],[13,15]]
    assert not rabbits.crude_clear and rabbits.clear and rabbits.reversal
    # Two identical strata: crude and adjusted agree exactly -> no reversal.
    same = mantel_haenszel([[[30, 10], [15, 25]], [[30, 10], [15, 25]]])
    assert same.odds_ratio == pytest.approx(same.crude_odds_ratio) == pytest.approx(5.0)
    assert same.clear and same.crude_clear and not same.reversal
    # A wider interval at 99%.
    wide = mantel_haenszel(RABBITS, conf=0.99)
    assert wide.ci.low < rabbits.ci.low and wide.ci.high > rabbits.ci.high


def test_mantel_haenszel_skips_empty_strata_and_validates() -> None:
    base = mantel_haenszel(RABBITS)
    padded = mantel_haenszel([*RABBITS, [[0, 0], [0, 0]]])
    assert padded.odds_ratio == base.odds_ratio and padded.statistic == base.statistic
    assert padded.n_strata == 5
    with pytest.raises(ValueError, match="2x2"):
        mantel_haenszel([[[1, 2, 3], [4, 5, 6]]])
    with pytest.raises(ValueError, match="negative"):
        mantel_haenszel([[[1, -2], [3, 4]]])
    with pytest.raises(ValueError, match="at least one"):
        mantel_haenszel([])


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
    assert res.prob_superiority_ci == (0.0, 1.0)
    single = rank_compare([1.0], [2.0, 3.0, np.nan])
    assert single.n_y == 2 and single.prob_superiority == 0.0
    with pytest.raises(ValueError, match="no non-missing"):
        rank_compare([], [1, 2])
    with pytest.raises(ValueError, match="alternative"):
        rank_compare([1, 2], [1, 2], alternative="bigger")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# Multiplicity
# ---------------------------------------------------------------------------------------------


def test_adjust_pvalues_by_hand() -> None:
    p = [0.01, 0.04, 0.03, 0.005]
    # Holm: sorted .005*4=.02, .01*3=.03, .03*2=.06, .04*1=.04 -> cummax .02 .03 .06 .06.
    assert adjust_pvalues(p) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    # BH: .005*4/1=.02, .01*4/2=.02, .03*4/3=.04, .04*4/4=.04 -> cummin from the top.
    assert adjust_pvalues(p, "bh") == pytest.approx([0.02, 0.04, 0.04, 0.02])
    assert adjust_pvalues(p, "bonferroni") == pytest.approx([0.04, 0.16, 0.12, 0.02])


@pytest.mark.parametrize(
    ("ours", "theirs"), [("holm", "holm"), ("bh", "fdr_bh"), ("bonferroni", "bonferroni")]
)
def test_adjust_pvalues_matches_statsmodels(ours: str, theirs: str) -> None:
    p = np.array([0.0001, 0.2, 0.013, 0.04, 0.041, 0.9, 0.5, 0.02, 0.02, 1.0])
    expected = multipletests(p, method=theirs)[1]
    assert adjust_pvalues(p, ours) == pytest.approx(expected)  # type: ignore[arg-type]


def test_adjust_pvalues_nan_passthrough() -> None:
    out = adjust_pvalues([0.01, np.nan, 0.04, 0.03, np.nan, 0.005])
    assert np.isnan(out[[1, 4]]).all()
    assert out[[0, 2, 3, 5]] == pytest.approx([0.03, 0.06, 0.06, 0.02])  # family size 4
    assert isinstance(out, np.ndarray)
    assert np.isnan(adjust_pvalues([np.nan])).all()
    assert adjust_pvalues([]).size == 0
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        adjust_pvalues([0.5, 1.2])
    with pytest.raises(ValueError, match="unknown p-value adjustment method"):
        adjust_pvalues([0.5], "fdr")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# Power and sample size: R ?power.prop.test
# ---------------------------------------------------------------------------------------------


def test_power_matches_r_power_prop_test() -> None:
    # R: power.prop.test(n = 50, p1 = .50, p2 = .75) -> power = 0.7401659.
    assert power_two_proportions(0.5, 0.75, 50) == pytest.approx(0.7401659, abs=1e-7)
    # R: power.prop.test(n = 50, p1 = .5, power = .90) -> p2 = 0.8026.
    p2 = optimize.brentq(lambda q: power_two_proportions(0.5, q, 50) - 0.9, 0.6, 0.99)
    assert p2 == approx4(0.8026)


def test_sample_size_matches_r_power_prop_test() -> None:
    # R: power.prop.test(p1 = .50, p2 = .75, power = .90) -> n = 76.7 (76.70693) -> 77.
    assert sample_size_two_proportions(0.5, 0.75, power=0.9) == 77
    assert _n_two_proportions(0.5, 0.75, 0.05, 0.9, strict=False) == pytest.approx(
        76.70693, abs=1e-5
    )
    # Symmetric in p1, p2; the result really reaches the power.
    n = sample_size_two_proportions(0.3, 0.2)
    assert n == sample_size_two_proportions(0.2, 0.3)
    assert power_two_proportions(0.3, 0.2, n) >= 0.8 > power_two_proportions(0.3, 0.2, n - 1)


def test_power_validation() -> None:
    with pytest.raises(ValueError, match="equal"):
        sample_size_two_proportions(0.4, 0.4)
    with pytest.raises(ValueError, match="p1"):
        power_two_proportions(1.2, 0.5, 10)
    with pytest.raises(ValueError, match="n_per_group"):
        power_two_proportions(0.2, 0.5, 0)
    with pytest.raises(ValueError, match="power"):
        sample_size_two_proportions(0.2, 0.5, power=1.0)


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
    assert res.ci == pytest.approx((-Z95 * 28.28427, Z95 * 28.28427), abs=1e-4)
    # 20 answers: 12 promoters, 5 passives, 3 detractors -> NPS 45,
    # se = 100 sqrt((.6 + .15 - .45^2) / 20) = 16.5454.
    res2 = nps([10] * 6 + [9] * 6 + [8] * 5 + [2] * 3)
    assert res2.nps == pytest.approx(45.0)
    assert res2.se == pytest.approx(16.5454, abs=1e-4)


def test_nps_edges_and_errors() -> None:
    all_promoters = nps([10, 10, 9])
    assert all_promoters.nps == 100 and all_promoters.se == 0 and all_promoters.ci == (100, 100)
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
# Survival: Freireich et al. (1963) 6-MP leukaemia remission data (Gehan 1965)
# ---------------------------------------------------------------------------------------------

MP6_TIMES = [6, 6, 6, 7, 10, 13, 16, 22, 23, 6, 9, 10, 11, 17, 19, 20, 25, 32, 32, 34, 35]
MP6_EVENTS = [1] * 9 + [0] * 12
PLACEBO_TIMES = [1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23]


def test_kaplan_meier_freireich_6mp() -> None:
    # S(t): Kleinbaum & Klein, Survival Analysis (3rd ed.), ch. 2, 6-MP group. The 95% log-log
    # limits are those printed by Stata's sts list (log-log is its default) and by R's
    # survfit(conf.type = "log-log"), to 3 decimals; recomputed independently below as well.
    published = {
        6: (0.857, 0.620, 0.952),
        7: (0.807, 0.563, 0.923),
        10: (0.753, 0.503, 0.889),
        13: (0.690, 0.432, 0.849),
        16: (0.627, 0.368, 0.805),
        22: (0.538, 0.268, 0.747),
        23: (0.448, 0.188, 0.680),
    }
    km = kaplan_meier(MP6_TIMES, MP6_EVENTS)
    assert list(km.columns[:5]) == ["time", "survival", "low", "high", "at_risk"]
    assert km["time"].tolist() == [0, 6, 7, 10, 13, 16, 22, 23]
    assert km["at_risk"].tolist() == [21, 21, 17, 15, 12, 11, 7, 6]
    for time, (s, low, high) in published.items():
        row = km.loc[km["time"] == time].iloc[0]
        assert row["survival"] == pytest.approx(s, abs=5e-4)
        assert row["low"] == pytest.approx(low, abs=5e-4)
        assert row["high"] == pytest.approx(high, abs=5e-4)
    # Independent recomputation: product-limit estimate, Greenwood (1926) sum d / (n (n - d)),
    # log-log limits S^exp(+/- z sqrt(sum) / |log S|) (Kalbfleisch & Prentice 2002, eq. 1.11).
    survival, greenwood = 1.0, 0.0
    for row in km.iloc[1:].itertuples():
        n_risk, deaths = row.at_risk, row.events
        survival *= 1 - deaths / n_risk
        greenwood += deaths / (n_risk * (n_risk - deaths))
        spread = Z95 * math.sqrt(greenwood) / abs(math.log(survival))
        assert row.survival == pytest.approx(survival)
        assert row.low == pytest.approx(survival ** math.exp(spread))
        assert row.high == pytest.approx(survival ** math.exp(-spread))


def test_survival_at_and_median() -> None:
    km = kaplan_meier(MP6_TIMES, MP6_EVENTS)
    assert survival_at(km, 3) == (1.0, 1.0, 1.0)
    assert survival_at(km, 12)[0] == pytest.approx(0.753, abs=5e-4)  # step held from t = 10
    assert survival_at(km, 13)[0] == pytest.approx(0.690, abs=5e-4)
    assert survival_at(km, -1) == (1.0, 1.0, 1.0)
    # Published medians (Kleinbaum & Klein): 6-MP 23 weeks, placebo 8 weeks.
    assert median_survival(km) == 23
    assert median_survival(kaplan_meier(PLACEBO_TIMES, [1] * 21)) == 8
    assert math.isnan(median_survival(kaplan_meier([5, 6, 7], [1, 0, 0])))


def test_kaplan_meier_edges_and_errors() -> None:
    censored_only = kaplan_meier([3, 4], [0, 0])
    assert censored_only["survival"].tolist() == [1.0]
    to_zero = kaplan_meier([1, 2, 3], [True, True, True])
    assert to_zero["survival"].iloc[-1] == 0.0 and np.isnan(to_zero["high"].iloc[-1])
    with pytest.raises(ValueError, match="negative"):
        kaplan_meier([-1, 2], [1, 1])
    with pytest.raises(ValueError, match="length"):
        kaplan_meier([1, 2], [1])
    with pytest.raises(ValueError, match="observed"):
        kaplan_meier([1, 2], [1, 2])


def test_logrank_freireich() -> None:
    # Published: log-rank chi-square 16.79 on 1 df, p = 4.17e-05 (R survdiff on the Gehan data).
    res = logrank({"6-MP": (MP6_TIMES, MP6_EVENTS), "placebo": (PLACEBO_TIMES, [1] * 21)})
    assert res.statistic == pytest.approx(16.79, abs=5e-3)
    assert res.p_value == pytest.approx(4.17e-5, rel=2e-3)
    assert res.dof == 1
    assert res.observed == {"6-MP": 9.0, "placebo": 21.0}
    assert res.expected["6-MP"] == pytest.approx(19.25, abs=5e-3)  # survdiff "Expected" column


def test_logrank_k_sample_matches_statsmodels_survdiff() -> None:
    rng = np.random.default_rng(3)
    times = np.round(rng.exponential(10, size=60)) + 1
    status = rng.random(60) < 0.7
    group = np.repeat(["a", "b", "c"], 20)
    times[group == "c"] += 4
    peer_stat, peer_p = survdiff(times, status.astype(int), group)
    res = logrank({g: (times[group == g], status[group == g]) for g in ["a", "b", "c"]})
    assert res.dof == 2
    assert res.statistic == pytest.approx(peer_stat)
    assert res.p_value == pytest.approx(peer_p)
    with pytest.raises(ValueError, match="at least two"):
        logrank({"a": (times, status)})
    with pytest.raises(ValueError, match="group 'b': no durations"):
        logrank({"a": (times, status), "b": ([], [])})


# ---------------------------------------------------------------------------------------------
# Interval helper
# ---------------------------------------------------------------------------------------------


def test_interval_helpers() -> None:
    ci = Interval(0.1, 0.3)
    assert ci.excludes(0.0) and not ci.excludes(0.2) and ci.contains(0.3)
    assert not Interval(math.nan, math.nan).excludes(0.0)


def test_finite_accepts_numbers_and_rejects_missing():
    import numpy as np

    from analytics.stats import finite

    assert finite(1) and finite(np.int64(3)) and finite(np.float64(0.5)) and finite("2,5") is False
    assert not finite(None) and not finite(float("nan")) and not finite(np.inf)
    assert not finite(pd.NA) and not finite("x")
