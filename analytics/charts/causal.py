"""Figures of the adjusted (causal) comparison: the love plot of covariate balance and the overlap
of the propensity distributions. Frames in (``metrics.causal.balance_table`` and
``propensity_histogram``, already privacy-checked), figures out; no statistic is computed here."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from analytics.charts import base_layout, pipeline_color
from analytics.domain import PIPELINES
from analytics.i18n import fmt_date, fmt_num, fmt_pct, label, t

SMD_LINE = 0.1
"""Austin (2009): |standardised difference| below 0.1 reads as balanced."""


def level_name(covariate: str, level: str, lang: str = "en") -> str:
    """A covariate level in words: "Role family: Engineering", "Month: Mar 2025"."""
    if covariate == "month":
        try:
            year, month = (int(p) for p in level.split("-"))
            value = fmt_date(dt.date(year, month, 1), lang).split(" ", 1)[1]
        except ValueError:
            value = level
        return f"{t('causal.covariate.month', lang)}: {value}"
    if level == "(missing)":
        return f"{t(f'dim.{covariate}', lang)}: {t('value.missing', lang)}"
    return f"{t(f'dim.{covariate}', lang)}: {label(covariate, level, lang)}"


def love_plot(
    balance: pd.DataFrame, lang: str = "en", *, title: str, footnote: str = ""
) -> go.Figure:
    """Absolute standardised differences per covariate level, before (hollow) and after
    (filled) weighting, with the 0.1 line."""
    rows = balance.assign(
        name=[
            level_name(c, lv, lang) for c, lv in zip(balance.covariate, balance.level, strict=True)
        ]
    )
    fig = go.Figure()
    for col, key, symbol in (
        ("smd_before", "causal.love.before", "circle-open"),
        ("smd_after", "causal.love.after", "circle"),
    ):
        name = t(key, lang)
        fig.add_trace(
            go.Scatter(
                x=rows[col].abs(),
                y=rows["name"],
                mode="markers",
                name=name,
                marker={
                    "symbol": symbol,
                    "size": 9,
                    "color": "#555555" if col == "smd_before" else "#009E73",
                },
                hovertext=[
                    f"{n} · {name}: {fmt_num(abs(v), lang, 2)}"
                    for n, v in zip(rows["name"], rows[col], strict=True)
                ],
                hoverinfo="text",
            )
        )
    fig.add_vline(x=SMD_LINE, line_dash="dash", line_color="#999999")
    fig.update_xaxes(title_text=t("causal.love.axis", lang), rangemode="tozero")
    fig.update_yaxes(autorange="reversed", title_text="")
    height = max(360, 22 * len(rows) + 160)
    return base_layout(fig, title=title, footnote=footnote, height=height)


def overlap_chart(
    histogram: pd.DataFrame, lang: str = "en", *, title: str, footnote: str = ""
) -> go.Figure:
    """Share of each pipeline's applications per propensity bin (bars side by side); hidden
    bins (fewer than the privacy threshold) are left out."""
    fig = go.Figure()
    for i, pipe in enumerate(PIPELINES):
        part = histogram[(histogram.pipeline == pipe) & histogram.share.notna()]
        mids = (part.low + part.high) / 2
        name = label("pipeline", pipe, lang)
        fig.add_trace(
            go.Bar(
                x=mids,
                y=100 * part.share,
                width=(part.high - part.low) * 0.45,
                offset=None,
                name=name,
                marker={"color": pipeline_color(pipe, i)},
                hovertext=[
                    f"{name} · {fmt_num(lo, lang, 2)}–{fmt_num(hi, lang, 2)}: {fmt_pct(s, lang)}"
                    for lo, hi, s in zip(part.low, part.high, part.share, strict=True)
                ],
                hoverinfo="text",
            )
        )
    fig.update_layout(barmode="group")
    fig.update_xaxes(title_text=t("causal.overlap.axis", lang), range=[0, 1])
    fig.update_yaxes(title_text=t("causal.overlap.yaxis", lang), ticksuffix="%")
    return base_layout(fig, title=title, footnote=footnote)
