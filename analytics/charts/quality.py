"""Plotly figures and one-line takeaways for the Quality-of-hire page.

Results in, figure out; never query, never compute a statistic: component intervals, rating
shares with their Wilson intervals (``metrics.quality.rating_shares``) and Kaplan-Meier bands come
with the results.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics import privacy
from analytics.charts import (
    base_layout,
    error_bars,
    finite,
    median_chart,
    pipeline_color,
    rgba,
    verdict,
)
from analytics.charts import (
    pipeline_name as _pname,
)
from analytics.domain import PIPELINES, ordered_pipelines
from analytics.i18n import fmt_days, fmt_num, fmt_p, fmt_pct, fmt_points, t
from analytics.metrics.quality import (
    COMPONENTS,
    QualityResult,
    RankComparison,
    Retention,
    rating_shares,
)
from analytics.privacy import count_text

# ---------------------------------------------------------------------------------------------
# Quality of hire: takeaways
# ---------------------------------------------------------------------------------------------


def component_name(component: str, lang: str, ramp_target: int = 90) -> str:
    return t(f"quality.component.{component}", lang, days=ramp_target)


def takeaway_components(result: QualityResult, composite: pd.DataFrame, lang: str) -> str:
    values = composite.set_index("pipeline").composite
    first, second = PIPELINES
    if (
        first not in values
        or second not in values
        or not (finite(values[first]) and finite(values[second]))
    ):
        return t("quality.take.few", lang)
    return t(
        "quality.take.composite",
        lang,
        a=_pname(first, lang),
        b=_pname(second, lang),
        v1=fmt_num(values[first], lang, 1),
        v2=fmt_num(values[second], lang, 1),
        n=fmt_num(sum(result.hires.values()), lang),
    )


def takeaway_ratings(cmp: RankComparison | None, lang: str) -> str:
    if cmp is None:
        return t("quality.take.few", lang)
    return t(
        "quality.take.ratings",
        lang,
        ps=fmt_pct(cmp.prob_superiority, lang),
        low=fmt_pct(cmp.prob_superiority_ci.low, lang),
        high=fmt_pct(cmp.prob_superiority_ci.high, lang),
        p=fmt_p(cmp.p_value, lang),
        verdict=verdict(
            cmp.prob_superiority_ci.low - 0.5, cmp.prob_superiority_ci.high - 0.5, lang
        ),
        n=fmt_num(cmp.n_x + cmp.n_y, lang),
    )


def takeaway_retention(ret: Retention, lang: str) -> str:
    first, second = PIPELINES
    a, b = ret.points.get((first, 365)), ret.points.get((second, 365))
    d = ret.differences.get(365)
    if a is None or b is None or d is None:
        return t("quality.take.few", lang)
    return t(
        "quality.take.retention",
        lang,
        s1=fmt_pct(a.survival, lang),
        s2=fmt_pct(b.survival, lang),
        diff=fmt_points(d.diff, lang, signed=True),
        low=fmt_points(d.ci.low, lang, signed=True, unit=False),
        high=fmt_points(d.ci.high, lang, signed=True, unit=False),
        verdict=verdict(d.ci.low, d.ci.high, lang),
        p=fmt_p(ret.logrank.p_value if ret.logrank else None, lang),
        n=fmt_num(sum(ret.n.values()), lang),
    )


def takeaway_early(early: pd.DataFrame, lang: str) -> str:
    shown = early[~early.suppressed.astype(bool)]
    if shown.empty:
        return t("quality.take.few", lang)
    parts = [f"{_pname(r.pipeline, lang)} {fmt_pct(r.rate, lang)}" for r in shown.itertuples()]
    return t(
        "quality.take.early", lang, parts=", ".join(parts), n=fmt_num(int(early.n.sum()), lang)
    )


def takeaway_ramp(times: pd.DataFrame, lang: str) -> str:
    shown = times[times["median"].notna()]
    if shown.empty:
        return t("quality.take.few", lang)
    parts = [f"{_pname(r.pipeline, lang)} {fmt_days(r.median, lang)}" for r in shown.itertuples()]
    return t("quality.take.ramp", lang, parts=", ".join(parts), n=fmt_num(int(times.n.sum()), lang))


# ---------------------------------------------------------------------------------------------
# Quality of hire: figures
# ---------------------------------------------------------------------------------------------


def components_chart(
    result: QualityResult,
    lang: str,
    *,
    title: str,
    footnote: str = "",
    include: tuple[str, ...] = COMPONENTS,
) -> go.Figure:
    """Every component per pipeline on the 0-100 scale, with its 95% interval."""
    comps = result.components[result.components.component.isin(include)]
    comps = comps[~comps.suppressed.astype(bool)]
    fig = go.Figure()
    for i, pipe in enumerate(result.pipelines):
        part = comps[comps.pipeline == pipe]
        if part.empty:
            continue
        name = _pname(pipe, lang)
        ys = [component_name(c, lang, result.ramp_target) for c in part.component]
        fig.add_trace(
            go.Scatter(
                x=part.value.to_numpy(float),
                y=ys,
                mode="markers",
                name=f"{name} (n = {count_text(result.hires.get(pipe, 0), lang)})",
                marker={"color": pipeline_color(pipe, i), "size": 12},
                error_x=error_bars(part.value, part.low, part.high, scale=1.0),
                hovertext=[
                    f"{name} · {y}: {fmt_num(v, lang, 1)} ({fmt_num(lo, lang, 1)}–"
                    f"{fmt_num(hi, lang, 1)}), n = {count_text(int(n), lang)}"
                    for y, v, lo, hi, n in zip(
                        ys, part.value, part.low, part.high, part.n, strict=True
                    )
                ],
                hoverinfo="text",
                offsetgroup=pipe,
            )
        )
    fig.update_layout(scattermode="group")
    fig.update_xaxes(title_text=t("quality.chart.components.x", lang), range=[0, 100])
    fig.update_yaxes(autorange="reversed", ticklabelstandoff=8)
    return base_layout(fig, title=title, footnote=footnote)


def composite_chart(
    composite: pd.DataFrame, lang: str, *, title: str, footnote: str = ""
) -> go.Figure:
    """The composite per pipeline (0-100). No interval is computed for it; the footnote says so
    and the components chart carries the intervals."""
    shown = composite[composite.composite.notna()]
    fig = go.Figure()
    for i, r in enumerate(shown.itertuples()):
        name = _pname(r.pipeline, lang)
        fig.add_trace(
            go.Bar(
                x=[r.composite],
                y=[name],
                orientation="h",
                name=name,
                marker={"color": pipeline_color(r.pipeline, i)},
                text=[fmt_num(r.composite, lang, 1)],
                textposition="outside",
                hoverinfo="text",
                hovertext=f"{name}: {fmt_num(r.composite, lang, 1)}",
            )
        )
    fig.update_xaxes(title_text=t("quality.chart.composite.x", lang), range=[0, 100])
    fig.update_yaxes(autorange="reversed")
    return base_layout(fig, title=title, footnote=footnote, height=300)


def ratings_chart(counts: pd.DataFrame, lang: str, *, title: str, footnote: str = "") -> go.Figure:
    """Distribution of 12-month ratings per pipeline (share at each rating, Wilson intervals).

    ``counts`` is ``metrics.quality.rating_shares`` (shares, intervals, privacy rule applied);
    the raw frequency table (``rating_counts``) is accepted too and passed through it."""
    frame = counts if "share_low" in counts.columns else rating_shares(counts)
    fig = go.Figure()
    for i, pipe in enumerate(ordered_pipelines(frame.pipeline)):
        part = frame[frame.pipeline == pipe].sort_values("rating")
        name = _pname(pipe, lang)
        fig.add_trace(
            go.Bar(
                x=part.rating.to_numpy(float),
                y=100 * part.share.to_numpy(float),
                name=f"{name} (n = {count_text(int(part.total.iloc[0]), lang)})",
                marker={"color": pipeline_color(pipe, i)},
                error_y=error_bars(part.share, part.share_low, part.share_high),
                hovertext=[
                    f"{name} · {fmt_num(r, lang, 1)}: {fmt_pct(s, lang)}"
                    for r, s in zip(part.rating, part.share, strict=True)
                ],
                hoverinfo="text",
            )
        )
    fig.update_layout(barmode="group")
    fig.update_xaxes(title_text=t("quality.chart.ratings.x", lang), dtick=0.5)
    fig.update_yaxes(title_text=t("quality.chart.ratings.y", lang), ticksuffix="%")
    return base_layout(fig, title=title, footnote=footnote)


def retention_chart(ret: Retention, lang: str, *, title: str, footnote: str = "") -> go.Figure:
    """Kaplan-Meier retention of hires by days since start, per pipeline, log-log bands."""
    fig = go.Figure()
    curves = ret.curves
    pipes = ordered_pipelines(curves.pipeline) if not curves.empty else ()
    for i, pipe in enumerate(pipes):
        part = privacy.km_shown(curves[curves.pipeline == pipe].sort_values("time"))
        name = _pname(pipe, lang)
        color = pipeline_color(pipe, i)
        x = np.concatenate([[0.0], part.time.to_numpy(float)])
        y = 100 * np.concatenate([[1.0], part.survival.to_numpy(float)])
        lo = 100 * np.concatenate([[1.0], part.low.to_numpy(float)])
        hi = 100 * np.concatenate([[1.0], part.high.to_numpy(float)])
        fig.add_trace(
            go.Scatter(
                x=np.concatenate([x, x[::-1]]),
                y=np.concatenate([hi, lo[::-1]]),
                fill="toself",
                fillcolor=rgba(color, 0.18),
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
                name=f"{name} (n = {count_text(ret.n.get(pipe, 0), lang)})",
                legendgroup=pipe,
                hovertemplate="%{x:.0f}: %{y:.1f}%<extra>" + name + "</extra>",
            )
        )
    for day in (182, 365):
        fig.add_vline(x=day, line={"dash": "dot", "color": "#888", "width": 1})
    fig.update_xaxes(title_text=t("quality.chart.retention.x", lang), rangemode="tozero")
    fig.update_yaxes(title_text=t("quality.chart.retention.y", lang), ticksuffix="%")
    return base_layout(fig, title=title, footnote=footnote)


def early_exit_chart(
    early: pd.DataFrame, lang: str, *, title: str, footnote: str = ""
) -> go.Figure:
    """Share of hires leaving voluntarily within six months, per pipeline, Wilson intervals."""
    shown = early[~early.suppressed.astype(bool)]
    fig = go.Figure()
    for i, r in enumerate(shown.itertuples()):
        name = _pname(r.pipeline, lang)
        fig.add_trace(
            go.Bar(
                x=[name],
                y=[100 * r.rate],
                name=f"{name} (n = {count_text(int(r.n), lang)})",
                marker={"color": pipeline_color(r.pipeline, i)},
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": [100 * (r.rate_high - r.rate)],
                    "arrayminus": [100 * (r.rate - r.rate_low)],
                },
                hovertext=f"{name}: {fmt_num(int(r.k), lang)} / {fmt_num(int(r.n), lang)}",
                hoverinfo="text",
            )
        )
    fig.update_yaxes(
        title_text=t("quality.chart.early.y", lang), ticksuffix="%", rangemode="tozero"
    )
    return base_layout(fig, title=title, footnote=footnote, height=360)


def ramp_time_chart(times: pd.DataFrame, lang: str, *, title: str, footnote: str = "") -> go.Figure:
    """Median days to ramp up per pipeline with the Price-Bonett interval."""
    return median_chart(
        times, t("quality.chart.ramp.x", lang), lang, title=title, footnote=footnote
    )
