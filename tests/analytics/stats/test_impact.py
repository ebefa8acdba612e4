"""Adverse-impact formulas (``analytics.stats.impact``) against published and hand-computed
values."""

from __future__ import annotations

import math

import pytest
from scipy import stats as sps

from analytics.stats import compare_proportions
from analytics.stats.impact import fisher_exact_p, impact_ratio


def test_fisher_tea_tasting_r_example():
    # R ?fisher.test, TeaTasting: 3 1 / 1 3, two-sided p = 0.4857.
    assert fisher_exact_p(3, 1, 1, 3) == pytest.approx(0.4857, abs=1e-4)
    assert fisher_exact_p(3, 1, 1, 3) == pytest.approx(sps.fisher_exact([[3, 1], [1, 3]]).pvalue)


def test_fisher_without_a_margin_is_not_a_test():
    assert math.isnan(fisher_exact_p(0, 0, 3, 4))  # an empty row
    assert math.isnan(fisher_exact_p(0, 5, 0, 4))  # nobody selected: an empty column


def test_impact_ratio_with_the_katz_interval_by_hand():
    ir, ci = impact_ratio(30, 100, 60, 100)
    assert ir == pytest.approx(0.5)
    se = math.sqrt(1 / 30 - 1 / 100 + 1 / 60 - 1 / 100)  # Katz et al. (1978)
    z = sps.norm.ppf(0.975)
    assert ci.low == pytest.approx(0.5 * math.exp(-z * se), rel=1e-6)
    assert ci.high == pytest.approx(0.5 * math.exp(z * se), rel=1e-6)
    assert ci == compare_proportions(30, 100, 60, 100).risk_ratio_ci


def test_impact_ratio_against_a_reference_that_selected_nobody():
    ir, ci = impact_ratio(3, 10, 0, 10)
    assert math.isnan(ir) and math.isnan(ci.low) and math.isnan(ci.high)
