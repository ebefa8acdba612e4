"""Funnel analytics on a hand-made fixture (every expected number counted by hand in
``funnel_fixture``) and invariants on the demo data. The figures: tests/analytics/charts."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analytics import demo, store
from analytics.domain import Filters
from analytics.metrics import funnel
from tests.analytics.metrics.funnel_fixture import AS_OF, STAGES, D, _tables, connect_fixture


@pytest.fixture(scope="module")
def cur():
    con = connect_fixture()
    c = con.cursor()
    yield c
    c.close()
    con.close()


def _reached(counts: pd.DataFrame, pipe: str) -> list[int]:
    part = counts[counts.pipeline == pipe].sort_values("stage_order")
    return part.reached.tolist()


def _row(result: funnel.FunnelResult, pipe: str, stage: str) -> pd.Series:
    table = result.stages
    return table[(table.pipeline == pipe) & (table.stage == stage)].iloc[0]


def test_counts_match_hand_counts(cur):
    counts = funnel.stage_counts(cur, Filters())
    # Ever-reached: H2's skipped assessment counts; H5's re-entered screen counts once.
    assert _reached(counts, "human_first") == [8, 5, 3, 2]
    assert _reached(counts, "automation_first") == [8, 4, 2, 1]
    hf = counts[counts.pipeline == "human_first"].set_index("stage")
    # H5 was rejected at the screen and then advanced on re-entry: its latest outcome counts.
    assert hf.loc["screen", ["withdrawn", "rejected"]].tolist() == [1, 2]
    assert hf.loc["assessment", ["withdrawn", "rejected"]].tolist() == [1, 1]
    assert hf.loc["interview", ["withdrawn", "rejected"]].tolist() == [0, 1]
    assert hf.loc["offer", ["withdrawn", "rejected"]].tolist() == [1, 0]


def test_pass_through_and_cumulative(cur):
    result = funnel.funnel(cur, Filters())
    assert result.pipelines == ("human_first", "automation_first")
    assert result.open_applications == 2
    screen = _row(result, "human_first", "screen")
    assert screen.reached == 8 and screen.next_reached == 5
    assert screen["pass"] == pytest.approx(5 / 8)
    assert screen.pass_low < 5 / 8 < screen.pass_high
    assert screen.withdrawal == pytest.approx(1 / 8)
    assert screen.rejection == pytest.approx(2 / 8)
    assess = _row(result, "human_first", "assessment")
    assert assess["pass"] == pytest.approx(3 / 5)
    assert assess.cum == pytest.approx(5 / 8)
    # Below the privacy threshold (3 and 2 reached): rates not shown.
    interview = _row(result, "human_first", "interview")
    assert interview.suppressed and math.isnan(interview["pass"]) and math.isnan(interview.cum)
    assert math.isnan(_row(result, "human_first", "offer")["pass"])  # last stage: no next
    af = _row(result, "automation_first", "screen")
    assert af["pass"] == pytest.approx(4 / 8)
    # Comparison only where both pipelines have at least 5: the screen (5 and 4 at assessment).
    comp = result.comparison.set_index("stage")
    assert comp.loc["screen", "diff"] == pytest.approx(5 / 8 - 4 / 8)
    assert comp.loc["screen", "low"] < comp.loc["screen", "diff"] < comp.loc["screen", "high"]
    assert comp.loc["screen", "p_adjusted"] >= comp.loc["screen", "p_value"]
    assert not comp.loc["screen", "clear"]
    assert math.isnan(comp.loc["assessment", "diff"])


def test_stage_used_by_one_pipeline_only():
    """A coding test only the automated pipeline has is not 'passed' by human-first candidates."""
    tables = _tables()
    stages = pd.concat(
        [
            STAGES,
            pd.DataFrame(
                {"stage": ["coding_test"], "stage_order": [2], "label_en": ["Coding test"],
                 "label_nl": ["Programmeertest"]}
            ),
        ]
    )  # fmt: skip
    stages.loc[stages.stage_order >= 2, "stage_order"] += 1
    stages.loc[stages.stage == "coding_test", "stage_order"] = 2
    order = dict(zip(stages.stage, stages.stage_order, strict=True))
    events = tables["stage_events"].copy()
    events["stage_order"] = events.stage.map(order)
    # A1, A5, A6 and A7 took a coding test between the screen and the assessment.
    extra = events[
        (events.stage == "assessment") & events.application_id.isin(["A1", "A5", "A6", "A7"])
    ]
    extra = extra.assign(
        stage="coding_test", stage_order=2, result="advanced", withdrawal_reason=None
    )
    tables["stage_events"] = pd.concat([events, extra], ignore_index=True)
    tables["stages"] = stages.sort_values("stage_order", ignore_index=True)
    con = store.connect(":memory:")
    store.load_tables(con, tables, meta={"as_of": AS_OF.isoformat()})
    c = con.cursor()
    counts = funnel.stage_counts(c, Filters())
    hf = counts[counts.pipeline == "human_first"]
    af = counts[counts.pipeline == "automation_first"]
    assert "coding_test" not in set(hf.stage)
    assert _reached(counts, "human_first") == [8, 5, 3, 2]  # unchanged by the other pipeline
    assert af.set_index("stage").reached.to_dict() == {
        "screen": 8, "coding_test": 4, "assessment": 4, "interview": 2, "offer": 1
    }  # fmt: skip
    result = funnel.funnel(c, Filters())
    screen = _row(result, "human_first", "screen")
    # Human-first pass-through goes from the screen straight to the assessment.
    assert screen.next_reached == 5 and screen["pass"] == pytest.approx(5 / 8)
    assert _row(result, "automation_first", "screen").next_reached == 4
    assert "coding_test" not in set(result.comparison.stage)
    c.close()
    con.close()


def test_open_toggle_adds_open_applications(cur):
    closed = funnel.stage_counts(cur, Filters())
    with_open = funnel.stage_counts(cur, Filters(), include_open=True)
    # H9 reached screen + assessment (pending); A9 only the screen (pending).
    assert _reached(with_open, "human_first") == [9, 6, 3, 2]
    assert _reached(with_open, "automation_first") == [9, 4, 2, 1]
    assert with_open.withdrawn.sum() == closed.withdrawn.sum()
    result = funnel.funnel(cur, Filters(), include_open=True)
    assert _row(result, "human_first", "screen")["pass"] == pytest.approx(6 / 9)


def test_filters_combine(cur):
    engineering = Filters(role_family=("engineering",))
    assert _reached(funnel.stage_counts(cur, engineering), "human_first") == [7, 5, 3, 2]
    early = Filters(role_family=("engineering",), date_to=D(2025, 1, 31))
    counts = funnel.stage_counts(cur, early)
    # H1..H4 (engineering, January) and A3 (engineering, January).
    assert _reached(counts, "human_first") == [4, 3, 2, 1]
    assert _reached(counts, "automation_first") == [1, 0, 0, 0]
    window = Filters(date_from=D(2025, 2, 1), date_to=D(2025, 2, 28))
    assert set(funnel.stage_counts(cur, window).pipeline) == {"automation_first"}


def test_withdrawal_reasons(cur):
    reasons = funnel.withdrawal_reasons(cur, Filters())
    got = {(r.pipeline, r.reason): r.n for r in reasons.itertuples()}
    assert got == {
        ("human_first", "process_too_long"): 1,
        ("human_first", "no_human_contact"): 1,
        ("human_first", "(missing)"): 1,  # the declined offer
        ("automation_first", "no_human_contact"): 2,
        ("automation_first", "process_too_long"): 1,
    }
    assert set(reasons.withdrawals) == {3}


def test_first_human_contact(cur):
    table = funnel.first_human_contact(cur, Filters())
    assert table.step.tolist()[:2] == [1, 3] and pd.isna(table.step.iloc[-1])
    step1 = table.iloc[0]
    assert (step1.applications, step1.withdrawn) == (8, 2)
    assert (step1.offers_decided, step1.accepted) == (2, 1)
    assert step1.withdrawal == pytest.approx(2 / 8)
    assert pd.isna(step1.acceptance)  # 2 decided offers: below the threshold
    never = table.iloc[-1]
    assert (never.applications, never.withdrawn) == (6, 3)


def test_touchpoint_formats(cur):
    table = funnel.touchpoint_formats(cur, Filters()).set_index("format")
    assert table.loc["recruiter_call", "entering"] == 8  # H5's re-entry counted once
    assert table.loc["recruiter_call", "completed"] == 7
    assert table.loc["recruiter_call", "advanced"] == 5
    assert table.loc["ai_cv_screen", "touchpoint"] == "automated"
    assert table.loc["ai_cv_screen", "completion"] == pytest.approx(6 / 8)
    assert table.loc["ai_cv_screen", "pass"] == pytest.approx(4 / 8)
    assert "auto_coding_test" not in table.index  # 4 entering: suppressed


def test_time_metrics(cur):
    times = funnel.stage_times(cur, Filters())
    assert set(times["median"]) == {3.0}  # every fixture stage lasts 3 days
    counts = funnel.time_to_offer_counts(cur, Filters(), AS_OF)
    hf = counts[counts.pipeline == "human_first"]
    assert hf.events.sum() == 2 and hf.censored.sum() == 7  # H9 (open) censored at as-of
    # H1: offer 12 days after applying (three 4-day steps).
    assert hf.loc[hf.events > 0, "days"].tolist() == [12]
    h9 = (AS_OF - D(2025, 6, 1)).days
    assert h9 in hf.loc[hf.censored > 0, "days"].tolist()
    tto = funnel.time_to_offer(cur, Filters(), AS_OF)
    assert tto.n == {"human_first": 9, "automation_first": 9}
    assert 0 <= tto.logrank_p <= 1
    for _, curve in tto.curves.groupby("pipeline"):
        assert (np.diff(curve.offered.to_numpy()) >= -1e-12).all()


def test_breakdown_suppresses_small_groups(cur):
    table = funnel.breakdown(cur, Filters(), "role_family")
    by = table.set_index(["group", "pipeline"])
    assert by.loc[("engineering", "human_first"), "n"] == 7
    assert by.loc[("engineering", "human_first"), "k"] == 2
    assert by.loc[("engineering", "human_first"), "rate"] == pytest.approx(2 / 7)
    assert by.loc[("sales", "human_first"), "suppressed"]
    assert pd.isna(by.loc[("sales", "human_first"), "n"])
    with pytest.raises(ValueError):
        funnel.breakdown(cur, Filters(), "salary")


def test_adjustment_columns(cur):
    result = funnel.funnel(cur, Filters(), adjust_by="role_family")
    assert {
        "adj_diff",
        "adj_low",
        "adj_high",
        "adj_p",
        "homogeneity_p",
        "change",
        "reversal",
    } <= set(result.comparison.columns)
    with pytest.raises(ValueError):
        funnel.funnel(cur, Filters(), adjust_by="pipeline; DROP TABLE applications")


def test_tables_for_export(cur):
    result = funnel.funnel(cur, Filters(), adjust_by="role_family")
    table = funnel.stages_table(result, "nl")
    assert "Fase" in table.columns and len(table) == 8
    # Fewer than 5 reached: 3, 2 (human-first) and 4, 2, 1 (automation-first) not shown.
    assert table["Bereikt"].isna().sum() == 5
    assert table["Bereikt"].dropna().tolist() == [8, 5, 8]
    comp = funnel.comparison_table(result, "en")
    assert "Adjusted difference in pass-through (points)" in comp.columns


def test_overall_withdrawal_comes_with_the_result(cur):
    # Withdrawn anywhere: 3 of 8 in both pipelines; the comparison is computed by the metric.
    result = funnel.funnel(cur, Filters())
    assert result.withdrawal is not None
    assert result.withdrawal.counts == {"human_first": (3, 8), "automation_first": (3, 8)}
    cmp = result.withdrawal.comparison
    assert cmp is not None and cmp.diff == pytest.approx(0.0)
    assert cmp.ci.low < 0 < cmp.ci.high


# ---------------------------------------------------------------------------------------------
# Demo data: invariants
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_cur():
    con = store.connect(":memory:")
    demo.build(con, 3000)
    c = con.cursor()
    yield c
    c.close()
    con.close()


def test_demo_invariants(demo_cur):
    for include_open in (False, True):
        result = funnel.funnel(
            demo_cur, Filters(), include_open=include_open, adjust_by="role_family"
        )
        table = result.stages
        assert result.pipelines == ("human_first", "automation_first")
        for _, part in table.groupby("pipeline"):
            reached = part.sort_values("stage_order").reached.to_numpy()
            assert (np.diff(reached) <= 0).all()
            assert (part.withdrawn + part.rejected + part.next_reached <= part.reached).all()
        for key in ("pass", "cum", "withdrawal", "rejection"):
            shown = table[table[key].notna()]
            assert (shown[f"{key}_low"] <= shown[key] + 1e-12).all()
            assert (shown[key] <= shown[f"{key}_high"] + 1e-12).all()
        comp = result.comparison
        assert len(comp) == 5
        assert ((comp.low <= comp["diff"]) & (comp["diff"] <= comp.high)).all()
        assert (comp.p_adjusted >= comp.p_value - 1e-15).all()
    info = store.dataset_info(demo_cur)
    tto = funnel.time_to_offer(demo_cur, Filters(), info.as_of)
    for _, curve in tto.curves.groupby("pipeline"):
        assert (np.diff(curve.offered.to_numpy()) >= -1e-12).all()
    times = funnel.stage_times(demo_cur, Filters())
    assert ((times.q1 <= times["median"]) & (times["median"] <= times.q3)).all()
    table = funnel.breakdown(demo_cur, Filters(region=("NL",)), "seniority", target="hired")
    assert set(table.group) == {"junior", "medior", "senior"}
