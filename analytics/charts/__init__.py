"""Plotly figure builders: results in, figure out. They never query.

One colour per pipeline everywhere, from the Okabe-Ito colour-blind-safe palette, in one order
(human-first, then automation-first). Every figure has a title that states the finding, axis
labels with units, intervals as error bars, and the n in the hover text and the footnote.
"""

from __future__ import annotations

import textwrap

import plotly.graph_objects as go

from analytics.i18n import fmt_num, fmt_pct, label, t
from analytics.metrics.overview import Overview

# Okabe & Ito (2008), Color Universal Design: blue and orange stay distinct for all common
# colour-vision deficiencies; vermillion, green and purple for further pipelines.
PIPELINE_COLORS = {
    "human_first": "#0072B2",
    "automation_first": "#E69F00",
}
EXTRA_COLORS = ("#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442")
FONT = "Source Sans Pro, Helvetica, Arial, sans-serif"


def wrap(text: str, width: int) -> str:
    """Break a long title or footnote into lines for plotly (which does not wrap)."""
    return "<br>".join(textwrap.wrap(text, width=width))


def pipeline_color(pipeline: str, index: int = 0) -> str:
    return PIPELINE_COLORS.get(pipeline, EXTRA_COLORS[index % len(EXTRA_COLORS)])


def base_layout(fig: go.Figure, *, title: str, footnote: str = "", height: int = 420) -> go.Figure:
    """Shared look: transparent background (works in light and dark themes), title, footnote.

    The legend sits in a row above the plot; on a figure with subplot titles (make_subplots) that
    row would cover the titles, so there it goes on the right."""
    legend = (
        {"orientation": "v", "x": 1.02, "xanchor": "left", "y": 1, "yanchor": "top"}
        if fig.layout.annotations
        else {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "xanchor": "left"}
    )
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        font={"family": FONT, "size": 14},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        height=height + 34 * title.count("<br>"),
        # plotly centres the title in the top margin: room for every line of a wrapped title
        # (about 34 px each, counted twice because it is centred) plus the legend row.
        margin={
            "l": 10,
            "r": 10,
            "t": 80 + 34 * (title.count("<br>") + 1),
            "b": 140 if footnote else 50,
        },
        legend=legend,
    )
    if footnote:
        fig.add_annotation(
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
    return fig


def headline_rates(
    overview: Overview, lang: str = "en", *, title: str, footnote: str = ""
) -> go.Figure:
    """Dot-and-whisker chart of every rate metric by pipeline (value with its 95% interval)."""
    keys = ("withdrawal", "hire_rate", "offer_acceptance", "retention_12m")
    fig = go.Figure()
    for i, pipe in enumerate(overview.pipelines):
        xs, ys, lo, hi, hover = [], [], [], [], []
        for key in keys:
            metric = overview.metrics[key]
            g = metric.groups.get(pipe)
            if g is None or g.value is None or g.ci is None:
                continue
            name = t(f"metric.{key}", lang)
            xs.append(100 * g.value)
            ys.append(name)
            lo.append(100 * (g.value - g.ci.low))
            hi.append(100 * (g.ci.high - g.value))
            hover.append(
                f"{label('pipeline', pipe, lang)} · {name}: {fmt_pct(g.value, lang)} "
                f"({fmt_pct(g.ci.low, lang)}–{fmt_pct(g.ci.high, lang)}), "
                f"n = {fmt_num(g.n, lang)}"
            )
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="markers",
                name=label("pipeline", pipe, lang),
                marker={"color": pipeline_color(pipe, i), "size": 12},
                error_x={"type": "data", "symmetric": False, "array": hi, "arrayminus": lo},
                hovertext=hover,
                hoverinfo="text",
                offsetgroup=pipe,
            )
        )
    fig.update_layout(scattermode="group")
    fig.update_xaxes(title_text=t("overview.chart.axis", lang), range=[0, 100], ticksuffix="%")
    fig.update_yaxes(autorange="reversed", ticklabelstandoff=8)
    return base_layout(fig, title=title, footnote=footnote)
