"""Fairness figures and takeaways (figure builders tested directly: AppTest cannot read plotly
charts), on the demo data and on hand-made two-group counts."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from analytics import demo, store
from analytics.charts import fairness as fc
from analytics.domain import Filters
from analytics.metrics import fairness
from analytics.stats import proportion_ci


@pytest.fixture(scope="module")
def demo_con():
    c = store.connect(":memory:")
    demo.build(c, 4000, seed=5)
    yield c
    c.close()


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_figures_and_takeaways(demo_con, lang):
    counts = fairness.step_counts(demo_con, Filters(), ["gender"])
    table = fairness.adverse_impact(counts)
    fig = fc.impact_chart(table, "gender", lang, title="t", footnote="f")
    # one series per step (screen and assessment have an automated and a human variant), and
    # the four-fifths line's legend key
    steps = [tr for tr in fig.data if tr.mode == "markers"]
    assert isinstance(fig, go.Figure) and len(steps) == table.stage.nunique() + 2
    assert any(s.y0 == 0.8 for s in fig.layout.shapes)  # the four-fifths line
    assert all(tr.error_y.array is not None for tr in steps)
    pooled = fairness.adverse_impact(fairness.pooled_by_touchpoint(counts))
    fig = fc.touchpoint_chart(pooled, "gender", lang, title="t")
    assert [tr.marker.color for tr in fig.data] == ["#E69F00", "#0072B2"]
    both = fairness.adverse_impact(
        fairness.step_counts(demo_con, Filters(), ["gender", "age_band"])
    )
    one = both[(both.stage == "screen") & (both.touchpoint == "automated")]
    heat = fc.intersection_chart(one, ("gender", "age_band"), lang, title="t")
    assert np.asarray(heat.data[0].z).shape == (3, 4)
    words = {"en": ("four-fifths", "woman"), "nl": ("vier-vijfde", "vrouw")}[lang]
    text = fc.takeaway_impact(table, "gender", lang) + fc.group_label("gender", "woman", lang)
    assert all(w in text for w in words)
    assert fc.group_label(("gender", "age_band"), "non_binary × 50+", lang).endswith("× 50+")
    sw = fairness.switcher_pass_rates(
        fairness.step_counts(demo_con, Filters(), ["career_switcher"])
    )
    assert len(fc.switcher_chart(sw, lang, title="t").data) == 2


def test_two_group_chart_draws_the_intervals_of_the_result():
    # Two strata; group b has no rows in stratum "y" (no bar, no interval there).
    counts = pd.DataFrame(
        [
            ("a", "yes", "x", 6),
            ("a", "no", "x", 4),
            ("b", "yes", "x", 3),
            ("b", "no", "x", 7),
            ("a", "yes", "y", 2),
            ("a", "no", "y", 8),
        ],
        columns=["group", "outcome", "stratum", "n"],
    )
    res = fairness.compare_two_groups(counts, group_a="a", group_b="b", yes_values=["yes"])
    x, y = res.strata
    assert x.ci_a == proportion_ci(6, 10) and x.ci_b == proportion_ci(3, 10)
    assert y.ci_a == proportion_ci(2, 10) and y.n_b == 0 and y.ci_b is None
    fig = fc.two_group_chart(res, ("A", "B"), "en", title="t")
    bar_a, bar_b = fig.data
    np.testing.assert_allclose(bar_a.y, [40.0, 60.0, 20.0])
    assert bar_a.error_y.arrayminus[0] == pytest.approx(100 * (0.4 - res.ci_a.low))
    assert bar_a.error_y.array[1] == pytest.approx(100 * (x.ci_a.high - 0.6))
    assert bar_b.error_y.array[0] == pytest.approx(100 * (res.ci_b.high - 0.3))
    assert math.isnan(bar_b.y[2]) and math.isnan(bar_b.error_y.array[2])
