"""Tests for analytics.stats.multiplicity: Holm, Benjamini-Hochberg and Bonferroni (by hand,
statsmodels multipletests).

Every expected number below comes from a publication, R's documentation/output, a hand
calculation from the cited formula, or a peer library (scipy/statsmodels) — never from the
function under test. Sources are named next to each test.
"""

from __future__ import annotations

import numpy as np
import pytest
from statsmodels.stats.multitest import multipletests

from analytics.stats import (
    adjust_pvalues,
)

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
