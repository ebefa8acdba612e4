"""The funnel's stage comparison: no row's verdict contradicts the p-value and interval shown in
that row (issue 17). Property tests over random funnels of up to ~100 applications per pipeline
and stratum, crude and adjusted, through the metric's own comparison and the exported table."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.domain import PIPELINES, Filters
from analytics.metrics import funnel
from analytics.metrics.funnel import stages as funnel_stages

STAGE_KEYS = ("applied", "screen", "interview", "offer", "hired")


@st.composite
def funnels(draw: st.DrawFn) -> pd.DataFrame:
    """Counts per pipeline x stratum x stage (ever-reached, so never increasing along the
    funnel), the shape ``stage_counts`` returns."""
    n_stages = draw(st.integers(2, len(STAGE_KEYS)))
    n_strata = draw(st.integers(1, 3))
    rows = []
    for pipe in PIPELINES:
        for s in range(n_strata):
            reached = draw(st.integers(0, 100))
            for order in range(n_stages):
                nxt = draw(st.integers(0, reached)) if order < n_stages - 1 else 0
                rows.append(
                    {
                        "pipeline": pipe,
                        "stratum": f"g{s}",
                        "stage": STAGE_KEYS[order],
                        "stage_order": order + 1,
                        "reached": reached,
                        "withdrawn": draw(st.integers(0, reached - nxt)),
                        "rejected": 0,
                    }
                )
                reached = nxt
    frame = pd.DataFrame(rows)
    frame["rejected"] = 0
    return frame


def _catalogue(counts: pd.DataFrame) -> pd.DataFrame:
    cat = counts.drop_duplicates("stage")[["stage", "stage_order"]].copy()
    cat["label_en"] = cat.stage.str.title()
    cat["label_nl"] = cat.stage
    return cat


def _result(counts: pd.DataFrame, adjusted: bool) -> funnel.FunnelResult:
    """The FunnelResult ``funnel.funnel`` builds, from counts instead of a query."""
    pooled = counts.groupby(["pipeline", "stage", "stage_order"], as_index=False)[
        ["reached", "withdrawn", "rejected"]
    ].sum()
    table = funnel_stages._funnel_table(pooled, _catalogue(counts))
    strata = funnel_stages._with_next(counts) if adjusted else None
    by = "role_family" if adjusted else None
    return funnel.FunnelResult(
        stages=table,
        comparison=funnel_stages._compare_stages(table, strata, by, "holm"),
        pipelines=PIPELINES,
        include_open=False,
        open_applications=0,
        adjust_by=by,
    )


def _excludes_zero(low: float, high: float) -> bool:
    return low > 0 or high < 0


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(counts=funnels(), adjusted=st.booleans())
def test_no_verdict_contradicts_its_row(counts: pd.DataFrame, adjusted: bool) -> None:
    result = _result(counts, adjusted)
    comp = result.comparison
    m = result.family_size
    for r in comp.to_dict("records"):
        # Per stage, unadjusted for multiplicity: one score test decides.
        if math.isfinite(r["p_value"]):
            assert r["low"] <= r["diff"] <= r["high"]
            assert bool(r["clear_stage"]) == (r["p_value"] < 0.05)
            assert bool(r["clear_stage"]) == _excludes_zero(r["low"], r["high"])
        else:
            assert not r["clear_stage"]
        if adjusted and math.isfinite(r["adj_p"]):
            assert r["adj_low"] <= r["adj_diff"] <= r["adj_high"]
            assert bool(r["adj_clear"]) == (r["adj_p"] < 0.05)
            assert bool(r["adj_clear"]) == _excludes_zero(r["adj_low"], r["adj_high"])
        # Across the family: Holm of the answer's p, never clearer than the answer itself.
        if math.isfinite(r["answer_p"]):
            assert r["p_adjusted"] >= r["answer_p"] - 1e-15
            assert bool(r["clear"]) == (r["p_adjusted"] < 0.05)
            own = r["adj_clear"] if r["answer_adjusted"] else r["clear_stage"]
            assert not r["clear"] or own
        else:
            assert not r["clear"]
    assert m == int(comp.answer_p.map(math.isfinite).sum()) if not comp.empty else m == 0

    # The exported table shows exactly those verdicts beside those p-values.
    table = funnel.comparison_table(result, "en")
    if comp.empty:
        return
    p_col, clear_col = funnel.family_labels(result, "en")
    assert clear_col == f"Clear after Holm across the {m} stages"
    for shown, r in zip(table.to_dict("records"), comp.to_dict("records"), strict=True):
        if shown["p-value"] is not None and not pd.isna(shown["p-value"]):
            assert shown["Clear at this stage"] == (shown["p-value"] < 0.05)
        if adjusted and shown.get("Adjusted p") is not None and not pd.isna(shown["Adjusted p"]):
            assert shown["Adjusted: clear at this stage"] == (shown["Adjusted p"] < 0.05)
        if shown[p_col] is not None and not pd.isna(shown[p_col]):
            assert shown[clear_col] == (shown[p_col] < 0.05)
            assert shown[p_col] == r["p_adjusted"]


def test_family_is_the_answer_when_adjusted(demo_con) -> None:
    """With an adjustment the Holm family is made of the adjusted p-values (the answer)."""
    cur = demo_con.cursor()
    try:
        result = funnel.funnel(cur, Filters(), adjust_by="role_family")
    finally:
        cur.close()
    comp = result.comparison
    assert comp.answer_adjusted.all()
    assert comp.answer_p.tolist() == comp.adj_p.tolist()
    assert comp.answer_diff.tolist() == comp.adj_diff.tolist()
    assert result.family_size == len(comp)
