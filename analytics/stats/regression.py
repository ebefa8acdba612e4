"""Logistic regression with fixed effects, fitted by statsmodels, answered with None (not a crash)
when the data cannot identify it.

Why this module exists: the Offers page's "human premium" is a ratio of two logit coefficients;
the fit, its failure modes (separation, no variation, non-convergence) and the coefficient
covariance are statistics, kept apart from the SQL that gathers the offers.

Model: logit P(y = 1) = b0 + x'b + fixed effects (one dummy per level but the first of every
fixed-effect column), maximum likelihood via ``statsmodels.Logit`` (Newton; Hosmer, Lemeshow &
Sturdivant 2013, Applied Logistic Regression, 3rd ed., ch. 1-2). Standard errors are the inverse
observed information, statsmodels' default.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class LogitFit:
    """Coefficients, their covariance and Wald p-values, indexed by column name (plus "const")."""

    params: pd.Series
    cov: pd.DataFrame
    pvalues: pd.Series
    n: int

    def coefficient(self, name: str) -> float:
        return float(self.params[name])

    def variance(self, name: str, other: str | None = None) -> float:
        return float(self.cov.loc[name, other or name])

    def se(self, name: str) -> float:
        return float(math.sqrt(self.cov.loc[name, name]))


def fit_logit(
    y: pd.Series,
    x: pd.DataFrame,
    *,
    fixed_effects: pd.DataFrame | None = None,
    max_iter: int = 100,
) -> LogitFit | None:
    """Fit logit(y) on the columns of ``x`` plus dummies for ``fixed_effects`` (columns treated as
    categories; first level dropped) and a constant. None when the fit fails (perfect separation,
    a singular matrix) or does not converge within ``max_iter`` Newton steps."""
    import statsmodels.api as sm

    design = x.astype(float)
    if fixed_effects is not None and len(fixed_effects.columns):
        dummies = pd.get_dummies(fixed_effects.astype(str), drop_first=True, dtype=float)
        design = pd.concat([design, dummies], axis=1)
    design = sm.add_constant(design, has_constant="add")
    try:
        with warnings.catch_warnings():
            # Non-convergence and separation are checked below and answered with None.
            warnings.simplefilter("ignore")
            fit = sm.Logit(y.astype(float), design).fit(disp=0, maxiter=max_iter)
    except Exception:  # perfect separation or a singular matrix: no answer rather than a crash
        return None
    if not fit.mle_retvals.get("converged", True):
        return None
    return LogitFit(params=fit.params, cov=fit.cov_params(), pvalues=fit.pvalues, n=len(y))


def varying_columns(frame: pd.DataFrame, columns: Sequence[str]) -> tuple[str, ...]:
    """The columns that take more than one value (a constant fixed effect has no dummy)."""
    return tuple(c for c in columns if frame[c].nunique() > 1)
