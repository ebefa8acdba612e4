"""Where candidates are lost, drawn: the funnel per pipeline, pass-through per stage with the
pipeline difference, drop-off split into withdrawal and rejection, and withdrawal reasons."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analytics.charts import base_layout, pipeline_color
from analytics.charts.differences import (
    ADJUSTED_STYLE,
    CRUDE_STYLE,
    DifferenceRow,
    difference_trace,
)
from analytics.charts.funnel.labels import (
    _err,
    _finite,
    _hover_rate,
    stage_labels,
)
from analytics.domain import ordered_pipelines
from analytics.i18n import fmt_num, fmt_pct, label, t
from analytics.metrics.funnel import FunnelResult

# A count fits inside its bar, left of the error bar, when the bar reaches this far along the
# axis (a third of a 300 px phone plot holds "12,345"); shorter bars carry it after the whisker.
_INSIDE_FROM = 30.0


def funnel_chart(result: FunnelResult, lang: str, *, title: str, footnote: str = "") -> go.Figure:
    """Side-by-side funnels: cumulative conversion per stage per pipeline (bars with Wilson
    intervals), the number reached written on each bar.

    The count never sits where the error bar ends: inside a long bar it is anchored at the bar's
    start (the whisker and its cap are at the other end); a short bar has no room inside, so its
    count follows the upper end of the interval, in a text series dodged like the bars (one per
    pipeline, same ``offsetgroup``)."""
    labels = stage_labels(result, lang)
    fig = go.Figure()
    for i, pipe in enumerate(result.pipelines):
        part = result.stages[result.stages.pipeline == pipe].sort_values("stage_order")
        name = label("pipeline", pipe, lang)
        ys = [labels[str(s)] for s in part.stage]
        x = 100 * part.cum.to_numpy(float)
        text = [
            fmt_num(int(r), lang) if not sup else "–"
            for r, sup in zip(part.reached, part.suppressed, strict=True)
        ]
        inside = [bool(_finite(v) and v >= _INSIDE_FROM) for v in x]
        hover = [
            f"{name} · {y}: "
            + _hover_rate(t("funnel.col.cum", lang), r.cum, r.cum_low, r.cum_high, r.reached, lang)
            for y, r in zip(ys, part.itertuples(), strict=True)
        ]
        color = pipeline_color(pipe, i)
        fig.add_trace(
            go.Bar(
                x=x,
                y=ys,
                orientation="h",
                name=name,
                marker={"color": color},
                error_x=_err(part.cum, part.cum_low, part.cum_high),
                text=[s if ok else "" for s, ok in zip(text, inside, strict=True)],
                textposition="inside",
                insidetextanchor="start",
                hovertext=hover,
                hoverinfo="text",
                offsetgroup=pipe,
                legendgroup=pipe,
            )
        )
        # past the whisker: the upper end of the interval (the bar's end where there is none)
        ends = 100 * part.cum_high.to_numpy(float)
        ends = [e if _finite(e) else v for e, v in zip(ends, x, strict=True)]
        outside = [
            (e if _finite(e) else 0.0, y, s)
            for e, y, s, ok in zip(ends, ys, text, inside, strict=True)
            if not ok
        ]
        if outside:
            fig.add_trace(
                go.Scatter(
                    x=[o[0] for o in outside],
                    y=[o[1] for o in outside],
                    # two no-break spaces: a gap between the cap and the number at any width
                    text=["\u00a0\u00a0" + o[2] for o in outside],
                    mode="text",
                    textposition="middle right",
                    textfont={"color": color},
                    orientation="h",
                    offsetgroup=pipe,
                    legendgroup=pipe,
                    showlegend=False,
                    hoverinfo="skip",
                    cliponaxis=False,
                )
            )
    fig.update_layout(barmode="group", scattermode="group")
    fig.update_xaxes(title_text=t("funnel.chart.funnel.axis", lang), range=[0, 105], ticksuffix="%")
    fig.update_yaxes(autorange="reversed")
    return base_layout(fig, title=title, footnote=footnote, height=480)


def pass_through_chart(
    result: FunnelResult, lang: str, *, title: str, footnote: str = ""
) -> go.Figure:
    """Pass-through per stage per pipeline (dots with Wilson intervals); stages that stay clear
    after Holm across the stages carry a star and the words "clear after Holm".

    With an adjustment (``result.adjust_by``) a second panel shows the answer: per stage the
    difference in points, unadjusted (Miettinen-Nurminen) and adjusted (Mantel-Haenszel risk
    difference), each with its interval, the numbers of the comparison table."""
    labels = stage_labels(result, lang)
    clear = set()
    if not result.comparison.empty:
        clear = set(result.comparison.loc[result.comparison.clear.astype(bool), "stage"])

    def stage_name(stage: str) -> str:
        base = labels[stage]
        return f"★ {base} ({t('funnel.marked', lang)})" if stage in clear else base

    adjusted = result.adjust_by is not None and "adj_diff" in result.comparison
    if adjusted:
        by = t(f"dim.{result.adjust_by}", lang).lower()
        fig = make_subplots(
            rows=1,
            cols=2,
            shared_yaxes=True,
            subplot_titles=(
                t("funnel.chart.pass.panel", lang),
                t("funnel.chart.diff.panel", lang, by=by),
            ),
            horizontal_spacing=0.04,
        )
    else:
        fig = go.Figure()
    cell = {"row": 1, "col": 1} if adjusted else {}
    for i, pipe in enumerate(result.pipelines):
        part = result.stages[(result.stages.pipeline == pipe) & ~result.stages.is_last]
        part = part.sort_values("stage_order")
        name = label("pipeline", pipe, lang)
        ys = [stage_name(str(s)) for s in part.stage]
        hover = [
            f"{name} · {labels[str(r.stage)]}: "
            + _hover_rate(
                t("funnel.col.pass", lang), r.pass_, r.pass_low, r.pass_high, r.reached, lang
            )
            for r in part.rename(columns={"pass": "pass_"}).itertuples()
        ]
        fig.add_trace(
            go.Scatter(
                x=100 * part["pass"].to_numpy(float),
                y=ys,
                mode="markers",
                name=name,
                marker={"color": pipeline_color(pipe, i), "size": 12},
                error_x=_err(part["pass"], part.pass_low, part.pass_high),
                hovertext=hover,
                hoverinfo="text",
                offsetgroup=pipe,
            ),
            **cell,
        )
    fig.update_layout(scattermode="group")
    axis = {"title_text": t("funnel.chart.pass.axis", lang), "range": [0, 100], "ticksuffix": "%"}
    if adjusted:
        comp = result.comparison.sort_values("stage_order")
        names = [stage_name(str(s)) for s in comp.stage]

        def rows(d: str, lo: str, hi: str, p: str) -> list[DifferenceRow]:
            return [
                DifferenceRow(n, float(r[d]), float(r[lo]), float(r[hi]), float(r[p]))
                for n, r in zip(names, comp.to_dict("records"), strict=True)
            ]

        crude = rows("diff", "low", "high", "p_value")
        adj = rows("adj_diff", "adj_low", "adj_high", "adj_p")
        fig.add_trace(
            difference_trace(crude, t("overview.chart.crude", lang), CRUDE_STYLE, lang),
            row=1,
            col=2,
        )
        fig.add_trace(
            difference_trace(adj, t("overview.chart.adjusted", lang, by=by), ADJUSTED_STYLE, lang),
            row=1,
            col=2,
        )
        fig.add_vline(x=0, line_width=1, line_dash="dot", row=1, col=2)
        fig.update_xaxes(**axis, row=1, col=1)
        fig.update_xaxes(title_text=t("funnel.chart.diff.axis", lang), row=1, col=2)
    else:
        fig.update_xaxes(**axis)
    fig.update_yaxes(autorange="reversed")
    return base_layout(fig, title=title, footnote=footnote, height=480 if adjusted else 420)


def dropoff_chart(
    result: FunnelResult, lang: str, *, title: str, footnote: str = "", stacked: bool = False
) -> go.Figure:
    """Drop-off per stage: candidate withdrawal (left, the headline) and company rejection (right),
    as shares of those who reached the stage, per pipeline, with Wilson intervals.

    ``stacked`` puts the two panels one above the other (withdrawal on top), each across the
    full width, for a screen of any width: side by side on a 390 px phone each panel was ~130 px
    wide and "Company rejection" ran off the chart's right edge. A slide is wide enough for
    the panels side by side."""
    labels = stage_labels(result, lang)
    titles = (t("funnel.chart.withdrawal", lang), t("funnel.chart.rejection", lang))
    if stacked:
        # a wide gap: the top panel's ticks and the lower panel's (two-line on a phone) title
        fig = make_subplots(rows=2, cols=1, subplot_titles=titles, vertical_spacing=0.22)
        cells = (((1, 1), "withdrawal"), ((2, 1), "rejection"))
    else:
        fig = make_subplots(
            rows=1, cols=2, shared_yaxes=True, subplot_titles=titles, horizontal_spacing=0.04
        )
        cells = (((1, 1), "withdrawal"), ((1, 2), "rejection"))
    for (row, col), key in cells:
        for i, pipe in enumerate(result.pipelines):
            part = result.stages[result.stages.pipeline == pipe].sort_values("stage_order")
            name = label("pipeline", pipe, lang)
            fig.add_trace(
                go.Bar(
                    x=100 * part[key].to_numpy(float),
                    y=[labels[str(s)] for s in part.stage],
                    orientation="h",
                    name=name,
                    legendgroup=pipe,
                    showlegend=key == "withdrawal",
                    marker={"color": pipeline_color(pipe, i)},
                    error_x=_err(part[key], part[f"{key}_low"], part[f"{key}_high"]),
                    hovertext=[
                        f"{name} · {labels[str(r.stage)]}: "
                        + _hover_rate(
                            t(f"funnel.col.{key}", lang),
                            getattr(r, key),
                            getattr(r, f"{key}_low"),
                            getattr(r, f"{key}_high"),
                            r.reached,
                            lang,
                        )
                        for r in part.itertuples()
                    ],
                    hoverinfo="text",
                ),
                row=row,
                col=col,
            )
    fig.update_layout(barmode="group")
    fig.update_xaxes(ticksuffix="%")
    # stacked, the axis title goes under the lower panel only: under the top one it lay on the
    # lower panel's title (a small one-pipeline export on a phone)
    fig.update_xaxes(title_text=t("funnel.chart.dropoff.axis", lang), row=2 if stacked else None)
    fig.update_yaxes(autorange="reversed")
    if not stacked:
        return base_layout(fig, title=title, footnote=footnote, height=480)
    # one row of bars per pipeline and stage in each panel (``needed_height``'s row), twice
    stages = result.stages.stage.nunique()
    rows = stages * (14 + 16 * len(result.pipelines))
    return base_layout(fig, title=title, footnote=footnote, height=max(480, 2 * rows + 330))


def reasons_chart(reasons: pd.DataFrame, lang: str, *, title: str, footnote: str = "") -> go.Figure:
    """Withdrawal reasons: share of each pipeline's withdrawals, with Wilson intervals."""
    fig = go.Figure()
    order = (
        reasons.groupby("reason").n.sum().sort_values(ascending=False).index.tolist()
        if not reasons.empty
        else []
    )
    names = [label("funnel.reason", r, lang) for r in order]
    for i, pipe in enumerate(ordered_pipelines(reasons.pipeline)):
        part = reasons[reasons.pipeline == pipe].set_index("reason").reindex(order)
        name = label("pipeline", pipe, lang)
        fig.add_trace(
            go.Bar(
                x=100 * part.share.to_numpy(float),
                y=names,
                orientation="h",
                name=name,
                marker={"color": pipeline_color(pipe, i)},
                error_x=_err(part.share, part.share_low, part.share_high),
                hovertext=[
                    f"{name} · {rn}: {fmt_num(n if _finite(n) else None, lang)} "
                    f"({fmt_pct(s, lang)})"
                    for rn, n, s in zip(names, part.n, part.share, strict=True)
                ],
                hoverinfo="text",
            )
        )
    fig.update_layout(barmode="group")
    fig.update_xaxes(title_text=t("funnel.chart.reasons.axis", lang), ticksuffix="%")
    fig.update_yaxes(autorange="reversed")
    return base_layout(fig, title=title, footnote=footnote)
