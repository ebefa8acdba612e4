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
    role = label("role_family", result.role_family, lang)
    # "fell by 2.5 points", not "moved -2.5 points": the direction in words, the size unsigned
    # (the signed estimate stays in the parenthesis beside its interval).
    size = fmt_points(abs(row["did"]), lang)
    way = "flat" if size == fmt_points(0.0, lang) else ("down" if row["did"] < 0 else "up")
    return t(
        "quality.take.change",
        lang,
        role=role,
        verb=t(f"quality.take.change.verb.{way}", lang),
        by=t(f"quality.take.change.by.{way}", lang, x=size),
        did=fmt_points(row["did"], lang, signed=True),
        low=fmt_points(row["low"], lang, signed=True, unit=False),
        high=fmt_points(row["high"], lang, signed=True, unit=False),
        verdict=verdict(row["low"], row["high"], lang),
    )


def change_chart(result: ChangeResult, lang: str, *, title: str, footnote: str = "") -> go.Figure:
    """Before and after the change per metric (one panel each), the changed role family against
    the others, with 95% intervals; cells below the privacy threshold are left out.

    The panels are stacked, one per row: side by side, three panels on a 390 px phone were
    ~90 px wide each, their titles ran into each other and the x labels turned on end. A period
    without any value (12-month retention after a recent change) says so in its empty half."""
    metrics = list(dict.fromkeys(result.cells.metric))
    fig = make_subplots(
        rows=len(metrics),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.14,
        subplot_titles=[t(f"metric.{m}", lang) for m in metrics],
    )
    periods = [t(f"quality.change.period.{p}", lang) for p in ("before", "after")]
    for row, metric in enumerate(metrics, start=1):
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
                    showlegend=row == 1,
                    marker={"color": GROUP_COLORS[group], "size": 10},
                    line={"color": GROUP_COLORS[group]},
                    error_y=error_bars(part.value, part.low, part.high),
                    hovertext=[
                        f"{name} · {p}: {fmt_pct(v, lang)}, n = {count_text(n, lang)}"
                        for p, v, n in zip(periods, part.value, part.n, strict=True)
                    ],
                    hoverinfo="text",
                    # side by side at each period, so neither group's interval hides the other's
                    offsetgroup=group,
                ),
                row=row,
                col=1,
            )
        fig.update_yaxes(ticksuffix="%", row=row, col=1)
        # A period without a value in either group (12-month retention after a recent change:
        # no hire has been there a year) left half the panel blank with no word why.
        cells = result.cells[result.cells.metric == metric]
        for period, shown_name in zip(("before", "after"), periods, strict=True):
            if not cells[cells.period == period].value.map(finite).any():
                fig.add_annotation(
                    text=t("quality.chart.change.no_value", lang),
                    x=shown_name,
                    y=0.5,
                    xref=f"x{row if row > 1 else ''}",
                    yref=f"y{row if row > 1 else ''} domain",
                    showarrow=False,
                    font={"size": 12, "color": "#888"},
                )
    fig.update_yaxes(title_text=t("quality.chart.change.y", lang), row=len(metrics) // 2 + 1, col=1)
    fig.update_layout(scattermode="group", scattergap=0.7)
    # legend below the panels (shared look); about 200 px per panel
    base_layout(fig, title=title, footnote=footnote, height=max(420, 200 * len(metrics) + 220))
    return fig
