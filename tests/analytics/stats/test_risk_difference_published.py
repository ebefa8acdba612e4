"""The Mantel-Haenszel risk difference with Sato's variance and Cochran's Q against a published
multi-stratum example: metafor's ``rma.mh(measure="RD")`` on the 13 BCG vaccine trials.

Source of the expected numbers: the metafor package's own test
``tests/testthat/test_misc_metan_vs_rma.mh_with_dat.bcg.r`` (github.com/wviechtb/metafor;
Viechtbauer 2010, J Stat Softw 36(3)): estimate -0.0033, 95% CI -0.0039 to -0.0027,
z = -11.4708 with the Sato, Greenland & Robins (1989) variance, Q = 386.7759 (Stata's metan, which
uses the Greenland & Robins 1985 variance, reports z = 11.56 instead). The data are metafor's
``dat.bcg`` (Colditz et al. 1994, JAMA 271:698): vaccinated TB cases / non-cases (tpos, tneg)
and control cases / non-cases (cpos, cneg) per trial.
"""

from __future__ import annotations

import pytest

from analytics import stats

TPOS = (4, 6, 3, 62, 33, 180, 8, 505, 29, 17, 186, 5, 27)
TNEG = (119, 300, 228, 13536, 5036, 1361, 2537, 87886, 7470, 1699, 50448, 2493, 16886)
CPOS = (11, 29, 11, 248, 47, 372, 10, 499, 45, 65, 141, 3, 29)
CNEG = (128, 274, 209, 12619, 5761, 1079, 619, 87892, 7232, 1600, 27197, 2338, 17825)


def test_bcg_trials_match_metafor_rma_mh_rd() -> None:
    tables = [[[a, b], [c, d]] for a, b, c, d in zip(TPOS, TNEG, CPOS, CNEG, strict=True)]
    rd = stats.mh_risk_difference(tables)
    assert rd.n_strata == 13
    assert rd.diff == pytest.approx(-0.0033, abs=5e-5)
    assert rd.ci.low == pytest.approx(-0.0039, abs=5e-5)
    assert rd.ci.high == pytest.approx(-0.0027, abs=5e-5)
    # z = estimate / se: the check on Sato's variance, to metafor's four decimals.
    assert rd.diff / rd.se == pytest.approx(-11.4708, abs=5e-5)
    # Cochran's Q over the 13 trials' differences (no zero cells here, so no 1/2 added).
    assert rd.homogeneity_q == pytest.approx(386.7759, abs=5e-5)
    assert rd.homogeneity_df == 12
    assert rd.heterogeneous and rd.clear
