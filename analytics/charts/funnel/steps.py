"""Steps and groups, drawn: withdrawal and acceptance by the step of the first human
contact, completion and pass rates per touchpoint format, and the breakdown by a dimension."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analytics.charts import EXTRA_COLORS, base_layout, pipeline_color
from analytics.charts.funnel.labels import (
    _err,
    _hover_rate,
    format_label,
    step_label,
)
from analytics.domain import ordered_pipelines
from analytics.i18n import label, t


def first_contact_chart(
    table: pd.DataFrame, lang: str, *, title: str, footnote: str = ""
) -> go.Figure:
    """Withdrawal rate and offer acceptance by the step of the first human contact.

    The two panels are stacked, one per row, sharing the steps on x: side by side on a 390 px
    phone each was ~130 px wide, the Dutch panel titles ran into each other and off the chart's
    edge, and the right panel's y-axis title lay on the left panel's bars. Each panel's title
    names its one colour, so there is no legend repeating it."""
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.16,
        subplot_titles=(
            t("funnel.chart.contact.withdrawal", lang),
            t("funnel.chart.contact.acceptance", lang),
        ),
    )
    xs = [step_label(s, lang) for s in table.step]
    for row, (key, n_col, color) in enumerate(
        (
            ("withdrawal", "applications", EXTRA_COLORS[4]),
            ("acceptance", "offers_decided", "#009E73"),
        ),
        start=1,
    ):
        fig.add_trace(
            go.Bar(
                x=xs,
                y=100 * table[key].to_numpy(float),
                name=t(f"funnel.chart.contact.{key}", lang),
                marker={"color": color},
                error_y=_err(table[key], table[f"{key}_low"], table[f"{key}_high"]),
                hovertext=[
                    f"{x}: "
                    + _hover_rate(
                        t(f"funnel.chart.contact.{key}", lang),
                        v,
                        lo,
                        hi,
                        n,
                        lang,
                    )
                    for x, v, lo, hi, n in zip(
                        xs,
                        table[key],
                        table[f"{key}_low"],
                        table[f"{key}_high"],
                        table[n_col],
                        strict=True,
                    )
                ],
                hoverinfo="text",
                showlegend=False,
            ),
            row=row,
            col=1,
        )
    fig.update_yaxes(
        title_text=t("funnel.chart.contact.axis", lang), ticksuffix="%", rangemode="tozero"
    )
    return base_layout(fig, title=title, footnote=footnote, height=600)


def formats_chart(
    table: pd.DataFrame, labels: dict[str, str], lang: str, *, title: str, footnote: str = ""
) -> go.Figure:
    """Per stage x format: completion and pass rate, dots with Wilson intervals; the touchpoint
    (human / automated) is written next to the format."""
    ys = [
        f"{labels.get(str(s), str(s))} · {format_label(f, lang)} "
        f"({label('funnel.touchpoint', tp, lang)})"
        for s, f, tp in zip(table.stage, table.format, table.touchpoint, strict=True)
    ]
    fig = go.Figure()
    for key, n_col, color, symbol in (
        ("completion", "entering", "#009E73", "circle"),
        ("pass", "decided", "#CC79A7", "diamond"),
    ):
        name = t(f"funnel.chart.formats.{key}", lang)
        fig.add_trace(
            go.Scatter(
                x=100 * table[key].to_numpy(float),
                y=ys,
                mode="markers",
                name=name,
                marker={"color": color, "size": 11, "symbol": symbol},
                error_x=_err(table[key], table[f"{key}_low"], table[f"{key}_high"]),
                hovertext=[
                    f"{y}: " + _hover_rate(name, v, lo, hi, n, lang)
                    for y, v, lo, hi, n in zip(
                        ys,
                        table[key],
                        table[f"{key}_low"],
                        table[f"{key}_high"],
                        table[n_col],
                        strict=True,
                    )
                ],
                hoverinfo="text",
                offsetgroup=key,
            )
        )
    fig.update_layout(scattermode="group")
    fig.update_xaxes(
        title_text=t("funnel.chart.formats.axis", lang), range=[0, 100], ticksuffix="%"
    )
    fig.update_yaxes(autorange="reversed")
    return base_layout(fig, title=title, footnote=footnote, height=max(420, 40 * len(ys) + 160))


def breakdown_chart(
    table: pd.DataFrame,
    group_label: dict[str, str],
    axis_title: str,
    lang: str,
    *,
    title: str,
    footnote: str = "",
) -> go.Figure:
    """Pass-through to the target per group per pipeline (suppressed groups left out)."""
    shown = table[~table.suppressed.astype(bool)]
    groups = list(dict.fromkeys(shown.group))
    names = [group_label.get(str(g), str(g)) for g in groups]
    fig = go.Figure()
    for i, pipe in enumerate(ordered_pipelines(shown.pipeline)):
        part = shown[shown.pipeline == pipe].set_index("group").reindex(groups)
        name = label("pipeline", pipe, lang)
        fig.add_trace(
            go.Bar(
                x=names,
                y=100 * part.rate.to_numpy(float),
                name=name,
                marker={"color": pipeline_color(pipe, i)},
                error_y=_err(part.rate, part.rate_low, part.rate_high),
                hovertext=[
                    f"{name} · {g}: " + _hover_rate(axis_title, v, lo, hi, n, lang)
                    for g, v, lo, hi, n in zip(
                        names,
                        part.rate,
                        part.rate_low,
                        part.rate_high,
                        [None if pd.isna(x) else int(x) for x in part.n],
                        strict=True,
                    )
                ],
                hoverinfo="text",
            )
        )
    fig.update_layout(barmode="group")
    fig.update_yaxes(title_text=axis_title, ticksuffix="%", rangemode="tozero")
    return base_layout(fig, title=title, footnote=footnote)
