"""How long the funnel takes, drawn: median days per stage with intervals, and the share
with an offer over time (1 - Kaplan-Meier with its band)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics import privacy
from analytics.charts import base_layout, pipeline_color
from analytics.domain import ordered_pipelines
from analytics.i18n import fmt_days, fmt_num, label, t
from analytics.metrics.funnel import TimeToOffer
from analytics.privacy import count_text


def stage_time_chart(
    table: pd.DataFrame, labels: dict[str, str], lang: str, *, title: str, footnote: str = ""
) -> go.Figure:
    """Median days in each stage per pipeline, error bars from the first to the third quartile."""
    fig = go.Figure()
    for i, pipe in enumerate(ordered_pipelines(table.pipeline)):
        part = table[table.pipeline == pipe].sort_values("stage_order")
        name = label("pipeline", pipe, lang)
        ys = [labels.get(str(s), str(s)) for s in part.stage]
        fig.add_trace(
            go.Scatter(
                x=part["median"].to_numpy(float),
                y=ys,
                mode="markers",
                name=name,
                marker={"color": pipeline_color(pipe, i), "size": 12},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": (part.q3 - part["median"]).to_numpy(float),
                    "arrayminus": (part["median"] - part.q1).to_numpy(float),
                },
                hovertext=[
                    f"{name} · {y}: {fmt_days(m, lang)} "
                    f"({t('overview.iqr', lang, q1=fmt_num(q1, lang), q3=fmt_num(q3, lang))}), "
                    f"n = {count_text(int(n), lang)}"
                    for y, m, q1, q3, n in zip(
                        ys, part["median"], part.q1, part.q3, part.n, strict=True
                    )
                ],
                hoverinfo="text",
                offsetgroup=pipe,
            )
        )
    fig.update_layout(scattermode="group")
    fig.update_xaxes(title_text=t("funnel.chart.time.axis", lang), rangemode="tozero")
    fig.update_yaxes(autorange="reversed")
    return base_layout(fig, title=title, footnote=footnote)


def _hex_to_rgba(color: str, alpha: float) -> str:
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def km_chart(tto: TimeToOffer, lang: str, *, title: str, footnote: str = "") -> go.Figure:
    """Kaplan-Meier share with an offer (1 - survival) by days since application, per pipeline,
    with the log-log interval as a band."""
    fig = go.Figure()
    curves = tto.curves
    for i, pipe in enumerate(ordered_pipelines(curves.pipeline) if not curves.empty else ()):
        part = privacy.km_shown(curves[curves.pipeline == pipe].sort_values("time"))
        name = label("pipeline", pipe, lang)
        color = pipeline_color(pipe, i)
        x = np.concatenate([[0.0], part.time.to_numpy(float)])
        y = 100 * np.concatenate([[0.0], part.offered.to_numpy(float)])
        upper = 100 * np.concatenate([[0.0], 1 - part.low.to_numpy(float)])
        lower = 100 * np.concatenate([[0.0], 1 - part.high.to_numpy(float)])
        fig.add_trace(
            go.Scatter(
                x=np.concatenate([x, x[::-1]]),
                y=np.concatenate([upper, lower[::-1]]),
                fill="toself",
                fillcolor=_hex_to_rgba(color, 0.18),
                line={"width": 0, "shape": "hv"},
                hoverinfo="skip",
                showlegend=False,
                legendgroup=pipe,
                name=f"{name} 95%",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=y,
                mode="lines",
                line={"color": color, "shape": "hv", "width": 2.5},
                name=f"{name} (n = {count_text(tto.n.get(pipe, 0), lang)})",
                legendgroup=pipe,
                hovertemplate="%{x:.0f}: %{y:.1f}%<extra>" + name + "</extra>",
            )
        )
    # Show the part of the time axis where offers happen (the curves are flat after the last one).
    last_event = curves.loc[curves.events > 0, "time"].max() if not curves.empty else None
    x_range = [0, float(last_event) * 1.25] if last_event and last_event > 0 else None
    fig.update_xaxes(title_text=t("funnel.chart.km.x", lang), rangemode="tozero", range=x_range)
    fig.update_yaxes(title_text=t("funnel.chart.km.y", lang), ticksuffix="%", rangemode="tozero")
    return base_layout(fig, title=title, footnote=footnote)
