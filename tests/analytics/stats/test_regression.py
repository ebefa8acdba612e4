"""Tests for analytics.stats.regression: the fit equals statsmodels' Logit on the same design
(peer library), fixed effects become dummies, and failures answer None."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from analytics.stats.regression import fit_logit, varying_columns


def _rows(n: int = 400, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    group = rng.choice(["a", "b", "c"], size=n)
    eta = -0.2 + 0.8 * x + np.where(group == "b", 0.5, 0.0)
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(int)
    return pd.DataFrame({"y": y, "x": x, "group": group, "constant": "k"})


def test_fit_logit_matches_statsmodels():
    rows = _rows()
    fit = fit_logit(rows.y, rows[["x"]], fixed_effects=rows[["group"]])
    assert fit is not None
    design = sm.add_constant(
        pd.concat(
            [
                rows[["x"]].astype(float),
                pd.get_dummies(rows[["group"]], drop_first=True, dtype=float),
            ],
            axis=1,
        )
    )
    ref = sm.Logit(rows.y.astype(float), design).fit(disp=0)
    assert fit.coefficient("x") == pytest.approx(float(ref.params["x"]), rel=1e-8)
    assert fit.se("x") == pytest.approx(float(np.sqrt(ref.cov_params().loc["x", "x"])), rel=1e-6)
    assert fit.variance("x", "group_b") == pytest.approx(
        float(ref.cov_params().loc["x", "group_b"]), rel=1e-6
    )
    assert fit.n == len(rows)


def test_fit_logit_separation_is_none():
    x = pd.DataFrame({"x": np.arange(20, dtype=float)})
    y = pd.Series((np.arange(20) >= 10).astype(int))
    assert fit_logit(y, x) is None


def test_varying_columns():
    rows = _rows(50)
    assert varying_columns(rows, ("group", "constant")) == ("group",)
