"""Tests for analytics.stats.tables: compare_proportions, crosstabs (R chisq.test), column letters,
Mantel-Haenszel (R mantelhaen.test).

Every expected number below comes from a publication, R's documentation/output, a hand
calculation from the cited formula, or a peer library (scipy/statsmodels) — never from the
function under test. Sources are named next to each test.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps
from statsmodels.stats.contingency_tables import StratifiedTable

from analytics.stats import (
    column_letters,
    compare_proportions,
    crosstab_test,
    mantel_haenszel,
)

Z95 = sps.norm.ppf(0.975)


def approx4(value: float) -> object:
    """Published values are rounded to 4 decimals."""
    return pytest.approx(value, abs=5e-5)


# ---------------------------------------------------------------------------------------------
# compare_proportions
# ---------------------------------------------------------------------------------------------


def test_compare_proportions_one_procedure_by_hand() -> None:
    # 56/70 vs 48/80 (Newcombe 1998b example a). The score test at 0 is Pearson's X^2 times
    # (N-1)/N (Campbell 2007): X^2 = N (ad - bc)^2 / (r1 r2 c1 c2) = 150 * 1120^2 /
    # (70 * 80 * 104 * 46) = 7.02353 (scipy chi2_contingency without Yates is the peer).
    res = compare_proportions(56, 70, 48, 80)
    chi2 = 150 * 1120**2 / (70 * 80 * 104 * 46)
    peer = sps.chi2_contingency([[56, 14], [48, 32]], correction=False).statistic
    assert chi2 == pytest.approx(peer)
    assert res.test == "mn-score"
    assert res.statistic == pytest.approx(chi2 * 149 / 150, rel=1e-10)
    assert res.p_value == pytest.approx(sps.chi2.sf(chi2 * 149 / 150, 1), rel=1e-10)
    assert (res.p1, res.p2, res.diff) == pytest.approx((0.8, 0.6, 0.2))
    # Newcombe (1998b) Table II, method 6 (Miettinen-Nurminen): 0.0528 to 0.3382.
    assert res.ci.low == approx4(0.0528) and res.ci.high == approx4(0.3382)
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


def test_compare_proportions_small_table_uses_the_same_procedure() -> None:
    # R ?fisher.test, TeaTasting 3/4 vs 1/4: no clear difference by any test (Fisher p = 0.4857).
    # Our p is the MN score test, whose interval is the MN interval: they agree.
    res = compare_proportions(3, 4, 1, 4)
    assert res.test == "mn-score"
    assert res.p_value == pytest.approx(sps.chi2.sf(2.0 * 7 / 8, 1))  # X^2 = 2, N = 8
    assert not res.clear and res.ci.contains(0.0)


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
    # Nobody (or everybody) had the outcome: the difference is 0, exactly the null, so p = 1
    # (as Fisher's exact test gives), and the MN interval is a real interval around 0
    # (Newcombe 1998b Table II example f: 0/10 vs 0/10 -> -0.2879 to 0.2879).
    no_events = compare_proportions(0, 10, 0, 10)
    assert no_events.test == "mn-score" and no_events.p_value == 1.0 and not no_events.clear
    assert no_events.ci.low == approx4(-0.2879) and no_events.ci.high == approx4(0.2879)
    assert no_events.diff == 0.0 and math.isnan(no_events.odds_ratio)
    all_events = compare_proportions(30, 30, 40, 40)
    assert all_events.p_value == 1.0 and all_events.ci.low < 0 < all_events.ci.high
    with pytest.raises(ValueError, match="k1"):
        compare_proportions(-1, 10, 2, 10)


def test_compare_proportions_huge_counts() -> None:
    res = compare_proportions(500_000_000, 1_000_000_000, 499_000_000, 1_000_000_000)
    assert res.test == "mn-score" and res.p_value < 1e-100 and res.clear


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
    # Rabbits: crude OR 1.85 (interval contains 1), adjusted 7.0 (clear): both point the same
    # way, so this is a change of significance, NOT a reversal (Simpson's paradox needs opposite
    # directions; stats.adjustment_change names the significance change).
    rabbits = mantel_haenszel(RABBITS)
    assert rabbits.crude_odds_ratio == pytest.approx(
        16 * 15 / (10 * 13)
    )  # pooled [[16,10],[13,15]]
    assert not rabbits.crude_clear and rabbits.clear and not rabbits.reversal
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
