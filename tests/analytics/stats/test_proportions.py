"""Tests for analytics.stats.proportions: one proportion (Newcombe 1998a), the difference of two
(Newcombe 1998b, Miettinen-Nurminen), power and sample size (R power.prop.test).

Every expected number below comes from a publication, R's documentation/output, a hand
calculation from the cited formula, or a peer library (scipy/statsmodels) — never from the
function under test. Sources are named next to each test.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize
from scipy import stats as sps
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from analytics.stats import (
    DIFF_METHODS,
    PROPORTION_METHODS,
    diff_ci,
    power_two_proportions,
    proportion_ci,
    sample_size_two_proportions,
)
from analytics.stats.proportions import _n_two_proportions

FAST = settings(max_examples=60, deadline=None)

Z95 = sps.norm.ppf(0.975)


def approx4(value: float) -> object:
    """Published values are rounded to 4 decimals."""
    return pytest.approx(value, abs=5e-5)


# ---------------------------------------------------------------------------------------------
# One proportion: Newcombe (1998a) Stat Med 17:857-872, Table I
# ---------------------------------------------------------------------------------------------

NEWCOMBE_1998A = {
    # (k, n): {method: (low, high)}; method 1 = Wald, 3 = Wilson, 4 = Wilson cc, 5 = exact.
    (81, 263): {
        "wald": (0.2522, 0.3638),
        "wilson": (0.2553, 0.3662),
        "wilson_cc": (0.2535, 0.3682),
        "exact": (0.2527, 0.3676),
    },
    (15, 148): {
        "wald": (0.0527, 0.1500),
        "wilson": (0.0624, 0.1605),
        "wilson_cc": (0.0598, 0.1644),
        "exact": (0.0578, 0.1617),
    },
    (0, 20): {
        "wilson": (0.0, 0.1611),
        "wilson_cc": (0.0, 0.2005),
        "exact": (0.0, 0.1684),
    },
    (1, 29): {
        "wilson": (0.0061, 0.1718),
        "wilson_cc": (0.0018, 0.1963),
        "exact": (0.0009, 0.1776),
    },
}


@pytest.mark.parametrize(
    ("k", "n", "method", "low", "high"),
    [
        (k, n, method, low, high)
        for (k, n), methods in NEWCOMBE_1998A.items()
        for method, (low, high) in methods.items()
    ],
)
def test_proportion_ci_newcombe_1998a_table_1(
    k: int, n: int, method: str, low: float, high: float
) -> None:
    ci = proportion_ci(k, n, method=method)  # type: ignore[arg-type]
    assert ci.low == approx4(low)
    assert ci.high == approx4(high)


def test_wilson_matches_closed_form_by_hand() -> None:
    # Wilson (1927): (2np + z^2 +/- z sqrt(z^2 + 4npq)) / (2(n + z^2)), computed here directly.
    k, n = 81, 263
    p = k / n
    root = Z95 * math.sqrt(Z95**2 + 4 * n * p * (1 - p))
    low = (2 * n * p + Z95**2 - root) / (2 * (n + Z95**2))
    high = (2 * n * p + Z95**2 + root) / (2 * (n + Z95**2))
    assert proportion_ci(k, n) == pytest.approx((low, high), abs=1e-12)


@pytest.mark.parametrize(("k", "n"), [(81, 263), (15, 148), (1, 29), (7, 9)])
@pytest.mark.parametrize(
    ("ours", "theirs"),
    [("agresti_coull", "agresti_coull"), ("jeffreys", "jeffreys"), ("exact", "beta")],
)
def test_proportion_ci_matches_statsmodels_peer(k: int, n: int, ours: str, theirs: str) -> None:
    # Peer implementation: statsmodels.stats.proportion.proportion_confint (interior k only:
    # statsmodels' Jeffreys lacks the Brown-Cai-DasGupta boundary modification).
    expected = proportion_confint(k, n, alpha=0.05, method=theirs)
    assert proportion_ci(k, n, method=ours) == pytest.approx(expected, abs=1e-10)  # type: ignore[arg-type]


def test_jeffreys_boundary_modification() -> None:
    # Brown, Cai & DasGupta (2001), section 4.1.2: lower limit 0 at k = 0, upper 1 at k = n.
    assert proportion_ci(0, 20, method="jeffreys").low == 0.0
    assert proportion_ci(20, 20, method="jeffreys").high == 1.0
    assert proportion_ci(0, 20, method="jeffreys").high == pytest.approx(
        sps.beta.ppf(0.975, 0.5, 20.5)
    )


@pytest.mark.parametrize("method", PROPORTION_METHODS)
def test_proportion_ci_edges(method: str) -> None:
    assert proportion_ci(0, 0, method=method) == (0.0, 1.0)  # type: ignore[arg-type]
    low, high = proportion_ci(0, 50, method=method)  # type: ignore[arg-type]
    assert low == 0.0 and 0.0 <= high <= 1.0
    low, high = proportion_ci(50, 50, method=method)  # type: ignore[arg-type]
    assert high == 1.0 and 0.0 <= low <= 1.0
    low, high = proportion_ci(400_000_000, 1_000_000_000, method=method)  # type: ignore[arg-type]
    # Wald half-width at p = 0.4, n = 1e9: 1.96 sqrt(0.24 / 1e9) = 3.04e-5; all methods agree.
    assert low == pytest.approx(0.4 - 3.0364e-5, abs=2e-8)
    assert high == pytest.approx(0.4 + 3.0364e-5, abs=2e-8)


def test_proportion_ci_symmetry_and_conf() -> None:
    low, high = proportion_ci(3, 10)
    low2, high2 = proportion_ci(7, 10)
    assert (low, high) == pytest.approx((1 - high2, 1 - low2), abs=1e-12)
    assert proportion_ci(3, 10, conf=0.99).low < low
    assert proportion_ci(5.0, 10.0) == proportion_ci(5, 10)  # integer-valued floats are counts


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((-1, 10), "negative"),
        ((1, -10), "negative"),
        ((1.5, 10), "whole number"),
        ((1, 10.5), "whole number"),
        ((11, 10), "must not exceed"),
        ((math.nan, 10), "finite"),
        (("3", 10), "count"),
        ((True, 10), "count"),
    ],
)
def test_proportion_ci_rejects_bad_counts(args: tuple, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        proportion_ci(*args)


@pytest.mark.parametrize("conf", [0.0, 1.0, 95, -0.5, math.nan])
def test_proportion_ci_rejects_bad_conf(conf: float) -> None:
    with pytest.raises(ValueError, match="conf"):
        proportion_ci(3, 10, conf=conf)


def test_proportion_ci_rejects_unknown_method() -> None:
    with pytest.raises(ValueError, match="unknown proportion interval method 'logit'"):
        proportion_ci(3, 10, method="logit")  # type: ignore[arg-type]


@FAST
@given(
    n=st.integers(min_value=1, max_value=5000),
    frac=st.floats(min_value=0, max_value=1),
    method=st.sampled_from(PROPORTION_METHODS),
    conf=st.sampled_from([0.8, 0.9, 0.95, 0.99]),
)
def test_property_interval_contains_estimate(n: int, frac: float, method: str, conf: float) -> None:
    k = round(frac * n)
    low, high = proportion_ci(k, n, conf=conf, method=method)  # type: ignore[arg-type]
    assert 0.0 <= low <= k / n <= high <= 1.0


@FAST
@given(
    p=st.sampled_from([0.05, 0.2, 0.5, 0.7, 0.95]),
    n=st.integers(min_value=20, max_value=2000),
    method=st.sampled_from(PROPORTION_METHODS),
)
def test_property_interval_narrows_as_n_grows(p: float, n: int, method: str) -> None:
    # Same observed proportion with four times the data: the interval must be narrower.
    k = round(p * n)
    narrow = proportion_ci(4 * k, 4 * n, method=method)  # type: ignore[arg-type]
    wide = proportion_ci(k, n, method=method)  # type: ignore[arg-type]
    assert narrow.high - narrow.low < wide.high - wide.low


# ---------------------------------------------------------------------------------------------
# Difference of proportions: Newcombe (1998b) Stat Med 17:873-890, Table II
# ---------------------------------------------------------------------------------------------

# Examples (a)-(h). Method 10 = hybrid score ("newcombe"), 11 = with continuity correction,
# 6 = Miettinen-Nurminen score. Values recomputed here to 4 decimals agree with the table.
NEWCOMBE_1998B = {
    (56, 70, 48, 80): {
        "newcombe": (0.0524, 0.3339),
        "newcombe_cc": (0.0428, 0.3422),
        "miettinen_nurminen": (0.0528, 0.3382),
        "wald": (0.0575, 0.3425),
    },
    (9, 10, 3, 10): {
        "newcombe": (0.1705, 0.8090),
        "newcombe_cc": (0.1013, 0.8387),
        "miettinen_nurminen": (0.1700, 0.8406),
    },
    (6, 7, 2, 7): {
        "newcombe": (0.0582, 0.8062),
        "miettinen_nurminen": (0.0342, 0.8534),
    },
    (5, 56, 0, 29): {
        "newcombe": (-0.0381, 0.1926),
        "newcombe_cc": (-0.0667, 0.2037),
        "miettinen_nurminen": (-0.0326, 0.1933),
    },
    (0, 10, 0, 20): {
        "newcombe": (-0.1611, 0.2775),
        "newcombe_cc": (-0.2005, 0.3445),
        "miettinen_nurminen": (-0.1658, 0.2844),
    },
    (0, 10, 0, 10): {
        "newcombe": (-0.2775, 0.2775),
        "newcombe_cc": (-0.3445, 0.3445),
        "miettinen_nurminen": (-0.2879, 0.2879),
    },
    (10, 10, 0, 20): {"newcombe": (0.6791, 1.0), "newcombe_cc": (0.6014, 1.0)},
    (10, 10, 0, 10): {"newcombe": (0.6075, 1.0), "newcombe_cc": (0.5128, 1.0)},
}


@pytest.mark.parametrize(
    ("counts", "method", "low", "high"),
    [
        (counts, method, low, high)
        for counts, methods in NEWCOMBE_1998B.items()
        for method, (low, high) in methods.items()
    ],
)
def test_diff_ci_newcombe_1998b_table_2(
    counts: tuple[int, int, int, int], method: str, low: float, high: float
) -> None:
    ci = diff_ci(*counts, method=method)  # type: ignore[arg-type]
    assert ci.low == approx4(low)
    assert ci.high == approx4(high)


def _mn_reference(k1: int, n1: int, k2: int, n2: int, conf: float = 0.95) -> tuple[float, float]:
    """Independent Miettinen-Nurminen interval: the restricted MLE by numerical maximisation
    of the binomial log-likelihood (no closed-form cubic), limits by bisection on a grid."""
    p1, p2 = k1 / n1, k2 / n2
    d_hat = p1 - p2
    crit = sps.chi2.ppf(conf, 1)
    n_total = n1 + n2

    def loglik(q2: float, delta: float) -> float:
        q1 = q2 + delta
        eps = 1e-300
        return -(
            k1 * math.log(max(q1, eps))
            + (n1 - k1) * math.log(max(1 - q1, eps))
            + k2 * math.log(max(q2, eps))
            + (n2 - k2) * math.log(max(1 - q2, eps))
        )

    def excess(delta: float) -> float:
        lo, hi = max(0.0, -delta), min(1.0, 1.0 - delta)
        res = optimize.minimize_scalar(
            loglik, bounds=(lo, hi), args=(delta,), method="bounded", options={"xatol": 1e-13}
        )
        q2 = float(res.x)
        q1 = q2 + delta
        var = (q1 * (1 - q1) / n1 + q2 * (1 - q2) / n2) * n_total / (n_total - 1)
        return (d_hat - delta) ** 2 - crit * var

    def bisect(inside: float, outside: float) -> float:
        if excess(outside) <= 0:
            return outside
        for _ in range(60):
            mid = (inside + outside) / 2
            if excess(mid) <= 0:
                inside = mid
            else:
                outside = mid
        return (inside + outside) / 2

    step = 1e-6
    return bisect(d_hat - step, -1.0), bisect(d_hat + step, 1.0)


@pytest.mark.parametrize(
    "counts",
    [
        (56, 70, 48, 80),
        (6, 7, 2, 7),
        (5, 56, 0, 29),
        (10, 10, 0, 20),
        (10, 10, 0, 10),
        (3, 40, 9, 25),
    ],
)
def test_miettinen_nurminen_matches_independent_implementation(
    counts: tuple[int, int, int, int],
) -> None:
    expected = _mn_reference(*counts)
    assert diff_ci(*counts, method="miettinen_nurminen") == pytest.approx(expected, abs=2e-6)


@FAST
@given(
    n1=st.integers(1, 400),
    n2=st.integers(1, 400),
    f1=st.floats(0, 1),
    f2=st.floats(0, 1),
    conf=st.sampled_from([0.9, 0.95, 0.99]),
)
def test_newcombe_matches_statsmodels_newcomb(
    n1: int, n2: int, f1: float, f2: float, conf: float
) -> None:
    # Peer: statsmodels confint_proportions_2indep(method="newcomb") (correct per PITFALLS.md).
    k1, k2 = round(f1 * n1), round(f2 * n2)
    expected = confint_proportions_2indep(
        k1, n1, k2, n2, method="newcomb", compare="diff", alpha=1 - conf
    )
    assert diff_ci(k1, n1, k2, n2, conf=conf) == pytest.approx(expected, abs=1e-9)


@FAST
@given(
    n1=st.integers(1, 300),
    n2=st.integers(1, 300),
    f1=st.floats(0, 1),
    f2=st.floats(0, 1),
    method=st.sampled_from(DIFF_METHODS),
)
def test_property_diff_ci_contains_difference(
    n1: int, n2: int, f1: float, f2: float, method: str
) -> None:
    k1, k2 = round(f1 * n1), round(f2 * n2)
    low, high = diff_ci(k1, n1, k2, n2, method=method)  # type: ignore[arg-type]
    assert -1.0 <= low <= k1 / n1 - k2 / n2 + 1e-12
    assert k1 / n1 - k2 / n2 - 1e-12 <= high <= 1.0


def test_diff_ci_edges_and_errors() -> None:
    assert diff_ci(0, 0, 3, 10) == (-1.0, 1.0)
    assert diff_ci(3, 10, 0, 0, method="miettinen_nurminen") == (-1.0, 1.0)
    huge = diff_ci(500_000_000, 1_000_000_000, 499_000_000, 1_000_000_000)
    assert huge.low == pytest.approx(0.001 - Z95 * math.sqrt(2 * 0.25 / 1e9), abs=1e-7)
    with pytest.raises(ValueError, match="k2 \\(11\\) must not exceed n2 \\(10\\)"):
        diff_ci(1, 10, 11, 10)
    with pytest.raises(ValueError, match="unknown difference interval method 'score'"):
        diff_ci(1, 10, 1, 10, method="score")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="conf"):
        diff_ci(1, 10, 1, 10, conf=1.5)


# ---------------------------------------------------------------------------------------------
# Power and sample size: R ?power.prop.test
# ---------------------------------------------------------------------------------------------


def test_power_matches_r_power_prop_test() -> None:
    # R: power.prop.test(n = 50, p1 = .50, p2 = .75) -> power = 0.7401659.
    assert power_two_proportions(0.5, 0.75, 50) == pytest.approx(0.7401659, abs=1e-7)
    # R: power.prop.test(n = 50, p1 = .5, power = .90) -> p2 = 0.8026.
    p2 = optimize.brentq(lambda q: power_two_proportions(0.5, q, 50) - 0.9, 0.6, 0.99)
    assert p2 == approx4(0.8026)


def test_sample_size_matches_r_power_prop_test() -> None:
    # R: power.prop.test(p1 = .50, p2 = .75, power = .90) -> n = 76.7 (76.70693) -> 77.
    assert sample_size_two_proportions(0.5, 0.75, power=0.9) == 77
    assert _n_two_proportions(0.5, 0.75, 0.05, 0.9, strict=False) == pytest.approx(
        76.70693, abs=1e-5
    )
    # Symmetric in p1, p2; the result really reaches the power.
    n = sample_size_two_proportions(0.3, 0.2)
    assert n == sample_size_two_proportions(0.2, 0.3)
    assert power_two_proportions(0.3, 0.2, n) >= 0.8 > power_two_proportions(0.3, 0.2, n - 1)


def test_power_validation() -> None:
    with pytest.raises(ValueError, match="equal"):
        sample_size_two_proportions(0.4, 0.4)
    with pytest.raises(ValueError, match="p1"):
        power_two_proportions(1.2, 0.5, 10)
    with pytest.raises(ValueError, match="n_per_group"):
        power_two_proportions(0.2, 0.5, 0)
    with pytest.raises(ValueError, match="power"):
        sample_size_two_proportions(0.2, 0.5, power=1.0)


# ---------------------------------------------------------------------------------------------


def test_detectable_proportion_matches_r():
    from analytics.stats import detectable_proportion

    # R: power.prop.test(n = 50, p1 = .5, power = .90) -> p2 = 0.8026 (R documentation; R's
    # uniroot tolerance is 1.2e-4). R: power.prop.test(n = 50, p1 = .5, p2 = .75) -> power =
    # 0.7401659, so at that power the smallest detectable rate is 0.75.
    assert detectable_proportion(0.5, 50, alpha=0.05, power=0.9) == pytest.approx(0.8026, abs=2e-4)
    assert detectable_proportion(0.5, 50, alpha=0.05, power=0.7401659) == pytest.approx(
        0.75, abs=1e-5
    )
    assert detectable_proportion(1.0, 50, alpha=0.05, power=0.8) is None
    with pytest.raises(ValueError, match="direction"):
        detectable_proportion(0.5, 50, alpha=0.05, power=0.8, direction="sideways")
