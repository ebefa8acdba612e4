"""analytics.stats.causal against published values (E-value) and against independent per-row fits
(statsmodels Logit and OLS on the individual rows), plus invariants with hypothesis."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.stats import Interval
from analytics.stats import causal as sc

COVS = ("r", "s")


def _rows(seed: int, n: int = 3000, effect: float = 0.6) -> pd.DataFrame:
    """Two confounders: ``r`` raises both the chance of treatment and of the outcome."""
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"r": rng.choice(list("abc"), n), "s": rng.choice(list("wxyz"), n)})
    eta_e = -0.5 + 1.2 * (df.r == "a") - 0.8 * (df.s == "z")
    df["A"] = (rng.random(n) < 1 / (1 + np.exp(-eta_e))).astype(int)
    eta = -0.3 + effect * df.A + 0.9 * (df.r == "a") - 0.5 * (df.s == "y")
    df["Y"] = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(int)
    df["score"] = 50 + 5 * df.A + 8 * (df.r == "a") + rng.normal(0, 10, n)
    return df


def _design(df: pd.DataFrame) -> pd.DataFrame:
    x = pd.get_dummies(df[list(COVS)], drop_first=True).astype(float)
    x.insert(0, "A", df.A.astype(float))
    return sm.add_constant(x)


# --- E-value: VanderWeele & Ding (2017), Ann Intern Med 167:268-274 -------------------------


def test_e_value_matches_the_papers_worked_example():
    # The paper's breastfeeding example: RR 3.9 (95% CI 1.8 to 8.7) -> E-value 7.26 for the
    # estimate and 3.0 for the lower limit.
    ev = sc.e_value(3.9, Interval(1.8, 8.7))
    assert ev.point == pytest.approx(7.26, abs=0.005)
    assert ev.ci_limit == pytest.approx(3.0, abs=0.005)


def test_e_value_of_a_protective_ratio_uses_its_inverse_and_the_upper_limit():
    # RR 0.80 (0.71 to 0.91): 1/0.8 = 1.25 -> 1.25 + sqrt(1.25 x 0.25) = 1.81; the limit closer
    # to 1 is 0.91 -> 1/0.91 -> 1.43 (the EValue R package's documented example evalues.RR).
    ev = sc.e_value(0.80, Interval(0.71, 0.91))
    assert ev.point == pytest.approx(1.809, abs=0.001)
    assert ev.ci_limit == pytest.approx(1.429, abs=0.001)


def test_e_value_is_one_when_the_interval_contains_the_null():
    assert sc.e_value(1.3, Interval(0.9, 1.8)).ci_limit == 1.0
    assert sc.e_value_rr(1.0) == 1.0


def test_e_value_of_a_standardised_difference_matches_the_evalue_package():
    # EValue::evalues.MD(0.5, se = 0.2): E-values 2.52914198186127 (estimate) and
    # 1.44302956344269 (lower limit), as an independent R test of the package records them
    # (RR = exp(0.91 x 0.5) = 1.576; lower RR = exp(0.455 - 1.78 x 0.2) = 1.104).
    ev = sc.e_value_smd(0.5, 0.2)
    assert ev.risk_ratio == pytest.approx(math.exp(0.455), rel=1e-12)
    assert ev.point == pytest.approx(2.52914198186127, rel=1e-12)
    assert ev.ci_limit == pytest.approx(1.44302956344269, rel=1e-12)


def test_e_value_of_the_packages_documented_smd_example():
    # The EValue documentation's example, evalues.MD(0.5, 0.25) ("Cohen's d = 0.5 with SE =
    # 0.25"): RR 1.576, lower limit exp(0.455 - 0.445) = exp(0.01); E-values 2.53 and 1.11.
    ev = sc.e_value_smd(0.5, 0.25)
    assert ev.point == pytest.approx(2.529, abs=0.0005)
    assert ev.ci_limit == pytest.approx(1.111, abs=0.0005)
    low = math.exp(0.01)
    assert ev.ci_limit == pytest.approx(low + math.sqrt(low * (low - 1)), rel=1e-12)


def test_e_value_of_a_harmful_smd_uses_the_upper_limit():
    # d = -0.5, se 0.1: RR = exp(-0.455) -> its inverse; the limit closer to the null is the
    # upper one, exp(-0.455 + 0.178) = exp(-0.277) -> 1/that = exp(0.277).
    ev = sc.e_value_smd(-0.5, 0.1)
    assert ev.point == pytest.approx(sc.e_value_smd(0.5, 0.1).point, rel=1e-12)
    up = math.exp(0.277)
    assert ev.ci_limit == pytest.approx(up + math.sqrt(up * (up - 1)), rel=1e-12)


def test_e_value_smd_rejects_a_negative_or_missing_standard_error():
    with pytest.raises(ValueError):
        sc.e_value_smd(0.5, -0.1)
    with pytest.raises(ValueError):
        sc.e_value_smd(math.nan, 0.1)


@given(
    st.floats(min_value=-5, max_value=5, allow_nan=False),
    st.floats(min_value=0, max_value=5, allow_nan=False),
)
def test_e_value_smd_invariants(d, se):
    ev = sc.e_value_smd(d, se)
    assert ev.point >= 1.0
    assert 1.0 <= ev.ci_limit <= ev.point * (1 + 1e-12)
    # 1 exactly when the interval (on the log-RR scale) crosses 0
    if 0.91 * d - 1.78 * se <= 0 <= 0.91 * d + 1.78 * se:
        assert ev.ci_limit == 1.0
    else:
        assert ev.ci_limit > 1.0 or abs(0.91 * abs(d) - 1.78 * se) < 1e-12
    # symmetric in the sign of d; near d = 0 the E-value's square root sqrt(RR (RR - 1)) turns
    # a last-bit difference between exp(-x) and 1 / exp(x) into ~1e-11 (hypothesis found it)
    assert sc.e_value_smd(-d, se).point == pytest.approx(ev.point, rel=1e-12, abs=1e-9)
    assert sc.e_value_smd(-d, se).ci_limit == pytest.approx(ev.ci_limit, rel=1e-12, abs=1e-9)


def test_pooled_sd_from_sums_matches_numpy():
    rng = np.random.default_rng(3)
    a, b = rng.normal(50, 10, 40), rng.normal(55, 14, 25)
    expected = math.sqrt(
        ((len(a) - 1) * a.var(ddof=1) + (len(b) - 1) * b.var(ddof=1)) / (len(a) + len(b) - 2)
    )
    got = sc.pooled_sd(len(a), a.sum(), (a * a).sum(), len(b), b.sum(), (b * b).sum())
    assert got == pytest.approx(expected, rel=1e-10)
    assert math.isnan(sc.pooled_sd(1, 3.0, 9.0, 10, 5.0, 5.0))


@given(st.floats(min_value=1e-3, max_value=1e3))
def test_e_value_is_symmetric_in_the_ratio_and_at_least_one(rr):
    assert sc.e_value_rr(rr) == pytest.approx(sc.e_value_rr(1 / rr), rel=1e-9)
    assert sc.e_value_rr(rr) >= 1.0


# --- the estimators against per-row statsmodels fits ----------------------------------------


def test_gcomputation_equals_the_per_row_logit_standardisation():
    df = _rows(1)
    res = sc.adjusted_effect(sc.patterns_from_rows(df, COVS, "A", "Y"), COVS)
    x = _design(df)
    fit = sm.Logit(df.Y, x).fit(disp=0)
    x1, x0 = x.assign(A=1.0), x.assign(A=0.0)
    p1, p0 = fit.predict(x1), fit.predict(x0)
    assert res.gcomp.mean_treated == pytest.approx(p1.mean(), abs=1e-9)
    assert res.gcomp.mean_control == pytest.approx(p0.mean(), abs=1e-9)
    # statsmodels' average discrete change of the dummy (get_margeff, at="overall") is the
    # same number.
    marg = fit.get_margeff(at="overall", dummy=True)
    assert res.gcomp.diff == pytest.approx(marg.margeff[0], abs=1e-9)
    # Its delta-method SE conditions on the covariates; ours adds their sampling variation, so
    # it is a little larger but of the same size.
    assert marg.margeff_se[0] <= res.gcomp.diff_se <= 1.2 * marg.margeff_se[0]
    # The influence function summed per row from the statsmodels fit (M^-1 = N x cov) equals
    # the per-pattern sum.
    n = len(df)
    mu = fit.predict(x)
    g1 = (x1.to_numpy() * (p1 * (1 - p1)).to_numpy()[:, None]).mean(axis=0)
    g0 = (x0.to_numpy() * (p0 * (1 - p0)).to_numpy()[:, None]).mean(axis=0)
    h = x.to_numpy() @ (n * fit.cov_params().to_numpy() @ (g1 - g0))
    phi = (p1 - p0) - (p1 - p0).mean() + h * (df.Y - mu)
    assert res.gcomp.diff_se == pytest.approx(math.sqrt((phi**2).sum()) / n, rel=1e-6)


def test_aipw_equals_the_per_row_estimator_with_statsmodels_models():
    df = _rows(2)
    res = sc.adjusted_effect(sc.patterns_from_rows(df, COVS, "A", "Y"), COVS)
    x = _design(df)
    fit = sm.Logit(df.Y, x).fit(disp=0)
    p1, p0 = fit.predict(x.assign(A=1.0)), fit.predict(x.assign(A=0.0))
    z = x.drop(columns="A")
    e = sm.Logit(df.A, z).fit(disp=0).predict(z)
    # Glynn & Quinn (2010), eq. 5, per row.
    phi1 = p1 + df.A * (df.Y - p1) / e
    phi0 = p0 + (1 - df.A) * (df.Y - p0) / (1 - e)
    diff = phi1.mean() - phi0.mean()
    assert res.aipw.mean_treated == pytest.approx(phi1.mean(), abs=1e-9)
    assert res.aipw.diff == pytest.approx(diff, abs=1e-9)
    se = math.sqrt(((phi1 - phi0 - diff) ** 2).sum()) / len(df)
    assert res.aipw.diff_se == pytest.approx(se, rel=1e-6)
    log_if = (phi1 - phi1.mean()) / phi1.mean() - (phi0 - phi0.mean()) / phi0.mean()
    se_log = math.sqrt((log_if**2).sum()) / len(df)
    assert res.aipw.ratio_ci.high == pytest.approx(
        res.aipw.ratio * math.exp(1.959963984540054 * se_log), rel=1e-6
    )


def test_linear_gcomputation_is_the_ols_coefficient_with_its_robust_se():
    # With a linear main-effects model the standardised difference is the treatment
    # coefficient, and its influence-function variance is the HC0 sandwich.
    df = _rows(3)
    res = sc.adjusted_effect(sc.patterns_from_rows(df, COVS, "A", "score"), COVS, family="gaussian")
    fit = sm.OLS(df.score, _design(df)).fit(cov_type="HC0")
    assert res.gcomp.diff == pytest.approx(fit.params["A"], abs=1e-9)
    assert res.gcomp.diff_se == pytest.approx(fit.bse["A"], rel=1e-6)


def test_both_estimators_recover_a_known_effect_where_the_crude_is_confounded():
    df = _rows(4, n=40_000)
    # The true average effect: the data-generating logit under both arms, averaged.
    eta = -0.3 + 0.9 * (df.r == "a") - 0.5 * (df.s == "y")
    truth = float((1 / (1 + np.exp(-(eta + 0.6))) - 1 / (1 + np.exp(-eta))).mean())
    crude = df[df.A == 1].Y.mean() - df[df.A == 0].Y.mean()
    res = sc.adjusted_effect(sc.patterns_from_rows(df, COVS, "A", "Y"), COVS)
    assert res.gcomp.diff_ci.contains(truth)
    assert res.aipw.diff_ci.contains(truth)
    assert not res.gcomp.diff_ci.contains(crude)


# --- invariants and edge cases --------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=0, max_value=10_000))
def test_swapping_the_pipelines_mirrors_every_estimate(seed):
    df = _rows(seed, n=600)
    one = sc.adjusted_effect(sc.patterns_from_rows(df, COVS, "A", "Y"), COVS)
    other = sc.adjusted_effect(sc.patterns_from_rows(df.assign(A=1 - df.A), COVS, "A", "Y"), COVS)
    for a, b in ((one.gcomp, other.gcomp), (one.aipw, other.aipw)):
        assert a.diff == pytest.approx(-b.diff, abs=1e-7)
        assert a.diff_se == pytest.approx(b.diff_se, rel=1e-5)
        assert a.ratio == pytest.approx(1 / b.ratio, rel=1e-6)
        assert a.diff_ci.contains(a.diff) and a.ratio_ci.contains(a.ratio)
        assert a.diff_ci.high > a.diff_ci.low


def test_a_level_seen_with_one_pipeline_only_is_excluded_and_counted():
    df = _rows(5, n=2000)
    extra = pd.DataFrame({"r": ["d"] * 7, "s": ["w"] * 7, "A": [1] * 7, "Y": [1] * 7})
    res = sc.adjusted_effect(sc.patterns_from_rows(pd.concat([df, extra]), COVS, "A", "Y"), COVS)
    assert res.excluded_n == 7
    assert ("r", "d") in res.excluded_levels
    assert res.n == 2000


def test_one_pipeline_only_is_not_identified():
    df = _rows(6, n=500).assign(A=1)
    with pytest.raises(sc.NotIdentifiedError):
        sc.adjusted_effect(sc.patterns_from_rows(df, COVS, "A", "Y"), COVS)


def test_balance_improves_after_weighting_and_overlap_is_reported():
    df = _rows(7, n=20_000)
    res = sc.adjusted_effect(sc.patterns_from_rows(df, COVS, "A", "Y"), COVS)
    b = res.balance
    assert b.smd_before.abs().max() > 0.2
    # With the right propensity model every level is balanced after weighting (Austin 2009's
    # 0.1 rule; here far below it).
    assert b.smd_after.abs().max() < 0.02
    assert res.overlap.propensity.n_treated.sum() == res.n_treated
    assert 0 <= res.overlap.share_outside <= 1
    assert res.headline_method in {"aipw", "gcomp"}


@settings(max_examples=20, deadline=None)
@given(st.integers(min_value=0, max_value=10_000), st.floats(min_value=0.1, max_value=0.9))
def test_splitting_a_pattern_over_several_rows_changes_nothing(seed, share):
    """Counts, not rows, are the data: a pattern given as two rows (say, from two loads) gives
    the same answer as one row."""
    df = _rows(seed, n=800)
    pat = sc.patterns_from_rows(df, COVS, "A", "score")
    part = pat.copy()
    # Split each pattern into a share and the rest (n, sums and sums of squares split alike).
    for col in (sc.N, sc.Y_SUM, sc.Y_SUMSQ):
        part[col] = pat[col] * share
    rest = pat.copy()
    for col in (sc.N, sc.Y_SUM, sc.Y_SUMSQ):
        rest[col] = pat[col] - part[col]
    split = pd.concat([part, rest], ignore_index=True).sample(frac=1.0, random_state=seed)
    one = sc.adjusted_effect(pat, COVS, family="gaussian")
    two = sc.adjusted_effect(split, COVS, family="gaussian")
    for a, b in ((one.gcomp, two.gcomp), (one.aipw, two.aipw)):
        assert a.diff == pytest.approx(b.diff, rel=1e-9, abs=1e-9)
        assert a.diff_se == pytest.approx(b.diff_se, rel=1e-9)


# --- cluster-robust standard errors (by requisition) -------------------------------------------


def _clustered_rows(seed: int, clusters: int = 120, n: int = 3000) -> pd.DataFrame:
    """Individuals in clusters (requisitions) whose pipeline is chosen per cluster, with a
    shared cluster effect on the outcome: the case where independent SEs are too narrow."""
    rng = np.random.default_rng(seed)
    df = _rows(seed, n)
    df["g"] = rng.integers(0, clusters, n)
    per = rng.random(clusters) < 0.5
    df["A"] = per[df.g].astype(int)
    bump = rng.normal(0, 6, clusters)
    df["score"] = 50 + 5 * df.A + 8 * (df.r == "a") + bump[df.g] + rng.normal(0, 10, n)
    return df


@pytest.mark.parametrize("seed", [1, 2])
def test_clustered_linear_gcomputation_se_is_statsmodels_cluster_robust(seed):
    # For a main-effects linear model the g-computation difference is the pipeline's OLS
    # coefficient and its influence function the sandwich's: the cluster-robust SE must equal
    # statsmodels' cluster covariance (Liang-Zeger, without the small-sample factor).
    df = _clustered_rows(seed)
    p = sc.patterns_from_rows(df, COVS, "A", "score", cluster="g")
    a = sc.adjusted_effect(p, COVS, family="gaussian")
    fit = sm.OLS(df.score, _design(df)).fit(
        cov_type="cluster", cov_kwds={"groups": df.g.to_numpy(), "use_correction": False}
    )
    assert a.gcomp.diff == pytest.approx(fit.params["A"], rel=1e-9)
    assert a.gcomp.diff_se == pytest.approx(fit.bse["A"], rel=1e-6)
    # ... and wider than the independent one here (pipelines chosen per cluster).
    plain = sc.adjusted_effect(
        sc.patterns_from_rows(df, COVS, "A", "score"), COVS, family="gaussian"
    )
    assert a.gcomp.diff == pytest.approx(plain.gcomp.diff, rel=1e-12)
    assert a.aipw.diff == pytest.approx(plain.aipw.diff, rel=1e-12)
    assert a.gcomp.diff_se > plain.gcomp.diff_se


@pytest.mark.parametrize("family", ["binomial", "gaussian"])
def test_one_individual_per_cluster_gives_the_independent_se(family):
    df = _rows(5, 800).reset_index(names="id")
    outcome = "Y" if family == "binomial" else "score"
    clustered = sc.adjusted_effect(
        sc.patterns_from_rows(df, COVS, "A", outcome, cluster="id"), COVS, family=family
    )
    plain = sc.adjusted_effect(sc.patterns_from_rows(df, COVS, "A", outcome), COVS, family=family)
    for method in ("gcomp", "aipw"):
        c, p = getattr(clustered, method), getattr(plain, method)
        assert c.diff == pytest.approx(p.diff, rel=1e-9)
        assert c.diff_se == pytest.approx(p.diff_se, rel=1e-7)
        assert c.ratio_ci.low == pytest.approx(p.ratio_ci.low, rel=1e-7)


# --- Too sparse: fewer than MIN_PER_PARAMETER of the limiting count per model parameter ----------


def _sparse_rows(seed: int, n: int, levels: int) -> pd.DataFrame:
    """Few applications spread over many covariate levels: the nonsense the guard refuses."""
    rng = np.random.default_rng(seed)
    i = np.arange(n)
    # Every level of both covariates is seen with both pipelines (nothing is pruned), so the
    # parameter count is the full design's.
    df = pd.DataFrame(
        {"r": [f"r{k}" for k in (i // 2) % levels], "s": [list("wxyz")[k] for k in (i // 2) % 4]}
    )
    df["A"] = i % 2
    df["Y"] = (rng.random(n) < 0.85).astype(int)
    df["score"] = 50 + rng.normal(0, 10, n)
    return df


def test_too_sparse_is_refused_with_the_design_s_own_parameter_count():
    outcome, family = "Y", "binomial"
    df = _sparse_rows(3, n=24, levels=12)  # 16 parameters for 24 rows and ~4 of the rarer answer
    patterns = sc.patterns_from_rows(df, COVS, "A", outcome)
    with pytest.raises(sc.TooSparseError) as err:
        sc.adjusted_effect(patterns, COVS, family=family)
    # The parameter count is the width of the per-row design statsmodels would fit (intercept,
    # pipeline, each covariate's dummies but the reference): no level is pruned here.
    assert err.value.parameters == _design(df).shape[1]
    y = df[outcome]
    limiting = min(int(y.sum()), int(len(y) - y.sum())) if family == "binomial" else len(y)
    assert err.value.available == limiting
    assert err.value.needed == sc.MIN_PER_PARAMETER * err.value.parameters
    assert err.value.available < err.value.needed
    assert isinstance(err.value, sc.NotIdentifiedError)  # callers that only know the base class


@settings(max_examples=30, deadline=None)
@given(n=st.integers(8, 400), levels=st.integers(2, 12), seed=st.integers(0, 10_000))
def test_the_guard_refuses_exactly_below_the_floor(n, levels, seed):
    """Either an estimate from at least MIN_PER_PARAMETER of the rarer answer per parameter, or a
    refusal that says how far below it is: never an estimate under the floor."""
    df = _sparse_rows(seed, n=n, levels=levels)
    try:
        res = sc.adjusted_effect(sc.patterns_from_rows(df, COVS, "A", "Y"), COVS)
    except sc.TooSparseError as e:
        assert e.available < e.needed
        return
    except sc.NotIdentifiedError:
        return
    y = df.Y
    assert res.excluded_n == 0
    assert min(y.sum(), len(y) - y.sum()) >= sc.MIN_PER_PARAMETER * _design(df).shape[1]
