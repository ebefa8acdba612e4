"""Quality-of-hire figures and takeaways on the demo data and on an empty database."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import plotly.graph_objects as go
import pytest

from analytics import demo, store
from analytics.charts import quality as quality_charts
from analytics.domain import Filters
from analytics.metrics import quality

AS_OF = dt.date(2026, 1, 1)


@pytest.fixture(scope="module")
def demo5k():
    con = store.connect(":memory:")
    demo.build(con, 5000)
    yield con
    con.close()


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_figures_and_takeaways(demo5k, lang):
    info = store.dataset_info(demo5k)
    f = Filters()
    q = quality.quality(demo5k, f, info.as_of)
    comp = quality.composite(q, quality.DEFAULT_WEIGHTS)
    take = quality_charts.takeaway_components(q, comp, lang)
    assert "n = " in take
    fig = quality_charts.composite_chart(comp, lang, title=take)
    assert isinstance(fig, go.Figure) and len(fig.data) == 2
    fig = quality_charts.components_chart(q, lang, title="t")
    assert len(fig.data) == 2 and fig.data[0].error_x.array is not None
    assert fig.data[0].marker.color == "#0072B2"
    counts = quality.rating_counts(demo5k, f, info.as_of)
    assert quality_charts.takeaway_ratings(quality.compare_ratings(counts), lang)
    fig = quality_charts.ratings_chart(counts, lang, title="t")
    assert len(fig.data) == 2 and fig.layout.yaxis.ticksuffix == "%"
    ret = quality.retention(demo5k, f, info.as_of)
    take = quality_charts.takeaway_retention(ret, lang)
    fig = quality_charts.retention_chart(ret, lang, title=take)
    assert len(fig.data) == 4  # a band and a line per pipeline
    assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text
    fig = quality_charts.early_exit_chart(q.early_exits, lang, title="t")
    assert len(fig.data) == 2
    fig = quality_charts.ramp_time_chart(q.ramp_times, lang, title="t")
    assert len(fig.data) == 2
    assert quality_charts.takeaway_early(q.early_exits, lang)
    assert quality_charts.takeaway_ramp(q.ramp_times, lang)


def test_empty_database(con):
    q = quality.quality(con, Filters(), AS_OF)
    comp = quality.composite(q, quality.DEFAULT_WEIGHTS)
    assert quality_charts.takeaway_components(q, comp, "en").startswith("Too few")
    ret = quality.retention(con, Filters(), AS_OF)
    quality_charts.retention_chart(ret, "en", title="t")
    assert quality_charts.takeaway_retention(ret, "en").startswith("Too few")


def test_ratings_chart_leaves_small_cells_out():
    """A rating given fewer than 5 times is not drawn (its share x n would reveal the count)."""
    counts = pd.DataFrame(
        {
            "pipeline": ["human_first"] * 3 + ["automation_first"] * 2 + ["other"],
            "rating": [3.0, 4.0, 5.0, 3.0, 4.0, 4.0],
            "n": [2, 10, 8, 6, 7, 3],
        }
    )
    fig = quality_charts.ratings_chart(counts, "en", title="t")
    bar = fig.data[0]  # human-first
    assert math.isnan(list(bar.y)[0]) and list(bar.y)[1] == pytest.approx(50.0)
    # The same figure from the metric's shares (what the page may pass instead of the counts).
    again = quality_charts.ratings_chart(quality.rating_shares(counts), "en", title="t")
    assert list(again.data[0].y)[1] == pytest.approx(50.0) and len(again.data) == 2
