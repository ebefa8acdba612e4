"""Plotly figures and sentences for the Business case page (results in, figure out; never query)."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from analytics.charts import EXTRA_COLORS, base_layout, pipeline_color
from analytics.domain import PIPELINES
from analytics.i18n import fmt_num, label, t
from analytics.metrics.business_case import (
    COMPONENTS,
    SMALL_FORMATS,
    BusinessCase,
    hours_for_display,
)

GAIN = "#009E73"
FORMAT_COLORS = (*EXTRA_COLORS, "#0072B2", "#E69F00", "#999999", "#882255", "#44AA99", "#DDCC77")
LOSS = "#D55E00"


def fmt_money(x: float | None, lang: str, *, signed: bool = False) -> str:
    """Euros without cents: "€12,300" / "€ 12.300"; signed "+€12,300" / "−€12,300"."""
    if x is None or not math.isfinite(x):
        return "–"
    body = fmt_num(abs(x), lang)
    body = f"€ {body}" if lang == "nl" else f"€{body}"
    if x < 0:
        return "−" + body
    return ("+" + body) if signed and x > 0 else body


def sentence(case: BusinessCase, lang: str) -> str:
    """The plain answer: pays for itself / costs more / no clear answer / too few to say."""
    if case.verdict == "too_few":
        return t("bc.verdict.too_few", lang)
    return t(
        f"bc.verdict.{case.verdict}",
        lang,
        net=fmt_money(case.net, lang, signed=True),
        low=fmt_money(case.net_ci.low, lang, signed=True),
        high=fmt_money(case.net_ci.high, lang, signed=True),
    )


def value_takeaway(case: BusinessCase, lang: str) -> str:
    """Which component carries the net."""
    gains = {k: v for k, v in case.components.items() if v > 0}
    if not gains:
        return t("bc.value.take_none", lang)
    top = max(gains, key=gains.__getitem__)
    return t(
        "bc.value.take",
        lang,
        item=t(f"bc.component.{top}", lang),
        v=fmt_money(gains[top], lang, signed=True),
    )


def hours_takeaway(hours_per_hire: dict[str, float], by_format: pd.DataFrame, lang: str) -> str:
    """How many more (or fewer) hours human-first takes per hire, and in which format most."""
    first, second = PIPELINES
    if first not in hours_per_hire or second not in hours_per_hire:
        return t("bc.hours.take", lang)
    diff = hours_per_hire[first] - hours_per_hire[second]
    shown = by_format[~by_format.suppressed]
    per = shown.pivot_table(
        index="format", columns="pipeline", values="hours_per_hire", aggfunc="sum"
    )
    per = per.reindex(columns=[first, second]).fillna(0.0)
    gap = (per[first] - per[second]).sort_values(ascending=diff < 0)
    return t(
        "bc.hours.take_more" if diff >= 0 else "bc.hours.take_less",
        lang,
        h=fmt_num(abs(diff), lang, 1),
        fmt=label("bc.format", gap.index[0], lang).lower() if len(gap) else "",
    )


def hours_chart(hours: pd.DataFrame, lang: str, *, title: str, footnote: str) -> go.Figure:
    """Stacked bars: interview hours per hire per pipeline, one segment per format."""
    fig = go.Figure()
    shown = hours_for_display(hours)
    formats = (
        shown.groupby("format").hours_per_hire.sum().sort_values(ascending=False).index.tolist()
    )
    pipes = [p for p in PIPELINES if p in set(shown.pipeline)]
    names = [label("pipeline", p, lang) for p in pipes]
    for i, fmt in enumerate(formats):
        part = shown[shown.format == fmt].set_index("pipeline")
        values = [float(part.hours_per_hire.get(p, 0.0)) for p in pipes]
        name = label("bc.format", fmt, lang)
        hover = "%{x}: %{y:.1f} h"
        if fmt != SMALL_FORMATS:
            hover += " (%{customdata:.1f} × " + name + ")"
        fig.add_bar(
            x=names,
            y=values,
            name=name,
            marker_color=FORMAT_COLORS[i % len(FORMAT_COLORS)],
            customdata=[float(part.per_hire.get(p, 0.0)) for p in pipes],
            hovertemplate=hover + "<extra></extra>",
        )
    totals = shown.groupby("pipeline").hours_per_hire.sum()
    hires = shown.groupby("pipeline").hires.first()
    for p, name in zip(pipes, names, strict=True):
        fig.add_annotation(
            x=name,
            y=float(totals[p]),
            text=t(
                "bc.hours.total", lang, h=fmt_num(totals[p], lang, 1), n=fmt_num(hires[p], lang)
            ),
            showarrow=False,
            yshift=14,
            font={"color": pipeline_color(p)},
        )
    fig.update_layout(barmode="stack")
    base_layout(fig, title=title, footnote=footnote, height=480)
    fig.update_yaxes(title=t("bc.hours.axis", lang))
    return fig


def value_chart(case: BusinessCase, lang: str, *, title: str, footnote: str) -> go.Figure:
    """Horizontal bars: each component per 100 hires and the net with its 95% interval."""
    keys = [k for k in COMPONENTS if k in case.components]
    values = [case.components[k] for k in keys] + [case.net]
    names = [
        f"{t(f'bc.component.{k}', lang)}: {fmt_money(v, lang, signed=True)}"
        for k, v in zip([*keys, "net"], values, strict=True)
    ]
    colors = [GAIN if v >= 0 else LOSS for v in values[:-1]] + [pipeline_color(PIPELINES[0])]
    fig = go.Figure(
        go.Bar(
            y=names,
            x=values,
            orientation="h",
            marker_color=colors,
            hoverinfo="y",
            showlegend=False,
        )
    )
    if math.isfinite(case.net_ci.low):
        # Only the net has an interval: drawn as its own trace so the components get no caps.
        fig.add_scatter(
            y=[names[-1]],
            x=[case.net],
            mode="markers",
            marker={"size": 1, "color": "rgba(0,0,0,0)"},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": [case.net_ci.high - case.net],
                "arrayminus": [case.net - case.net_ci.low],
                "color": "#555",
            },
            hovertext=[
                t(
                    "bc.ci",
                    lang,
                    low=fmt_money(case.net_ci.low, lang, signed=True),
                    high=fmt_money(case.net_ci.high, lang, signed=True),
                )
            ],
            hoverinfo="text",
            showlegend=False,
        )
    base_layout(fig, title=title, footnote=footnote, height=380)
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title=t("bc.value.axis", lang), zeroline=True, zerolinecolor="#888")
    return fig


def tornado_chart(case: BusinessCase, lang: str, *, title: str, footnote: str) -> go.Figure:
    """Net per 100 hires at 50% and 150% of each assumption, around the central net."""
    frame = case.tornado
    names = [t(f"bc.assumption.{a}", lang) for a in frame.assumption]
    fig = go.Figure()
    for col, key, color in (
        ("low", "bc.tornado.low", "#56B4E9"),
        ("high", "bc.tornado.high", "#E69F00"),
    ):
        fig.add_bar(
            y=names,
            x=(frame[col] - case.net).to_numpy(float),
            base=case.net,
            orientation="h",
            name=t(key, lang),
            marker_color=color,
            customdata=[fmt_money(v, lang, signed=True) for v in frame[col]],
            hovertemplate="%{y}: %{customdata}<extra></extra>",
        )
    fig.add_vline(x=case.net, line_dash="dot", line_color="#888")
    fig.add_vline(x=0, line_color="#888")
    base_layout(fig, title=title, footnote=footnote, height=400)
    fig.update_layout(barmode="overlay")
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title=t("bc.value.axis", lang))
    return fig
