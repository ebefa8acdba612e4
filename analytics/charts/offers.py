"""Plotly figures and one-line takeaways for the Offers and Quality-of-hire pages.

Results in, figure out; never query. Every figure: a title (the page passes the takeaway, which
states the finding), axis labels with units, the n in legend or hover text, 95% intervals as error
bars or bands, pipeline colours from ``analytics.charts.pipeline_color`` in the fixed order.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analytics import stats
from analytics.charts import EXTRA_COLORS, base_layout, pipeline_color
from analytics.domain import PIPELINES, ordered_pipelines
from analytics.i18n import fmt_days, fmt_num, fmt_p, fmt_pct, fmt_points, label, t
from analytics.metrics.change import ChangeResult
from analytics.metrics.common import add_rate
from analytics.metrics.offers import Acceptance, Premium
from analytics.metrics.quality import COMPONENTS, QualityResult, Retention
from analytics.stats import RankComparison

_fin = stats.finite


def _err(values: pd.Series, low: pd.Series, high: pd.Series, scale: float = 100.0) -> dict:
    return {
        "type": "data",
        "symmetric": False,
        "array": (scale * (high - values)).to_numpy(float),
        "arrayminus": (scale * (values - low)).to_numpy(float),
    }


def _rgba(color: str, alpha: float) -> str:
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _pname(pipe: str, lang: str) -> str:
    return label("pipeline", pipe, lang)


def verdict(low: float, high: float, lang: str) -> str:
    """ "clear difference" / "no clear difference" / "too few to say" from an interval."""
    if not (_fin(low) and _fin(high)):
        return t("offers.verdict.few", lang)
    if low > 0 or high < 0:
        return t("offers.verdict.clear", lang)
    return t("offers.verdict.unclear", lang)


# ---------------------------------------------------------------------------------------------
# Offers: takeaways
# ---------------------------------------------------------------------------------------------


def takeaway_acceptance(acc: Acceptance, lang: str) -> str:
    c = acc.comparison
    if c is None:
        return t("offers.take.few", lang)
    first, second = PIPELINES
    return t(
        "offers.take.acceptance",
        lang,
        p1=fmt_pct(c.p1, lang),
        p2=fmt_pct(c.p2, lang),
        a=_pname(first, lang),
        b=_pname(second, lang),
        diff=fmt_points(c.diff, lang, signed=True),
        low=fmt_points(c.ci.low, lang, signed=True),
        high=fmt_points(c.ci.high, lang, signed=True),
        p=fmt_p(c.p_value, lang),
        verdict=verdict(c.ci.low, c.ci.high, lang),
        n=fmt_num(acc.decided, lang),
    )


def takeaway_reasons(reasons: pd.DataFrame, lang: str) -> str:
    shown = reasons[~reasons.suppressed.astype(bool)]
    if shown.empty:
        return t("offers.take.few", lang)
    parts = []
    for pipe in ordered_pipelines(shown.pipeline):
        top = shown[shown.pipeline == pipe].sort_values("share", ascending=False).iloc[0]
        parts.append(
            f"{_pname(pipe, lang)}: {label('offers.reason', top.reason, lang)} "
            f"({fmt_pct(top.share, lang)})"
        )
    n = int(reasons.groupby("pipeline").declines.first().sum())
    return t("offers.take.reasons", lang, parts="; ".join(parts), n=fmt_num(n, lang))


def takeaway_times(times: pd.DataFrame, lang: str) -> str:
    shown = times[~times.suppressed.astype(bool)]
    if shown.empty:
        return t("offers.take.few", lang)
    parts = [f"{_pname(r.pipeline, lang)} {fmt_days(r.median, lang)}" for r in shown.itertuples()]
    return t("offers.take.times", lang, parts=", ".join(parts), n=fmt_num(int(times.n.sum()), lang))


def takeaway_premium(premium: Premium | None, lang: str) -> str:
    if premium is None:
        return t("offers.take.premium_none", lang)
    if premium.beta_comp <= 0:
        return t("offers.take.premium_nopay", lang, n=fmt_num(premium.n, lang))
    key = "offers.take.premium" if premium.premium >= 0 else "offers.take.premium_negative"
    return t(
        key,
        lang,
        value=fmt_pct(abs(premium.premium), lang),
        low=fmt_pct(premium.premium_ci.low, lang),
        high=fmt_pct(premium.premium_ci.high, lang),
        odds=fmt_num(premium.odds_ratio, lang, 2),
        olow=fmt_num(premium.odds_ratio_ci.low, lang, 2),
        ohigh=fmt_num(premium.odds_ratio_ci.high, lang, 2),
        p=fmt_p(premium.odds_ratio_p, lang),
        n=fmt_num(premium.n, lang),
    )


def _trend(frame: pd.DataFrame, x: str, lang: str, key: str) -> str:
    shown = frame[~frame.suppressed.astype(bool)]
    if shown.empty:
        return t("offers.take.few", lang)
    parts = []
    for pipe in ordered_pipelines(shown.pipeline):
        part = shown[shown.pipeline == pipe].sort_values(x)
        lo, hi = part.iloc[0], part.iloc[-1]
        parts.append(f"{_pname(pipe, lang)} {fmt_pct(lo.rate, lang)} → {fmt_pct(hi.rate, lang)}")
    return t(key, lang, parts="; ".join(parts), n=fmt_num(int(frame.decided.sum()), lang))


def takeaway_comp(frame: pd.DataFrame, lang: str) -> str:
    return _trend(frame, "bin", lang, "offers.take.comp")


def takeaway_competing(frame: pd.DataFrame, lang: str) -> str:
    return _trend(frame, "competing", lang, "offers.take.competing")


# ---------------------------------------------------------------------------------------------
# Offers: figures
# ---------------------------------------------------------------------------------------------


def acceptance_chart(acc: Acceptance, lang: str, *, title: str, footnote: str = "") -> go.Figure:
    """Offer acceptance per pipeline: bars with Wilson intervals (suppressed groups left out)."""
    shown = acc.table[~acc.table.suppressed.astype(bool)]
    fig = go.Figure()
    for i, r in enumerate(shown.itertuples()):
        name = _pname(r.pipeline, lang)
        fig.add_trace(
            go.Bar(
                x=[name],
                y=[100 * r.rate],
                name=f"{name} (n = {fmt_num(int(r.decided), lang)})",
                marker={"color": pipeline_color(r.pipeline, i)},
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": [100 * (r.rate_high - r.rate)],
                    "arrayminus": [100 * (r.rate - r.rate_low)],
                },
                hovertext=(
                    f"{name}: {fmt_pct(r.rate, lang)} ({fmt_pct(r.rate_low, lang)}–"
                    f"{fmt_pct(r.rate_high, lang)}), {fmt_num(int(r.accepted), lang)} / "
                    f"{fmt_num(int(r.decided), lang)}"
                ),
                hoverinfo="text",
            )
        )
    fig.update_yaxes(
        title_text=t("offers.chart.acceptance.y", lang), ticksuffix="%", range=[0, 100]
    )
    return base_layout(fig, title=title, footnote=footnote)


def reasons_chart(reasons: pd.DataFrame, lang: str, *, title: str, footnote: str = "") -> go.Figure:
    """Decline reasons as shares of each pipeline's declined offers, with Wilson intervals."""
    shown = reasons[~reasons.suppressed.astype(bool)]
    order = shown.groupby("reason").n.sum().sort_values(ascending=False).index.tolist()
    names = [label("offers.reason", r, lang) for r in order]
    fig = go.Figure()
    for i, pipe in enumerate(ordered_pipelines(shown.pipeline)):
        part = shown[shown.pipeline == pipe].set_index("reason").reindex(order)
        name = _pname(pipe, lang)
        n = int(reasons[reasons.pipeline == pipe].declines.iloc[0])
        fig.add_trace(
            go.Bar(
                x=100 * part.share.to_numpy(float),
                y=names,
                orientation="h",
                name=f"{name} (n = {fmt_num(n, lang)})",
                marker={"color": pipeline_color(pipe, i)},
                error_x=_err(part.share, part.share_low, part.share_high),
                hovertext=[
                    f"{name} · {rn}: {fmt_num(k if _fin(k) else None, lang)} ({fmt_pct(s, lang)})"
                    for rn, k, s in zip(names, part.n, part.share, strict=True)
                ],
                hoverinfo="text",
            )
        )
    fig.update_layout(barmode="group")
    fig.update_xaxes(title_text=t("offers.chart.reasons.x", lang), ticksuffix="%")
    fig.update_yaxes(autorange="reversed")
    return base_layout(fig, title=title, footnote=footnote)


def _median_chart(
    times: pd.DataFrame, axis: str, lang: str, *, title: str, footnote: str
) -> go.Figure:
    shown = times[~times.suppressed.astype(bool)] if "suppressed" in times else times
    shown = shown[shown["median"].notna()]
    fig = go.Figure()
    for i, r in enumerate(shown.itertuples()):
        name = _pname(r.pipeline, lang)
        fig.add_trace(
            go.Scatter(
                x=[r.median],
                y=[name],
                mode="markers",
                name=f"{name} (n = {fmt_num(int(r.n), lang)})",
                marker={"color": pipeline_color(r.pipeline, i), "size": 13},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": [r.high - r.median],
                    "arrayminus": [r.median - r.low],
                },
                hovertext=t(
                    "offers.hover.median",
                    lang,
                    name=name,
                    median=fmt_days(r.median, lang),
                    low=fmt_num(r.low, lang, 1),
                    high=fmt_num(r.high, lang, 1),
                    q1=fmt_num(r.q1, lang),
                    q3=fmt_num(r.q3, lang),
                    n=fmt_num(int(r.n), lang),
                ),
                hoverinfo="text",
            )
        )
    fig.update_xaxes(title_text=axis, rangemode="tozero")
    fig.update_yaxes(autorange="reversed")
    return base_layout(fig, title=title, footnote=footnote, height=320)


def decision_time_chart(
    times: pd.DataFrame, lang: str, *, title: str, footnote: str = ""
) -> go.Figure:
    """Median days from offer to decision per pipeline with the Price-Bonett interval."""
    return _median_chart(
        times, t("offers.chart.times.x", lang), lang, title=title, footnote=footnote
    )


def _rate_lines(
    frame: pd.DataFrame, x: str, xs: dict, lang: str, *, mode: str = "lines+markers"
) -> go.Figure:
    shown = frame[~frame.suppressed.astype(bool)]
    fig = go.Figure()
    for i, pipe in enumerate(ordered_pipelines(shown.pipeline)):
        part = shown[shown.pipeline == pipe].sort_values(x)
        name = _pname(pipe, lang)
        fig.add_trace(
            go.Scatter(
                x=[xs.get(v, v) for v in part[x]],
                y=100 * part.rate.to_numpy(float),
                mode=mode,
                name=f"{name} (n = {fmt_num(int(part.decided.sum()), lang)})",
                marker={"color": pipeline_color(pipe, i), "size": 10},
                line={"color": pipeline_color(pipe, i)},
                error_y=_err(part.rate, part.rate_low, part.rate_high),
                hovertext=[
                    f"{name} · {xs.get(v, v)}: {fmt_pct(r, lang)} ({fmt_pct(lo, lang)}–"
                    f"{fmt_pct(hi, lang)}), n = {fmt_num(int(n), lang)}"
                    for v, r, lo, hi, n in zip(
                        part[x], part.rate, part.rate_low, part.rate_high, part.decided, strict=True
                    )
                ],
                hoverinfo="text",
            )
        )
    return fig


def comp_ratio_chart(
    frame: pd.DataFrame, lang: str, *, title: str, footnote: str = ""
) -> go.Figure:
    """Acceptance by comp-ratio bin (offer as % of band midpoint) per pipeline, Wilson bars."""
    xs = {b: round(100 * (b + 0.025), 1) for b in frame["bin"]}
    fig = _rate_lines(frame, "bin", xs, lang)
    fig.update_xaxes(title_text=t("offers.chart.comp.x", lang), ticksuffix="%")
    fig.update_yaxes(title_text=t("offers.chart.acceptance.y", lang), ticksuffix="%")
    return base_layout(fig, title=title, footnote=footnote)


def competing_chart(frame: pd.DataFrame, lang: str, *, title: str, footnote: str = "") -> go.Figure:
    """Acceptance by number of competing offers (0, 1, 2, 3+) per pipeline, Wilson bars."""
    xs = {c: ("3+" if c >= 3 else str(c)) for c in frame.competing}
    fig = _rate_lines(frame, "competing", xs, lang)
    fig.update_xaxes(
        title_text=t("offers.chart.competing.x", lang),
        type="category",
        categoryorder="array",
        categoryarray=["0", "1", "2", "3+"],
    )
    fig.update_yaxes(title_text=t("offers.chart.acceptance.y", lang), ticksuffix="%")
    return base_layout(fig, title=title, footnote=footnote)


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
        or not (_fin(values[first]) and _fin(values[second]))
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
        low=fmt_points(d.ci.low, lang, signed=True),
        high=fmt_points(d.ci.high, lang, signed=True),
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
                name=f"{name} (n = {fmt_num(result.hires.get(pipe, 0), lang)})",
                marker={"color": pipeline_color(pipe, i), "size": 12},
                error_x=_err(part.value, part.low, part.high, scale=1.0),
                hovertext=[
                    f"{name} · {y}: {fmt_num(v, lang, 1)} ({fmt_num(lo, lang, 1)}–"
                    f"{fmt_num(hi, lang, 1)}), n = {fmt_num(int(n), lang)}"
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
    """Distribution of 12-month ratings per pipeline (share at each rating, Wilson intervals)."""
    frame = counts.copy()
    frame["total"] = frame.groupby("pipeline").n.transform("sum")
    add_rate(frame, "share", "n", "total")
    frame = frame[frame.total >= 5]
    # A rating given fewer than 5 times is not drawn (its share x n would reveal the count).
    small = frame.n < 5
    frame.loc[small, ["share", "share_low", "share_high"]] = math.nan
    fig = go.Figure()
    for i, pipe in enumerate(ordered_pipelines(frame.pipeline)):
        part = frame[frame.pipeline == pipe].sort_values("rating")
        name = _pname(pipe, lang)
        fig.add_trace(
            go.Bar(
                x=part.rating.to_numpy(float),
                y=100 * part.share.to_numpy(float),
                name=f"{name} (n = {fmt_num(int(part.total.iloc[0]), lang)})",
                marker={"color": pipeline_color(pipe, i)},
                error_y=_err(part.share, part.share_low, part.share_high),
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
        part = curves[curves.pipeline == pipe].sort_values("time")
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
                fillcolor=_rgba(color, 0.18),
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
                name=f"{name} (n = {fmt_num(ret.n.get(pipe, 0), lang)})",
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
                name=f"{name} (n = {fmt_num(int(r.n), lang)})",
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
    return _median_chart(
        times, t("quality.chart.ramp.x", lang), lang, title=title, footnote=footnote
    )


# ---------------------------------------------------------------------------------------------
# Process change: before / after by group
# ---------------------------------------------------------------------------------------------

GROUP_COLORS = {"treated": EXTRA_COLORS[0], "control": EXTRA_COLORS[1]}


def takeaway_change(result: ChangeResult, lang: str) -> str:
    row = result.did.set_index("metric").loc["withdrawal"]
    if not _fin(row["did"]):
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
                    error_y=_err(part.value, part.low, part.high),
                    hovertext=[
                        f"{name} · {p}: {fmt_pct(v, lang)}, n = {fmt_num(n, lang)}"
                        for p, v, n in zip(periods, part.value, part.n, strict=True)
                    ],
                    hoverinfo="text",
                ),
                row=1,
                col=col,
            )
        fig.update_yaxes(ticksuffix="%", row=1, col=col)
    fig.update_yaxes(title_text=t("quality.chart.change.y", lang), row=1, col=1)
    base_layout(fig, title=title, footnote=footnote)
    # The shared legend row above the plot would sit on the panels' titles: put it on the right.
    fig.update_layout(
        legend={"orientation": "v", "x": 1.02, "xanchor": "left", "y": 1, "yanchor": "top"}
    )
    return fig
