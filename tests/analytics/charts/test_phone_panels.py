"""Charts with two panels hold on a 390 px phone (issue 20): the page draws them one panel per
row across the full width, as the browser layout test over every tab found side-by-side panels
~130 px wide with titles running off the chart's edge (tests/e2e/test_layout.py)."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from analytics import charts
from analytics.charts import funnel as fc
from analytics.domain import Filters
from analytics.metrics import funnel


@pytest.fixture(scope="module")
def cur(demo_con):
    c = demo_con.cursor()
    yield c
    c.close()


def _panels(fig: go.Figure) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """(x domain, y domain) of every panel that holds a trace."""
    used = {(tr.xaxis or "x", tr.yaxis or "y") for tr in fig.data}
    out = []
    for xa, ya in sorted(used):
        x = fig.layout[xa.replace("x", "xaxis", 1)].domain
        y = fig.layout[ya.replace("y", "yaxis", 1)].domain
        out.append((tuple(x), tuple(y)))
    return out


def _stacked_full_width(fig: go.Figure, panels: int) -> None:
    found = _panels(fig)
    assert len(found) == panels
    assert all(x == (0.0, 1.0) for x, _ in found)  # each across the whole width
    ys = sorted(y for _, y in found)
    assert all(a[1] <= b[0] for a, b in zip(ys, ys[1:], strict=False))  # none overlap


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_dropoff_on_screen_is_two_full_width_rows(cur, lang):
    result = funnel.funnel(cur, Filters())
    fig = fc.dropoff_chart(result, lang, title="t", footnote="f", stacked=True)
    _stacked_full_width(fig, 2)
    # withdrawal (the headline) on top: the panel with the higher y domain
    top = max(
        fig.data, key=lambda tr: fig.layout[(tr.yaxis or "y").replace("y", "yaxis", 1)].domain[0]
    )
    assert top.name in {tr.name for tr in fig.data[: len(result.pipelines)]}
    # the axis title once, under the lower panel (under the top one it lay on the lower title)
    titled = [ax for ax in fig.select_xaxes() if ax.title.text]
    assert len(titled) == 1 and titled[0].domain == tuple(_panels(fig)[0][0])
    assert fig.layout.yaxis2.domain[1] < fig.layout.yaxis.domain[0]
    assert titled[0].anchor == "y2"
    # one legend entry per pipeline, not per panel
    assert charts.legend_entries(fig) == len(result.pipelines)
    # room for every stage row of both pipelines in each half on the screen (>= 100 px a panel
    # is what the browser test asks; the rows need more)
    shown, _, _ = charts.screen_figure(fig, lang)
    stages = result.stages.stage.nunique()
    plot = shown.layout.height - shown.layout.margin.t - shown.layout.margin.b
    assert plot / 2 >= stages * 2 * 16


def test_dropoff_on_a_slide_stays_side_by_side(cur):
    fig = fc.dropoff_chart(funnel.funnel(cur, Filters()), "en", title="t")
    xs = sorted({x for x, _ in _panels(fig)})
    assert len(xs) == 2 and xs[0][1] <= xs[1][0]


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_first_contact_is_two_full_width_rows_without_a_repeating_legend(cur, lang):
    contact = funnel.first_human_contact(cur, Filters())
    fig = fc.first_contact_chart(contact, lang, title="t")
    _stacked_full_width(fig, 2)
    assert charts.legend_entries(fig) == 0  # each panel's title names its one colour
    titles = [a.text for a in fig.layout.annotations]
    assert len(titles) == 2 and all(titles)
    shown, _, _ = charts.screen_figure(fig, lang)
    assert shown.layout.height >= 500


def test_wrap_keeps_a_long_dutch_word_whole_but_cuts_a_pasted_token():
    folded = charts.wrap("Aanwervingspercentage", 18)
    assert folded == "Aanwervingspercentage"
    assert charts.wrap("Acceptatiegraad van aanbiedingen", 18).split("<br>") == [
        "Acceptatiegraad",
        "van aanbiedingen",
    ]
    token = "x" * 60
    assert all(len(line) <= 18 for line in charts.wrap(token, 18).split("<br>"))


def test_a_long_category_label_narrows_the_x_axis_title():
    """'Aanwervingspercentage' (21 letters) is kept whole beside the dots, so the plot is
    narrower and the x-axis title, centred on it, folds into shorter lines (it ran off a 390 px
    phone: 'aanbiedingen of aanwervinge|'); short labels leave the usual width."""
    import plotly.graph_objects as go

    from analytics import charts

    title = "Aandeel sollicitaties, aanbiedingen of aanwervingen (%)"
    long = go.Figure(go.Scatter(x=[0.1, 0.2], y=["Aanwervingspercentage", "Behoud"]))
    long.update_xaxes(title_text=title)
    short = go.Figure(go.Scatter(x=[0.1, 0.2], y=["Hires", "Offers"]))
    short.update_xaxes(title_text=title)
    for fig, chars in ((long, charts._AXIS_CHARS - 6), (short, charts._AXIS_CHARS)):
        folded = charts.screen_figure(fig, "nl")[0].layout.xaxis.title.text
        assert folded.replace("<br>", " ") == title
        assert max(len(line) for line in folded.split("<br>")) <= chars
    long_lines = charts.screen_figure(long, "nl")[0].layout.xaxis.title.text.split("<br>")
    assert max(len(line) for line in long_lines) <= 22
