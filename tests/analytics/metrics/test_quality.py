"""Quality of hire against a hand-computed fixture in a real DuckDB and demo invariants (the
figures: tests/analytics/charts/test_quality.py; the process change: test_change.py)."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from analytics import demo, stats, store
from analytics.domain import Filters
from analytics.metrics import common, quality

D = dt.date
AS_OF = D(2026, 1, 1)
START = D(2024, 1, 1)  # every fixture hire followed 731 days

HF = {
    "perf_12m": [3, 4, 4, 5, 5, 3],  # mean 4, variance 0.8
    "ramp_days": [30, 60, 90, 100, None, 80],  # 4 of 6 within 90 days
    "left_after": [None, None, None, None, 100, None],
    "exit_type": [None, None, None, None, "voluntary", None],
}
AF = {
    "perf_12m": [2, 3, 3, 4, 2, 4],  # mean 3, variance 0.8
    "ramp_days": [100, 120, 95, 60, None, 200],  # 1 of 6
    "left_after": [None, None, None, 300, 50, None],
    "exit_type": [None, None, None, "involuntary", "voluntary", None],
}


def _fixture(con) -> None:
    apps, hires = [], []
    for pipe, spec in (("human_first", HF), ("automation_first", AF)):
        for j in range(6):
            aid = f"A{len(apps):03d}"
            apps.append(
                {
                    "application_id": aid,
                    "applied_on": D(2023, 10, 1),
                    "pipeline": pipe,
                    "role_family": "engineering",
                    "status": "hired",
                }
            )
            left = spec["left_after"][j]
            hires.append(
                {
                    "application_id": aid,
                    "start_on": START,
                    "perf_12m": float(spec["perf_12m"][j]),
                    "ramp_days": spec["ramp_days"][j],
                    "left_on": START + dt.timedelta(days=left) if left else None,
                    "exit_type": spec["exit_type"][j],
                }
            )
    frame = pd.DataFrame(hires)
    frame["ramp_days"] = frame.ramp_days.astype("Int64")
    frame["manager_satisfaction"] = np.nan
    store.load_tables(con, {"applications": pd.DataFrame(apps), "hires": frame})


@pytest.fixture
def fx(con):
    _fixture(con)
    return con


def _comp(result, component, pipe):
    c = result.components
    return c[(c.component == component) & (c.pipeline == pipe)].iloc[0]


def test_components_equal_hand_computation(fx):
    q = quality.quality(fx, Filters(), AS_OF)
    assert q.pipelines == ("human_first", "automation_first")
    assert q.hires == {"human_first": 6, "automation_first": 6}
    perf = _comp(q, "performance", "human_first")
    half = sps.t.ppf(0.975, 5) * math.sqrt(0.8 / 6)
    assert perf.value == pytest.approx(75.0)
    assert perf.low == pytest.approx(common.scale_rating(4 - half))
    assert perf.high == pytest.approx(common.scale_rating(4 + half))
    assert _comp(q, "performance", "automation_first").value == pytest.approx(50.0)
    ramp = _comp(q, "ramp", "human_first")
    assert ramp.value == pytest.approx(100 * 4 / 6)
    assert ramp.low == pytest.approx(100 * stats.proportion_ci(4, 6).low)
    assert _comp(q, "ramp", "automation_first").value == pytest.approx(100 / 6)
    assert _comp(q, "retention", "human_first").value == pytest.approx(100 * 5 / 6)
    assert _comp(q, "retention", "automation_first").value == pytest.approx(100 * 4 / 6)
    manager = _comp(q, "manager", "human_first")
    assert bool(manager.suppressed) and manager.n == 0


def test_differences_welch_newcombe_km(fx):
    q = quality.quality(fx, Filters(), AS_OF)
    d = q.differences.set_index("component")
    # Welch: diff 1 on 1-5 -> 25 on 0-100; se = sqrt(0.8/6 * 2), df = 10.
    half = sps.t.ppf(0.975, 10) * math.sqrt(0.8 / 3)
    assert d.at["performance", "diff"] == pytest.approx(25.0)
    assert d.at["performance", "high"] == pytest.approx(25 * (1 + half))
    welch = sps.ttest_ind(HF["perf_12m"], AF["perf_12m"], equal_var=False)
    assert d.at["performance", "p_value"] == pytest.approx(welch.pvalue)
    cmp = stats.compare_proportions(4, 6, 1, 6)
    assert d.at["ramp", "diff"] == pytest.approx(100 * cmp.diff)
    assert d.at["ramp", "low"] == pytest.approx(100 * cmp.ci.low)
    assert d.at["retention", "diff"] == pytest.approx(100 * (5 / 6 - 4 / 6))
    assert "manager" not in d.index


def test_composite_weighted_mean(fx):
    q = quality.quality(fx, Filters(), AS_OF)
    comp = quality.composite(q, quality.DEFAULT_WEIGHTS).set_index("pipeline").composite
    assert comp["human_first"] == pytest.approx(0.4 * 75 + 0.2 * 400 / 6 + 0.4 * 500 / 6)
    assert comp["automation_first"] == pytest.approx(0.4 * 50 + 0.2 * 100 / 6 + 0.4 * 400 / 6)
    # Weights are normalised; a weighted missing component leaves no composite.
    doubled = quality.composite(q, {k: 2 * v for k, v in quality.DEFAULT_WEIGHTS.items()})
    assert doubled.composite.tolist() == pytest.approx(comp.tolist())
    with_manager = quality.composite(q, {"performance": 1, "manager": 1})
    assert with_manager.composite.isna().all()
    assert quality.composite(q, {"performance": 0}).composite.isna().all()


def test_ramp_target_is_editable(fx):
    q = quality.quality(fx, Filters(), AS_OF, ramp_target=100)
    assert _comp(q, "ramp", "human_first").value == pytest.approx(500 / 6)
    assert _comp(q, "ramp", "automation_first").value == pytest.approx(300 / 6)  # 100, 95, 60


def test_early_exits_and_ramp_times(fx):
    q = quality.quality(fx, Filters(), AS_OF)
    early = q.early_exits.set_index("pipeline")
    assert early.loc["human_first", ["k", "n"]].tolist() == [1, 6]
    assert early.loc["automation_first", ["k", "n"]].tolist() == [1, 6]  # involuntary not counted
    ramp = q.ramp_times.set_index("pipeline")
    assert ramp.at["human_first", "median"] == 80
    assert ramp.at["automation_first", "median"] == 100
    assert ramp.at["human_first", "n"] == 5


def test_ratings_rank_compare(fx):
    counts = quality.rating_counts(fx, Filters(), AS_OF)
    assert int(counts.n.sum()) == 12
    got = quality.compare_ratings(counts)
    want = stats.rank_compare(sorted(HF["perf_12m"]), sorted(AF["perf_12m"]))
    assert got is not None
    assert got.u == want.u and got.p_value == pytest.approx(want.p_value)
    assert got.prob_superiority == pytest.approx(want.prob_superiority)
    with pytest.raises(ValueError):
        quality.rating_counts(fx, Filters(), AS_OF, column="salary; DROP TABLE hires")


def test_retention_curves_points_and_logrank(fx):
    ret = quality.retention(fx, Filters(), AS_OF)
    assert ret.n == {"human_first": 6, "automation_first": 6}
    assert ret.points[("automation_first", 182)].survival == pytest.approx(5 / 6)
    assert ret.points[("automation_first", 365)].survival == pytest.approx(4 / 6)
    assert ret.differences[365].diff == pytest.approx(1 / 6)
    durations = {"human_first": [731] * 5 + [100], "automation_first": [731] * 4 + [300, 50]}
    observed = {"human_first": [0] * 5 + [1], "automation_first": [0] * 4 + [1, 1]}
    want = stats.logrank(
        {p: (np.array(durations[p]), np.array(observed[p], bool)) for p in durations}
    )
    assert ret.logrank is not None
    assert ret.logrank.p_value == pytest.approx(want.p_value)
    table = quality.retention_table(ret)
    assert len(table) == 4 and set(table.day) == {182, 365}


def test_recent_hires_never_enter_a_12_month_rate(con):
    """Hires followed for less than 12 months: no 12-month retention at all (curve only)."""
    _fixture(con)
    con.execute(
        "UPDATE hires SET start_on = DATE '2025-06-01', left_on = left_on + INTERVAL 517 DAY"
    )
    store.rebuild_derived(con)  # edited in place, not loaded: refresh the summary tables
    q = quality.quality(con, Filters(), AS_OF)
    assert bool(_comp(q, "retention", "human_first").suppressed)
    ret = quality.retention(con, Filters(), AS_OF)
    assert ret.points[("human_first", 365)] is None
    assert not ret.curves.empty


def test_exits_before_start_are_left_out(fx):
    fx.execute("UPDATE hires SET left_on = DATE '2023-01-01' WHERE left_on IS NOT NULL")
    store.rebuild_derived(fx)  # edited in place, not loaded: refresh the summary tables
    ret = quality.retention(fx, Filters(), AS_OF)
    assert ret.n == {"human_first": 5, "automation_first": 4}


@pytest.fixture(scope="module")
def demo5k():
    con = store.connect(":memory:")
    demo.build(con, 5000)
    yield con
    con.close()


def test_demo_invariants(demo5k):
    info = store.dataset_info(demo5k)
    q = quality.quality(demo5k, Filters(), info.as_of)
    started = demo5k.execute(
        "SELECT count(*) FROM hires WHERE start_on <= ?", [info.as_of]
    ).fetchall()[0][0]
    assert sum(q.hires.values()) == started
    shown = q.components[~q.components.suppressed]
    assert shown.value.between(0, 100).all()
    assert (shown.low <= shown.value + 1e-9).all() and (shown.value <= shown.high + 1e-9).all()
    ret = quality.retention(demo5k, Filters(), info.as_of)
    assert sum(ret.n.values()) == started
    assert ret.curves.survival.between(0, 1).all()
    for pipe in q.pipelines:
        s6, s12 = ret.points[(pipe, 182)], ret.points[(pipe, 365)]
        assert s6 is not None and s12 is not None and s12.survival <= s6.survival


def test_empty_database(con):
    q = quality.quality(con, Filters(), AS_OF)
    assert q.hires == {} and q.components.empty
    ret = quality.retention(con, Filters(), AS_OF)
    assert ret.logrank is None
    # The takeaways and figures of empty results: tests/analytics/charts/test_quality.py.


def test_rating_table_suppresses_small_cells():
    """A rating given fewer than 5 times shows neither count nor share (its share x the pipeline's
    total would give the count back); a pipeline with fewer than 5 ratings is left out."""
    counts = pd.DataFrame(
        {
            "pipeline": ["human_first"] * 3 + ["automation_first"] * 2 + ["other"],
            "rating": [3.0, 4.0, 5.0, 3.0, 4.0, 4.0],
            "n": [2, 10, 8, 6, 7, 3],
        }
    )
    table = quality.rating_table(counts)
    assert "other" not in set(table.pipeline)
    hf = table[table.pipeline == "human_first"].set_index("rating")
    assert bool(hf.at[3.0, "suppressed"])
    assert pd.isna(hf.at[3.0, "n"]) and pd.isna(hf.at[3.0, "share"])
    assert hf.at[4.0, "n"] == 10
    assert hf.at[4.0, "share"] == pytest.approx(10 / 20)
    af = table[table.pipeline == "automation_first"]
    assert not af.suppressed.any()
    shares = quality.rating_shares(counts)
    hf = shares[shares.pipeline == "human_first"].set_index("rating")
    assert math.isnan(hf.at[3.0, "share"]) and hf.at[4.0, "share"] == pytest.approx(0.5)
    assert hf.at[4.0, "share_low"] < 0.5 < hf.at[4.0, "share_high"]
    assert "other" not in set(shares.pipeline)
    # The figure drawn from it: tests/analytics/charts/test_quality.py.
