"""Column-comparison letters (``analytics.stats.letters``) against a hand example and against
the Bonferroni letters of ``stats.column_letters``."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as sps

from analytics import stats
from analytics.metrics import survey as sv
from analytics.stats.letters import holm_letters


def test_holm_letters_match_a_hand_example():
    # One row, three columns: shares 0.60, 0.45, 0.30, each column n = 150.
    shares = np.array([[0.60, 0.45, 0.30]])
    letters = holm_letters(shares, np.array([150.0, 150.0, 150.0]))

    def p(a, b):  # pooled two-proportion z-test, equal n
        pooled = (a + b) / 2
        z = (a - b) / math.sqrt(pooled * (1 - pooled) * (2 / 150))
        return 2 * sps.norm.sf(abs(z))

    p_ab, p_ac, p_bc = p(0.60, 0.45), p(0.60, 0.30), p(0.45, 0.30)
    # By hand: z_AB = 0.15 / sqrt(0.525 x 0.475 x 2/150) = 2.601 (p 0.0093),
    # z_BC = 0.15 / sqrt(0.375 x 0.625 x 2/150) = 2.683 (p 0.0073), z_AC = 5.222.
    assert p_ab == pytest.approx(0.00929, abs=1e-4) and p_bc == pytest.approx(0.00729, abs=1e-4)
    # Holm: smallest p_AC x 3 (< 0.01), then p_BC x 2 = 0.0146, then max(p_AB x 1, 0.0146)
    assert 3 * p_ac < 0.01
    assert 0.01 < 2 * p_bc < 0.05 and p_ab < 2 * p_bc
    # A > C at 0.01 (capital), A > B and B > C at 0.05 only (lowercase)
    assert list(letters[0]) == ["bC", "c", ""]
    # Bonferroni would give the same letters but all capital-blind; Holm's letters always
    # include Bonferroni's (next test).


def test_holm_letters_include_every_bonferroni_letter():
    rng = np.random.default_rng(3)
    for _ in range(50):
        counts = rng.integers(1, 60, size=(4, 4))
        bonf = stats.column_letters(counts)
        shares = counts / counts.sum(0)
        holm = holm_letters(shares, counts.sum(0).astype(float))
        for i in range(4):
            for j in range(4):
                assert set(bonf[i, j]) <= set(holm[i, j].upper())


def test_survey_module_still_exports_holm_letters():
    assert sv.holm_letters is holm_letters
