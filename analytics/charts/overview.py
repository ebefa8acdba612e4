"""The Overview chart: every headline rate by pipeline with its 95% interval (from the result)."""

from __future__ import annotations

import plotly.graph_objects as go

from analytics.charts import base_layout, pipeline_color
from analytics.i18n import fmt_num, fmt_pct, label, t
from analytics.metrics.common import Overview


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
