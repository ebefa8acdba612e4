"""Plotly figure and takeaway for the process change (before / after, changed role family against
the others); the cells' intervals and the difference-in-differences come with the result."""

from __future__ import annotations

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analytics.charts import EXTRA_COLORS, base_layout, error_bars, finite, verdict
from analytics.i18n import fmt_pct, fmt_points, label, t
from analytics.metrics.change import ChangeResult
from analytics.privacy import count_text

# ---------------------------------------------------------------------------------------------
# Process change: before / after by group
# ---------------------------------------------------------------------------------------------

GROUP_COLORS = {"treated": EXTRA_COLORS[0], "control": EXTRA_COLORS[1]}


def takeaway_change(result: ChangeResult, lang: str) -> str:
    row = result.did.set_index("metric").loc["withdrawal"]
    if not finite(row["did"]):
        return t("quality.take.few", lang)
    return t(
        "quality.take.change",
        lang,
        role=label("role_family", result.role_family, lang),
        did=fmt_points(row["did"], lang, signed=True),
        low=fmt_points(row["low"], lang, signed=True),
        high=fmt_points(row["high"], lang, signed=True),
        verdict=verdict(row["low"], row["high"], lang),
    )


def change_chart(result: ChangeResult, lang: str, *, title: str, footnote: str = "") -> go.Figure:
    """Before and after the change per metric (one panel each), the changed role family against
    the others, with 95% intervals; cells below the privacy threshold are left out."""
    metrics = list(dict.fromkeys(result.cells.metric))
    fig = make_subplots(
        rows=1, cols=len(metrics), subplot_titles=[t(f"metric.{m}", lang) for m in metrics]
    )
    periods = [t(f"quality.change.period.{p}", lang) for p in ("before", "after")]
    for col, metric in enumerate(metrics, start=1):
        for group in ("treated", "control"):
            part = result.cells[(result.cells.metric == metric) & (result.cells.group == group)]
            part = part.set_index("period").reindex(["before", "after"])
            name = t(f"quality.change.group.{group}", lang)
            fig.add_trace(
                go.Scatter(
                    x=periods,
                    y=100 * part.value.to_numpy(float),
                    mode="lines+markers",
                    name=name,
                    legendgroup=group,
                    showlegend=col == 1,
                    marker={"color": GROUP_COLORS[group], "size": 10},
                    line={"color": GROUP_COLORS[group]},
                    error_y=error_bars(part.value, part.low, part.high),
                    hovertext=[
                        f"{name} · {p}: {fmt_pct(v, lang)}, n = {count_text(n, lang)}"
                        for p, v, n in zip(periods, part.value, part.n, strict=True)
                    ],
                    hoverinfo="text",
                ),
                row=1,
                col=col,
            )
        fig.update_yaxes(ticksuffix="%", row=1, col=col)
    fig.update_yaxes(title_text=t("quality.chart.change.y", lang), row=1, col=1)
    base_layout(fig, title=title, footnote=footnote)  # legend below the panels (shared look)
    return fig
