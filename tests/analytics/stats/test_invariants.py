"""Property tests (hypothesis) over the public statistics and result objects of
``analytics.stats`` that issue 17 is about: every interval contains its estimate, stays in the
parameter's range and is not zero-width for a finite sample; a verdict agrees with the test shown
beside it; answers do not depend on the order of exchangeable groups.

The two-proportion comparison (``stats.tables``, ``stats.proportions``) has its own property
tests beside its module; this file covers the rest. 60 examples per property in the fast suite
(the three heavier sweeps are marked slow).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from analytics import stats
from analytics.metrics.survey.headlines import smallest_p
from analytics.stats import grouped
from analytics.stats.effective_n import mean_interval, nps_from_shares, proportion_interval
from analytics.stats.impact import impact_ratio, ratio_score_interval, ratio_score_p
from analytics.stats.ranks import auc_score_interval, auc_score_p, brunner_munzel_counts

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
Z = float(sps.norm.ppf(0.975))
TOL = 1e-9


def _counts(max_n: int = 120):
    return st.integers(1, max_n).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n)))


def _inside(ci: stats.Interval, value: float, lo: float, hi: float) -> None:
    assert lo - TOL <= ci.low <= value + TOL <= ci.high + 2 * TOL <= hi + 3 * TOL
    assert ci.high > ci.low  # never zero-width for a finite sample


# --- impact ratio (Koopman score) -------------------------------------------------------------


@SETTINGS
@given(_counts(), _counts())
def test_impact_ratio_interval_contains_estimate_and_inverts_its_test(a, b):
    (k, n), (rk, rn) = a, b
    assume(rk > 0)
    ir, ci = impact_ratio(k, n, rk, rn)
    _inside(ci, ir, 0.0, math.inf)
    # The score test at phi = 1 rejects at 5% exactly when the interval excludes 1.
    p = ratio_score_p(k, n, rk, rn, 1.0)
    if abs(p - 0.05) > 1e-6:
        assert (p < 0.05) == ci.excludes(1.0)


@SETTINGS
@given(_counts(), _counts())
def test_ratio_interval_is_symmetric_under_swapping_groups(a, b):
    (k, n), (rk, rn) = a, b
    assume(k > 0 and rk > 0)
    ci = ratio_score_interval(k, n, rk, rn)
    swapped = ratio_score_interval(rk, rn, k, n)
    assert ci.low == pytest.approx(1 / swapped.high, rel=1e-6)
    assert ci.high == pytest.approx(1 / swapped.low, rel=1e-6)


# --- NPS (Rocks adjusted Wald) ----------------------------------------------------------------


@SETTINGS
@given(st.integers(0, 60), st.integers(0, 60), st.integers(0, 60))
def test_nps_interval_contains_score_and_stays_in_range(pro, pas, det):
    n = pro + pas + det
    assume(n > 0)
    res = stats.nps([10] * pro + [8] * pas + [3] * det)
    _inside(res.ci, res.nps, -100.0, 100.0)
    shares = nps_from_shares(pro / n, det / n, float(n))
    assert shares.ci == pytest.approx(res.ci)
    # Exchanging promoters and detractors mirrors the interval.
    mirror = stats.nps([10] * det + [8] * pas + [3] * pro)
    assert mirror.ci.low == pytest.approx(-res.ci.high) and mirror.ci.high == pytest.approx(
        -res.ci.low
    )


# --- P(X > Y): Brunner-Munzel, Newcombe method 5 ----------------------------------------------

_ordinal = st.lists(st.integers(0, 12), min_size=5, max_size=5)


@SETTINGS
@given(_ordinal, _ordinal)
def test_probability_of_superiority_is_inside_a_proper_interval(xc, yc):
    x, y = np.array(xc, float), np.array(yc, float)
    assume(x.sum() > 0 and y.sum() > 0)
    res = brunner_munzel_counts(x, y)
    _inside(res.prob_superiority_ci, res.prob_superiority, 0.0, 1.0)
    assert math.isfinite(res.p_value)
    # Exchangeable groups: swapping them mirrors P and keeps the two-sided p.
    back = brunner_munzel_counts(y, x)
    assert back.prob_superiority == pytest.approx(1 - res.prob_superiority)
    assert back.p_value == pytest.approx(res.p_value, rel=1e-9, abs=1e-12)
    if res.method == "newcombe-score" and abs(res.p_value - 0.05) > 1e-6:
        assert (res.p_value < 0.05) == res.prob_superiority_ci.excludes(0.5)


@SETTINGS
@given(st.floats(0, 1), st.integers(1, 80), st.integers(1, 80))
def test_newcombe_interval_inverts_its_score_test(theta, m, n):
    ci = auc_score_interval(theta, m, n)
    _inside(ci, theta, 0.0, 1.0)
    p = auc_score_p(theta, m, n)
    if abs(p - 0.05) > 1e-6:
        assert (p < 0.05) == ci.excludes(0.5)


@SETTINGS
@given(
    st.lists(st.integers(1, 5), min_size=1, max_size=25),
    st.lists(st.integers(1, 5), min_size=1, max_size=25),
)
def test_rank_compare_never_gives_a_degenerate_interval(x, y):
    res = stats.rank_compare(x, y)
    _inside(res.prob_superiority_ci, res.prob_superiority, 0.0, 1.0)
    assert math.isfinite(res.brunner_munzel_p_value)


# --- Fieller ----------------------------------------------------------------------------------


@SETTINGS
@given(
    st.floats(-5, 5),
    st.floats(-5, 5),
    st.floats(0.01, 4),
    st.floats(0.01, 4),
    st.floats(-0.99, 0.99),
)
def test_fieller_is_bounded_exactly_when_the_denominator_is_clear(a, b, va, vb, rho):
    assume(abs(b) > 1e-6)
    cov = rho * math.sqrt(va * vb)
    res = stats.fieller(a, b, var_num=va, var_den=vb, cov=cov)
    assert res.identified == (abs(b) / math.sqrt(vb) > Z)
    if res.identified:
        _inside(res.ci, a / b, -math.inf, math.inf)
    # Every rho in the set passes the z-test of a - rho b = 0 (Fieller's definition).
    probe = res.ci.low if res.identified else (res.gap.high if math.isfinite(res.gap.high) else 0)
    if math.isfinite(probe):
        stat = (a - probe * b) ** 2 / (va - 2 * probe * cov + probe**2 * vb)
        assert stat <= Z**2 * (1 + 1e-6) + 1e-9


# --- Kaplan-Meier at the boundary, before/after comparisons --------------------------------------


@pytest.mark.slow  # a DuckDB-free but heavier sweep (pandas / Kaplan-Meier per example)
@SETTINGS
@given(st.integers(1, 60), st.integers(0, 5), st.integers(1, 60), st.integers(0, 5))
def test_survival_at_a_point_is_never_treated_as_certain(n1, d1, n2, d2):
    def point(n: int, d: int) -> grouped.SurvivalPoint:
        d = min(d, n)
        times = np.array([100.0, 400.0])
        curve = grouped.km_curve(times, np.array([d, 0.0]), np.array([0.0, n - d]))
        p = grouped.km_at(curve, 365)
        assert p is not None
        return p

    a, b = point(n1, d1), point(n2, d2)
    for p in (a, b):
        _inside(p.ci, p.survival, 0.0, 1.0)
        assert p.se > 0 or 0 < p.survival < 1
    diff = grouped.survival_difference(a, b)
    _inside(diff.ci, diff.diff, -2.0, 2.0)


@pytest.mark.slow  # a DuckDB-free but heavier sweep (pandas / Kaplan-Meier per example)
@SETTINGS
@given(_counts(60), _counts(60), _counts(60), _counts(60))
def test_did_of_rates_has_a_proper_interval_even_at_zero_and_full(tb, ta, cb, ca):
    from analytics.metrics.change import _rate_cell, did

    cells = []
    for (g, period), (k, n) in zip(
        [("treated", "before"), ("treated", "after"), ("control", "before"), ("control", "after")],
        [tb, ta, cb, ca],
        strict=True,
    ):
        cells.append({"group": g, "period": period, **_rate_cell(k, n)})
    frame = pd.DataFrame(cells)
    assume(frame["value"].notna().all())
    _, _, d, ci, p = did(frame)
    _inside(ci, d, -math.inf, math.inf)
    if abs(p - 0.05) > 1e-6:
        assert (p < 0.05) == ci.excludes(0.0)


@SETTINGS
@given(
    st.integers(2, 50),
    st.floats(1, 5),
    st.one_of(st.just(0.0), st.floats(1e-4, 2)),  # ratings: no spread, or a real one
    st.integers(2, 50),
    st.floats(1, 5),
    st.one_of(st.just(0.0), st.floats(1e-4, 2)),
)
def test_welch_says_so_without_variance_and_agrees_with_its_p(n1, m1, v1, n2, m2, v2):
    diff, ci, p = stats.welch(n1, m1, v1, n2, m2, v2)
    if v1 == 0 and v2 == 0:
        assert math.isnan(ci.low) and math.isnan(p)  # no variance: no zero-width interval
        return
    _inside(ci, diff, -math.inf, math.inf)
    if abs(p - 0.05) > 1e-6:
        assert (p < 0.05) == ci.excludes(0.0)


# --- effective-n intervals --------------------------------------------------------------------


@SETTINGS
@given(st.floats(0, 1), st.floats(0.5, 500))
def test_weighted_share_interval_contains_share(share, n_eff):
    _inside(proportion_interval(share, n_eff), share, 0.0, 1.0)


@pytest.mark.slow  # a DuckDB-free but heavier sweep (pandas / Kaplan-Meier per example)
@SETTINGS
@given(st.lists(st.floats(1, 5), min_size=3, max_size=40), st.lists(st.floats(0.2, 3), min_size=40))
def test_weighted_mean_interval_contains_mean(x, w):
    x_arr, w_arr = np.array(x), np.array(w[: len(x)])
    assume(np.ptp(x_arr) > 1e-6)
    sw, swx, swx2 = w_arr.sum(), (w_arr * x_arr).sum(), (w_arr * x_arr**2).sum()
    n_eff = stats.kish(sw, (w_arr**2).sum())
    mean, ci = mean_interval(sw, swx, swx2, n_eff)
    assume(math.isfinite(ci.low))
    _inside(ci, mean, 1 - 1e9, 5 + 1e9)


# --- multiplicity and headline invariance -------------------------------------------------------

_pvals = st.lists(st.one_of(st.floats(0, 1), st.just(math.nan)), min_size=1, max_size=12)


@SETTINGS
@given(_pvals, st.randoms(use_true_random=False))
def test_holm_and_the_headline_p_do_not_depend_on_order(pvals, rnd):
    order = list(range(len(pvals)))
    rnd.shuffle(order)
    shuffled = [pvals[i] for i in order]
    adj = stats.adjust_pvalues(pvals, "holm")
    adj_shuffled = stats.adjust_pvalues(shuffled, "holm")
    np.testing.assert_allclose(adj_shuffled, adj[order], equal_nan=True)
    finite = np.isfinite(adj)
    assert (adj[finite] >= np.asarray(pvals)[finite] - 1e-15).all() and (adj[finite] <= 1).all()
    a, b = smallest_p(adj), smallest_p(adj_shuffled)
    assert (math.isnan(a) and math.isnan(b)) or a == b


@SETTINGS
@given(st.floats(-3, 3), st.floats(0.001, 2))
def test_wald_interval_contains_estimate_and_matches_its_p(est, se):
    ci = stats.wald_interval(est, se)
    _inside(ci, est, -math.inf, math.inf)
    p = stats.wald_p_value(est, se)
    if abs(p - 0.05) > 1e-6:
        assert (p < 0.05) == ci.excludes(0.0)


@SETTINGS
@given(st.lists(st.floats(-10, 10), min_size=2, max_size=200))
def test_percentile_interval_is_ordered_and_inside_the_draws(draws):
    ci = stats.percentile_interval(draws)
    assert min(draws) <= ci.low <= ci.high <= max(draws)
