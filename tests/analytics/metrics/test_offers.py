"""Offers analytics against hand-counted fixtures in a real DuckDB, the human-premium regression
against statsmodels on simulated data, the delta method by hand, demo invariants, and figures."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from analytics import demo, stats, store
from analytics.domain import Filters
from analytics.metrics import offers

D = dt.date


def _fixture(con) -> None:
    """Human-first: 10 decided offers (8 accepted, 2 declined) + 1 pending.
    Automation-first: 12 decided (6 accepted, 6 declined: 5 process_experience, 1 compensation).
    Days to decide: human-first 1..10, automation-first 3 each."""
    apps, offer_rows = [], []
    plan = [
        ("human_first", [True] * 8 + [False, False, None]),
        ("automation_first", [True] * 6 + [False] * 6),
    ]
    hf_reasons = ["compensation", "competing_offer"]
    af_reasons = ["process_experience"] * 5 + ["compensation"]
    for pipe, decisions in plan:
        declined = iter(hf_reasons if pipe == "human_first" else af_reasons)
        for j, accepted in enumerate(decisions):
            i = len(apps)
            aid = f"A{i:03d}"
            apps.append(
                {
                    "application_id": aid,
                    "applied_on": D(2025, 1, 1),
                    "pipeline": pipe,
                    "role_family": "engineering",
                    "status": "hired"
                    if accepted
                    else ("open" if accepted is None else "offer_declined"),
                }
            )
            days = (j + 1) if pipe == "human_first" else 3
            offer_rows.append(
                {
                    "application_id": aid,
                    "offered_on": D(2025, 3, 1),
                    "decided_on": None if accepted is None else D(2025, 3, 1) + dt.timedelta(days),
                    "accepted": accepted,
                    "comp_ratio": 1.02 if pipe == "human_first" else (0.80 if j < 6 else 1.30),
                    "competing_offers": j % 6,
                    "decline_reason": next(declined) if accepted is False else None,
                }
            )
    frame = pd.DataFrame(offer_rows)
    frame["accepted"] = frame.accepted.astype("boolean")
    store.load_tables(con, {"applications": pd.DataFrame(apps), "offers": frame})


@pytest.fixture
def fx(con):
    _fixture(con)
    return con


def test_acceptance_equals_hand_counts(fx):
    acc = offers.acceptance(fx, Filters())
    rows = acc.table.set_index("pipeline")
    assert list(acc.table.pipeline) == ["human_first", "automation_first"]
    assert rows.loc["human_first", ["decided", "accepted", "pending"]].tolist() == [10, 8, 1]
    assert rows.loc["automation_first", ["decided", "accepted", "pending"]].tolist() == [12, 6, 0]
    assert rows.at["human_first", "rate"] == pytest.approx(0.8)
    ci = stats.proportion_ci(6, 12)
    assert rows.at["automation_first", "rate_low"] == pytest.approx(ci.low)
    assert rows.at["automation_first", "rate_high"] == pytest.approx(ci.high)
    assert acc.comparison == stats.compare_proportions(8, 10, 6, 12)
    assert acc.decided == 22
    table = offers.acceptance_table(acc, "en")
    assert table.iloc[0]["Acceptance (%)"] == 80.0


def test_small_pipelines_are_suppressed(fx):
    only_hf = offers.acceptance(fx, Filters(role_family=("engineering",)))
    assert only_hf.comparison is not None
    fx.execute("DELETE FROM offers WHERE application_id >= 'A014'")
    store.rebuild_derived(fx)  # edited in place, not through a load
    acc = offers.acceptance(fx, Filters())
    rows = acc.table.set_index("pipeline")
    assert rows.at["automation_first", "decided"] == 3
    assert bool(rows.at["automation_first", "suppressed"])
    assert math.isnan(rows.at["automation_first", "rate"])
    assert acc.comparison is None


def test_decline_reasons_shares_and_suppression(fx):
    reasons = offers.decline_reasons(fx, Filters())
    af = reasons[reasons.pipeline == "automation_first"].set_index("reason")
    assert af.at["process_experience", "declines"] == 6
    assert bool(af.at["compensation", "suppressed"])  # a cell of 1
    assert pd.isna(af.at["compensation", "n"])
    # with 6 declines shown, 5 shown would give the hidden 1 away (6 - 5): complementary
    # suppression (analytics/privacy.py) hides the next smallest reason too
    assert bool(af.at["process_experience", "suppressed"])
    assert pd.isna(af.at["process_experience", "n"])
    assert pd.isna(af.at["process_experience", "share"])
    hf = reasons[reasons.pipeline == "human_first"]
    assert hf.suppressed.all()  # 2 declines in all
    assert hf.declines.iloc[0] == 2


def test_decision_times_median_and_quartiles(fx):
    times = offers.decision_times(fx, Filters()).set_index("pipeline")
    assert times.at["human_first", "n"] == 10  # the pending offer is not counted
    assert times.at["human_first", "median"] == 5.5
    assert times.at["human_first", "q1"] == pytest.approx(np.quantile(np.arange(1, 11), 0.25))
    assert times.at["human_first", "q3"] == pytest.approx(np.quantile(np.arange(1, 11), 0.75))
    assert times.at["automation_first", "median"] == 3


def test_acceptance_by_comp_ratio_and_competing(fx):
    comp = offers.acceptance_by_comp_ratio(fx, Filters())
    rows = {(r.pipeline, round(r.bin, 2)): (r.accepted, r.decided) for r in comp.itertuples()}
    # human-first: every decided offer at 1.02 -> bin 1.00; automation-first 0.80 -> first bin
    # (0.85, pooled) and 1.30 -> last bin (1.10, pooled).
    assert rows == {
        ("human_first", 1.0): (8, 10),
        ("automation_first", 0.85): (6, 6),
        ("automation_first", 1.1): (0, 6),
    }
    competing = offers.acceptance_by_competing(fx, Filters())
    hf = competing[competing.pipeline == "human_first"].set_index("competing")
    # human-first decided offers j = 0..9 -> competing j % 6 capped at 3: 0,1,2,3,3,3,0,1,2,3
    assert hf.decided.to_dict() == {0: 2, 1: 2, 2: 2, 3: 4}
    assert hf.suppressed.all()  # every cell below 5
    assert set(competing.columns) >= {"rate", "rate_low", "rate_high", "suppressed"}


def _simulate(n: int = 6000, seed: int = 1) -> pd.DataFrame:
    """Acceptance with a known human premium of 0.7 / 10 = 0.07 comp-ratio units."""
    rng = np.random.default_rng(seed)
    hf = rng.random(n) < 0.4
    comp = rng.normal(1.0, 0.07, n)
    competing = rng.poisson(0.8, n)
    role = rng.choice(["engineering", "sales", "data"], n)
    sen = rng.choice(["junior", "senior"], n)
    logit = (
        1.5
        + 0.7 * hf
        + 10.0 * (comp - 1.0)
        - 0.4 * competing
        + np.where(role == "sales", 0.3, 0.0)
        - np.where(sen == "senior", 0.25, 0.0)
    )
    accepted = rng.random(n) < 1 / (1 + np.exp(-logit))
    return pd.DataFrame(
        {
            "accepted": accepted.astype(int),
            "human_first": hf.astype(int),
            "comp_ratio": comp,
            "competing_offers": competing,
            "role_family": role,
            "seniority": sen,
        }
    )


def test_premium_matches_statsmodels_and_recovers_the_truth():
    import statsmodels.api as sm

    rows = _simulate()
    premium = offers.fit_premium(rows)
    assert premium is not None
    assert premium.premium_ci.contains(0.07)
    x = pd.concat(
        [
            rows[["human_first", "comp_ratio", "competing_offers"]].astype(float),
            pd.get_dummies(rows[["role_family", "seniority"]], drop_first=True, dtype=float),
        ],
        axis=1,
    )
    fit = sm.Logit(rows.accepted, sm.add_constant(x)).fit(disp=0)
    assert premium.beta_human == pytest.approx(fit.params["human_first"], rel=1e-6)
    assert premium.beta_comp == pytest.approx(fit.params["comp_ratio"], rel=1e-6)
    assert premium.premium == pytest.approx(
        fit.params["human_first"] / fit.params["comp_ratio"], rel=1e-6
    )
    low, high = np.exp(fit.conf_int().loc["human_first"])
    assert premium.odds_ratio_ci.low == pytest.approx(low, rel=1e-6)
    assert premium.odds_ratio_ci.high == pytest.approx(high, rel=1e-6)
    assert premium.fixed_effects == ("role_family", "seniority")
    assert premium.n == len(rows)


def test_premium_through_duckdb_selects_only_needed_columns(con):
    rows = _simulate(800, seed=3)
    apps = pd.DataFrame(
        {
            "application_id": [f"A{i:04d}" for i in range(len(rows))],
            "applied_on": D(2025, 1, 1),
            "pipeline": np.where(rows.human_first == 1, "human_first", "automation_first"),
            "role_family": rows.role_family,
            "seniority": rows.seniority,
            "status": "hired",
        }
    )
    offer_frame = pd.DataFrame(
        {
            "application_id": apps.application_id,
            "offered_on": D(2025, 2, 1),
            "decided_on": D(2025, 2, 5),
            "accepted": rows.accepted.astype(bool),
            "comp_ratio": rows.comp_ratio,
            "competing_offers": rows.competing_offers,
        }
    )
    store.load_tables(con, {"applications": apps, "offers": offer_frame})
    pulled = offers.premium_rows(con, Filters())
    assert list(pulled.columns) == [
        "accepted",
        "human_first",
        "comp_ratio",
        "competing_offers",
        "role_family",
        "seniority",
    ]
    assert len(pulled) == 800
    via_db = offers.human_premium(con, Filters())
    direct = offers.fit_premium(rows)
    assert via_db is not None and direct is not None
    assert via_db.premium == pytest.approx(direct.premium, rel=1e-6)


def test_premium_needs_enough_data():
    assert offers.fit_premium(_simulate(30)) is None
    rows = _simulate(200)
    rows["accepted"] = 1
    assert offers.fit_premium(rows) is None


@pytest.fixture(scope="module")
def demo5k():
    con = store.connect(":memory:")
    demo.build(con, 5000)
    yield con
    con.close()


def test_demo_invariants(demo5k):
    acc = offers.acceptance(demo5k, Filters())
    total = demo5k.execute(
        "SELECT count(accepted), count(*) FILTER (WHERE accepted), count(*) - count(accepted) "
        "FROM offers"
    ).fetchall()[0]
    assert acc.decided == total[0]
    assert int(acc.table.accepted.sum()) == total[1]
    assert int(acc.table.pending.sum()) == total[2]
    reasons = offers.decline_reasons(demo5k, Filters())
    assert int(reasons.groupby("pipeline").declines.first().sum()) == total[0] - total[1]
    comp = offers.acceptance_by_comp_ratio(demo5k, Filters())
    assert int(comp.decided.sum()) == total[0]
    assert comp["bin"].between(0.85, 1.10 + 1e-9).all()
    competing = offers.acceptance_by_competing(demo5k, Filters())
    assert int(competing.decided.sum()) == total[0]


def test_demo_premium_on_patterns_equals_the_row_level_statsmodels_fit(demo_con):
    """The page's fit (covariate patterns counted in SQL) against statsmodels' Logit on one row
    per decided offer of the demo (issue 21)."""
    import statsmodels.api as sm

    patterns = offers.premium_patterns(demo_con, Filters())
    rows = offers.premium_rows(demo_con, Filters())
    assert len(patterns) < len(rows)
    assert int(patterns.trials.sum()) == len(rows)
    premium = offers.human_premium(demo_con, Filters())
    assert premium is not None and premium.n == len(rows)
    x = pd.concat(
        [
            rows[["human_first", "comp_ratio", "competing_offers"]].astype(float),
            pd.get_dummies(
                rows[["role_family", "seniority"]].astype(str), drop_first=True, dtype=float
            ),
        ],
        axis=1,
    )
    fit = sm.Logit(rows.accepted.astype(float), sm.add_constant(x)).fit(disp=0, tol=1e-12)
    assert premium.beta_human == pytest.approx(fit.params["human_first"], rel=1e-6)
    assert premium.beta_comp == pytest.approx(fit.params["comp_ratio"], rel=1e-6)
    assert premium.beta_competing == pytest.approx(fit.params["competing_offers"], rel=1e-6)
    low, high = np.exp(fit.conf_int().loc["human_first"])
    assert premium.odds_ratio_ci.low == pytest.approx(low, rel=1e-6)
    assert premium.odds_ratio_ci.high == pytest.approx(high, rel=1e-6)
    assert premium.odds_ratio_p == pytest.approx(fit.pvalues["human_first"], rel=1e-5)
    cov = fit.cov_params()
    se = stats.ratio_delta(
        fit.params["human_first"],
        fit.params["comp_ratio"],
        var_num=cov.loc["human_first", "human_first"],
        var_den=cov.loc["comp_ratio", "comp_ratio"],
        cov=cov.loc["human_first", "comp_ratio"],
    ).se
    assert premium.premium_se == pytest.approx(se, rel=1e-5)


def test_demo_premium_is_near_the_built_in_seven_percent(demo_con):
    premium = offers.human_premium(demo_con, Filters())
    assert premium is not None
    assert premium.premium_ci.contains(0.07)
    assert premium.odds_ratio > 1


def test_empty_inputs_do_not_crash(con):
    acc = offers.acceptance(con, Filters())
    assert acc.table.empty and acc.comparison is None
    assert offers.human_premium(con, Filters()) is None
    # The figures of empty results: tests/analytics/charts/test_offers.py.


def _simpson(con) -> None:
    """Engineering: human-first 8/10 accepted, automation-first 70/100; sales: human-first
    30/100, automation-first 2/10. Within each role family human-first accepts more; pooled
    (38/110 vs 72/110) it accepts less: Simpson's paradox."""
    apps, offer_rows = [], []
    plan = [
        ("engineering", "human_first", 8, 10),
        ("engineering", "automation_first", 70, 100),
        ("sales", "human_first", 30, 100),
        ("sales", "automation_first", 2, 10),
    ]
    for family, pipe, k, n in plan:
        for j in range(n):
            aid = f"S{len(apps):04d}"
            accepted = j < k
            apps.append(
                {
                    "application_id": aid,
                    "applied_on": D(2025, 1, 1),
                    "pipeline": pipe,
                    "role_family": family,
                    "status": "hired" if accepted else "offer_declined",
                }
            )
            offer_rows.append(
                {"application_id": aid, "offered_on": D(2025, 3, 1), "accepted": accepted}
            )
    frame = pd.DataFrame(offer_rows)
    frame["accepted"] = frame.accepted.astype("boolean")
    store.load_tables(con, {"applications": pd.DataFrame(apps), "offers": frame})


def test_acceptance_adjusted_is_a_risk_difference(con):
    _simpson(con)
    adj = offers.acceptance_adjusted(con, Filters(), "role_family")
    assert adj is not None and adj.by == "role_family" and adj.strata == 2
    # Strata [[8, 2], [70, 30]] and [[30, 70], [2, 8]]: 80% vs 70% and 30% vs 20%, +10 points
    # in each group; Mantel-Haenszel weights n1 n2 / N = 10*100/110 and 100*10/110 (equal).
    assert adj.diff == pytest.approx(0.10)
    crude = 38 / 110 - 72 / 110  # pooled [[38, 72], [72, 38]]
    assert adj.crude_diff == pytest.approx(crude)
    assert adj.diff > 0 > adj.crude_diff
    assert adj.reversal and adj.change == "reversal"
    assert adj.ci.low <= adj.diff <= adj.ci.high
    assert adj.clear == (adj.p_value < 0.05) == adj.ci.excludes(0.0)


def test_acceptance_adjusted_needs_two_groups_and_valid_dimension(fx):
    # The offers fixture has one role family: nothing to adjust over.
    assert offers.acceptance_adjusted(fx, Filters(), "role_family") is None
    with pytest.raises(ValueError):
        offers.acceptance_adjusted(fx, Filters(), "salary; DROP TABLE offers")
