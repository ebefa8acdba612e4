"""``charts.screen_figure`` (one pass over a dict, issue 21) draws exactly what the composition it
replaced drew: ``safe_figure(localize(screen_parts(fig)[0], lang))`` with the same title and
footnote. Compared as the JSON Streamlit sends to the browser, for crafted figures (footnotes,
subplot titles, hostile text, dodged series, numpy categories); every figure the pages draw on
the demo is compared in tests/pages/test_screen_parts_pages.py."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import plotly.tools
import pytest
from plotly.subplots import make_subplots

from analytics import charts


def _wire(fig: go.Figure) -> object:
    """What ``st.plotly_chart`` sends (the figure's dict, validated as Streamlit does, as JSON),
    read back: JSON objects compare without their key order, which plotly.js does not read (a
    validated figure lists its keys in plotly's order, the dict pass in the order it set them)."""
    return json.loads(
        pio.to_json(
            plotly.tools.return_figure_from_figure_or_data(fig, validate_figure=True),
            validate=False,
        )
    )


def _reference(fig: go.Figure, lang: str) -> tuple[object, str, str]:
    shown, title, note = charts.screen_parts(fig)
    return _wire(charts.safe_figure(charts.localize(shown, lang))), title, note


def _fast(fig: go.Figure, lang: str) -> tuple[object, str, str]:
    shown, title, note = charts.screen_figure(fig, lang)
    return _wire(shown), title, note


def _same(fig: go.Figure, lang: str) -> None:
    before = json.loads(fig.to_json())
    assert _fast(fig, lang) == _reference(fig, lang)
    assert json.loads(fig.to_json()) == before  # the caller's figure (exports use it) is left alone


def _bars() -> go.Figure:
    fig = go.Figure()
    for i, pipe in enumerate(("human_first", "automation_first")):
        fig.add_trace(
            go.Bar(
                y=np.array(["Candidate withdrawal (any stage)", "Hire <b>rate</b> & more"]),
                x=[7.6 + i, 3.7],
                orientation="h",
                name=f"Pipeline {pipe} with a rather long legend name (n = 1,234)",
                error_x=charts.error_bars(
                    *(pd.Series(v) for v in ([0.1, 0.2], [0.05, 0.1], [0.2, 0.3]))
                ),
                hovertemplate="%{y}: %{x:.1f}<extra></extra>",
                customdata=np.array([["<a href='x'>a</a>"], ["b"]], dtype=object),
            )
        )
    fig.update_xaxes(title_text="Share of applications, offers or hires (%)")
    return charts.base_layout(
        fig,
        title=charts.wrap("A long finding about <script> " * 6, 95),
        footnote=charts.wrap("Cohort: all applications. " * 8, 150),
    )


def _dodged() -> go.Figure:
    fig = go.Figure()
    for name in ("Crude", "Adjusted"):
        fig.add_trace(
            go.Scatter(
                x=[1.0, -2.0], y=["Hire rate", "Offer rate"], mode="markers", offsetgroup=name
            )
        )
    fig.update_layout(scattermode="group")
    return charts.base_layout(fig, title="Dots", footnote="")


def _subplots() -> go.Figure:
    fig = make_subplots(rows=1, cols=2, subplot_titles=("Left panel title", "Right"))
    fig.add_trace(go.Bar(x=["a", "b"], y=[1, 2], name="one"), row=1, col=1)
    fig.add_trace(go.Bar(x=["a", "b"], y=[3, 4], name="two", showlegend=False), row=1, col=2)
    fig.update_yaxes(title_text="A y-axis title that is long enough to fold", row=1, col=2)
    return charts.base_layout(fig, title="Two panels", footnote="Note & more", height=500)


def _bare() -> go.Figure:
    # no title, no footnote, no base_layout: a figure a page draws as it is
    return go.Figure(go.Scatter(x=[1, 2, 3], y=[2, 1, 3], name="only"))


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("build", [_bars, _dodged, _subplots, _bare])
def test_screen_figure_equals_the_composition_it_replaces(build, lang):
    _same(build(), lang)


def test_screen_figure_of_a_pickled_figure():
    # st.cache_data pickles: numbers come back as typed-array dicts, which are not categories
    import pickle

    fig = pickle.loads(pickle.dumps(_bars()))
    _same(fig, "nl")


# ---- base_layout, set leaf by leaf (issue 21) ----------------------------------------------------


def _base_layout_reference(fig: go.Figure, *, title: str, footnote: str = "", height: int = 420):
    # base_layout as it was before issue 21 (commit b658baf), verbatim but for its comments
    lines = title.count("<br>") + 1
    fig.update_layout(
        title={
            "text": title,
            "x": 0,
            "xanchor": "left",
            "yref": "container",
            "y": 1,
            "yanchor": "top",
            "pad": {"t": charts.TITLE_PAD},
        },
        font={"family": charts.FONT, "size": 14},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        height=height + 34 * (lines - 1),
        margin={"l": 10, "r": 10, "t": 40 + 34 * lines, "b": 150 if footnote else 60},
        legend={
            "orientation": "h",
            "yref": "container",
            "y": 0,
            "yanchor": "bottom",
            "x": 0,
            "xanchor": "left",
            "title": {"text": ""},
        },
    )
    if footnote:
        fig.add_annotation(
            name=charts.FOOTNOTE,
            text=footnote,
            xref="paper",
            yref="paper",
            x=0,
            y=0,
            yshift=-85,
            yanchor="top",
            showarrow=False,
            xanchor="left",
            align="left",
            font={"size": 11, "color": "#888"},
        )
    fig.update_xaxes(gridcolor="rgba(128,128,128,0.2)", zeroline=False, automargin=True)
    fig.update_yaxes(gridcolor="rgba(128,128,128,0.2)", zeroline=False, automargin=True)
    return charts.dodge_horizontal(fig)


def _unstyled() -> list[go.Figure]:
    """Figures as chart builders hand them to base_layout: plain, with their own title font,
    legend and margin settings, subplots with their titles, grouped scatter, an annotation."""
    plain = go.Figure(go.Bar(x=["a", "b"], y=[1, 2], name="one"))
    styled = go.Figure(go.Scatter(x=[1, 2], y=[3, 4], name="s"))
    styled.update_layout(
        title={"font": {"size": 20}}, legend={"traceorder": "reversed"}, margin={"pad": 4}
    )
    styled.update_xaxes(title_text="Days", gridcolor="red", rangemode="tozero")
    styled.add_annotation(text="a label", x=1, y=3, showarrow=False)
    panels = make_subplots(rows=2, cols=2, subplot_titles=("A", "B", "C", "D"))
    for i in range(4):
        panels.add_trace(go.Bar(x=["x"], y=[i]), row=i // 2 + 1, col=i % 2 + 1)
    grouped = go.Figure(
        [go.Scatter(x=[1.0], y=["Hire rate"], offsetgroup=g, mode="markers") for g in "ab"]
    )
    grouped.update_layout(scattermode="group")
    return [plain, styled, panels, grouped]


@pytest.mark.parametrize("case", range(4))
@pytest.mark.parametrize(
    ("title", "footnote", "height"),
    [("One line", "", 420), (charts.wrap("A long finding " * 12, 40), "Cohort: all.", 300)],
)
def test_base_layout_equals_its_update_layout_version(case, title, footnote, height):
    fast = charts.base_layout(_unstyled()[case], title=title, footnote=footnote, height=height)
    old = _base_layout_reference(_unstyled()[case], title=title, footnote=footnote, height=height)
    assert json.loads(fast.to_json()) == json.loads(old.to_json())
