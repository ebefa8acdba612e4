"""Tests for analytics.stats.bootstrap: the parametric draws are seeded and centred on the
measured rates, and the percentile interval is numpy's percentiles (Efron & Tibshirani 1993)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sps

from analytics.stats import (
    binomial_rate_draws,
    multinomial_ratio_draws,
    normal_share_draws,
    percentile_interval,
)


def test_binomial_rate_draws_centre_and_floor():
    draws = binomial_rate_draws(80, 100, draws=20000, rng=np.random.default_rng(1))
    assert draws.mean() == pytest.approx(0.8, abs=0.005)
    assert draws.std() == pytest.approx(np.sqrt(0.8 * 0.2 / 100), rel=0.05)
    # 0 of 10 observed: Jeffreys Beta(0.5, 10.5) draws (not all zero: 0% is not certain),
    # each floored at half a success, so 1 / rate stays finite
    zero = binomial_rate_draws(0, 10, draws=20000, rng=np.random.default_rng(1))
    assert zero.min() == pytest.approx(0.05) and zero.max() > 0.05
    # 10 of 10: the draws' 2.5% quantile is the Jeffreys interval's lower limit, not 1
    full = binomial_rate_draws(10, 10, draws=20000, rng=np.random.default_rng(1))
    assert np.quantile(full, 0.025) == pytest.approx(sps.beta.ppf(0.025, 10.5, 0.5), abs=0.01)


def test_multinomial_ratio_draws_centre():
    # 20 withdrawn, 40 hired of 100: withdrawals per hire about 0.5
    draws = multinomial_ratio_draws(20, 40, 100, draws=20000, rng=np.random.default_rng(2))
    assert np.median(draws) == pytest.approx(0.5, abs=0.02)


def test_normal_share_draws_clip_and_known_value():
    draws = normal_share_draws(0.99, 0.05, draws=5000, rng=np.random.default_rng(3))
    assert draws.max() <= 1.0 and draws.min() >= 0.0
    known = normal_share_draws(0.7, float("nan"), draws=10, rng=np.random.default_rng(3))
    assert (known == 0.7).all()


def test_seeded_draws_repeat():
    a = binomial_rate_draws(5, 10, draws=50, rng=np.random.default_rng(9))
    b = binomial_rate_draws(5, 10, draws=50, rng=np.random.default_rng(9))
    assert (a == b).all()


def test_percentile_interval_is_numpy_percentiles():
    values = np.arange(1, 101, dtype=float)
    ci = percentile_interval(values)
    assert ci.low == pytest.approx(np.percentile(values, 2.5))
    assert ci.high == pytest.approx(np.percentile(values, 97.5))
    ci90 = percentile_interval(values, 0.9)
    assert ci90.low == pytest.approx(np.percentile(values, 5))
