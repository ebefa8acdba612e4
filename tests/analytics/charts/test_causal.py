"""The adjusted comparison's figures draw the (privacy-checked) frames they are given."""

from __future__ import annotations

import pytest

from analytics import store
from analytics.charts import causal as cc
from analytics.domain import Filters
from analytics.metrics import causal


@pytest.fixture(scope="module")
def effects(demo_con):
    info = store.dataset_info(demo_con)
    return causal.adjusted_effects(
        demo_con.cursor(), Filters(), info.as_of, outcomes=("withdrawal",)
    )


def test_the_figures_draw_the_balance_and_overlap(effects):
    a = effects.effects["withdrawal"].analysis
    balance = causal.balance_table(a)
    fig = cc.love_plot(balance, "nl", title="t")
    assert len(fig.data) == 2 and len(fig.data[0].y) == len(balance)
    assert any("Sollicitatiemaand" in y for y in fig.data[0].y)
    hist = causal.propensity_histogram(a)
    fig = cc.overlap_chart(hist, "en", title="t")
    assert [tr.name for tr in fig.data] == ["Human-first", "Automation-first"]
    assert sum(fig.data[0].y) == pytest.approx(
        100 * hist[hist.pipeline == "human_first"].share.sum()
    )
