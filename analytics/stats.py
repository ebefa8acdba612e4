"""Statistical primitives for AI vs HI: intervals, tests, effect sizes, corrections, power.

Why this module exists: every number the app shows about a difference between pipelines carries an
interval, a p-value and an effect size, and those must be right at the edges (0/n, n/n, tiny groups,
huge groups) where textbook formulas and some library defaults are wrong. The conventions are fixed
in DESIGN.md ("Statistics conventions"):

- rates: Wilson score interval (Wilson 1927; Newcombe 1998a, method 3);
- differences: Newcombe hybrid score interval (Newcombe 1998b, method 10);
- p-values: Pearson chi-square without continuity correction, Fisher's exact test when an expected
  count is below 5;
- stratified comparisons: Mantel-Haenszel with the Robins-Breslow-Greenland variance;
- many comparisons: Holm by default, Benjamini-Hochberg as an option.

Where scipy or statsmodels implement something correctly we call them and say so; where they are
wrong or missing (statsmodels' Miettinen-Nurminen "score" interval, statsmodels issue 10269; scipy's
default Yates correction on 2x2 tables) we implement the published formula and cite it.

This module never imports streamlit: it is a plain library, tested against published values.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import optimize, stats

__all__ = [
    "CrosstabResult",
    "Interval",
    "LogrankResult",
    "MantelHaenszelResult",
    "NpsResult",
    "ProportionComparison",
    "RankComparison",
    "adjust_pvalues",
    "column_letters",
    "compare_proportions",
    "crosstab_test",
    "design_effect",
    "diff_ci",
    "kaplan_meier",
    "kish_effective_n",
    "logrank",
    "mantel_haenszel",
    "median_survival",
    "nps",
    "power_two_proportions",
    "proportion_ci",
    "rank_compare",
    "sample_size_two_proportions",
    "survival_at",
    "weighted_proportion_ci",
]

ProportionMethod = Literal["wilson", "wilson_cc", "exact", "agresti_coull", "jeffreys", "wald"]
DiffMethod = Literal["newcombe", "newcombe_cc", "miettinen_nurminen", "wald"]
AdjustMethod = Literal["holm", "bh", "bonferroni"]
Alternative = Literal["two-sided", "less", "greater"]

PROPORTION_METHODS: tuple[str, ...] = (
    "wilson",
    "wilson_cc",
    "exact",
    "agresti_coull",
    "jeffreys",
    "wald",
)
DIFF_METHODS: tuple[str, ...] = ("newcombe", "newcombe_cc", "miettinen_nurminen", "wald")
ADJUST_METHODS: tuple[str, ...] = ("holm", "bh", "bonferroni")
ALTERNATIVES: tuple[str, ...] = ("two-sided", "less", "greater")

# Cochran's rule as used by DESIGN.md: switch to Fisher's exact test below this expected count.
MIN_EXPECTED_FOR_CHI_SQUARE = 5.0


def finite(x: object) -> bool:
    """True for a number (Python or numpy, or numeric text) that is not NaN or infinite."""
    try:
        return math.isfinite(float(x))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


class Interval(NamedTuple):
    """A confidence interval. ``low``/``high`` are NaN only where documented (undefined)."""

    low: float
    high: float

    def excludes(self, value: float) -> bool:
        """True when ``value`` lies strictly outside the interval (False if undefined)."""
        if math.isnan(self.low) or math.isnan(self.high):
            return False
        return value < self.low or value > self.high

    def contains(self, value: float) -> bool:
        """True when ``low <= value <= high`` (False if undefined)."""
        if math.isnan(self.low) or math.isnan(self.high):
            return False
        return self.low <= value <= self.high


_NAN_INTERVAL = Interval(math.nan, math.nan)


# ---------------------------------------------------------------------------------------------
# Validation helpers
# ---------------------------------------------------------------------------------------------


def _check_conf(conf: float) -> float:
    if isinstance(conf, bool) or not isinstance(conf, numbers.Real):
        raise ValueError(f"conf must be a number strictly between 0 and 1, got {conf!r}")
    value = float(conf)
    if not 0.0 < value < 1.0:
        raise ValueError(f"conf must be strictly between 0 and 1 (e.g. 0.95), got {conf!r}")
    return value


def _check_alpha(alpha: float, name: str = "alpha") -> float:
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real):
        raise ValueError(f"{name} must be a number strictly between 0 and 1, got {alpha!r}")
    value = float(alpha)
    if not 0.0 < value < 1.0:
        raise ValueError(f"{name} must be strictly between 0 and 1 (e.g. 0.05), got {alpha!r}")
    return value


def _check_count(name: str, value: Any) -> int:
    """A count: a finite, non-negative whole number (``5`` and ``5.0`` pass, ``5.5`` does not)."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a non-negative whole number (a count), got {value!r}")
    as_float = float(value)
    if not math.isfinite(as_float):
        raise ValueError(f"{name} must be a finite count, got {value!r}")
    if as_float < 0:
        raise ValueError(f"{name} must not be negative, got {value!r}")
    if as_float != math.floor(as_float):
        raise ValueError(f"{name} must be a whole number (a count), got {value!r}")
    return int(as_float)


def _check_k_n(k: Any, n: Any, k_name: str = "k", n_name: str = "n") -> tuple[int, int]:
    k_int = _check_count(k_name, k)
    n_int = _check_count(n_name, n)
    if k_int > n_int:
        raise ValueError(f"{k_name} ({k_int}) must not exceed {n_name} ({n_int})")
    return k_int, n_int


def _check_method(method: str, allowed: Sequence[str], what: str) -> str:
    if method not in allowed:
        raise ValueError(f"unknown {what} method {method!r}; choose one of {', '.join(allowed)}")
    return method


def _z(conf: float) -> float:
    """Two-sided standard normal critical value z_{1-(1-conf)/2}."""
    return float(stats.norm.ppf(0.5 + conf / 2.0))


def _column_label(index: int) -> str:
    """Spreadsheet-style column letters: 0 -> A, 25 -> Z, 26 -> AA."""
    label = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        label = chr(ord("A") + rem) + label
    return label


# ---------------------------------------------------------------------------------------------
# One proportion
# ---------------------------------------------------------------------------------------------


def proportion_ci(
    k: int, n: int, conf: float = 0.95, method: ProportionMethod = "wilson"
) -> Interval:
    """Confidence interval for a binomial proportion k/n.

    Methods (sources):

    - ``"wilson"``: Wilson (1927) score interval; Newcombe (1998a) Stat Med 17:857, method 3.
    - ``"wilson_cc"``: Wilson score interval with continuity correction; Newcombe (1998a), method 4.
    - ``"exact"``: Clopper-Pearson (1934) via beta quantiles; Newcombe (1998a), method 5.
    - ``"agresti_coull"``: Agresti & Coull (1998) Am Stat 52:119 "add z^2/2 successes and failures".
    - ``"jeffreys"``: equal-tailed Beta(k+1/2, n-k+1/2) interval with the Brown, Cai & DasGupta
      (2001) Stat Sci 16:101 boundary modification (low = 0 at k = 0, high = 1 at k = n).
    - ``"wald"``: p +/- z sqrt(p(1-p)/n), clipped to [0, 1]; shown only for comparison, it is
      known to undercover badly near 0 and 1 (Brown, Cai & DasGupta 2001).

    ``n == 0`` returns ``Interval(0.0, 1.0)``: with no observations every proportion is possible,
    which is the honest "no information" answer (not an error, not NaN).

    Raises ValueError for negative or non-whole counts, k > n, conf outside (0, 1) or an unknown
    method.
    """
    k_int, n_int = _check_k_n(k, n)
    conf = _check_conf(conf)
    _check_method(method, PROPORTION_METHODS, "proportion interval")
    return _proportion_ci_float(float(k_int), float(n_int), conf, method)


def _proportion_ci_float(k: float, n: float, conf: float, method: str) -> Interval:
    """Interval for possibly non-integer k and n (internal: Kish effective-n path).

    Callers validate; here only 0 <= k <= n is assumed. All formulas are the ones cited in
    :func:`proportion_ci` and are valid for real-valued k and n.
    """
    if n <= 0:
        return Interval(0.0, 1.0)
    k = min(max(k, 0.0), n)
    z = _z(conf)
    z2 = z * z
    p = k / n
    q = 1.0 - p
    at_zero = k <= 0.0
    at_one = k >= n

    if method == "wilson":
        # Newcombe (1998a) method 3: (2np + z^2 +/- z sqrt(z^2 + 4npq)) / (2(n + z^2)).
        centre = (k + z2 / 2.0) / (n + z2)
        half = z * math.sqrt(k * (n - k) / n + z2 / 4.0) / (n + z2)
        low, high = centre - half, centre + half
    elif method == "wilson_cc":
        # Newcombe (1998a) method 4 (continuity-corrected score interval).
        denom = 2.0 * (n + z2)
        low = 2 * n * p + z2 - 1 - z * math.sqrt(max(z2 - 2 - 1 / n + 4 * p * (n * q + 1), 0.0))
        high = 2 * n * p + z2 + 1 + z * math.sqrt(max(z2 + 2 - 1 / n + 4 * p * (n * q - 1), 0.0))
        low, high = low / denom, high / denom
    elif method == "exact":
        # Clopper & Pearson (1934): beta quantiles of the binomial tail inversion.
        alpha = 1.0 - conf
        low = float(stats.beta.ppf(alpha / 2.0, k, n - k + 1.0)) if not at_zero else 0.0
        high = float(stats.beta.ppf(1.0 - alpha / 2.0, k + 1.0, n - k)) if not at_one else 1.0
    elif method == "agresti_coull":
        # Agresti & Coull (1998): n~ = n + z^2, p~ = (k + z^2/2) / n~, Wald interval around p~.
        n_tilde = n + z2
        p_tilde = (k + z2 / 2.0) / n_tilde
        half = z * math.sqrt(p_tilde * (1.0 - p_tilde) / n_tilde)
        low, high = p_tilde - half, p_tilde + half
    elif method == "jeffreys":
        # Brown, Cai & DasGupta (2001), section 4.1.2, with their boundary modification.
        alpha = 1.0 - conf
        low = float(stats.beta.ppf(alpha / 2.0, k + 0.5, n - k + 0.5))
        high = float(stats.beta.ppf(1.0 - alpha / 2.0, k + 0.5, n - k + 0.5))
    elif method == "wald":
        half = z * math.sqrt(p * q / n)
        low, high = p - half, p + half
    else:  # pragma: no cover - guarded by callers
        raise ValueError(f"unknown proportion interval method {method!r}")

    if at_zero:
        low = 0.0
    if at_one:
        high = 1.0
    return Interval(float(min(max(low, 0.0), 1.0)), float(min(max(high, 0.0), 1.0)))


# ---------------------------------------------------------------------------------------------
# Difference of two proportions
# ---------------------------------------------------------------------------------------------


def diff_ci(
    k1: int,
    n1: int,
    k2: int,
    n2: int,
    conf: float = 0.95,
    method: DiffMethod = "newcombe",
) -> Interval:
    """Confidence interval for p1 - p2 of two independent binomial proportions.

    Methods (sources):

    - ``"newcombe"``: hybrid score interval from two Wilson intervals; Newcombe (1998b) Stat Med
      17:873, method 10. statsmodels' ``confint_proportions_2indep(method="newcomb")`` agrees.
    - ``"newcombe_cc"``: the same from continuity-corrected Wilson intervals; Newcombe (1998b),
      method 11.
    - ``"miettinen_nurminen"``: Miettinen & Nurminen (1985) Stat Med 4:213 score interval, with
      the N/(N-1) variance factor, found by root-finding; Newcombe (1998b), method 6. Written
      here because statsmodels' ``method="score"`` is wrong (statsmodels issue 10269).
    - ``"wald"``: d +/- z sqrt(p1 q1/n1 + p2 q2/n2), clipped to [-1, 1] (Newcombe 1998b, method 1).

    A group with ``n == 0`` carries no information: the result is ``Interval(-1.0, 1.0)``.
    """
    k1_int, n1_int = _check_k_n(k1, n1, "k1", "n1")
    k2_int, n2_int = _check_k_n(k2, n2, "k2", "n2")
    conf = _check_conf(conf)
    _check_method(method, DIFF_METHODS, "difference interval")
    if n1_int == 0 or n2_int == 0:
        return Interval(-1.0, 1.0)
    return _diff_ci_float(float(k1_int), float(n1_int), float(k2_int), float(n2_int), conf, method)


def _diff_ci_float(
    k1: float, n1: float, k2: float, n2: float, conf: float, method: str
) -> Interval:
    p1, p2 = k1 / n1, k2 / n2
    diff = p1 - p2
    if method in ("newcombe", "newcombe_cc"):
        # Newcombe (1998b) method 10 (11 with continuity-corrected Wilson limits):
        #   L = d - sqrt((p1 - l1)^2 + (u2 - p2)^2),  U = d + sqrt((u1 - p1)^2 + (p2 - l2)^2).
        single = "wilson" if method == "newcombe" else "wilson_cc"
        l1, u1 = _proportion_ci_float(k1, n1, conf, single)
        l2, u2 = _proportion_ci_float(k2, n2, conf, single)
        low = diff - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
        high = diff + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    elif method == "wald":
        half = _z(conf) * math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
        low, high = diff - half, diff + half
    elif method == "miettinen_nurminen":
        low, high = _miettinen_nurminen(k1, n1, k2, n2, conf)
    else:  # pragma: no cover - guarded by callers
        raise ValueError(f"unknown difference interval method {method!r}")
    return Interval(float(min(max(low, -1.0), 1.0)), float(min(max(high, -1.0), 1.0)))


def _mn_restricted_mle(
    p1: float, n1: float, p2: float, n2: float, delta: float
) -> tuple[float, float]:
    """Maximum-likelihood (p1~, p2~) under H0: p1 - p2 = delta.

    Closed-form root of the likelihood cubic from Miettinen & Nurminen (1985), appendix, as
    written out by Farrington & Manning (1990) Stat Med 9:1447, eq. (5):
    theta = n2/n1, a = 1 + theta, b = -(1 + theta + p1 + theta p2 + delta (theta + 2)),
    c = delta^2 + delta (2 p1 + theta + 1) + p1 + theta p2, d = -p1 delta (1 + delta),
    v = b^3/(3a)^3 - bc/(6a^2) + d/(2a), u = sign(v) sqrt(b^2/(3a)^2 - c/(3a)),
    w = (pi + arccos(v/u^3))/3, p1~ = 2u cos(w) - b/(3a), p2~ = p1~ - delta.
    """
    theta = n2 / n1
    a = 1.0 + theta
    b = -(1.0 + theta + p1 + theta * p2 + delta * (theta + 2.0))
    c = delta * delta + delta * (2.0 * p1 + theta + 1.0) + p1 + theta * p2
    d = -p1 * delta * (1.0 + delta)
    v = b**3 / (3.0 * a) ** 3 - b * c / (6.0 * a * a) + d / (2.0 * a)
    u_sq = b * b / (3.0 * a) ** 2 - c / (3.0 * a)
    u = math.copysign(math.sqrt(max(u_sq, 0.0)), v)
    if u == 0.0:
        ratio = 1.0
    else:
        ratio = min(max(v / u**3, -1.0), 1.0)
    w = (math.pi + math.acos(ratio)) / 3.0
    p1_tilde = 2.0 * u * math.cos(w) - b / (3.0 * a)
    lo, hi = max(0.0, delta), min(1.0, 1.0 + delta)
    p1_tilde = min(max(p1_tilde, lo), hi)
    p2_tilde = min(max(p1_tilde - delta, 0.0), 1.0)
    return p1_tilde, p2_tilde


def _miettinen_nurminen(k1: float, n1: float, k2: float, n2: float, conf: float) -> Interval:
    """Miettinen & Nurminen (1985) score interval for p1 - p2.

    The interval is {delta : (d - delta)^2 <= chi2_{1,conf} V(delta)} with
    V(delta) = (p1~ q1~ / n1 + p2~ q2~ / n2) * N / (N - 1), N = n1 + n2, p~ the restricted MLE.
    Each limit is the single root of g(delta) = (d - delta)^2 - chi2 V(delta) on its side of d.
    """
    p1, p2 = k1 / n1, k2 / n2
    diff = p1 - p2
    n_total = n1 + n2
    crit = _z(conf) ** 2
    factor = n_total / (n_total - 1.0) if n_total > 1 else 1.0

    def g(delta: float) -> float:
        a1, a2 = _mn_restricted_mle(p1, n1, p2, n2, delta)
        var = (a1 * (1 - a1) / n1 + a2 * (1 - a2) / n2) * factor
        return (diff - delta) ** 2 - crit * var

    def limit(direction: float) -> float:
        edge = direction * 1.0  # -1 for the lower limit, +1 for the upper
        if (edge - diff) * direction <= 0:  # the estimate sits on the boundary
            return edge
        # Step off the estimate until g < 0 (the variance there can be 0, e.g. 0/n - 0/m).
        step = 1e-9
        inner = diff + direction * step
        while g(inner) >= 0 and step < 1e-3:
            step *= 10
            inner = diff + direction * step
        if g(edge) <= 0:
            return edge
        if g(inner) >= 0:  # pragma: no cover - numerically degenerate
            return inner
        return float(optimize.brentq(g, min(inner, edge), max(inner, edge), xtol=1e-12))

    return Interval(limit(-1.0), limit(1.0))


# ---------------------------------------------------------------------------------------------
# Two-group comparison (2x2 table)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProportionComparison:
    """Group 1 vs group 2 on a yes/no outcome (e.g. human-first vs automation-first acceptance).

    ``ci`` is the Newcombe hybrid score interval for ``diff = p1 - p2``; ``test`` says which test
    produced ``p_value`` ("chi-square", "fisher" or "none").
    """

    p1: float
    p2: float
    diff: float
    ci: Interval
    p_value: float
    test: str
    risk_ratio: float
    risk_ratio_ci: Interval
    odds_ratio: float
    odds_ratio_ci: Interval
    cohens_h: float
    n1: int
    n2: int
    k1: int
    k2: int

    @property
    def clear(self) -> bool:
        """A "clear difference": the interval for p1 - p2 excludes 0."""
        return self.ci.excludes(0.0)


def _two_by_two_test(table: np.ndarray) -> tuple[float, str]:
    """P-value for a 2x2 count table per DESIGN.md: Pearson chi-square (no Yates), or Fisher's
    exact test (two-sided, R's "sum of probabilities <= observed") when an expected count < 5.

    Returns (nan, "none") when a row or column total is zero (no test is possible).
    """
    rows = table.sum(axis=1)
    cols = table.sum(axis=0)
    if (rows <= 0).any() or (cols <= 0).any():
        return math.nan, "none"
    expected = np.outer(rows, cols) / table.sum()
    if expected.min() < MIN_EXPECTED_FOR_CHI_SQUARE:
        return float(stats.fisher_exact(table.astype(np.int64)).pvalue), "fisher"
    # scipy applies Yates' correction to 2x2 tables by default (PITFALLS.md): switch it off.
    result = stats.chi2_contingency(table, correction=False)
    return float(result.pvalue), "chi-square"


def _log_ratio_ci(log_est: float, se: float, z: float) -> Interval:
    return Interval(math.exp(log_est - z * se), math.exp(log_est + z * se))


def _odds_ratio_woolf(a: float, b: float, c: float, d: float, z: float) -> tuple[float, Interval]:
    """Odds ratio ad/bc with Woolf's (1955) logit interval, se = sqrt(1/a + 1/b + 1/c + 1/d).

    With a zero cell the Haldane (1956) / Anscombe correction adds 0.5 to every cell, for the
    estimate and the interval alike, so that both are finite and consistent.
    A zero row or column total makes the odds ratio undefined: (nan, (nan, nan)).
    """
    if a + b == 0 or c + d == 0 or a + c == 0 or b + d == 0:
        return math.nan, _NAN_INTERVAL
    if min(a, b, c, d) == 0:
        a, b, c, d = a + 0.5, b + 0.5, c + 0.5, d + 0.5
    log_or = math.log(a * d / (b * c))
    se = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    return math.exp(log_or), _log_ratio_ci(log_or, se, z)


def _risk_ratio_katz(
    k1: float, n1: float, k2: float, n2: float, z: float
) -> tuple[float, Interval]:
    """Risk ratio p1/p2 with the Katz et al. (1978) Biometrics 34:469 log interval,
    se = sqrt(1/k1 - 1/n1 + 1/k2 - 1/n2).

    With a zero success count, 0.5 is added to every cell (k + 0.5 of n + 1), for the estimate
    and the interval alike. Undefined (nan) when a group is empty or nobody had the outcome.
    """
    if n1 == 0 or n2 == 0 or k1 + k2 == 0:
        return math.nan, _NAN_INTERVAL
    if k1 == 0 or k2 == 0:
        k1, n1, k2, n2 = k1 + 0.5, n1 + 1.0, k2 + 0.5, n2 + 1.0
    log_rr = math.log((k1 / n1) / (k2 / n2))
    se = math.sqrt(max(1 / k1 - 1 / n1 + 1 / k2 - 1 / n2, 0.0))
    return math.exp(log_rr), _log_ratio_ci(log_rr, se, z)


def compare_proportions(
    k1: int, n1: int, k2: int, n2: int, conf: float = 0.95
) -> ProportionComparison:
    """Compare two proportions k1/n1 and k2/n2 the way DESIGN.md prescribes.

    - ``diff`` = p1 - p2 with the Newcombe (1998b, method 10) interval;
    - ``p_value`` from Pearson's chi-square without continuity correction, or Fisher's exact test
      when any expected count is below 5 (Cochran 1954); ``test`` = "none" and ``p_value`` = nan
      when a group is empty or the table has a zero margin (no successes or no failures at all);
    - ``risk_ratio`` with the Katz log interval, ``odds_ratio`` with Woolf's interval (Haldane's
      0.5 correction when a cell is zero);
    - ``cohens_h`` = 2 asin(sqrt p1) - 2 asin(sqrt p2) (Cohen 1988, ch. 6).
    """
    k1_int, n1_int = _check_k_n(k1, n1, "k1", "n1")
    k2_int, n2_int = _check_k_n(k2, n2, "k2", "n2")
    conf = _check_conf(conf)
    z = _z(conf)

    p1 = k1_int / n1_int if n1_int else math.nan
    p2 = k2_int / n2_int if n2_int else math.nan
    diff = p1 - p2
    ci = diff_ci(k1_int, n1_int, k2_int, n2_int, conf, "newcombe")

    table = np.array([[k1_int, n1_int - k1_int], [k2_int, n2_int - k2_int]], dtype=float)
    p_value, test = _two_by_two_test(table)
    risk_ratio, rr_ci = _risk_ratio_katz(k1_int, n1_int, k2_int, n2_int, z)
    odds_ratio, or_ci = _odds_ratio_woolf(*table.ravel().tolist(), z)
    if n1_int and n2_int:
        cohens_h = 2.0 * math.asin(math.sqrt(p1)) - 2.0 * math.asin(math.sqrt(p2))
    else:
        cohens_h = math.nan

    return ProportionComparison(
        p1=p1,
        p2=p2,
        diff=diff,
        ci=ci,
        p_value=p_value,
        test=test,
        risk_ratio=risk_ratio,
        risk_ratio_ci=rr_ci,
        odds_ratio=odds_ratio,
        odds_ratio_ci=or_ci,
        cohens_h=cohens_h,
        n1=n1_int,
        n2=n2_int,
        k1=k1_int,
        k2=k2_int,
    )


# ---------------------------------------------------------------------------------------------
# r x c crosstabs
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CrosstabResult:
    """Pearson chi-square test of independence for an r x c table, with effect size and cells.

    ``expected`` and ``adjusted_residuals`` have the shape of the input table; rows or columns
    whose total is zero are left out of the test and get NaN there. ``test`` is "chi-square", or
    "none" (statistic and p-value NaN) when fewer than two non-empty rows or columns remain.
    ``share_expected_below_5`` lets the caller warn about Cochran's rule.
    """

    statistic: float
    dof: int
    p_value: float
    cramers_v: float
    expected: np.ndarray
    adjusted_residuals: np.ndarray
    test: str
    n: float
    share_expected_below_5: float


def _as_count_table(table: ArrayLike | pd.DataFrame, name: str = "table") -> np.ndarray:
    """A 2-D array of non-negative finite counts (weighted, non-integer counts are allowed)."""
    try:
        raw = table.to_numpy() if isinstance(table, pd.DataFrame) else np.asarray(table)
        values = raw.astype(float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must contain numeric counts: {exc}") from exc
    if values.ndim != 2:
        raise ValueError(
            f"{name} must be two-dimensional (rows x columns), got shape {values.shape}"
        )
    if not np.isfinite(values).all():
        raise ValueError(f"{name} contains missing or infinite counts")
    if (values < 0).any():
        raise ValueError(f"{name} contains negative counts (smallest: {values.min()!r})")
    return values


def crosstab_test(table: ArrayLike | pd.DataFrame) -> CrosstabResult:
    """Chi-square test of independence, Cramér's V and adjusted standardized residuals.

    - statistic: Pearson's X^2 without Yates' correction (``chi2_contingency(correction=False)``;
      scipy's default corrects 2x2 tables, PITFALLS.md), dof = (r-1)(c-1);
    - Cramér's V = sqrt(X^2 / (N (min(r, c) - 1))) (Cramér 1946, eq. 21.9.3);
    - adjusted residuals (o - e) / sqrt(e (1 - r_i/N) (1 - c_j/N)) (Agresti 2007, An Introduction
      to Categorical Data Analysis, 2nd ed., section 2.4.5; R's ``chisq.test(...)$stdres``).

    Counts may be non-integer (weighted tables rescaled to the Kish effective n).
    """
    values = _as_count_table(table)
    shape = values.shape
    expected_full = np.full(shape, np.nan)
    residuals_full = np.full(shape, np.nan)
    row_keep = values.sum(axis=1) > 0
    col_keep = values.sum(axis=0) > 0
    observed = values[np.ix_(row_keep, col_keep)]
    n_total = float(values.sum())
    if observed.shape[0] < 2 or observed.shape[1] < 2:
        return CrosstabResult(
            statistic=math.nan,
            dof=0,
            p_value=math.nan,
            cramers_v=math.nan,
            expected=expected_full,
            adjusted_residuals=residuals_full,
            test="none",
            n=n_total,
            share_expected_below_5=math.nan,
        )
    row_totals = observed.sum(axis=1, keepdims=True)
    col_totals = observed.sum(axis=0, keepdims=True)
    expected = row_totals @ col_totals / n_total
    result = stats.chi2_contingency(observed, correction=False)
    statistic = float(result.statistic)
    dof = int(result.dof)
    residuals = (observed - expected) / np.sqrt(
        expected * (1.0 - row_totals / n_total) * (1.0 - col_totals / n_total)
    )
    expected_full[np.ix_(row_keep, col_keep)] = expected
    residuals_full[np.ix_(row_keep, col_keep)] = residuals
    min_dim = min(observed.shape) - 1
    return CrosstabResult(
        statistic=statistic,
        dof=dof,
        p_value=float(result.pvalue),
        cramers_v=math.sqrt(statistic / (n_total * min_dim)),
        expected=expected_full,
        adjusted_residuals=residuals_full,
        test="chi-square",
        n=n_total,
        share_expected_below_5=float((expected < MIN_EXPECTED_FOR_CHI_SQUARE).mean()),
    )


def column_letters(table: ArrayLike | pd.DataFrame, alpha: float = 0.05) -> np.ndarray:
    """Column-proportion letters as in SPSS Custom Tables / Displayr ("compare column proportions").

    Columns are labelled A, B, C, ... For every row, each pair of columns is compared with the
    two-sample z-test of column proportions using the pooled proportion,
    z = (p_a - p_b) / sqrt(p (1 - p) (1/C_a + 1/C_b)) (IBM SPSS Statistics Algorithms, "CTABLES:
    comparing column proportions"), with a Bonferroni correction for the c'(c'-1)/2 pairs in the
    row (c' = non-empty columns). A cell gets the letter of every column whose proportion is
    significantly *smaller* than its own, so "AC" reads "higher than columns A and C".

    Returns an object array of strings with the table's shape ("" where nothing is significant).
    Pairs whose pooled proportion is 0 or 1 have no variance and are not tested.
    """
    values = _as_count_table(table)
    alpha = _check_alpha(alpha)
    n_rows, n_cols = values.shape
    letters = np.full(values.shape, "", dtype=object)
    col_totals = values.sum(axis=0)
    used = [j for j in range(n_cols) if col_totals[j] > 0]
    n_pairs = len(used) * (len(used) - 1) // 2
    if n_pairs == 0:
        return letters
    for i in range(n_rows):
        cell_letters: list[list[str]] = [[] for _ in range(n_cols)]
        for pos, a in enumerate(used):
            for b in used[pos + 1 :]:
                p_a = values[i, a] / col_totals[a]
                p_b = values[i, b] / col_totals[b]
                pooled = (values[i, a] + values[i, b]) / (col_totals[a] + col_totals[b])
                var = pooled * (1.0 - pooled) * (1.0 / col_totals[a] + 1.0 / col_totals[b])
                if var <= 0:
                    continue
                z_value = (p_a - p_b) / math.sqrt(var)
                p_adj = min(1.0, 2.0 * float(stats.norm.sf(abs(z_value))) * n_pairs)
                if p_adj < alpha:
                    winner, loser = (a, b) if p_a > p_b else (b, a)
                    cell_letters[winner].append(_column_label(loser))
        for j in range(n_cols):
            letters[i, j] = "".join(sorted(cell_letters[j]))
    return letters


# ---------------------------------------------------------------------------------------------
# Stratified 2x2 tables: Mantel-Haenszel
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MantelHaenszelResult:
    """Adjusted (Mantel-Haenszel) and crude odds ratios for a set of 2x2 tables.

    Each table is [[a, b], [c, d]]: rows = groups (group 1 first), columns = outcome yes / no.
    ``homogeneity_p`` is the Breslow-Day test with Tarone's (1985) correction
    (``homogeneity_test`` names it). ``reversal`` flags Simpson's-paradox-like disagreement.
    """

    odds_ratio: float
    ci: Interval
    statistic: float
    p_value: float
    homogeneity_p: float
    homogeneity_test: str
    crude_odds_ratio: float
    crude_ci: Interval
    crude_p_value: float
    reversal: bool
    n_strata: int
    correction: bool

    @property
    def clear(self) -> bool:
        """The adjusted odds ratio's interval excludes 1."""
        return self.ci.excludes(1.0)

    @property
    def crude_clear(self) -> bool:
        """The crude odds ratio's interval excludes 1."""
        return self.crude_ci.excludes(1.0)


def _as_strata(tables: Iterable[ArrayLike] | np.ndarray) -> np.ndarray:
    arrays = [np.asarray(t, dtype=float) for t in tables]
    if not arrays:
        raise ValueError("mantel_haenszel needs at least one 2x2 table")
    for index, arr in enumerate(arrays):
        if arr.shape != (2, 2):
            raise ValueError(f"stratum {index} must be a 2x2 table, got shape {arr.shape}")
        if not np.isfinite(arr).all() or (arr < 0).any():
            raise ValueError(f"stratum {index} contains negative or missing counts: {arr.tolist()}")
        if (arr != np.floor(arr)).any():
            raise ValueError(f"stratum {index} contains non-integer counts: {arr.tolist()}")
    return np.stack(arrays)


def _breslow_day_tarone(strata: np.ndarray, odds_ratio: float) -> float:
    """Breslow-Day (1980, IARC Sci Publ 32, section 4.5) homogeneity test with Tarone's (1985)
    Biometrika 72:91 correction, df = K - 1 over strata with all margins positive.

    For each stratum (row total r1, column total c1, size n) the expected a~ under the common OR
    solves a~ (n - r1 - c1 + a~) = OR (r1 - a~)(c1 - a~) in [max(0, r1 + c1 - n), min(r1, c1)], and
    Var(a~) = 1 / (1/a~ + 1/(r1 - a~) + 1/(c1 - a~) + 1/(n - r1 - c1 + a~)).
    """
    if not math.isfinite(odds_ratio) or odds_ratio <= 0:
        return math.nan
    total_stat = 0.0
    sum_a = sum_e = sum_v = 0.0
    informative = 0
    for table in strata:
        a = table[0, 0]
        r1 = table[0].sum()
        c1 = table[:, 0].sum()
        n = table.sum()
        if min(r1, n - r1, c1, n - c1) <= 0:
            continue
        lo, hi = max(0.0, r1 + c1 - n), min(r1, c1)
        if hi - lo <= 0:
            continue

        def score(x: float, r1: float = r1, c1: float = c1, n: float = n) -> float:
            return x * (n - r1 - c1 + x) - odds_ratio * (r1 - x) * (c1 - x)

        expected_a = float(optimize.brentq(score, lo, hi, xtol=1e-12))
        cells = np.array([expected_a, r1 - expected_a, c1 - expected_a, n - r1 - c1 + expected_a])
        if (cells <= 0).any():
            continue
        var = 1.0 / float((1.0 / cells).sum())
        total_stat += (a - expected_a) ** 2 / var
        sum_a += a
        sum_e += expected_a
        sum_v += var
        informative += 1
    if informative < 2:
        return math.nan
    total_stat -= (sum_a - sum_e) ** 2 / sum_v  # Tarone (1985)
    return float(stats.chi2.sf(total_stat, informative - 1))


def mantel_haenszel(
    tables: Iterable[ArrayLike] | np.ndarray, correction: bool = True, *, conf: float = 0.95
) -> MantelHaenszelResult:
    """Mantel-Haenszel common odds ratio and test over strata (e.g. role family x seniority).

    - OR_MH = sum(a d / n) / sum(b c / n) (Mantel & Haenszel 1959, JNCI 22:719);
    - its ``conf`` interval from the Robins, Breslow & Greenland (1986) Biometrics 42:311
      variance of log OR_MH: sum(P R)/(2 R+^2) + sum(P S + Q R)/(2 R+ S+) + sum(Q S)/(2 S+^2), with
      P = (a+d)/n, Q = (b+c)/n, R = ad/n, S = bc/n;
    - ``statistic``: the CMH chi-square (|sum a - sum E a| - 1/2)^2 / sum Var a, df 1, with
      E a = r1 c1 / n and Var a = r1 r2 c1 c2 / (n^2 (n - 1)); the 1/2 is applied only when
      ``correction`` and |sum a - sum E a| >= 1/2, exactly as R's ``mantelhaen.test``;
    - crude = the pooled table, with Woolf's interval and the :func:`compare_proportions` test.

    Strata with fewer than 2 observations carry no information and are skipped. ``reversal`` is
    True when the crude and adjusted odds ratios point in opposite directions (one > 1, the other
    < 1), or one interval excludes 1 and the other does not. Undefined quantities (e.g. the MH
    odds ratio is 0 or infinite, so the RGB interval does not exist) are NaN.
    """
    conf = _check_conf(conf)
    strata = _as_strata(tables)
    totals = strata.sum(axis=(1, 2))
    strata = strata[totals >= 2]
    z = _z(conf)

    a = strata[:, 0, 0]
    b = strata[:, 0, 1]
    c = strata[:, 1, 0]
    d = strata[:, 1, 1]
    n = a + b + c + d
    r_ad = a * d / n
    s_bc = b * c / n
    r_sum = float(r_ad.sum())
    s_sum = float(s_bc.sum())
    if r_sum > 0 and s_sum > 0:
        odds_ratio = r_sum / s_sum
        p_ = (a + d) / n
        q_ = (b + c) / n
        var_log = (
            float((p_ * r_ad).sum()) / (2 * r_sum**2)
            + float((p_ * s_bc + q_ * r_ad).sum()) / (2 * r_sum * s_sum)
            + float((q_ * s_bc).sum()) / (2 * s_sum**2)
        )
        ci = _log_ratio_ci(math.log(odds_ratio), math.sqrt(var_log), z)
    elif r_sum > 0:
        odds_ratio, ci = math.inf, _NAN_INTERVAL
    elif s_sum > 0:
        odds_ratio, ci = 0.0, _NAN_INTERVAL
    else:
        odds_ratio, ci = math.nan, _NAN_INTERVAL

    r1 = a + b
    r2 = c + d
    c1 = a + c
    c2 = b + d
    expected_a = r1 * c1 / n
    var_a = r1 * r2 * c1 * c2 / (n**2 * (n - 1))
    delta = float((a - expected_a).sum())
    var_sum = float(var_a.sum())
    if var_sum > 0:
        yates = 0.5 if correction and abs(delta) >= 0.5 else 0.0
        statistic = (abs(delta) - yates) ** 2 / var_sum
        p_value = float(stats.chi2.sf(statistic, 1))
    else:
        statistic, p_value = math.nan, math.nan

    homogeneity_p = _breslow_day_tarone(strata, odds_ratio)

    pooled = strata.sum(axis=0) if len(strata) else np.zeros((2, 2))
    crude_or, crude_ci = _odds_ratio_woolf(*pooled.ravel().tolist(), z)
    crude_p, _ = _two_by_two_test(pooled)

    reversal = _is_reversal(crude_or, crude_ci, odds_ratio, ci)
    return MantelHaenszelResult(
        odds_ratio=odds_ratio,
        ci=ci,
        statistic=statistic,
        p_value=p_value,
        homogeneity_p=homogeneity_p,
        homogeneity_test="breslow-day-tarone",
        crude_odds_ratio=crude_or,
        crude_ci=crude_ci,
        crude_p_value=crude_p,
        reversal=reversal,
        n_strata=len(strata),
        correction=correction,
    )


def _is_reversal(crude_or: float, crude_ci: Interval, adj_or: float, adj_ci: Interval) -> bool:
    if math.isnan(crude_or) or math.isnan(adj_or):
        return False
    crude_dir = (crude_or > 1) - (crude_or < 1)
    adj_dir = (adj_or > 1) - (adj_or < 1)
    if crude_dir * adj_dir < 0:
        return True
    both_defined = not (math.isnan(crude_ci.low) or math.isnan(adj_ci.low))
    return both_defined and crude_ci.excludes(1.0) != adj_ci.excludes(1.0)


# ---------------------------------------------------------------------------------------------
# Ordinal / continuous comparison: Mann-Whitney U and Brunner-Munzel
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RankComparison:
    """x vs y on an ordinal or skewed scale (Likert items, time to hire).

    ``u`` is the Mann-Whitney U of x (R's W), ``p_value`` its test; ``prob_superiority`` is
    P(X > Y) + 0.5 P(X = Y) with the Brunner-Munzel interval; ``brunner_munzel_statistic`` is
    positive when x tends to be larger (statsmodels' sign; scipy's ``brunnermunzel`` reports the
    opposite sign).
    """

    u: float
    p_value: float
    rank_biserial: float
    prob_superiority: float
    prob_superiority_ci: Interval
    brunner_munzel_statistic: float
    brunner_munzel_p_value: float
    n_x: int
    n_y: int


def _clean_sample(values: ArrayLike, name: str) -> np.ndarray:
    arr = np.asarray(values, dtype=float).ravel()
    arr = arr[~np.isnan(arr)]
    if arr.size == 0:
        raise ValueError(f"{name} has no non-missing values")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} contains infinite values")
    return arr


def rank_compare(
    x: ArrayLike,
    y: ArrayLike,
    alternative: Alternative = "two-sided",
    *,
    conf: float = 0.95,
) -> RankComparison:
    """Mann-Whitney U test with effect sizes, and the Brunner-Munzel test.

    - ``u``, ``p_value``: ``scipy.stats.mannwhitneyu(x, y, method="auto", use_continuity=True)``;
      U of x equals R's ``wilcox.test`` W. scipy's "auto" uses the exact distribution when a
      sample has fewer than 8 observations and there are no ties, the normal approximation with
      tie and continuity corrections otherwise (R goes exact up to n < 50).
    - ``rank_biserial`` = 2 U / (n_x n_y) - 1 (Kerby 2014, "simple difference formula"),
      positive when x tends to be larger.
    - ``prob_superiority`` = U / (n_x n_y) = P(X > Y) + 0.5 P(X = Y) (Vargha & Delaney 2000 A);
      interval and test from Brunner & Munzel (2000) via statsmodels ``rank_compare_2indep``.
      statsmodels' Wald interval for P can leave [0, 1]; it is clipped to [0, 1] here.
    NaN values are dropped. Brunner-Munzel needs two observations per sample and a non-zero
    variance estimate (it is zero with no spread or complete separation): otherwise its fields are
    NaN and the interval is the no-information (0, 1).
    """
    _check_method(alternative, ALTERNATIVES, "alternative")
    conf = _check_conf(conf)
    x_arr = _clean_sample(x, "x")
    y_arr = _clean_sample(y, "y")
    n_x, n_y = int(x_arr.size), int(y_arr.size)
    mwu = stats.mannwhitneyu(x_arr, y_arr, alternative=alternative, method="auto")
    u = float(mwu.statistic)
    prob = u / (n_x * n_y)

    bm_stat, bm_p = math.nan, math.nan
    prob_ci = Interval(0.0, 1.0)
    if n_x >= 2 and n_y >= 2:
        from statsmodels.stats.nonparametric import rank_compare_2indep

        with np.errstate(divide="ignore", invalid="ignore"):
            bm = rank_compare_2indep(x_arr, y_arr)
            if np.isfinite(bm.statistic) and bm.var > 0:
                bm_stat = float(bm.statistic)
                bm_p = float(bm.test_prob_superior(alternative=_sm_alternative(alternative)).pvalue)
                low, high = bm.conf_int(alpha=1.0 - conf)
                prob_ci = Interval(float(min(max(low, 0.0), 1.0)), float(min(max(high, 0.0), 1.0)))

    return RankComparison(
        u=u,
        p_value=float(mwu.pvalue),
        rank_biserial=2.0 * prob - 1.0,
        prob_superiority=prob,
        prob_superiority_ci=prob_ci,
        brunner_munzel_statistic=bm_stat,
        brunner_munzel_p_value=bm_p,
        n_x=n_x,
        n_y=n_y,
    )


def _sm_alternative(alternative: str) -> str:
    # statsmodels names the alternatives for P(x > y) "larger"/"smaller".
    return {"two-sided": "two-sided", "greater": "larger", "less": "smaller"}[alternative]


# ---------------------------------------------------------------------------------------------
# Multiplicity
# ---------------------------------------------------------------------------------------------


def adjust_pvalues(pvalues: ArrayLike, method: AdjustMethod = "holm") -> np.ndarray:
    """Adjust a family of p-values for multiple comparisons (as R's ``p.adjust``).

    - ``"holm"``: Holm (1979) step-down, p_(i) (m - i + 1), cumulative maximum, capped at 1;
    - ``"bh"``: Benjamini & Hochberg (1995) step-up, p_(i) m / i, cumulative minimum from the top;
    - ``"bonferroni"``: min(1, m p).

    NaN entries stay NaN and do not count towards the family size m.
    """
    _check_method(method, ADJUST_METHODS, "p-value adjustment")
    p = np.asarray(pvalues, dtype=float)
    shape = p.shape
    p = p.ravel()
    finite = ~np.isnan(p)
    bad = finite & ((p < 0) | (p > 1))
    if bad.any():
        raise ValueError(f"p-values must lie in [0, 1], got {p[bad][0]!r}")
    out = np.full(p.shape, np.nan)
    values = p[finite]
    m = values.size
    if m == 0:
        return out.reshape(shape)
    if method == "bonferroni":
        adjusted = np.minimum(values * m, 1.0)
    else:
        order = np.argsort(values, kind="stable")
        sorted_p = values[order]
        ranks = np.arange(1, m + 1)
        if method == "holm":
            stepped = np.maximum.accumulate(sorted_p * (m - ranks + 1))
        else:  # bh
            stepped = np.minimum.accumulate((sorted_p * m / ranks)[::-1])[::-1]
        adjusted = np.empty(m)
        adjusted[order] = np.minimum(stepped, 1.0)
    out[finite] = adjusted
    return out.reshape(shape)


# ---------------------------------------------------------------------------------------------
# Power and sample size (two proportions)
# ---------------------------------------------------------------------------------------------


def _check_probability(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or math.isnan(value):
        raise ValueError(f"{name} must be a probability between 0 and 1, got {value!r}")
    if not 0.0 <= float(value) <= 1.0:
        raise ValueError(f"{name} must be between 0 and 1, got {value!r}")
    return float(value)


def _power_prop(p1: float, p2: float, n: float, alpha: float, *, strict: bool) -> float:
    """R ``power.prop.test`` power of the two-sided pooled z-test with n per group:
    Phi((sqrt(n) |d| - z sqrt(2 pbar qbar)) / sqrt(p1 q1 + p2 q2)), plus (``strict``) the
    opposite-tail term Phi(-(sqrt(n) |d| + z sqrt(2 pbar qbar)) / sqrt(p1 q1 + p2 q2))
    (R stats package, power.prop.test source; Fleiss, Levin & Paik 2003, eq. 4.14)."""
    z = float(stats.norm.isf(alpha / 2.0))
    d = abs(p1 - p2)
    pooled_sd = math.sqrt((p1 + p2) * (1.0 - (p1 + p2) / 2.0))
    sd = math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    power = float(stats.norm.cdf((math.sqrt(n) * d - z * pooled_sd) / sd))
    if strict:
        power += float(stats.norm.sf((math.sqrt(n) * d + z * pooled_sd) / sd))
    return power


def _check_power_inputs(p1: float, p2: float, alpha: float) -> tuple[float, float, float]:
    p1 = _check_probability("p1", p1)
    p2 = _check_probability("p2", p2)
    alpha = _check_alpha(alpha)
    if p1 * (1 - p1) + p2 * (1 - p2) == 0:
        raise ValueError(f"p1={p1} and p2={p2} are both 0 or 1: the test has no variance")
    return p1, p2, alpha


def power_two_proportions(
    p1: float, p2: float, n_per_group: float, alpha: float = 0.05, *, strict: bool = False
) -> float:
    """Power of the two-sided two-proportion z-test with ``n_per_group`` in each group.

    Default: R ``power.prop.test(n, p1, p2, sig.level = alpha)`` with its default
    ``strict = FALSE`` (only the near tail counts). ``strict=True`` adds the opposite tail.
    """
    p1, p2, alpha = _check_power_inputs(p1, p2, alpha)
    if isinstance(n_per_group, bool) or not isinstance(n_per_group, numbers.Real):
        raise ValueError(f"n_per_group must be a positive number, got {n_per_group!r}")
    if not (math.isfinite(float(n_per_group)) and float(n_per_group) > 0):
        raise ValueError(f"n_per_group must be a positive number, got {n_per_group!r}")
    return _power_prop(p1, p2, float(n_per_group), alpha, strict=strict)


def _n_two_proportions(p1: float, p2: float, alpha: float, power: float, *, strict: bool) -> float:
    """Continuous n per group solving power(n) = power (R's uniroot, here brentq to 1e-10)."""

    def gap(n: float) -> float:
        return _power_prop(p1, p2, n, alpha, strict=strict) - power

    high = 4.0
    while gap(high) < 0:
        high *= 2.0
        if high > 1e15:  # pragma: no cover - unreachable for p1 != p2
            raise ValueError("required sample size is beyond 1e15 per group")
    low = 1e-9
    if gap(low) >= 0:
        return low
    return float(optimize.brentq(gap, low, high, xtol=1e-10, rtol=1e-14))


def sample_size_two_proportions(
    p1: float, p2: float, alpha: float = 0.05, power: float = 0.8, *, strict: bool = True
) -> int:
    """Applications needed per group to detect p1 vs p2 with a two-sided test, rounded up.

    Solves R ``power.prop.test``'s power equation for n; by default (``strict=True``) the tiny
    opposite-tail rejection probability is counted, as the brief asks; R's own default
    (``strict = FALSE``) differs from it by far less than one applicant. Example (R docs):
    p1 = .50, p2 = .75, power = .90 -> n = 76.7 -> 77 per group.
    """
    p1, p2, alpha = _check_power_inputs(p1, p2, alpha)
    power = _check_alpha(power, "power")
    if p1 == p2:
        raise ValueError(f"p1 and p2 are equal ({p1}): no sample size can detect no difference")
    if power <= alpha / 2.0:
        raise ValueError(f"power ({power}) must exceed alpha/2 ({alpha / 2.0})")
    return max(2, math.ceil(_n_two_proportions(p1, p2, alpha, power, strict=strict) - 1e-9))


# ---------------------------------------------------------------------------------------------
# Net Promoter Score
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NpsResult:
    """Candidate NPS = % promoters (9-10) - % detractors (0-6), in points from -100 to 100.

    ``promoters``/``passives``/``detractors`` are shares (0..1). ``n`` is the number of valid
    answers (or the Kish effective n when weights were given).
    """

    nps: float
    se: float
    ci: Interval
    n: float
    promoters: float
    passives: float
    detractors: float


def nps(scores: ArrayLike, conf: float = 0.95, *, weights: ArrayLike | None = None) -> NpsResult:
    """Net Promoter Score with a Wald interval for the difference of two trinomial shares.

    se = 100 sqrt((pP + pD - (pP - pD)^2) / n): the variance of the mean of a variable scored
    +1 / 0 / -1 (Rocks 2016, "Confidence intervals for the Net Promoter Score"; trinomial
    variance of pP - pD). The interval nps +/- z se is clipped to [-100, 100].

    NaN scores are ignored; scores outside 0-10 or not whole numbers raise ValueError. With
    ``weights`` the shares are weighted and n is the Kish effective n. With no valid scores the
    result has n = 0, NaN estimates and the no-information interval (-100, 100).
    """
    conf = _check_conf(conf)
    values = np.asarray(scores, dtype=float).ravel()
    if weights is None:
        w = np.ones_like(values)
    else:
        w = _check_weights(weights, allow_nan=False)
        if w.size != values.size:
            raise ValueError(f"weights ({w.size}) and scores ({values.size}) differ in length")
    keep = ~np.isnan(values)
    values, w = values[keep], w[keep]
    if np.isinf(values).any() or ((values < 0) | (values > 10)).any():
        bad = values[np.isinf(values) | (values < 0) | (values > 10)][0]
        raise ValueError(f"NPS scores must lie between 0 and 10, got {bad!r}")
    if (values != np.floor(values)).any():
        bad = values[values != np.floor(values)][0]
        raise ValueError(f"NPS scores must be whole numbers 0-10, got {bad!r}")
    total_weight = float(w.sum())
    if values.size == 0 or total_weight <= 0:
        return NpsResult(
            nps=math.nan,
            se=math.nan,
            ci=Interval(-100.0, 100.0),
            n=0.0,
            promoters=math.nan,
            passives=math.nan,
            detractors=math.nan,
        )
    n_eff = float(values.size) if weights is None else kish_effective_n(w)
    promoters = float(w[values >= 9].sum()) / total_weight
    detractors = float(w[values <= 6].sum()) / total_weight
    passives = 1.0 - promoters - detractors
    score = 100.0 * (promoters - detractors)
    se = 100.0 * math.sqrt(max(promoters + detractors - (promoters - detractors) ** 2, 0.0) / n_eff)
    half = _z(conf) * se
    return NpsResult(
        nps=score,
        se=se,
        ci=Interval(max(score - half, -100.0), min(score + half, 100.0)),
        n=n_eff,
        promoters=promoters,
        passives=max(passives, 0.0),
        detractors=detractors,
    )


# ---------------------------------------------------------------------------------------------
# Survey weights: Kish effective n
# ---------------------------------------------------------------------------------------------


def _check_weights(weights: ArrayLike, *, allow_nan: bool = False) -> np.ndarray:
    w = np.asarray(weights, dtype=float).ravel()
    if not allow_nan and np.isnan(w).any():
        raise ValueError("weights contain missing values (NaN)")
    finite = w[~np.isnan(w)]
    if np.isinf(finite).any():
        raise ValueError("weights contain infinite values")
    if (finite < 0).any():
        raise ValueError(f"weights must not be negative, got {finite[finite < 0][0]!r}")
    return w


def kish_effective_n(weights: ArrayLike) -> float:
    """Kish (1965, Survey Sampling, section 11.7) effective sample size (sum w)^2 / sum w^2."""
    w = _check_weights(weights)
    total_sq = float((w**2).sum())
    if total_sq == 0:
        return 0.0
    return float(w.sum()) ** 2 / total_sq


def design_effect(weights: ArrayLike) -> float:
    """Kish's design effect due to unequal weighting, n sum w^2 / (sum w)^2 = n / n_eff (>= 1)."""
    w = _check_weights(weights)
    total = float(w.sum())
    if total == 0:
        raise ValueError("weights are all zero: the design effect is undefined")
    return w.size * float((w**2).sum()) / total**2


def weighted_proportion_ci(
    values: ArrayLike,
    weights: ArrayLike,
    conf: float = 0.95,
    method: ProportionMethod = "wilson",
) -> Interval:
    """Interval for a weighted proportion using the Kish effective sample size.

    Estimate p = sum(w y) / sum(w) for 0/1 values y; the interval is ``proportion_ci`` with
    n = n_eff (Kish 1965) and k = p n_eff (Korn & Graubard 1998 style effective-n intervals;
    DESIGN.md: "Kish effective n used in every interval and test"). Pairs with a missing value
    are dropped; values must be 0/1 (or booleans).
    """
    conf = _check_conf(conf)
    _check_method(method, PROPORTION_METHODS, "proportion interval")
    y = np.asarray(values, dtype=float).ravel()
    w = _check_weights(weights)
    if y.size != w.size:
        raise ValueError(f"values ({y.size}) and weights ({w.size}) differ in length")
    keep = ~np.isnan(y)
    y, w = y[keep], w[keep]
    if not np.isin(y, (0.0, 1.0)).all():
        raise ValueError(f"values must be 0/1, got {y[~np.isin(y, (0.0, 1.0))][0]!r}")
    total = float(w.sum())
    if total <= 0:
        return Interval(0.0, 1.0)
    p = float((w * y).sum()) / total
    n_eff = kish_effective_n(w)
    return _proportion_ci_float(p * n_eff, n_eff, conf, method)


# ---------------------------------------------------------------------------------------------
# Survival: Kaplan-Meier and log-rank
# ---------------------------------------------------------------------------------------------

KM_COLUMNS: tuple[str, ...] = ("time", "survival", "low", "high", "at_risk", "events")


def _survival_data(durations: ArrayLike, observed: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    t = np.asarray(durations, dtype=float).ravel()
    e_raw = np.asarray(observed).ravel()
    if t.size != e_raw.size:
        raise ValueError(f"durations ({t.size}) and observed ({e_raw.size}) differ in length")
    if t.size == 0:
        raise ValueError("no durations given")
    if not np.isfinite(t).all():
        raise ValueError("durations contain missing or infinite values")
    if (t < 0).any():
        raise ValueError(f"durations must not be negative, got {t[t < 0][0]!r}")
    e_float = e_raw.astype(float)
    if np.isnan(e_float).any() or not np.isin(e_float, (0.0, 1.0)).all():
        raise ValueError("observed must be booleans or 0/1 (1 = event seen, 0 = censored)")
    return t, e_float.astype(bool)


def kaplan_meier(durations: ArrayLike, observed: ArrayLike, conf: float = 0.95) -> pd.DataFrame:
    """Kaplan-Meier (1958) survival curve with Greenwood log-log ("exponential Greenwood")
    pointwise intervals (Kalbfleisch & Prentice 2002, eq. 1.11), via ``scipy.stats.ecdf`` on
    ``CensoredData``.

    Returns one row per distinct event time, preceded by a row at time 0 (survival 1) when no
    event happens at 0. Columns: time, survival, low, high, at_risk (number with duration >= time),
    events. Where the survival has dropped to 0 the log-log interval does not exist: low and high
    are NaN there (as R's ``conf.type = "log-log"``).
    """
    conf = _check_conf(conf)
    t, e = _survival_data(durations, observed)
    rows: list[dict[str, float]] = []
    event_times = np.unique(t[e])
    if event_times.size == 0 or event_times[0] > 0:
        rows.append(
            {"time": 0.0, "survival": 1.0, "low": 1.0, "high": 1.0, "at_risk": float(t.size)}
        )
    if event_times.size:
        data = stats.CensoredData(uncensored=t[e], right=t[~e])
        sf = stats.ecdf(data).sf
        with warnings.catch_warnings():
            # scipy warns where S(t) = 0 (log-log undefined); documented NaN limits instead.
            warnings.simplefilter("ignore", RuntimeWarning)
            ci = sf.confidence_interval(confidence_level=conf, method="log-log")
        with np.errstate(invalid="ignore"):
            survival = sf.evaluate(event_times)
            low = ci.low.evaluate(event_times)
            high = ci.high.evaluate(event_times)
        for time, s, lo, hi in zip(event_times, survival, low, high, strict=True):
            rows.append(
                {
                    "time": float(time),
                    "survival": float(s),
                    "low": float(lo),
                    "high": float(hi),
                    "at_risk": float((t >= time).sum()),
                }
            )
    frame = pd.DataFrame(rows, columns=["time", "survival", "low", "high", "at_risk"])
    frame["events"] = [int(((t == time) & e).sum()) for time in frame["time"]]
    frame["at_risk"] = frame["at_risk"].astype(int)
    return frame[list(KM_COLUMNS)]


def survival_at(km_frame: pd.DataFrame, t: float) -> tuple[float, float, float]:
    """(survival, low, high) of a :func:`kaplan_meier` frame at time t (right-continuous step
    function: the last row with time <= t). Before the first row: (1, 1, 1)."""
    if not {"time", "survival", "low", "high"} <= set(km_frame.columns):
        raise ValueError("km_frame must come from kaplan_meier (time, survival, low, high)")
    if math.isnan(t):
        raise ValueError("t must be a number, got nan")
    times = km_frame["time"].to_numpy(dtype=float)
    idx = int(np.searchsorted(times, t, side="right")) - 1
    if idx < 0:
        return 1.0, 1.0, 1.0
    row = km_frame.iloc[idx]
    return float(row["survival"]), float(row["low"]), float(row["high"])


def median_survival(km_frame: pd.DataFrame) -> float:
    """Median survival time: the smallest time with S(t) <= 0.5 (Kalbfleisch & Prentice 2002,
    section 1.4; R ``survfit`` uses the same rule except when S equals 0.5 exactly over an
    interval, where it takes the midpoint). NaN when the curve never reaches 0.5."""
    if not {"time", "survival"} <= set(km_frame.columns):
        raise ValueError("km_frame must come from kaplan_meier (time, survival)")
    reached = km_frame.loc[km_frame["survival"] <= 0.5 + 1e-12, "time"]
    return float(reached.iloc[0]) if len(reached) else math.nan


@dataclass(frozen=True)
class LogrankResult:
    """Log-rank test of equal survival curves across groups.

    ``statistic`` is the chi-square statistic (k - 1 degrees of freedom = ``dof``);
    ``observed``/``expected`` are events per group under the null.
    """

    statistic: float
    dof: int
    p_value: float
    observed: dict[str, float]
    expected: dict[str, float]


def _logrank_k_sample(
    data: Mapping[str, tuple[np.ndarray, np.ndarray]],
) -> tuple[float, int, dict[str, float], dict[str, float]]:
    """k-sample log-rank chi-square (Mantel 1966; Kalbfleisch & Prentice 2002, section 7.3):
    at each event time j, E_gj = n_gj d_j / n_j and
    Cov_gh = d_j (n_j - d_j) / (n_j - 1) * (n_gj / n_j) (delta_gh - n_hj / n_j);
    X^2 = (O - E)' V^- (O - E) over the first k - 1 groups (V has rank k - 1)."""
    names = list(data)
    all_t = np.concatenate([data[g][0] for g in names])
    all_e = np.concatenate([data[g][1] for g in names])
    event_times = np.unique(all_t[all_e])
    k = len(names)
    obs = np.zeros(k)
    exp = np.zeros(k)
    cov = np.zeros((k, k))
    for time in event_times:
        at_risk = np.array([(data[g][0] >= time).sum() for g in names], dtype=float)
        deaths = np.array([((data[g][0] == time) & data[g][1]).sum() for g in names], dtype=float)
        n_j = at_risk.sum()
        d_j = deaths.sum()
        share = at_risk / n_j
        obs += deaths
        exp += d_j * share
        if n_j > 1:
            scale = d_j * (n_j - d_j) / (n_j - 1)
            cov += scale * (np.diag(share) - np.outer(share, share))
    diff = (obs - exp)[: k - 1]
    sub = cov[: k - 1, : k - 1]
    statistic = float(diff @ np.linalg.pinv(sub) @ diff) if sub.any() else math.nan
    return (
        statistic,
        k - 1,
        dict(zip(names, obs.tolist(), strict=True)),
        dict(zip(names, exp.tolist(), strict=True)),
    )


def logrank(groups: Mapping[str, tuple[ArrayLike, ArrayLike]]) -> LogrankResult:
    """Log-rank test across two or more groups: {name: (durations, observed)}.

    Two groups: ``scipy.stats.logrank`` (its z statistic squared is reported as the chi-square).
    More groups: the k-sample log-rank chi-square with k - 1 df, written here because scipy only
    compares two samples (formula in :func:`_logrank_k_sample`).
    """
    if len(groups) < 2:
        raise ValueError(f"logrank needs at least two groups, got {len(groups)}")
    data: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for name, pair in groups.items():
        try:
            data[str(name)] = _survival_data(*pair)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"group {name!r}: {exc}") from exc
    statistic, dof, observed, expected = _logrank_k_sample(data)
    if sum(observed.values()) == 0:
        return LogrankResult(math.nan, dof, math.nan, observed, expected)
    if len(data) == 2:
        (t1, e1), (t2, e2) = data.values()
        result = stats.logrank(
            stats.CensoredData(uncensored=t1[e1], right=t1[~e1]),
            stats.CensoredData(uncensored=t2[e2], right=t2[~e2]),
        )
        return LogrankResult(
            statistic=float(result.statistic) ** 2,
            dof=1,
            p_value=float(result.pvalue),
            observed=observed,
            expected=expected,
        )
    p_value = float(stats.chi2.sf(statistic, dof)) if math.isfinite(statistic) else math.nan
    return LogrankResult(statistic, dof, p_value, observed, expected)
