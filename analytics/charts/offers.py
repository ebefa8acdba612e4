"""Plotly figures and one-line takeaways for the Offers page.

Results in, figure out; never query, never compute a statistic (rates and intervals come with the
metric results). Every figure: a title (the page passes the takeaway, which states the finding),
axis labels with units, the n in legend or hover text, 95% intervals as error bars, pipeline
colours from ``analytics.charts.pipeline_color`` in the fixed order.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analytics.charts import (
    base_layout,
    error_bars,
    finite,
    median_chart,
    pipeline_color,
    verdict,
)
from analytics.charts import (
    pipeline_name as _pname,
)
from analytics.charts.differences import (
    ADJUSTED_STYLE,
    CRUDE_STYLE,
    DifferenceRow,
    difference_trace,
)
from analytics.domain import PIPELINES, ordered_pipelines
from analytics.i18n import fmt_days, fmt_num, fmt_p, fmt_pct, fmt_points, label, t
from analytics.metrics.common import Adjustment
from analytics.metrics.offers import Acceptance, Premium

# ---------------------------------------------------------------------------------------------
# Offers: takeaways
# ---------------------------------------------------------------------------------------------


def takeaway_acceptance(acc: Acceptance, lang: str, adjustment: Adjustment | None = None) -> str:
    """The acceptance sentence: with an estimable ``adjustment`` the adjusted answer (difference
    in points, interval, verdict) with the crude one beside it, else the crude comparison."""
    c = acc.comparison
    if adjustment is not None and adjustment.estimable:
        return t(
            "finding.adjusted.answer",
            lang,
            by=t(f"dim.{adjustment.by}", lang).lower(),
            metric=t("metric.offer_acceptance", lang).lower(),
            diff=fmt_points(adjustment.diff, lang, signed=True),
            low=fmt_points(adjustment.ci.low, lang, signed=True, unit=False),
            high=fmt_points(adjustment.ci.high, lang, signed=True, unit=False),
            verdict=t(f"finding.verdict.{'clear' if adjustment.clear else 'unclear'}", lang),
            crude=fmt_points(adjustment.crude_diff, lang, signed=True),
            v1=fmt_pct(c.p1, lang) if c is not None else "–",
            v2=fmt_pct(c.p2, lang) if c is not None else "–",
        )
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
        low=fmt_points(c.ci.low, lang, signed=True, unit=False),
        high=fmt_points(c.ci.high, lang, signed=True, unit=False),
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
    if not getattr(premium, "identified", True):
        z = fmt_num(premium.pay_z, lang, 2)
        return t("offers.take.premium_unidentified", lang, z=z, n=fmt_num(premium.n, lang))
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


def acceptance_chart(
    acc: Acceptance,
    lang: str,
    *,
    title: str,
    footnote: str = "",
    adjustment: Adjustment | None = None,
) -> go.Figure:
    """Offer acceptance per pipeline: bars with Wilson intervals (suppressed groups left out).

    With an estimable ``adjustment`` a second panel shows the answer: the difference in points,
    unadjusted (Miettinen-Nurminen) and adjusted (Mantel-Haenszel risk difference), each with its
    interval, as the Overview's adjusted chart does."""
    shown = acc.table[~acc.table.suppressed.astype(bool)]
    adjusted = adjustment is not None and adjustment.estimable
    if adjusted:
        assert adjustment is not None
        by = t(f"dim.{adjustment.by}", lang).lower()
        fig = make_subplots(
            rows=1,
            cols=2,
            column_widths=[0.45, 0.55],
            subplot_titles=(
                t("offers.chart.rate.panel", lang),
                t("offers.chart.diff.panel", lang, by=by),
            ),
            horizontal_spacing=0.12,
        )
    else:
        fig = go.Figure()
    cell = {"row": 1, "col": 1} if adjusted else {}
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
            ),
            **cell,
        )
    axis = {
        "title_text": t("offers.chart.acceptance.y", lang),
        "ticksuffix": "%",
        "range": [0, 100],
    }
    if not adjusted:
        fig.update_yaxes(**axis)
        return base_layout(fig, title=title, footnote=footnote)
    assert adjustment is not None
    metric = t("metric.offer_acceptance", lang)
    crude = DifferenceRow(
        metric,
        adjustment.crude_diff,
        adjustment.crude_ci.low,
        adjustment.crude_ci.high,
        adjustment.crude_p_value,
    )
    adj = DifferenceRow(
        metric, adjustment.diff, adjustment.ci.low, adjustment.ci.high, adjustment.p_value
    )
    fig.add_trace(
        difference_trace([crude], t("overview.chart.crude", lang), CRUDE_STYLE, lang), row=1, col=2
    )
    fig.add_trace(
        difference_trace([adj], t("overview.chart.adjusted", lang, by=by), ADJUSTED_STYLE, lang),
        row=1,
        col=2,
    )
    fig.update_layout(scattermode="group")
    fig.add_vline(x=0, line_width=1, line_dash="dot", row=1, col=2)
    fig.update_yaxes(**axis, row=1, col=1)
    fig.update_xaxes(title_text=t("overview.chart.diff.axis", lang), row=1, col=2)
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
                error_x=error_bars(part.share, part.share_low, part.share_high),
                hovertext=[
                    f"{name} · {rn}: {fmt_num(k if finite(k) else None, lang)} ({fmt_pct(s, lang)})"
                    for rn, k, s in zip(names, part.n, part.share, strict=True)
                ],
                hoverinfo="text",
            )
        )
    fig.update_layout(barmode="group")
    fig.update_xaxes(title_text=t("offers.chart.reasons.x", lang), ticksuffix="%")
    fig.update_yaxes(autorange="reversed")
    return base_layout(fig, title=title, footnote=footnote)


def decision_time_chart(
    times: pd.DataFrame, lang: str, *, title: str, footnote: str = ""
) -> go.Figure:
    """Median days from offer to decision per pipeline with the Price-Bonett interval."""
    return median_chart(
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
                error_y=error_bars(part.rate, part.rate_low, part.rate_high),
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
