"""One proportion and the difference of two: Wilson and friends, Newcombe, Miettinen-Nurminen;
power and sample size for two proportions.

Sources are cited at each formula; tested against published values (tests/analytics/stats).
"""

from __future__ import annotations

import math
import numbers

from scipy import optimize, stats

from analytics.stats.base import (
    DIFF_METHODS,
    PROPORTION_METHODS,
    DiffMethod,
    Interval,
    ProportionMethod,
    _check_alpha,
    _check_conf,
    _check_k_n,
    _check_method,
    _z,
)

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


DECISION_TOLERANCE = 1e-9
"""Largest numerical gap allowed between an interval limit and 0 when the limit is moved to the
side the score test decides (root-finding runs to 1e-12; see :func:`mn_difference`)."""


def mn_score_statistic(k1: float, n1: float, k2: float, n2: float, delta0: float = 0.0) -> float:
    """Miettinen & Nurminen (1985) score statistic for H0: p1 - p2 = delta0,
    chi2 = (d - delta0)^2 / V(delta0), V as in :func:`_miettinen_nurminen` (restricted MLE and the
    N/(N-1) factor), df 1. At delta0 = 0 the restricted MLE is the pooled proportion, so this is
    Pearson's chi-square times (N-1)/N, the "N-1" chi-square (Campbell 2007, Stat Med 26:3661).

    The MN interval is exactly the set of delta0 with chi2 <= chi2_{1,conf}: the test and the
    interval are one procedure. A difference equal to delta0 gives 0 (also when V = 0, i.e. 0/n
    vs 0/m or n/n vs m/m at delta0 = 0: no evidence against the null, as Fisher's test agrees).
    """
    p1, p2 = k1 / n1, k2 / n2
    gap = p1 - p2 - delta0
    if gap == 0.0:
        return 0.0
    n_total = n1 + n2
    factor = n_total / (n_total - 1.0) if n_total > 1 else 1.0
    a1, a2 = _mn_restricted_mle(p1, n1, p2, n2, delta0)
    var = (a1 * (1 - a1) / n1 + a2 * (1 - a2) / n2) * factor
    if var <= 0.0:
        return math.inf
    return gap * gap / var


def mn_difference(
    k1: float, n1: float, k2: float, n2: float, conf: float = 0.95
) -> tuple[Interval, float, float]:
    """(interval, score statistic, p-value) for p1 - p2 from ONE procedure: the Miettinen-Nurminen
    score interval and the score test it inverts (:func:`mn_score_statistic` at 0).

    "Clear" is decided once, by ``p < 1 - conf``; the interval is then made to agree with that
    decision. Mathematically the interval excludes 0 exactly when the statistic exceeds
    chi2_{1,conf}; numerically the limits come from root-finding (xtol 1e-12), so a limit within
    ``DECISION_TOLERANCE`` of 0 on the wrong side is moved to the smallest float on the side the
    test decides. A larger disagreement would be a bug and raises.
    Callers validate the counts (n1, n2 > 0).
    """
    ci = _miettinen_nurminen(k1, n1, k2, n2, conf)
    statistic = mn_score_statistic(k1, n1, k2, n2, 0.0)
    p_value = float(stats.chi2.sf(statistic, 1)) if math.isfinite(statistic) else 0.0
    clear = p_value < 1.0 - conf
    low, high = ci
    if clear and low <= 0.0 <= high:
        if abs(low) <= DECISION_TOLERANCE:
            low = math.nextafter(0.0, 1.0)
        elif abs(high) <= DECISION_TOLERANCE:
            high = math.nextafter(0.0, -1.0)
        else:  # pragma: no cover - would mean the interval does not invert the test
            raise ArithmeticError(f"MN interval {ci} disagrees with p = {p_value}")
    elif not clear and (low > 0.0 or high < 0.0):
        if 0.0 < low <= DECISION_TOLERANCE:
            low = 0.0
        elif -DECISION_TOLERANCE <= high < 0.0:
            high = 0.0
        else:  # pragma: no cover
            raise ArithmeticError(f"MN interval {ci} disagrees with p = {p_value}")
    return Interval(low, high), statistic, p_value


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


def detectable_proportion(
    p1: float, n_per_group: float, *, alpha: float, power: float, direction: str = "up"
) -> float | None:
    """The rate p2 (above p1 for ``direction="up"``, below for ``"down"``) that a two-sided
    two-proportion test with ``n_per_group`` per group detects with the given power; None when
    no rate in that direction can be.

    Like R ``power.prop.test(n, p1, power)``, which solves :func:`power_two_proportions`
    (``strict = FALSE``) for p2 in (p1, 1) with ``uniroot``; here brentq to 1e-12. R docs:
    power.prop.test(n = 50, p1 = .5, power = .90) -> p2 = 0.8026.
    """
    if direction not in ("up", "down"):
        raise ValueError(f"direction must be 'up' or 'down', not {direction!r}")
    power_two_proportions(p1, 0.5 if p1 != 0.5 else 0.6, n_per_group, alpha)  # validates
    if not 0 < power < 1:
        raise ValueError(f"power must be between 0 and 1, got {power!r}")
    end = 1.0 if direction == "up" else 0.0
    if p1 == end:
        return None
    eps = 1e-10
    start = p1 + eps if direction == "up" else p1 - eps

    def gap(p2: float) -> float:
        return power_two_proportions(p1, p2, n_per_group, alpha) - power

    if gap(end) < 0:
        return None
    if gap(start) >= 0:
        return start
    return float(optimize.brentq(gap, min(start, end), max(start, end), xtol=1e-12))
