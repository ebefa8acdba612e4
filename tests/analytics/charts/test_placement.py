"""Where things sit in the figures (issue 20): every interval on a line of its own, count labels
clear of the error-bar caps, the four-fifths line named where no point can be, no half-empty
before/after panel, heights that hold a phone's legend, text that grows for the presenter.

Checked on the plotly figure objects (positions, orientations, offsets, ranges); the browser
layout test (tests/e2e/test_layout.py) checks the drawn result."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics import charts, store
from analytics.charts import change as change_charts
from analytics.charts import fairness as fair_charts
from analytics.charts import funnel as fc
from analytics.charts import quality as qc
from analytics.charts.causal_summary import summary_chart
from analytics.charts.overview import adjusted_differences
from analytics.domain import PRIVACY_THRESHOLD, Filters
from analytics.metrics import change, fairness, funnel, overview, quality


@pytest.fixture(scope="module")
def cur(demo_con):
    c = demo_con.cursor()
    yield c
    c.close()


def _dodged(fig: go.Figure) -> list[go.Scatter]:
    """The dot-and-whisker series of a horizontal chart (categories on y)."""
    return [
        tr
        for tr in fig.data
        if tr.type == "scatter"
        and tr.mode == "markers"
        and tr.y is not None
        and len(tr.y)
        and isinstance(tr.y[0], str)
    ]


def _assert_dodged(fig: go.Figure, series: int) -> None:
    """Grouped, horizontal, one offset group per series: plotly sets them side by side on the
    category axis (checked in Chromium: without orientation "h" they share one pixel row)."""
    traces = _dodged(fig)
    assert len(traces) == series
    assert fig.layout.scattermode == "group"
    assert all(tr.orientation == "h" for tr in traces)
    assert len({tr.offsetgroup for tr in traces}) == series
    # and still so in the figure a screen gets
    shown, _, _ = charts.screen_parts(fig)
    assert all(tr.orientation == "h" for tr in _dodged(shown))


def test_quality_components_dodge_the_two_pipelines(cur):
    result = quality.quality(cur, Filters(), store.dataset_info(cur).as_of)
    _assert_dodged(qc.components_chart(result, "en", title="t"), 2)


def test_stage_times_dodge_the_two_pipelines(cur):
    result = funnel.funnel(cur, Filters())
    labels = fc.stage_labels(result, "en")
    fig = fc.stage_time_chart(funnel.stage_times(cur, Filters()), labels, "nl", title="t")
    _assert_dodged(fig, 2)


def test_crude_and_adjusted_markers_sit_side_by_side(cur):
    """The grey open circle (unadjusted) was hidden behind the black diamond (adjusted) where
    the two differences were close: the Overview's adjusted chart and the causal summary."""
    info = store.dataset_info(cur)
    result = overview.headline(cur, Filters(), as_of=info.as_of, adjust_by="source")
    _assert_dodged(adjusted_differences(result, "en", title="t"), 2)
    frame = pd.DataFrame(
        {
            "diff": [1.0, -2.0],
            "low": [0.0, -3.0],
            "high": [2.0, -1.0],
            "crude_diff": [1.1, -2.1],
            "crude_low": [0.1, -3.1],
            "crude_high": [2.1, -1.1],
        }
    )
    _assert_dodged(summary_chart(frame, ["A", "B"], "en", title="t"), 2)


def test_dodge_leaves_vertical_and_ungrouped_charts_alone():
    vertical = go.Figure(go.Scatter(x=["a", "b"], y=[1, 2], offsetgroup="g"))
    vertical.update_layout(scattermode="group")
    assert charts.dodge_horizontal(vertical).data[0].orientation is None
    overlay = go.Figure(go.Scatter(x=[1, 2], y=["a", "b"], offsetgroup="g"))
    assert charts.dodge_horizontal(overlay).data[0].orientation is None


def test_funnel_counts_are_clear_of_the_error_bar_caps(cur):
    result = funnel.funnel(cur, Filters())
    fig = fc.funnel_chart(result, "en", title="t")
    bars = [tr for tr in fig.data if tr.type == "bar"]
    labels = [tr for tr in fig.data if tr.type == "scatter" and tr.mode == "text"]
    assert len(bars) == 2
    for bar in bars:
        # inside a bar the count is anchored at the bar's start, the caps are at its end
        assert bar.textposition == "inside" and bar.insidetextanchor == "start"
        assert bar.orientation == "h"
        for x, text in zip(bar.x, bar.text, strict=True):
            assert (text != "") == (math.isfinite(x) and x >= 30)
    stages = result.stages
    for label in labels:
        # past the upper end of the interval, dodged with its own pipeline's bars
        assert label.textposition == "middle right" and label.orientation == "h"
        bar = next(b for b in bars if b.offsetgroup == label.offsetgroup)
        part = stages[stages.pipeline == bar.offsetgroup].sort_values("stage_order")
        ends = dict(zip(bar.y, 100 * part.cum_high.to_numpy(float), strict=True))
        for x, y in zip(label.x, label.y, strict=True):
            assert x == pytest.approx(ends[y])
    shown_counts = [t.strip("\u00a0") for tr in labels for t in tr.text]
    shown_counts += [t for b in bars for t in b.text if t]
    assert len(shown_counts) == len(stages)  # every stage's count once


def test_funnel_counts_of_small_groups_stay_hidden(demo_db):
    """A stage reached by fewer than the privacy threshold shows a dash, not its count."""
    con = store.connect(demo_db(300, 11))
    try:
        result = funnel.funnel(con.cursor(), Filters(role_family=("sales",)))
    finally:
        pass
    fig = fc.funnel_chart(result, "en", title="t")
    small = result.stages[result.stages.suppressed.astype(bool)]
    texts = [t.strip("\u00a0") for tr in fig.data if tr.text is not None for t in tr.text]
    for reached in small.reached:
        assert f"{int(reached)}" not in texts or int(reached) >= PRIVACY_THRESHOLD
    assert texts.count("–") == len(small)
    con.close()


def test_four_fifths_line_is_named_in_the_legend_not_on_the_plot(cur):
    counts = fairness.step_counts(cur, Filters(), ["gender"])
    fig = fair_charts.impact_chart(fairness.adverse_impact(counts), "gender", "nl", title="t")
    assert any(s.type == "line" and s.y0 == 0.8 for s in fig.layout.shapes)
    # no text on the plot area at all (the label used to sit on the point nearest 0.8)
    assert not [a for a in fig.layout.annotations if a.name != charts.FOOTNOTE]
    key = [tr for tr in fig.data if tr.mode == "lines"]
    assert len(key) == 1 and key[0].name == "vier-vijfderegel (0,8)"
    assert key[0].line.dash == "dash" and list(key[0].x) == [None]


def test_before_after_panels_are_stacked_and_say_when_a_period_is_empty(cur):
    info = store.dataset_info(cur)
    setting = store.get_meta(cur)["process_change"]
    result = change.process_change(cur, Filters(), info.as_of, setting)
    fig = change_charts.change_chart(result, "en", title="t")
    metrics = list(dict.fromkeys(result.cells.metric))
    # one panel per row across the full width (side by side they were ~90 px on a phone)
    assert {tr.xaxis for tr in fig.data} == {"x"} or len({tr.xaxis for tr in fig.data}) == len(
        metrics
    )
    assert len({tr.yaxis for tr in fig.data}) == len(metrics)
    domains = sorted(tuple(ax.domain) for ax in fig.select_yaxes())
    assert all(a[1] <= b[0] for a, b in zip(domains, domains[1:], strict=False))
    empty = {
        (m, p)
        for (m, p), part in result.cells.groupby(["metric", "period"])
        if not part.value.map(charts.finite).any()
    }
    notes = [a for a in fig.layout.annotations if a.text == "no value yet"]
    assert len(notes) == len(empty)
    # the two groups side by side at each period
    assert fig.layout.scattermode == "group"
    assert {tr.offsetgroup for tr in fig.data} == {"treated", "control"}


def _bar_chart(categories: int, series: int, legend: bool = True) -> go.Figure:
    fig = go.Figure()
    for s in range(series):
        fig.add_trace(
            go.Bar(
                x=np.linspace(1, 50, categories),
                y=[f"category {c}" for c in range(categories)],
                orientation="h",
                name=f"series {s}",
                showlegend=legend,
            )
        )
    fig.update_layout(barmode="group")
    return charts.base_layout(fig, title="A title", footnote="A footnote", height=320)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 30), st.integers(1, 6))
def test_screen_height_holds_every_row_and_a_phone_legend(categories, series):
    shown, _, _ = charts.screen_parts(_bar_chart(categories, series))
    legend = 22 * series if series > 1 else 0
    rows = categories * (14 + 16 * series)
    assert shown.layout.height >= max(240, rows) + legend + 130 - 1


@settings(max_examples=25, deadline=None)
@given(st.floats(1.0, 2.0))
def test_presenter_text_scales_every_text_element(factor):
    fig = _bar_chart(4, 2)
    fig.update_xaxes(title_text="x")
    fig.add_annotation(text="note", x=1, y="category 0", font={"size": 11})
    big = charts.scale_text(fig, factor)
    assert big.layout.font.size == round(14 * factor)
    assert big.layout.legend.font.size == round(14 * factor)
    assert big.layout.xaxis.tickfont.size == round(14 * factor)
    assert big.layout.xaxis.title.font.size == round(14 * factor)
    assert [a.font.size for a in big.layout.annotations if a.text == "note"] == [round(11 * factor)]
    assert big.layout.height >= fig.layout.height
    assert fig.layout.font.size == 14  # the original is untouched


@pytest.mark.parametrize("lines", [1, 2, 3, 4])
def test_a_wrapped_title_stays_in_the_top_margin(lines):
    """Exports keep the title in the figure: pinned to the top, its last line ends well above the
    plot, its subplot titles and the top of a y-axis title, which start at the margin. Title box
    measured in Chromium (plotly.js 4.1, 14 px base font): pad 12 -> -4..60 px for three lines,
    i.e. the last line ends at pad + 22 px a further line + 8 px."""
    title = "<br>".join(["A line of the finding"] * lines)
    fig = charts.base_layout(go.Figure(go.Bar(x=["a"], y=[1])), title=title, footnote="n")
    assert fig.layout.title.yref == "container" and fig.layout.title.y == 1
    assert fig.layout.title.yanchor == "top"
    bottom_of_title = charts.TITLE_PAD + 22 * (lines - 1) + 8
    assert fig.layout.margin.t - bottom_of_title >= 30


def test_a_cached_figure_still_has_its_points_and_numbers(cur):
    """``st.cache_data`` pickles results; a pickled figure holds its numpy arrays as plotly's
    typed-array dicts ({dtype, bdata}). The presenter's cached deck was taken for empty ("nothing
    to draw") and the screen fold turned the numbers into the categories "dtype" and "bdata"."""
    import pickle

    from analytics.charts.empty import has_points

    result = funnel.funnel(cur, Filters())
    fig = fc.funnel_chart(result, "en", title="t")
    cached = pickle.loads(pickle.dumps(fig))
    assert isinstance(cached.data[0].x, dict)  # the form that fooled both
    assert has_points(cached)
    shown, _, _ = charts.screen_parts(cached)
    assert isinstance(shown.data[0].x, dict) and list(shown.data[0].y) == list(fig.data[0].y)
    empty = go.Figure(go.Bar(x=np.array([np.nan, np.nan]), y=["a", "b"], orientation="h"))
    assert not has_points(pickle.loads(pickle.dumps(empty)))


def test_wrap_never_breaks_a_hyphenated_word():
    from analytics.charts import wrap

    text = "3,1% van de mens-eerst tegenover 3,9% van de automatisering-eerst sollicitaties"
    for width in range(21, 90):  # wider than the longest word (20 characters)
        lines = wrap(text, width).split("<br>")
        assert " ".join(lines) == text
        assert not any(line.endswith("-") for line in lines)
