"""Tests for analytics.stats.regression: the fit equals statsmodels' Logit on the same design
(peer library), fixed effects become dummies, and failures answer None."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.stats.regression import fit_logit, fit_logit_grouped, varying_columns


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


def _patterns(rows: pd.DataFrame) -> pd.DataFrame:
    rows = rows.assign(x=rows.x.round(1))  # repeated covariate values, as comp ratios are
    return rows.groupby(["x", "group"], as_index=False).agg(k=("y", "sum"), n=("y", "size"))


def test_fit_logit_grouped_equals_the_row_level_logit():
    """Covariate-pattern counts give statsmodels' row-level Logit estimates and covariance
    (peer implementation on the same rows), with n the number of rows."""
    rows = _rows(3000, seed=9).assign(x=lambda f: f.x.round(1))
    patterns = _patterns(rows)
    assert len(patterns) < len(rows) / 5
    grouped = fit_logit_grouped(
        patterns.k, patterns.n, patterns[["x"]], fixed_effects=patterns[["group"]]
    )
    design = sm.add_constant(
        pd.concat(
            [rows[["x"]], pd.get_dummies(rows[["group"]], drop_first=True, dtype=float)], axis=1
        )
    )
    ref = sm.Logit(rows.y.astype(float), design).fit(disp=0, tol=1e-12)
    assert grouped is not None
    assert grouped.n == len(rows)
    for name in ("const", "x", "group_b", "group_c"):
        assert grouped.coefficient(name) == pytest.approx(float(ref.params[name]), rel=1e-7)
        assert grouped.se(name) == pytest.approx(float(ref.bse[name]), rel=1e-6)
        assert grouped.pvalues[name] == pytest.approx(float(ref.pvalues[name]), rel=1e-5)
    assert grouped.variance("x", "group_b") == pytest.approx(
        float(ref.cov_params().loc["x", "group_b"]), rel=1e-6
    )


def test_fit_logit_grouped_failures_are_none():
    x = pd.DataFrame({"x": np.arange(20, dtype=float)})
    k = pd.Series((np.arange(20) >= 10).astype(int) * 3)
    assert fit_logit_grouped(k, pd.Series(np.full(20, 3)), x) is None  # separation
    # no variation in the outcome
    assert fit_logit_grouped(pd.Series(np.zeros(20)), pd.Series(np.full(20, 3)), x) is None


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(80, 600))
def test_fit_logit_grouped_matches_rows_for_any_sample(seed, n):
    rows = _rows(n, seed=seed)
    patterns = _patterns(rows)
    rows = rows.assign(x=rows.x.round(1))
    a = fit_logit_grouped(
        patterns.k, patterns.n, patterns[["x"]], fixed_effects=patterns[["group"]]
    )
    b = fit_logit(rows.y, rows[["x"]], fixed_effects=rows[["group"]])
    if a is not None and b is not None:
        for name in b.params.index:
            assert a.coefficient(name) == pytest.approx(b.coefficient(name), rel=1e-5, abs=1e-8)
            assert a.se(name) == pytest.approx(b.se(name), rel=1e-4)
