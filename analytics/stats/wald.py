"""Normal-theory (Wald) inference for an estimate with a standard error: the interval, the two-sided
p-value, the delta method for a ratio of two coefficients, a logit coefficient as an odds ratio,
a difference-in-differences of four independent estimates, and a standard error read back from a
symmetric interval.

Why this module exists: the Offers premium, the Change page and the Business case each needed one
of these and had written it inline; one home means one formula, cited once, tested once.

Sources are cited at each formula; tested in tests/analytics/stats/test_wald.py.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from analytics.stats.base import Interval, _check_conf, _z

_NAN = math.nan


def wald_interval(estimate: float, se: float, *, conf: float = 0.95) -> Interval:
    """estimate +/- z_{1-alpha/2} se (the Wald interval; e.g. Agresti 2013, Categorical Data
    Analysis, 3rd ed., section 1.3.3). NaN when the estimate or se is not finite."""
    conf = _check_conf(conf)
    if not (math.isfinite(estimate) and math.isfinite(se)):
        return Interval(_NAN, _NAN)
    half = _z(conf) * se
    return Interval(estimate - half, estimate + half)


def wald_p_value(estimate: float, se: float, *, null: float = 0.0) -> float:
    """Two-sided p-value of z = (estimate - null) / se against the standard normal; NaN when
    se is zero or either value is not finite."""
    from scipy import stats

    if not (math.isfinite(estimate) and math.isfinite(se)) or se <= 0:
        return _NAN
    return float(2 * stats.norm.sf(abs(estimate - null) / se))


def odds_ratio_from_logit(beta: float, se: float, *, conf: float = 0.95) -> tuple[float, Interval]:
    """A logistic-regression coefficient as an odds ratio exp(beta) with the exponentiated Wald
    interval exp(beta +/- z se) (Hosmer, Lemeshow & Sturdivant 2013, Applied Logistic Regression,
    3rd ed., eq. 3.5)."""
    ci = wald_interval(beta, se, conf=conf)
    return math.exp(beta), Interval(math.exp(ci.low), math.exp(ci.high))


@dataclass(frozen=True)
class RatioEstimate:
    """A ratio of two estimates with its delta-method standard error and normal interval."""

    ratio: float
    se: float
    ci: Interval


def ratio_delta(
    b_num: float,
    b_den: float,
    *,
    var_num: float,
    var_den: float,
    cov: float,
    conf: float = 0.95,
) -> RatioEstimate:
    """The ratio b_num / b_den with its delta-method standard error and normal interval:
    gradient g = (1 / b_den, -b_num / b_den^2), var = g' Sigma g (Oehlert 1992, "A note on the
    delta method", The American Statistician 46:27-29)."""
    ratio = b_num / b_den
    g = np.array([1.0 / b_den, -b_num / b_den**2])
    sigma = np.array([[var_num, cov], [cov, var_den]])
    se = float(math.sqrt(max(float(g @ sigma @ g), 0.0)))
    return RatioEstimate(ratio, se, wald_interval(ratio, se, conf=conf))


FIELLER_BOUNDED = "bounded"
FIELLER_TWO_RAYS = "two_rays"
FIELLER_UNBOUNDED = "unbounded"


@dataclass(frozen=True)
class FiellerSet:
    """Fieller's confidence set for a ratio of two estimates.

    ``kind`` is "bounded" (an ordinary interval ``ci``), "two_rays" (everything outside ``gap``:
    the set is (-inf, gap.low] together with [gap.high, inf)) or "unbounded" (every real number).
    Only "bounded" identifies the ratio; ``den_z`` = b_den / se(b_den) says why it is not (the
    denominator is not distinguishable from zero when |den_z| < z)."""

    ratio: float
    kind: str
    ci: Interval
    gap: Interval
    den_z: float

    @property
    def identified(self) -> bool:
        return self.kind == FIELLER_BOUNDED


def fieller(
    b_num: float,
    b_den: float,
    *,
    var_num: float,
    var_den: float,
    cov: float,
    conf: float = 0.95,
) -> FiellerSet:
    """Fieller's (1954) confidence set for rho = b_num / b_den: every rho for which the z-test of
    b_num - rho b_den = 0 does not reject, i.e. the solutions of
    rho^2 (b^2 - z^2 v_bb) - 2 rho (a b - z^2 v_ab) + (a^2 - z^2 v_aa) <= 0
    (Fieller 1954, J. R. Stat. Soc. B 16:175-185; Franz 2007, "Ratios: A short guide to
    confidence limits and proper use", arXiv:0710.2024).

    Why not the delta method: when the denominator is not clearly away from zero the ratio is not
    identified and the delta method still prints a finite, symmetric interval. Fieller's set is
    then unbounded (two rays or the whole line), which is the honest answer: no number.
    """
    conf = _check_conf(conf)
    values = (b_num, b_den, var_num, var_den, cov)
    if not all(math.isfinite(v) for v in values) or var_num < 0 or var_den < 0:
        nan_i = Interval(_NAN, _NAN)
        return FiellerSet(_NAN, FIELLER_UNBOUNDED, nan_i, nan_i, _NAN)
    z2 = _z(conf) ** 2
    a_coef = b_den * b_den - z2 * var_den
    b_coef = b_num * b_den - z2 * cov
    c_coef = b_num * b_num - z2 * var_num
    disc = b_coef * b_coef - a_coef * c_coef
    ratio = b_num / b_den if b_den != 0 else _NAN
    den_z = b_den / math.sqrt(var_den) if var_den > 0 else math.copysign(math.inf, b_den)
    nan_i = Interval(_NAN, _NAN)
    if a_coef > 0:
        # The estimate itself satisfies the inequality, so disc >= 0 here (up to rounding).
        root = math.sqrt(max(disc, 0.0))
        ci = Interval((b_coef - root) / a_coef, (b_coef + root) / a_coef)
        return FiellerSet(ratio, FIELLER_BOUNDED, ci, nan_i, den_z)
    if a_coef < 0 and disc > 0:
        root = math.sqrt(disc)
        r1, r2 = sorted(((b_coef - root) / a_coef, (b_coef + root) / a_coef))
        return FiellerSet(ratio, FIELLER_TWO_RAYS, nan_i, Interval(r1, r2), den_z)
    return FiellerSet(ratio, FIELLER_UNBOUNDED, nan_i, nan_i, den_z)


@dataclass(frozen=True)
class DidEstimate:
    """Difference-in-differences: the change in the treated group, in the control group, their
    difference with its normal interval and two-sided p-value (NaN where undefined)."""

    change_treated: float
    change_control: float
    did: float
    ci: Interval
    p_value: float


def difference_in_differences(
    values: Mapping[tuple[str, str], float],
    variances: Mapping[tuple[str, str], float],
    *,
    conf: float = 0.95,
) -> DidEstimate:
    """DiD = (after_T - before_T) - (after_C - before_C) of four independent estimates keyed
    (group, period) with group "treated"/"control" and period "before"/"after".

    SE = sqrt of the sum of the four variances (independent cells), normal interval and two-sided
    p-value (Angrist & Pischke 2009, Mostly Harmless Econometrics, section 5.2; the variance of a
    sum of independent estimates). A missing cell gives all-NaN; a zero or non-finite SE keeps the
    point estimates and gives a NaN interval and p-value.
    """
    keys = [(g, p) for g in ("treated", "control") for p in ("before", "after")]
    if any(k not in values or k not in variances for k in keys):
        return DidEstimate(_NAN, _NAN, _NAN, Interval(_NAN, _NAN), _NAN)
    change_t = values[("treated", "after")] - values[("treated", "before")]
    change_c = values[("control", "after")] - values[("control", "before")]
    se = math.sqrt(sum(variances[k] for k in keys))
    d = change_t - change_c
    if not (math.isfinite(d) and math.isfinite(se)) or se == 0:
        return DidEstimate(change_t, change_c, d, Interval(_NAN, _NAN), _NAN)
    return DidEstimate(change_t, change_c, d, wald_interval(d, se, conf=conf), wald_p_value(d, se))


def se_from_interval(ci: Interval | None, conf: float = 0.95) -> float:
    """The standard error implied by a symmetric normal interval, (high - low) / (2 z).

    Used where only an estimate's interval is kept (e.g. Kaplan-Meier retention in the Overview)
    and a later step needs its spread; for an asymmetric interval (log-log) it is the average
    half-width on the natural scale, an approximation stated where it is used. NaN without a
    finite interval."""
    if ci is None or not (math.isfinite(ci.low) and math.isfinite(ci.high)):
        return _NAN
    return (ci.high - ci.low) / (2 * _z(conf))


def binomial_variance(k: int, n: int) -> float:
    """Variance of the sample proportion k/n, p (1 - p) / n (the binomial variance; Agresti 2013,
    section 1.3.1). NaN for n = 0."""
    if n <= 0:
        return _NAN
    p = k / n
    return p * (1 - p) / n
