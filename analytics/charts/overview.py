"""The Overview chart: every headline rate by pipeline with its 95% interval (from the result)."""

from __future__ import annotations

import plotly.graph_objects as go

from analytics.charts import base_layout, pipeline_color
from analytics.i18n import fmt_num, fmt_p, fmt_pct, fmt_points, label, t
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


def adjusted_differences(
    overview: Overview, lang: str = "en", *, title: str, footnote: str = ""
) -> go.Figure:
    """The adjusted answer next to the crude one: for every rate metric, the human-first minus
    automation-first difference in points with its 95% interval, unadjusted (Miettinen-Nurminen)
    and adjusted (Mantel-Haenszel risk difference). Metrics without an adjusted answer show the
    crude one only."""
    keys = ("withdrawal", "hire_rate", "offer_acceptance")
    by = t(f"dim.{overview.adjust_by}", lang).lower() if overview.adjust_by else ""
    crude: list[tuple[str, float, float, float, str]] = []
    adjusted: list[tuple[str, float, float, float, str]] = []
    for key in keys:
        metric = overview.metrics[key]
        name = t(f"metric.{key}", lang)
        if metric.comparable and metric.diff is not None and metric.diff_ci is not None:
            d, ci = metric.diff, metric.diff_ci
            crude.append((name, d, ci.low, ci.high, f"p = {fmt_p(metric.p_value, lang)}"))
        adj = metric.adjustment
        if adj is not None and adj.estimable:
            note = f"p = {fmt_p(adj.p_value, lang)}"
            adjusted.append((name, adj.diff, adj.ci.low, adj.ci.high, note))
    fig = go.Figure()
    series = (
        (t("overview.chart.crude", lang), crude, "#999999", "circle-open"),
        (t("overview.chart.adjusted", lang, by=by), adjusted, "#000000", "diamond"),
    )
    for name, rows, color, symbol in series:
        if not rows:
            continue
        fig.add_trace(
            go.Scatter(
                x=[100 * r[1] for r in rows],
                y=[r[0] for r in rows],
                mode="markers",
                name=name,
                marker={"color": color, "size": 12, "symbol": symbol},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": [100 * (r[3] - r[1]) for r in rows],
                    "arrayminus": [100 * (r[1] - r[2]) for r in rows],
                },
                hovertext=[
                    f"{name} · {r[0]}: {fmt_points(r[1], lang, signed=True)} "
                    f"({fmt_points(r[2], lang, signed=True)} – "
                    f"{fmt_points(r[3], lang, signed=True)}), {r[4]}"
                    for r in rows
                ],
                hoverinfo="text",
                offsetgroup=name,
            )
        )
    fig.add_vline(x=0, line_width=1, line_dash="dot")
    fig.update_layout(scattermode="group")
    fig.update_xaxes(title_text=t("overview.chart.diff.axis", lang), ticksuffix="")
    fig.update_yaxes(autorange="reversed", ticklabelstandoff=8)
    return base_layout(fig, title=title, footnote=footnote)
