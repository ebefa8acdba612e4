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

import numpy as np
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


def fit_logit_grouped(
    successes: pd.Series,
    trials: pd.Series,
    x: pd.DataFrame,
    *,
    fixed_effects: pd.DataFrame | None = None,
    max_iter: int = 100,
) -> LogitFit | None:
    """:func:`fit_logit` on covariate patterns: one row per distinct design row with its number
    of ``trials`` and ``successes``, instead of one row per observation (issue 21: the Offers
    page's premium at 10M applications fitted 446k offers; they form ~40k patterns).

    Same model, same answer: the binomial log-likelihood of the pattern counts differs from the
    Bernoulli log-likelihood of the rows by a constant (the binomial coefficients), so the maximum
    likelihood estimates are identical, and so is the information matrix (Hosmer, Lemeshow &
    Sturdivant 2013, Applied Logistic Regression, 3rd ed., sec. 1.2 and 5.2.1 on covariate
    patterns; McCullagh & Nelder 1989, Generalized Linear Models, 2nd ed., sec. 4.4). Fitted with
    statsmodels' binomial GLM (IRLS) on (successes, failures); for the canonical logit link the
    expected information IRLS uses equals the observed information ``Logit`` uses, so the
    covariance matches :func:`fit_logit` on the rows (tested against it). None when the fit fails
    or does not converge, as in :func:`fit_logit`; a pattern with zero trials is dropped."""
    import statsmodels.api as sm

    keep = trials.to_numpy() > 0
    successes, trials, x = successes[keep], trials[keep], x[keep]
    design = x.astype(float)
    if fixed_effects is not None and len(fixed_effects.columns):
        dummies = pd.get_dummies(fixed_effects[keep].astype(str), drop_first=True, dtype=float)
        design = pd.concat([design, dummies], axis=1)
    design = sm.add_constant(design, has_constant="add")
    k = successes.to_numpy(dtype=float)
    endog = pd.DataFrame({"successes": k, "failures": trials.to_numpy(dtype=float) - k})
    endog.index = design.index
    try:
        with warnings.catch_warnings():
            # Separation shows as a warning or as non-convergence; both are answered with None.
            warnings.simplefilter("error", category=_separation_warning())
            warnings.simplefilter("ignore", category=RuntimeWarning)
            fit = sm.GLM(endog, design, family=sm.families.Binomial()).fit(
                maxiter=max_iter, tol=1e-10
            )
    except Exception:  # perfect separation or a singular matrix: no answer rather than a crash
        return None
    if not getattr(fit, "converged", True):
        return None
    cov = fit.cov_params()
    if not (np.all(np.isfinite(fit.params)) and np.all(np.isfinite(cov.to_numpy()))):
        return None
    return LogitFit(params=fit.params, cov=cov, pvalues=fit.pvalues, n=int(trials.sum()))


def _separation_warning() -> type[Warning]:
    try:
        from statsmodels.tools.sm_exceptions import PerfectSeparationWarning
    except ImportError:  # pragma: no cover - older statsmodels raise an error instead
        return RuntimeWarning
    return PerfectSeparationWarning
