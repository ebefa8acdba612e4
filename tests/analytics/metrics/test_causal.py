"""analytics.metrics.causal on real DuckDB demo databases: the adjusted estimates recover the
generator's true effects (analytics.demo.truth) where the crude comparison is confounded, and the
pattern-count estimates equal an independent per-row statsmodels fit."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from analytics import demo, store
from analytics.demo.truth import true_effects
from analytics.domain import PRIVACY_THRESHOLD, Filters
from analytics.metrics import causal

TRUTH_OUTCOMES = (
    "offer_acceptance",
    "withdrawal",
    "hire_rate",
    "retention_12m",
    "performance",
    "ramp",
)


def _check_recovery(effects: causal.CausalEffects, truth: dict) -> None:
    for outcome in TRUTH_OUTCOMES:
        eff = effects.effects[outcome]
        assert eff.estimated, (outcome, eff.reason, eff.detail)
        scale = 100.0 if outcome == "performance" else 1.0
        true_diff = truth[outcome].diff * (1.0 if outcome == "performance" else scale)
        assert eff.headline.diff_ci.contains(true_diff), (outcome, eff.headline, true_diff)
    # Where pipelines cluster in role families, the crude comparison misses the truth (the
    # hire rate even points the other way: Simpson's paradox), the adjusted one does not.
    for outcome in ("hire_rate", "withdrawal"):
        crude = effects.effects[outcome].crude
        assert not crude.ci.contains(truth[outcome].diff), outcome
    assert effects.effects["hire_rate"].crude.diff < 0 < truth["hire_rate"].diff
    assert effects.composite.ci.contains(truth["quality_composite"].diff)


def test_the_default_demo_recovers_the_true_effects(demo_con):
    info = store.dataset_info(demo_con)
    effects = causal.adjusted_effects(demo_con.cursor(), Filters(), info.as_of)
    truth = true_effects(demo.DEFAULT_APPLICATIONS, demo.DEFAULT_SEED)
    _check_recovery(effects, truth)
    assert effects.patterns > 0
    assert effects.applications == truth["hire_rate"].population


@pytest.mark.slow
def test_a_larger_demo_recovers_the_true_effects_with_aipw_as_headline(demo_db):
    con = store.connect(demo_db(100_000, 11), read_only=True)
    try:
        info = store.dataset_info(con)
        effects = causal.adjusted_effects(con.cursor(), Filters(), info.as_of)
    finally:
        con.close()
    truth = true_effects(100_000, 11)
    _check_recovery(effects, truth)
    # With 100,000 applications the propensities stay inside 0.05-0.95: AIPW is the headline.
    assert effects.effects["hire_rate"].analysis.headline_method == "aipw"


def _per_row(con) -> pd.DataFrame:
    """Every decided application as a row (a small demo only), with its covariates."""
    return con.execute(
        """
        SELECT role_family, seniority, region, source,
               strftime(applied_on, '%Y-%m') AS month,
               (pipeline = 'human_first')::INT AS A,
               (status = 'hired')::INT AS Y
        FROM applications
        WHERE status <> 'open'
        """
    ).df()


def test_pattern_estimates_equal_a_per_row_statsmodels_fit(demo_db):
    con = store.connect(demo_db(3000, 8), read_only=True)
    try:
        info = store.dataset_info(con)
        effects = causal.adjusted_effects(
            con.cursor(), Filters(), info.as_of, outcomes=("hire_rate",)
        )
        rows = _per_row(con)
    finally:
        con.close()
    analysis = effects.effects["hire_rate"].analysis
    assert analysis is not None
    # A small demo has levels with one pipeline only (excluded by the positivity rule): the
    # per-row fit leaves out the same applications.
    for cov, level in analysis.excluded_levels:
        rows = rows[rows[cov] != level]
    assert analysis.excluded_n > 0
    covs = list(causal.COVARIATES)
    x = pd.get_dummies(rows[covs], drop_first=True).astype(float)
    x.insert(0, "A", rows.A.astype(float))
    x = sm.add_constant(x)
    # Newton for a logit whose separated levels drift to infinity: statsmodels GLM (IRLS), the
    # peer implementation, with the same iteration cap.
    fit = sm.GLM(rows.Y, x, family=sm.families.Binomial()).fit(maxiter=100)
    p1, p0 = fit.predict(x.assign(A=1.0)), fit.predict(x.assign(A=0.0))
    assert analysis.gcomp.mean_treated == pytest.approx(p1.mean(), abs=1e-6)
    assert analysis.gcomp.mean_control == pytest.approx(p0.mean(), abs=1e-6)
    assert analysis.n == len(rows)


def test_too_small_a_group_gives_no_number(demo_con):
    info = store.dataset_info(demo_con)
    first = demo_con.execute(
        "SELECT min(applied_on) FROM applications WHERE pipeline = 'human_first'"
    ).fetchall()[0][0]
    tiny = Filters(date_from=first, date_to=first, role_family=("customer_support",))
    effects = causal.adjusted_effects(demo_con.cursor(), tiny, info.as_of)
    for eff in effects.effects.values():
        assert eff.reason == "too_few" or (
            eff.n_treated >= PRIVACY_THRESHOLD and eff.n_control >= PRIVACY_THRESHOLD
        )
        if eff.reason == "too_few":
            assert eff.analysis is None and eff.e_value is None
    assert effects.composite.diff is None or effects.composite.ci is not None


def test_overlap_histogram_and_balance_table_hide_small_groups(demo_con):
    info = store.dataset_info(demo_con)
    effects = causal.adjusted_effects(
        demo_con.cursor(), Filters(), info.as_of, outcomes=("offer_acceptance",)
    )
    analysis = effects.effects["offer_acceptance"].analysis
    hist = causal.propensity_histogram(analysis)
    prop = analysis.overlap.propensity
    edges = np.linspace(0, 1, 21)
    idx = np.clip(np.digitize(prop.e, edges) - 1, 0, 19)
    for pipe, col in (("human_first", "n_treated"), ("automation_first", "n_control")):
        counts = np.bincount(idx, weights=prop[col], minlength=20)
        shares = hist[hist.pipeline == pipe].share.to_numpy()
        small = (counts > 0) & (counts < PRIVACY_THRESHOLD)
        assert np.all(np.isnan(shares[small]))
        assert (np.isnan(shares) & (counts > 0)).sum() != 1
        assert math.isclose(np.nansum(shares) + counts[np.isnan(shares)].sum() / counts.sum(), 1)
    table = causal.balance_table(analysis)
    assert set(table.covariate) <= set(causal.COVARIATES)
    assert not table.empty


def _pooled(values: pd.Series, groups: pd.Series) -> float:
    """numpy's pooled within-group SD (the peer of ``stats.causal.pooled_sd``)."""
    parts = [values[groups == g].to_numpy(float) for g in (0, 1)]
    ss = sum((len(v) - 1) * v.var(ddof=1) for v in parts)
    return math.sqrt(ss / (sum(len(v) for v in parts) - 2))


def test_the_composite_has_an_e_value_from_its_pooled_sd(demo_con):
    # Issue 22: the composite (0-100) gets the E-value of a standardised mean difference
    # (VanderWeele & Ding 2017; EValue evalues.MD): d = difference / the composite's SD, taken as
    # the weighted sum of the components' pooled within-pipeline SDs.
    info = store.dataset_info(demo_con)
    effects = causal.adjusted_effects(demo_con.cursor(), Filters(), info.as_of)
    rows = demo_con.execute(
        """
        SELECT (a.pipeline = 'human_first')::INT AS A, (h.perf_12m - 1) / 4.0 * 100 AS perf,
               CASE WHEN date_diff('day', h.start_on, $as_of) >= 365
                    THEN (h.left_on IS NULL
                          OR date_diff('day', h.start_on, h.left_on) > 365)::INT END AS kept
        FROM hires AS h JOIN applications AS a USING (application_id)
        WHERE h.start_on <= $as_of
        """,
        {"as_of": info.as_of},
    ).df()
    perf = rows.dropna(subset=["perf"])
    kept = rows.dropna(subset=["kept"])
    assert effects.effects["performance"].sd == pytest.approx(_pooled(perf.perf, perf.A), rel=1e-9)
    assert effects.effects["retention_12m"].sd == pytest.approx(
        _pooled(kept.kept, kept.A), rel=1e-9
    )
    comp = effects.composite
    weights = {c: w for c, w in causal.DEFAULT_WEIGHTS.items() if w > 0}
    expected_sd = sum(
        w * (100 if effects.effects[c].kind == "rate" else 1) * effects.effects[c].sd
        for c, w in weights.items()
    ) / sum(weights.values())
    assert comp.sd == pytest.approx(expected_sd, rel=1e-12)
    # The published formula, written out: RR = exp(0.91 d), limit exp(0.91 d -+ 1.78 se_d).
    d, se_d = comp.diff / comp.sd, comp.se / comp.sd
    rr = math.exp(0.91 * abs(d))
    assert comp.e_value.point == pytest.approx(rr + math.sqrt(rr * (rr - 1)), rel=1e-12)
    limit = math.exp(max(0.91 * abs(d) - 1.78 * se_d, 0.0))
    assert comp.e_value.ci_limit == pytest.approx(limit + math.sqrt(limit * (limit - 1)), rel=1e-12)
    assert 1.0 <= comp.e_value.ci_limit <= comp.e_value.point
    # The interval is the composite's: its SE is the one behind the printed interval.
    assert comp.ci.high - comp.ci.low == pytest.approx(2 * 1.959963984540054 * comp.se)


def test_a_composite_without_an_answer_has_no_e_value(demo_con):
    info = store.dataset_info(demo_con)
    first = demo_con.execute(
        "SELECT min(applied_on) FROM applications WHERE pipeline = 'human_first'"
    ).fetchall()[0][0]
    tiny = Filters(date_from=first, date_to=first)
    comp = causal.adjusted_effects(demo_con.cursor(), tiny, info.as_of).composite
    if comp.diff is None:
        assert comp.e_value is None and comp.sd is None


def test_requisition_clustered_se_equals_statsmodels_cluster_robust_ols(demo_con):
    # Pipelines are chosen per requisition in the demo: with ``cluster=True`` the influence
    # functions are summed per requisition. For the linear performance model the g-computation
    # difference is the OLS pipeline coefficient, so its clustered SE must be statsmodels'
    # cluster-robust one (without the small-sample factor) on the per-hire rows.
    info = store.dataset_info(demo_con)
    cur = demo_con.cursor()
    clustered = causal.adjusted_effects(
        cur, Filters(), info.as_of, outcomes=("performance", "hire_rate"), cluster=True
    )
    plain = causal.adjusted_effects(
        cur, Filters(), info.as_of, outcomes=("performance", "hire_rate")
    )
    assert clustered.clustered and not plain.clustered
    for outcome in ("performance", "hire_rate"):
        c, p = clustered.effects[outcome].analysis, plain.effects[outcome].analysis
        for method in ("gcomp", "aipw"):
            assert getattr(c, method).diff == pytest.approx(getattr(p, method).diff, rel=1e-9)
        assert c.n == p.n and c.excluded_levels == p.excluded_levels
    rows = demo_con.execute(
        """
        SELECT coalesce(a.role_family, '(missing)') AS role_family,
               coalesce(a.seniority, '(missing)') AS seniority,
               coalesce(a.region, '(missing)') AS region,
               coalesce(a.source, '(missing)') AS source,
               strftime(a.applied_on, '%Y-%m') AS month,
               (a.pipeline = 'human_first')::INT AS A, a.requisition_id AS g,
               (h.perf_12m - 1) / 4.0 * 100 AS y
        FROM hires AS h JOIN applications AS a USING (application_id)
        WHERE h.start_on <= $as_of AND h.perf_12m IS NOT NULL
        """,
        {"as_of": info.as_of},
    ).df()
    analysis = clustered.effects["performance"].analysis
    for cov, level in analysis.excluded_levels:
        rows = rows[rows[cov] != level]
    assert len(rows) == analysis.n
    x = pd.get_dummies(rows[list(causal.COVARIATES)], drop_first=True).astype(float)
    x.insert(0, "A", rows.A.astype(float))
    fit = sm.OLS(rows.y, sm.add_constant(x)).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(rows.g)[0], "use_correction": False}
    )
    assert analysis.gcomp.diff == pytest.approx(fit.params["A"], rel=1e-6)
    assert analysis.gcomp.diff_se == pytest.approx(fit.bse["A"], rel=1e-5)
