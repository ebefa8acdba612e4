"""Offers figures and takeaways on the demo data and on an empty database (AppTest cannot read
plotly charts, so the figure builders are tested here)."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from analytics import demo, store
from analytics.charts import offers as offers_charts
from analytics.domain import Filters
from analytics.metrics import offers


@pytest.fixture(scope="module")
def demo5k():
    con = store.connect(":memory:")
    demo.build(con, 5000)
    yield con
    con.close()


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_figures_and_takeaways(demo5k, lang):
    f = Filters()
    acc = offers.acceptance(demo5k, f)
    take = offers_charts.takeaway_acceptance(acc, lang)
    assert "n = " in take
    fig = offers_charts.acceptance_chart(acc, lang, title=take, footnote="note")
    assert isinstance(fig, go.Figure)
    assert len(fig.data) == 2
    assert fig.data[0].marker.color == "#0072B2"  # human-first first, in its colour
    assert fig.data[0].error_y.array is not None
    assert fig.layout.title.text == take
    reasons = offers.decline_reasons(demo5k, f)
    fig = offers_charts.reasons_chart(reasons, lang, title="t")
    assert len(fig.data) == 2 and fig.layout.xaxis.title.text
    times = offers.decision_times(demo5k, f)
    fig = offers_charts.decision_time_chart(
        times, lang, title=offers_charts.takeaway_times(times, lang)
    )
    assert len(fig.data) == 2
    comp = offers.acceptance_by_comp_ratio(demo5k, f)
    fig = offers_charts.comp_ratio_chart(comp, lang, title=offers_charts.takeaway_comp(comp, lang))
    assert len(fig.data) == 2 and fig.layout.xaxis.ticksuffix == "%"
    competing = offers.acceptance_by_competing(demo5k, f)
    fig = offers_charts.competing_chart(competing, lang, title="t")
    assert len(fig.data) == 2
    premium = offers.human_premium(demo5k, f)
    assert offers_charts.takeaway_premium(premium, lang)
    assert offers_charts.takeaway_premium(None, lang)


def test_empty_inputs_do_not_crash(con):
    acc = offers.acceptance(con, Filters())
    assert offers_charts.takeaway_acceptance(acc, "en").startswith("Too few")
    fig = offers_charts.acceptance_chart(acc, "en", title="t")
    assert len(fig.data) == 0
    reasons = offers.decline_reasons(con, Filters())
    assert offers_charts.takeaway_reasons(reasons, "en").startswith("Too few")
    offers_charts.reasons_chart(reasons, "en", title="t")
    offers_charts.decision_time_chart(offers.decision_times(con, Filters()), "en", title="t")
    offers_charts.comp_ratio_chart(offers.acceptance_by_comp_ratio(con, Filters()), "en", title="t")
    offers_charts.competing_chart(offers.acceptance_by_competing(con, Filters()), "en", title="t")
