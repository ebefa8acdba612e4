"""The effect of a pipeline adjusted for several categorical confounders at once, from counts.

Why this module exists: pipelines are not randomised, and human-first processes cluster in some
role families, levels, regions, sources and months at the same time. Adjusting for one variable
at a time (Mantel-Haenszel) leaves the others confounding. Here the average effect over a target
population is estimated by two methods a reviewer accepts for observational data, side by side:

- **g-computation** (regression standardisation; Robins 1986, Math Model 7:1393-1512; Snowden,
  Rose & Mortimer 2011, Am J Epidemiol 173:731-738): an outcome model with main effects of every
  covariate plus the pipeline (logistic for a yes/no outcome, linear for a score), then the mean
  predicted outcome under each pipeline over everyone in the target population;
- **AIPW** (augmented inverse probability weighting, the doubly robust estimator; Robins,
  Rotnitzky & Zhao 1994, JASA 89:846-866; Lunceford & Davidian 2004, Stat Med 23:2937-2960;
  Glynn & Quinn 2010, Political Analysis 18:36-56, eq. 5): the same outcome model plus a
  logistic propensity model ``e(x) = P(first pipeline | covariates)``; consistent when either
  model is right.

Every covariate is categorical, so every individual in a covariate pattern (a cell of the
covariates crossed with the pipeline) has the same predictions. The models are fitted on pattern
counts (the pattern mean as outcome with the pattern size as prior weight, as statsmodels GLM
with ``var_weights`` does: the same estimating equations as the per-row fit; solved by our own
Newton iterations on an indicator design, see ``_glm`` and ``_Design``), and the
influence-function variances are summed per pattern from the count, the sum and the sum of
squares of the outcome, which equals the per-row sum exactly
(``sum (a + b y_i)^2 = n a^2 + 2 a b sum y + b^2 sum y^2``). So a 10M application database
is a few tens of thousands of rows here.

Standard errors:
- g-computation: the influence function of the plug-in mean including the outcome model's own
  estimation (M-estimation / delta method; Stefanski & Boos 2002, Am Stat 56:29-38), i.e.
  ``phi_i = m_a(x_i) - mu_a + g_a' M^-1 x_i (y_i - mu_i)`` with ``M`` the mean information and
  ``g_a`` the gradient of the standardised mean with respect to the coefficients;
- AIPW: the estimator's own influence function, treating the fitted models as known (Lunceford &
  Davidian 2004, eq. 21; Glynn & Quinn 2010, eq. 6). This is the usual choice; it is valid when
  both models are right and conservative when only the propensity model is.
- Ratio: the delta method on the log scale (``phi_1 / mu_1 - phi_0 / mu_0``).

Applications are treated as independent; pipelines are usually chosen per requisition, so the
intervals ignore clustering by requisition (they are narrower than a cluster-robust interval
would be when outcomes within a requisition are correlated). The page footnote says so. With a
``CLUSTER`` column in the patterns the influence functions are summed per cluster first
(cluster-robust, Liang & Zeger 1986); ``metrics.causal.adjusted_effects(cluster=True)`` does
that by requisition.

Which one is the headline (``headline_method``): AIPW when the overlap is adequate (at most
``MAX_SHARE_OUTSIDE`` of the applications have an estimated propensity outside
``OVERLAP_BOUNDS``, the region where inverse weights stay below 20; Crump, Hotz, Imbens & Mitnik
2009, Biometrika 96:187-199, trim at 0.1/0.9 by rule of thumb, we flag at the wider 0.05/0.95);
otherwise g-computation, which extrapolates through the outcome model, with a warning.

Positivity: a covariate level seen with one pipeline only (e.g. a region where nobody runs a
human-first process) cannot be estimated by any main-effects model; its applications are
excluded and counted (``excluded_n``). Patterns (full covariate combinations) with one pipeline
only are kept (the models bridge them) and counted as ``single_arm_cells`` / ``single_arm_n``.

Sensitivity to unmeasured confounding: the E-value (VanderWeele & Ding 2017, Ann Intern Med
167:268-274): the minimum strength of association, on the risk-ratio scale, that an unmeasured
confounder would need with both the pipeline and the outcome to explain the estimate away.
For a score (and the quality composite) through the standardised mean difference
(``e_value_smd``, the paper's Table 2 and the EValue package's ``evalues.MD``).
"""

from __future__ import annotations

import functools
import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import scipy.linalg
import scipy.sparse
from scipy import stats as sps

from analytics.stats.base import Interval, _check_conf, _z

Family = Literal["binomial", "gaussian"]
Method = Literal["aipw", "gcomp"]

OVERLAP_BOUNDS = (0.05, 0.95)
MAX_SHARE_OUTSIDE = 0.05
MIN_PER_PARAMETER = 1
"""Below this many applications per outcome-model parameter (for a yes/no outcome: per
parameter, counted on the rarer of yes and no, the "events per variable" of Peduzzi et al. 1996,
J Clin Epidemiol 49:1373-1379) the model is not fitted (``TooSparseError``): with fewer events
than parameters a logistic fit separates and its Wald-type interval is meaningless (a +54-point
"effect" with a narrow interval from 22 offers with 4 refusals and 14 parameters). It is a
floor, not the usual guideline: Vittinghoff & McCulloch (2007, Am J Epidemiol 165:710-718) find
bias and coverage acceptable from about 5-9 per parameter, which the month covariate's levels
would put out of reach of the demo's 12-month retention (48 leavers for 26 parameters; its
estimate recovers the generator's true effect). The page says when it refuses."""
MAX_ITERATIONS = 100
SMD_THRESHOLD = 0.1
"""|Standardised difference| below 0.1 counts as balanced (Austin 2009, Stat Med 28:3083-3107)."""

TREATED = "treated"
N, Y_SUM, Y_SUMSQ = "n", "y_sum", "y_sumsq"
CLUSTER = "cluster"
"""Optional column of ``adjusted_effect``'s patterns: the cluster (e.g. the requisition) of the
row's individuals, for cluster-robust standard errors (``_Clusters``)."""


class NotIdentifiedError(ValueError):
    """The data cannot identify the adjusted effect (one pipeline only, no outcome variation
    left, a model that cannot be fitted). The message says why, for a person."""


class TooSparseError(NotIdentifiedError):
    """Too few applications (or, for a yes/no outcome, too few of the rarer answer) for the
    number of parameters adjusting for everything at once needs (``MIN_PER_PARAMETER``)."""

    def __init__(self, available: int, parameters: int) -> None:
        self.available = available
        self.parameters = parameters
        self.needed = MIN_PER_PARAMETER * parameters
        super().__init__(
            f"{available} observations for {parameters} parameters (at least {self.needed} needed)"
        )


@dataclass(frozen=True)
class CausalEstimate:
    """One estimator's answer: the standardised means under each pipeline (``treated`` = the
    first pipeline, human-first), their difference and ratio with 95% intervals."""

    method: str
    mean_treated: float
    mean_control: float
    diff: float
    diff_se: float
    diff_ci: Interval
    p_value: float
    ratio: float
    ratio_ci: Interval

    @property
    def clear(self) -> bool:
        """The interval of the difference excludes zero (the same procedure as the p-value)."""
        return self.diff_ci.low > 0 or self.diff_ci.high < 0


@dataclass(frozen=True)
class Overlap:
    """How well the two pipelines overlap in the covariates, in the target population."""

    share_outside: float
    """Share of the applications whose estimated propensity lies outside ``OVERLAP_BOUNDS``."""
    adequate: bool
    single_arm_cells: int
    single_arm_n: int
    cells: int
    propensity: pd.DataFrame
    """One row per covariate pattern: ``e`` (propensity of the first pipeline), ``n_treated``,
    ``n_control``."""


@dataclass(frozen=True)
class CausalAnalysis:
    """Both estimators, the headline choice and the diagnostics for one outcome."""

    family: str
    covariates: tuple[str, ...]
    gcomp: CausalEstimate
    aipw: CausalEstimate
    headline_method: str
    overlap: Overlap
    balance: pd.DataFrame
    """covariate, level, smd_before, smd_after (IPW), n_treated, n_control."""
    n_treated: int
    n_control: int
    excluded_n: int
    excluded_levels: tuple[tuple[str, str], ...]

    @property
    def headline(self) -> CausalEstimate:
        return self.aipw if self.headline_method == "aipw" else self.gcomp

    @property
    def n(self) -> int:
        return self.n_treated + self.n_control


@dataclass(frozen=True)
class EValue:
    """VanderWeele & Ding (2017): for the point estimate and for the interval limit closer to the
    null (1.0 when the interval contains the null)."""

    point: float
    ci_limit: float
    risk_ratio: float
    """The risk ratio (or, for a score, the approximate risk ratio) the E-value was computed on."""


# --- E-value ----------------------------------------------------------------------------------


def e_value_rr(rr: float) -> float:
    """E-value of a risk ratio: ``RR + sqrt(RR (RR - 1))`` for RR >= 1, after taking ``1/RR``
    for a protective ratio (VanderWeele & Ding 2017, eq. 2 and Table). 1 at the null."""
    if not math.isfinite(rr) or rr <= 0:
        raise ValueError(f"a risk ratio must be a positive finite number, got {rr!r}")
    r = rr if rr >= 1 else 1.0 / rr
    return r + math.sqrt(r * (r - 1.0))


def e_value(rr: float, ci: Interval) -> EValue:
    """E-values of a risk ratio and of its confidence interval (the limit closer to 1; 1 when
    the interval contains 1), as in VanderWeele & Ding (2017), section "E-values for CIs"."""
    point = e_value_rr(rr)
    if ci.low <= 1.0 <= ci.high:
        limit = 1.0
    elif ci.low > 1.0:
        limit = e_value_rr(ci.low)
    else:
        limit = e_value_rr(ci.high)
    return EValue(point=point, ci_limit=limit, risk_ratio=rr)


SMD_TO_LOG_RR = 0.91
"""``log RR ~ 0.91 d`` for a standardised mean difference ``d`` (VanderWeele & Ding 2017, Table
2, after Hasselblad & Hedges 1995 and Chinn 2000: ``log OR ~ pi / sqrt(3) d = 1.81 d``, and the
square root of an odds ratio for a common outcome, VanderWeele 2017, Epidemiology 28:e58)."""


def e_value_smd(d: float, se: float, conf: float = 0.95) -> EValue:
    """E-value of a standardised mean difference ``d`` (difference / the outcome's SD) with
    standard error ``se`` (on the same scale), for a continuous outcome.

    VanderWeele & Ding (2017, Ann Intern Med 167:268-274, Table 2) and the EValue R package
    (``evalues.MD(est, se)``): ``RR ~ exp(0.91 d)`` with the interval
    ``exp(0.91 d - 1.78 se)`` to ``exp(0.91 d + 1.78 se)``, then the risk-ratio E-value
    (``e_value``). The published 1.78 is ``0.91 x 1.96`` rounded to two decimals; at another
    confidence level the multiplier is ``0.91 z`` rounded the same way, so the 95% values are
    those of the paper and the package to the last digit."""
    if not (math.isfinite(d) and math.isfinite(se)) or se < 0:
        raise ValueError(f"a finite difference and a non-negative standard error, got {d}, {se}")
    half = round(SMD_TO_LOG_RR * _z(_check_conf(conf)), 2)
    rr = math.exp(SMD_TO_LOG_RR * d)
    ci = Interval(math.exp(SMD_TO_LOG_RR * d - half * se), math.exp(SMD_TO_LOG_RR * d + half * se))
    return e_value(rr, ci)


def pooled_sd(n1: float, s1: float, q1: float, n0: float, s0: float, q0: float) -> float:
    """The pooled within-group standard deviation of two groups from each group's count ``n``,
    sum ``s`` and sum of squares ``q`` of the outcome:
    ``sqrt(((n1 - 1) v1 + (n0 - 1) v0) / (n1 + n0 - 2))`` with ``(n - 1) v = q - s^2 / n``
    (the denominator of Cohen's d; Cohen 1988, ch. 2; Hedges & Olkin 1985, ch. 5). NaN when a
    group has fewer than two observations."""
    if n1 < 2 or n0 < 2:
        return math.nan
    ss1 = max(q1 - s1 * s1 / n1, 0.0)
    ss0 = max(q0 - s0 * s0 / n0, 0.0)
    return math.sqrt((ss1 + ss0) / (n1 + n0 - 2))


# --- the pattern data ---------------------------------------------------------------------


def _codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes and sorted level names of one covariate. Categorical columns with sorted
    categories (what the metric passes, coded once per pattern frame) give their codes as they
    are; text columns are factorized as Arrow strings (much faster than converting every value
    to a numpy string first); anything else, or text with missing values, as its ``str``."""
    if isinstance(values.dtype, pd.CategoricalDtype) and not values.hasnans:
        categories = values.cat.categories
        if categories.is_monotonic_increasing and pd.api.types.is_string_dtype(categories):
            return (
                np.asarray(values.cat.codes, dtype=np.int64),
                np.asarray(categories, dtype=object),
            )
    if values.hasnans or not pd.api.types.is_string_dtype(values.dtype):
        values = pd.Series(np.asarray(values).astype(str))
    codes, levels = pd.factorize(values, sort=True)
    return np.asarray(codes, dtype=np.int64), np.asarray(levels, dtype=object)


def _combine(codes: np.ndarray, sizes: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """One group number per distinct row of ``codes`` (mixed-radix key) and each group's
    first row."""
    if math.prod(int(s) for s in sizes) >= 2**62:
        # Too many level combinations for one int64 key: unique rows instead (slower).
        _, first, inverse = np.unique(codes, axis=0, return_index=True, return_inverse=True)
        return inverse.ravel(), first
    key = np.zeros(codes.shape[0], dtype=np.int64)
    for j, size in enumerate(sizes):
        key = key * int(size) + codes[:, j]
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return inverse.ravel(), first


def _prune_positivity(
    codes: np.ndarray, treated: np.ndarray, levels: Sequence[np.ndarray], covariates: Sequence[str]
) -> tuple[np.ndarray, list[tuple[str, str]]]:
    """Rows to keep: drop rows whose level of any covariate occurs with one pipeline only;
    repeat until none is left (dropping one level can strand another)."""
    keep = np.ones(codes.shape[0], dtype=bool)
    dropped: list[tuple[str, str]] = []
    while True:
        bad = np.zeros_like(keep)
        for j, cov in enumerate(covariates):
            size = len(levels[j])
            c = codes[keep, j]
            t1 = np.bincount(c, weights=treated[keep], minlength=size)
            t0 = np.bincount(c, weights=1 - treated[keep], minlength=size)
            present = np.bincount(c, minlength=size) > 0
            lone = present & ((t1 == 0) | (t0 == 0))
            if lone.any():
                dropped.extend((cov, str(levels[j][k])) for k in np.flatnonzero(lone))
                bad |= keep & lone[codes[:, j]]
        if not bad.any():
            return keep, dropped
        keep &= ~bad


@dataclass(frozen=True)
class _Design:
    """A design matrix of indicator blocks: intercept, one block per covariate (at most one
    non-zero per row: the row's level, none for the reference level), then the pipeline. Stored
    as one column number and one value per row and block (column ``width`` and value 0 where a
    row has no entry in the block), so products and the weighted Gram matrix are bincounts.

    Why not ``scipy.sparse``: its general sparse product for ``X' W X`` took ~20 ms per call at
    17,000 patterns (about 45 calls per page run, measured at 1M applications); bincounts take a
    fraction of that, single-threaded (no BLAS thread contention on a loaded two-core machine).
    """

    cols: np.ndarray  # (rows, blocks) int64
    vals: np.ndarray  # (rows, blocks) float
    width: int

    @property
    def shape(self) -> tuple[int, int]:
        return (self.cols.shape[0], self.width)

    def dot(self, b: np.ndarray) -> np.ndarray:
        """``X @ b``."""
        ext = np.append(np.asarray(b, dtype=float), 0.0)
        return np.einsum("ij,ij->i", self.vals, ext[self.cols])

    def tdot(self, v: np.ndarray) -> np.ndarray:
        """``X' @ v``."""
        w = self.vals * np.asarray(v, dtype=float)[:, None]
        return np.bincount(self.cols.ravel(), w.ravel(), self.width + 1)[: self.width]

    @functools.cached_property
    def pairs(self) -> scipy.sparse.csr_array:
        """For ``_gram``: a ``(width + 1)^2 x rows`` matrix whose product with the weights is the
        flattened upper block triangle of ``X' diag(w) X``: per row and pair of blocks (a <= b),
        the product of the two values at (column in a, column in b). Fixed per design, so each
        Newton step is one sparse matrix-vector product (single-threaded)."""
        ia, ib = np.triu_indices(self.cols.shape[1])
        size = self.width + 1
        rows = self.cols.shape[0]
        idx = (self.cols[:, ia] * size + self.cols[:, ib]).ravel()
        vals = (self.vals[:, ia] * self.vals[:, ib]).ravel()
        at = np.repeat(np.arange(rows), len(ia))
        return scipy.sparse.csr_array((vals, (idx, at)), shape=(size * size, rows))

    def gram(self, w: np.ndarray) -> np.ndarray:
        return _gram(self, w)

    def toarray(self) -> np.ndarray:
        """The dense matrix (for tests)."""
        n = self.cols.shape[0]
        out = np.zeros((n, self.width + 1))
        np.add.at(
            out, (np.repeat(np.arange(n), self.cols.shape[1]), self.cols.ravel()), self.vals.ravel()
        )
        return out[:, : self.width]


@dataclass(frozen=True)
class _CellDesign:
    """The design ``[xc[cell], extra]``: each row is a covariate pattern's row of ``xc`` plus
    one more column (the pipeline), never materialised. Products go through the patterns
    (``bincount`` by ``cell`` first), so their cost is that of the patterns, not of the
    pattern x pipeline rows (about half as many at 1M applications)."""

    xc: _Design
    cell: np.ndarray
    extra: np.ndarray

    @property
    def width(self) -> int:
        return self.xc.width + 1

    @property
    def shape(self) -> tuple[int, int]:
        return (self.cell.shape[0], self.width)

    def _by_cell(self, v: np.ndarray) -> np.ndarray:
        return np.bincount(self.cell, v, self.xc.cols.shape[0])

    def dot(self, b: np.ndarray) -> np.ndarray:
        """``X @ b``."""
        return self.xc.dot(b[:-1])[self.cell] + self.extra * b[-1]

    def tdot(self, v: np.ndarray) -> np.ndarray:
        """``X' @ v``."""
        v = np.asarray(v, dtype=float)
        # np.sum, not np.dot: a BLAS dot of 17,000 values took ~9 ms on a loaded two-core
        # machine (thread contention), the plain sum well under 1 ms.
        return np.append(self.xc.tdot(self._by_cell(v)), float(np.sum(self.extra * v)))

    def gram(self, w: np.ndarray) -> np.ndarray:
        """``X' diag(w) X`` from the patterns' summed weights (the same sums, grouped)."""
        w = np.asarray(w, dtype=float)
        p = self.xc.width
        out = np.empty((p + 1, p + 1))
        out[:p, :p] = _gram(self.xc, self._by_cell(w))
        cross = self.xc.tdot(self._by_cell(w * self.extra))
        out[:p, p] = cross
        out[p, :p] = cross
        out[p, p] = float(np.sum(w * self.extra * self.extra))
        return out

    def toarray(self) -> np.ndarray:
        """The dense matrix (for tests)."""
        return np.column_stack([self.xc.toarray()[self.cell], self.extra])


def _dummies(cell_codes: np.ndarray, sizes: Sequence[int], weight: np.ndarray) -> _Design:
    """Intercept plus one indicator per level but the reference (the largest level, so the
    coefficients are estimated against the best-measured group)."""
    n = cell_codes.shape[0]
    blocks: list[np.ndarray] = [np.zeros(n, dtype=np.int64)]
    width = 1
    for j, size in enumerate(sizes):
        codes = cell_codes[:, j]
        present = np.bincount(codes, minlength=size) > 0
        # Levels absent after pruning get no column; the rest are renumbered densely.
        dense = np.cumsum(present) - 1
        codes = dense[codes]
        reference = int(np.argmax(np.bincount(codes, weights=weight)))
        col = np.where(codes > reference, codes - 1, codes) + width
        blocks.append(np.where(codes == reference, -1, col))
        width += int(present.sum()) - 1
    cols = np.column_stack(blocks).astype(np.int64)
    vals = (cols >= 0).astype(float)
    cols[cols < 0] = width
    return _Design(cols, vals, width)


def _gram(x: _Design, w: np.ndarray) -> np.ndarray:
    """``X' diag(w) X``: every pair of blocks (a <= b) adds its rows' weights at (the row's
    column in a, its column in b), one sparse product with ``x.pairs``; the pairs across blocks
    are mirrored. (A dense BLAS product took 88 ms for 4,232 x 40 on a loaded two-core machine
    from thread contention; a general scipy.sparse ``X' W X`` ~20 ms at 17,000 rows.)"""
    size = x.width + 1
    m = (x.pairs @ np.asarray(w, dtype=float)).reshape(size, size)[:-1, :-1]
    # Within a block a row's two columns coincide (the diagonal); across blocks they differ.
    return m + m.T - np.diag(np.diag(m))


PIVOT_TOLERANCE = 1e-12
"""Cholesky pivots (squared) below this share of the largest diagonal entry count as a singular
matrix (collinear columns, or a separated logistic fit whose weights vanish)."""


def _solve(m: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``m^-1 b`` for a symmetric positive semi-definite ``m`` (a weighted Gram matrix): by
    Cholesky, or by the pseudo-inverse (the minimum-norm solution) when ``m`` is singular.

    Why not always the pseudo-inverse: its SVD of a 46 x 46 matrix took 15 ms CPU (40 ms wall) on
    a loaded two-core machine, against 0.1 ms for the Cholesky solve, and a page run solves about
    fifty of them. For a positive definite matrix both give the same solution up to rounding."""
    try:
        factor = scipy.linalg.cho_factor(m, check_finite=False)
        pivots = np.diag(factor[0]) ** 2
        if (
            np.all(np.isfinite(pivots))
            and pivots.min() > PIVOT_TOLERANCE * np.abs(np.diag(m)).max()
        ):
            return scipy.linalg.cho_solve(factor, b, check_finite=False)
    except np.linalg.LinAlgError:
        pass
    return np.linalg.pinv(m) @ b


def _glm(
    endog: np.ndarray, exog: _Design | _CellDesign, weight: np.ndarray, family: Family
) -> np.ndarray:
    """Coefficients of a GLM fitted to pattern means ``endog`` with prior weights ``weight`` (the
    pattern sizes): the score equations ``sum_r w_r x_r (ybar_r - mu_r) = 0`` equal the per-row
    fit's (McCullagh & Nelder 1989, sec. 2.5; statsmodels GLM with ``var_weights`` solves the
    same, and the tests compare with statsmodels' per-row Logit and OLS).

    Newton-Raphson on the p x p normal equations rather than statsmodels' IRLS, which solves a
    least-squares problem on the whole (patterns x p) matrix in every iteration (0.5-1 s per
    iteration at 4,000 patterns on a busy two-core machine; this takes milliseconds). Logistic:
    Fisher scoring = Newton for the canonical link, with step halving when the log-likelihood
    does not improve. Separation (a level whose outcome is all yes or all no) drives a
    coefficient towards infinity while the predictions converge to the observed 0 or 1, which
    is all the standardisation needs: iterations stop when the log-likelihood stops moving.
    """
    if family == "gaussian":
        params = _solve(exog.gram(weight), exog.tdot(weight * endog))
        if not np.all(np.isfinite(params)):
            raise NotIdentifiedError("the model could not be fitted")
        return params

    def loglik(b: np.ndarray) -> tuple[float, np.ndarray]:
        """The log-likelihood at ``b`` and the linear predictor (reused for the next step)."""
        eta = exog.dot(b)
        return float(np.sum(weight * (endog * eta - np.logaddexp(0.0, eta)))), eta

    mean = float(np.sum(weight * endog) / np.sum(weight))
    params = np.zeros(exog.shape[1])
    params[0] = math.log(mean / (1 - mean)) if 0 < mean < 1 else 0.0
    current, eta = loglik(params)
    for _ in range(MAX_ITERATIONS):
        mu = _mean(eta, "binomial")
        score = exog.tdot(weight * (endog - mu))
        info = exog.gram(weight * mu * (1 - mu))
        step = _solve(info, score)
        for _half in range(30):
            trial = params + step
            value, trial_eta = loglik(trial)
            if value >= current - 1e-12:
                break
            step = step / 2
        else:
            break
        params, improvement, eta = trial, value - current, trial_eta
        current = value
        if improvement < 1e-10 * (1 + abs(current)) and np.max(np.abs(step)) < 1e-6:
            break
        if improvement < 1e-12 * (1 + abs(current)):
            break
    if not np.all(np.isfinite(params)):
        raise NotIdentifiedError("the model did not converge")
    return params


def _mean(eta: np.ndarray, family: Family) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-eta)) if family == "binomial" else eta


def _dmean(mu: np.ndarray, family: Family) -> np.ndarray:
    """d mean / d linear predictor (canonical links: the variance function for the logit)."""
    return mu * (1.0 - mu) if family == "binomial" else np.ones_like(mu)


def _sum_sq(
    alpha: np.ndarray, beta: np.ndarray, rows: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> float:
    """Sum over individuals of ``(alpha + beta y_i)^2``, from each pattern's n, sum and sum of
    squares of y."""
    n, s1, s2 = rows
    total = float(np.sum(n * alpha**2 + 2.0 * alpha * beta * s1 + beta**2 * s2))
    scale = float(np.sum(n * alpha**2) + np.sum(beta**2 * s2))
    # The expanded form cancels catastrophically when the coefficients are huge (a separated
    # logistic fit on few applications: terms of 1e24 whose sum came out at -6e8 on a 53-hire
    # retention sample); its square root is then no standard error at all. Say so rather than
    # print a zero-width or absurdly wide interval.
    if scale > 0 and total < 1e-8 * scale:
        raise NotIdentifiedError("the variance cannot be computed: the model separates")
    return max(total, 0.0)


@dataclass(frozen=True)
class _Clusters:
    """Which cluster each input row belongs to, for cluster-robust variances: per input row
    (patterns split further by cluster) its pattern row ``row``, cluster code ``code``, count
    ``n`` and outcome sum ``s``."""

    row: np.ndarray
    code: np.ndarray
    n: np.ndarray
    s: np.ndarray

    def sum_sq(self, alpha: np.ndarray, beta: np.ndarray) -> float:
        """``sum_g (sum_{i in g} (alpha + beta y_i))^2``: the influence functions added up
        within each cluster, then squared (the cluster-robust "meat"; Liang & Zeger 1986,
        Biometrika 73:13-22; Cameron & Miller 2015, J Hum Resour 50:317-372, eq. 12, without
        the small-sample factor). A cluster's sum needs only its count and outcome sum per
        pattern: ``n alpha + beta sum y``."""
        contrib = self.n * alpha[self.row] + beta[self.row] * self.s
        return float(np.sum(np.bincount(self.code, contrib) ** 2))


def _estimate(
    method: str,
    mu1: float,
    mu0: float,
    ifs: tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]],
    rows: tuple[np.ndarray, np.ndarray, np.ndarray],
    total: float,
    conf: float,
    clusters: _Clusters | None = None,
) -> CausalEstimate:
    """Difference and ratio with Wald intervals from the influence-function coefficients
    ``(alpha, beta)`` of each standardised mean (per pattern row); cluster-robust when
    ``clusters`` is given."""
    (a1, b1), (a0, b0) = ifs
    z = _z(conf)
    diff = mu1 - mu0

    def sum_sq(alpha: np.ndarray, beta: np.ndarray) -> float:
        return _sum_sq(alpha, beta, rows) if clusters is None else clusters.sum_sq(alpha, beta)

    se = math.sqrt(sum_sq(a1 - a0, b1 - b0)) / total
    diff_ci = Interval(diff - z * se, diff + z * se)
    p = float(2.0 * sps.norm.sf(abs(diff) / se)) if se > 0 else (0.0 if diff else 1.0)
    if mu1 > 0 and mu0 > 0:
        ratio = mu1 / mu0
        se_log = math.sqrt(sum_sq(a1 / mu1 - a0 / mu0, b1 / mu1 - b0 / mu0)) / total
        ratio_ci = Interval(ratio * math.exp(-z * se_log), ratio * math.exp(z * se_log))
    else:
        ratio, ratio_ci = math.nan, Interval(math.nan, math.nan)
    return CausalEstimate(
        method=method,
        mean_treated=mu1,
        mean_control=mu0,
        diff=diff,
        diff_se=se,
        diff_ci=diff_ci,
        p_value=p,
        ratio=ratio,
        ratio_ci=ratio_ci,
    )


def _balance(
    cell_codes: np.ndarray,
    levels: Sequence[np.ndarray],
    covariates: Sequence[str],
    e: np.ndarray,
    n1: np.ndarray,
    n0: np.ndarray,
) -> pd.DataFrame:
    """Standardised differences of every covariate level's share between the pipelines, before
    and after inverse probability weighting (ATE weights 1/e and 1/(1-e)). The denominator is the
    unweighted pooled SD of a binary indicator, ``sqrt((p1 (1-p1) + p0 (1-p0)) / 2)``, for both
    (Austin 2009, Stat Med 28:3083-3107, eq. for binary covariates; Austin & Stuart 2015, Stat
    Med 34:3661-3679, recommend the same denominator before and after weighting)."""
    w1, w0 = n1 / e, n0 / (1.0 - e)
    parts: dict[str, list[np.ndarray]] = {k: [] for k in ("cov", "level", "before", "after")}
    parts |= {"k1": [], "k0": []}
    for j, cov in enumerate(covariates):
        size = len(levels[j])
        c = cell_codes[:, j]
        k1, k0 = np.bincount(c, n1, size), np.bincount(c, n0, size)
        p1, p0 = k1 / n1.sum(), k0 / n0.sum()
        q1, q0 = np.bincount(c, w1, size) / w1.sum(), np.bincount(c, w0, size) / w0.sum()
        sd = np.sqrt((p1 * (1 - p1) + p0 * (1 - p0)) / 2.0)
        safe = np.where(sd > 0, sd, 1.0)
        present = (k1 + k0) > 0
        parts["cov"].append(np.full(int(present.sum()), cov, dtype=object))
        parts["level"].append(np.asarray([str(v) for v in levels[j]], dtype=object)[present])
        parts["before"].append(np.where(sd > 0, (p1 - p0) / safe, 0.0)[present])
        parts["after"].append(np.where(sd > 0, (q1 - q0) / safe, 0.0)[present])
        parts["k1"].append(k1[present].astype(np.int64))
        parts["k0"].append(k0[present].astype(np.int64))
    # One frame at the end (a frame per covariate and a concat cost more than the arithmetic).
    return pd.DataFrame(
        {
            "covariate": np.concatenate(parts["cov"]),
            "level": np.concatenate(parts["level"]),
            "smd_before": np.concatenate(parts["before"]),
            "smd_after": np.concatenate(parts["after"]),
            "n_treated": np.concatenate(parts["k1"]),
            "n_control": np.concatenate(parts["k0"]),
        }
    )


@dataclass(frozen=True)
class _PropensitySide:
    """What depends only on the covariate patterns and the pipelines' counts in them, not on
    the outcome: the design, the propensity scores and the balance table."""

    design: _Design
    e: np.ndarray
    balance: pd.DataFrame


def _propensity_side(
    cell_codes: np.ndarray,
    sizes: Sequence[int],
    n_cell1: np.ndarray,
    n_cell0: np.ndarray,
    levels: Sequence[np.ndarray],
    covariates: Sequence[str],
    memo: dict[bytes, object] | None,
) -> _PropensitySide:
    """The propensity model on the cells (share of the first pipeline, weighted by the cell
    size) with its design and balance table. Outcomes with the same target population (hire
    rate and withdrawal: the decided applications) have the same patterns and counts: with a
    ``memo`` (one dict per page run, from the caller) the result is remembered by a digest of
    exactly those inputs and fitted once per run instead of once per outcome. No memo across
    runs: a new view has new counts, and the app caches whole results already."""
    digest = hashlib.blake2b(digest_size=32)
    for arr in (cell_codes, n_cell1, n_cell0):
        digest.update(np.ascontiguousarray(arr).tobytes())
        digest.update(repr((arr.shape, arr.dtype.str)).encode())
    digest.update(repr((tuple(sizes), tuple(covariates))).encode())
    for lv in levels:
        digest.update("\x1f".join(str(v) for v in lv).encode() + b"\x1e")
    key = digest.digest()
    hit = None if memo is None else memo.get(key)
    if isinstance(hit, _PropensitySide):
        return hit
    n_cell = n_cell1 + n_cell0
    xc = _dummies(cell_codes, sizes, n_cell)
    gamma = _glm(n_cell1 / n_cell, xc, n_cell, "binomial")
    e = np.clip(_mean(xc.dot(gamma), "binomial"), 1e-12, 1 - 1e-12)
    e.setflags(write=False)  # shared between results: nobody may change it
    side = _PropensitySide(xc, e, _balance(cell_codes, levels, covariates, e, n_cell1, n_cell0))
    if memo is not None:
        memo[key] = side
    return side


def _clusters(frame: pd.DataFrame, group: np.ndarray, keep: np.ndarray) -> _Clusters:
    """The input rows' clusters, mapped to the pattern rows left after the positivity pruning
    (rows of dropped patterns leave out). A missing cluster is one cluster of its own."""
    position = np.full(len(keep), -1, dtype=np.int64)
    position[np.flatnonzero(keep)] = np.arange(int(keep.sum()))
    row = position[group]
    kept = row >= 0
    labels = frame[CLUSTER].astype(object).where(frame[CLUSTER].notna(), "\x00missing")
    code, _ = pd.factorize(labels.to_numpy()[kept])
    return _Clusters(
        row=row[kept],
        code=np.asarray(code, dtype=np.int64),
        n=frame[N].to_numpy(float)[kept],
        s=frame[Y_SUM].to_numpy(float)[kept],
    )


def adjusted_effect(
    patterns: pd.DataFrame,
    covariates: Sequence[str],
    *,
    family: Family = "binomial",
    conf: float = 0.95,
    memo: dict[bytes, object] | None = None,
) -> CausalAnalysis:
    """g-computation and AIPW estimates of the average effect of the first pipeline over the
    target population (every individual in ``patterns`` after the positivity pruning).

    ``patterns``: one row per covariate pattern and pipeline with the columns ``covariates``,
    ``treated`` (1 = first pipeline, 0 = second), ``n`` (individuals), ``y_sum`` and ``y_sumsq``
    (sum and sum of squares of the outcome; for a yes/no outcome both are the count of yes).
    With a ``cluster`` column (``CLUSTER``; rows then split the patterns further by cluster,
    summed into the patterns for the fits) the standard errors are cluster-robust: the
    influence functions are added up within each cluster before squaring, as the sandwich
    estimator does (tested equal to statsmodels' cluster-robust OLS coefficient variance, which
    the g-computation difference of a main-effects linear model is).
    Raises ``NotIdentifiedError`` when the data cannot answer. ``memo``: a dict shared by the
    calls of one page run, so outcomes with the same target population fit the propensity
    model once (``_propensity_side``).
    """
    conf = _check_conf(conf)
    covariates = tuple(covariates)
    frame = patterns.loc[patterns[N] > 0]
    coded = [_codes(frame[cov]) for cov in covariates]
    levels = [lv for _, lv in coded]
    sizes = [max(len(lv), 1) for lv in levels]
    raw_codes = np.column_stack([c for c, _ in coded]) if coded else np.zeros((len(frame), 0))
    raw_treated = frame[TREATED].to_numpy().astype(np.int64)
    # Duplicate patterns (the same covariates and pipeline on several rows) are added up.
    group, first = _combine(np.column_stack([raw_codes, raw_treated]), [*sizes, 2])
    n_arr = np.bincount(group, frame[N].to_numpy(float))
    s1 = np.bincount(group, frame[Y_SUM].to_numpy(float))
    s2 = np.bincount(group, frame[Y_SUMSQ].to_numpy(float))
    codes, treated = raw_codes[first], raw_treated[first]
    total_in = float(n_arr.sum())
    if len(np.unique(treated)) < 2:
        raise NotIdentifiedError("only one pipeline is present")
    keep, dropped = _prune_positivity(codes, treated, levels, covariates)
    if not keep.any() or len(np.unique(treated[keep])) < 2:
        raise NotIdentifiedError("the pipelines share no covariate level")
    clusters = _clusters(frame, group, keep) if CLUSTER in frame.columns else None
    codes, treated = codes[keep], treated[keep]
    n_arr, s1, s2 = n_arr[keep], s1[keep], s2[keep]
    rows = (n_arr, s1, s2)
    total = float(n_arr.sum())
    ybar = s1 / n_arr
    if family == "binomial" and (np.all(ybar == 0) or np.all(ybar == 1)):
        raise NotIdentifiedError("the outcome does not vary")
    # Parameters of the outcome model on what is left: intercept, pipeline, and each
    # covariate's levels present after the pruning but its reference.
    parameters = 2 + sum(len(np.unique(codes[:, j])) - 1 for j in range(codes.shape[1]))
    events = float(s1.sum())
    available = min(events, total - events) if family == "binomial" else total
    if available < MIN_PER_PARAMETER * parameters:
        raise TooSparseError(int(round(available)), parameters)

    # Covariate patterns (cells) and each row's cell.
    cell, first_row = _combine(codes, sizes)
    cell_codes = codes[first_row]
    n_cells = len(first_row)
    n_cell1 = np.bincount(cell, weights=n_arr * treated, minlength=n_cells)
    n_cell0 = np.bincount(cell, weights=n_arr * (1 - treated), minlength=n_cells)
    n_cell = n_cell1 + n_cell0
    side = _propensity_side(cell_codes, sizes, n_cell1, n_cell0, levels, covariates, memo)
    xc, e = side.design, side.e

    # Outcome model: intercept, pipeline, covariate main effects; fitted on the pattern rows.
    x_rows = _CellDesign(xc, cell, treated.astype(float))
    beta = _glm(ybar, x_rows, n_arr, family)
    x1 = _CellDesign(xc, np.arange(n_cells), np.ones(n_cells))
    x0 = _CellDesign(xc, np.arange(n_cells), np.zeros(n_cells))
    m1, m0 = _mean(x1.dot(beta), family), _mean(x0.dot(beta), family)
    mu_rows = _mean(x_rows.dot(beta), family)

    # g-computation: standardise over everyone in the target population.
    g_mu1 = float(np.sum(n_cell * m1) / total)
    g_mu0 = float(np.sum(n_cell * m0) / total)
    info = x_rows.gram(n_arr * _dmean(mu_rows, family)) / total
    grad1 = x1.tdot(n_cell * _dmean(m1, family)) / total
    grad0 = x0.tdot(n_cell * _dmean(m0, family)) / total
    h1 = x_rows.dot(_solve(info, grad1))
    h0 = x_rows.dot(_solve(info, grad0))
    g_ifs = (
        (m1[cell] - g_mu1 - h1 * mu_rows, h1),
        (m0[cell] - g_mu0 - h0 * mu_rows, h0),
    )
    gcomp = _estimate("gcomp", g_mu1, g_mu0, g_ifs, rows, total, conf, clusters)

    # AIPW (Glynn & Quinn 2010, eq. 5), per pattern row.
    e_r, m1_r, m0_r = e[cell], m1[cell], m0[cell]
    a_mu1 = float((np.sum(n_cell * m1) + np.sum(treated * (s1 - n_arr * m1_r) / e_r)) / total)
    a_mu0 = float(
        (np.sum(n_cell * m0) + np.sum((1 - treated) * (s1 - n_arr * m0_r) / (1 - e_r))) / total
    )
    a_ifs = (
        (m1_r - a_mu1 - treated * m1_r / e_r, treated / e_r),
        (m0_r - a_mu0 - (1 - treated) * m0_r / (1 - e_r), (1 - treated) / (1 - e_r)),
    )
    aipw = _estimate("aipw", a_mu1, a_mu0, a_ifs, rows, total, conf, clusters)

    low, high = OVERLAP_BOUNDS
    outside = (e < low) | (e > high)
    share_outside = float(n_cell[outside].sum() / total)
    single = (n_cell1 == 0) | (n_cell0 == 0)
    propensity = pd.DataFrame(
        {"e": e, "n_treated": n_cell1.astype(np.int64), "n_control": n_cell0.astype(np.int64)}
    )
    overlap = Overlap(
        share_outside=share_outside,
        adequate=share_outside <= MAX_SHARE_OUTSIDE,
        single_arm_cells=int(single.sum()),
        single_arm_n=int(n_cell[single].sum()),
        cells=n_cells,
        propensity=propensity,
    )
    return CausalAnalysis(
        family=family,
        covariates=covariates,
        gcomp=gcomp,
        aipw=aipw,
        headline_method="aipw" if overlap.adequate else "gcomp",
        overlap=overlap,
        balance=side.balance.copy(),
        n_treated=int(n_cell1.sum()),
        n_control=int(n_cell0.sum()),
        excluded_n=int(round(total_in - total)),
        excluded_levels=tuple(dropped),
    )


def patterns_from_rows(
    rows: pd.DataFrame,
    covariates: Sequence[str],
    treated: str,
    outcome: str,
    cluster: str | None = None,
) -> pd.DataFrame:
    """Per-individual rows to the pattern counts ``adjusted_effect`` takes (for tests and
    notebooks; the app builds the counts in SQL); with ``cluster``, split by that column too
    (as ``CLUSTER``)."""
    y = rows[outcome].astype(float)
    frame = pd.DataFrame({c: rows[c].astype(str) for c in covariates})
    frame[TREATED] = rows[treated].astype(int)
    keys = [*covariates, TREATED]
    if cluster is not None:
        frame[CLUSTER] = rows[cluster].astype(str)
        keys.append(CLUSTER)
    frame[N] = 1
    frame[Y_SUM] = y
    frame[Y_SUMSQ] = y * y
    return frame.groupby(keys, as_index=False).sum()
