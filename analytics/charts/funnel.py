"""Plotly figures and one-line takeaways for the funnel page. Results in, figure out; never query.

Every figure: a title (the page passes the takeaway, which states the finding and the n), axis
labels with units, 95% intervals as error bars or bands, pipeline colours from
``analytics.charts.pipeline_color`` in the fixed order.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analytics import stats
from analytics.charts import EXTRA_COLORS, base_layout, pipeline_color
from analytics.domain import PIPELINES, PRIVACY_THRESHOLD, ordered_pipelines
from analytics.i18n import fmt_days, fmt_num, fmt_p, fmt_pct, fmt_points, label, t
from analytics.metrics.funnel import FunnelResult, TimeToOffer


def _finite(x: object) -> bool:
    return isinstance(x, numbers.Real) and math.isfinite(float(x))


def _err(values: pd.Series, low: pd.Series, high: pd.Series) -> dict:
    """Asymmetric error bars in per cent (NaN where the interval is missing)."""
    return {
        "type": "data",
        "symmetric": False,
        "array": (100 * (high - values)).to_numpy(float),
        "arrayminus": (100 * (values - low)).to_numpy(float),
    }


def stage_labels(result: FunnelResult, lang: str) -> dict[str, str]:
    """Stage key -> label in ``lang`` (from the stages catalogue)."""
    col = "label_nl" if lang == "nl" else "label_en"
    frame = result.stages.drop_duplicates("stage")
    return {
        str(s): (str(v) if isinstance(v, str) and v else str(s))
        for s, v in zip(frame.stage, frame[col], strict=True)
    }


def format_label(fmt: str, lang: str) -> str:
    return label("funnel.format", fmt, lang)


def step_label(step: object, lang: str) -> str:
    if step is None or step is pd.NA or (isinstance(step, float) and math.isnan(step)):
        return t("funnel.step.never", lang)
    return t("funnel.step", lang, k=int(step))


# ---------------------------------------------------------------------------------------------
# Takeaways (one line, plain language, with the n)
# ---------------------------------------------------------------------------------------------


def _first_rows(result: FunnelResult) -> dict[str, pd.Series]:
    out = {}
    for pipe, part in result.stages.groupby("pipeline"):
        out[str(pipe)] = part.sort_values("stage_order").iloc[0]
    return out


def takeaway_funnel(result: FunnelResult, lang: str) -> str:
    first, second = PIPELINES
    table = result.stages
    if table.empty or first not in result.pipelines or second not in result.pipelines:
        return t("funnel.take.empty", lang)
    last_order = int(table.stage_order.max())
    last = table[table.stage_order == last_order].set_index("pipeline")
    starts = _first_rows(result)
    labels = stage_labels(result, lang)
    return t(
        "funnel.take.funnel",
        lang,
        stage=labels[str(last.stage.iloc[0])].lower(),
        v1=fmt_pct(last.at[first, "cum"], lang),
        v2=fmt_pct(last.at[second, "cum"], lang),
        n1=fmt_num(int(starts[first].reached), lang),
        n2=fmt_num(int(starts[second].reached), lang),
    )


def takeaway_pass(result: FunnelResult, lang: str) -> str:
    labels = stage_labels(result, lang)
    comp = result.comparison
    clear = comp[comp.clear.astype(bool)] if not comp.empty else comp
    n = fmt_num(result.total, lang)
    if clear.empty:
        return t("funnel.take.pass.none", lang, n=n)
    parts = [
        f"{labels[str(r.stage)]} ({fmt_points(r.diff, lang, signed=True)})"
        for r in clear.itertuples()
    ]
    return t("funnel.take.pass.clear", lang, stages=", ".join(parts), n=n)


def overall_withdrawal(result: FunnelResult) -> dict[str, tuple[int, int]]:
    """Per pipeline: (withdrawn anywhere, applications at the first stage)."""
    out = {}
    for pipe, part in result.stages.groupby("pipeline"):
        part = part.sort_values("stage_order")
        out[str(pipe)] = (int(part.withdrawn.sum()), int(part.reached.iloc[0]))
    return out


def takeaway_dropoff(result: FunnelResult, lang: str) -> str:
    first, second = PIPELINES
    totals = overall_withdrawal(result)
    if first not in totals or second not in totals:
        return t("funnel.take.empty", lang)
    (k1, n1), (k2, n2) = totals[first], totals[second]
    if min(n1, n2) < PRIVACY_THRESHOLD:
        return t("funnel.take.empty", lang)
    cmp = stats.compare_proportions(k1, n1, k2, n2)
    return t(
        "funnel.take.dropoff",
        lang,
        v1=fmt_pct(k1 / n1, lang),
        v2=fmt_pct(k2 / n2, lang),
        diff=fmt_points(cmp.diff, lang, signed=True),
        low=fmt_points(cmp.ci.low, lang, signed=True),
        high=fmt_points(cmp.ci.high, lang, signed=True),
        n1=fmt_num(n1, lang),
        n2=fmt_num(n2, lang),
    )


def takeaway_reasons(reasons: pd.DataFrame, lang: str) -> str:
    if reasons.empty:
        return t("funnel.take.empty", lang)
    parts = []
    for pipe in ordered_pipelines(reasons.pipeline):
        part = reasons[reasons.pipeline == pipe].sort_values("n", ascending=False)
        top = part.iloc[0]
        parts.append(
            f"{label('pipeline', pipe, lang)}: {label('funnel.reason', top.reason, lang)} "
            f"({fmt_pct(top.share, lang)})"
        )
    return t(
        "funnel.take.reasons", lang, parts="; ".join(parts), n=fmt_num(int(reasons.n.sum()), lang)
    )


def takeaway_contact(table: pd.DataFrame, lang: str) -> str:
    shown = table[table.withdrawal.notna()]
    if len(shown) < 2:
        return t("funnel.take.empty", lang)
    best = shown.loc[shown.withdrawal.idxmin()]
    worst = shown.loc[shown.withdrawal.idxmax()]
    return t(
        "funnel.take.contact",
        lang,
        best=step_label(best.step, lang),
        v_best=fmt_pct(best.withdrawal, lang),
        worst=step_label(worst.step, lang),
        v_worst=fmt_pct(worst.withdrawal, lang),
        n=fmt_num(int(table.applications.sum()), lang),
    )


def takeaway_formats(table: pd.DataFrame, lang: str) -> str:
    shown = table[table.completion.notna()]
    if len(shown) < 2:
        return t("funnel.take.empty", lang)
    best = shown.loc[shown.completion.idxmax()]
    worst = shown.loc[shown.completion.idxmin()]
    return t(
        "funnel.take.formats",
        lang,
        best=format_label(best.format, lang),
        v_best=fmt_pct(best.completion, lang),
        worst=format_label(worst.format, lang),
        v_worst=fmt_pct(worst.completion, lang),
        n=fmt_num(int(table.entering.sum()), lang),
    )


def takeaway_time(table: pd.DataFrame, labels: dict[str, str], lang: str) -> str:
    if table.empty:
        return t("funnel.take.empty", lang)
    top = table.loc[table["median"].idxmax()]
    return t(
        "funnel.take.time",
        lang,
        stage=labels.get(str(top.stage), str(top.stage)).lower(),
        pipeline=label("pipeline", top.pipeline, lang),
        days=fmt_days(top["median"], lang),
        n=fmt_num(int(table.n.sum()), lang),
    )


def offered_by(curves: pd.DataFrame, pipeline: str, day: float) -> float:
    """Share with an offer by ``day`` (1 - KM survival; NaN when follow-up ended earlier)."""
    part = curves[(curves.pipeline == pipeline) & (curves.time <= day)]
    if part.empty:
        return 0.0 if not curves[curves.pipeline == pipeline].empty else math.nan
    if curves[curves.pipeline == pipeline].time.max() < day:
        return math.nan
    return float(part.offered.iloc[-1])


TAKEAWAY_DAY = 60


def takeaway_km(tto: TimeToOffer, lang: str) -> str:
    first, second = PIPELINES
    if first not in tto.n or second not in tto.n:
        return t("funnel.take.empty", lang)
    return t(
        "funnel.take.km",
        lang,
        s1=fmt_pct(offered_by(tto.curves, first, TAKEAWAY_DAY), lang),
        s2=fmt_pct(offered_by(tto.curves, second, TAKEAWAY_DAY), lang),
        day=TAKEAWAY_DAY,
        p=fmt_p(tto.logrank_p, lang),
        n1=fmt_num(tto.n[first], lang),
        n2=fmt_num(tto.n[second], lang),
    )


def takeaway_breakdown(
    table: pd.DataFrame, dim_name: str, target_name: str, group_label: dict[str, str], lang: str
) -> str:
    shown = table[~table.suppressed.astype(bool)]
    if shown.empty:
        return t("funnel.take.empty", lang)
    top = shown.loc[shown.rate.idxmax()]
    text = t(
        "funnel.take.breakdown",
        lang,
        target=target_name,
        dim=dim_name,
        group=group_label.get(str(top.group), str(top.group)),
        pipeline=label("pipeline", top.pipeline, lang),
        value=fmt_pct(top.rate, lang),
        shown=shown.group.nunique(),
        hidden=int(table.suppressed.astype(bool).sum()),
        k=PRIVACY_THRESHOLD,
    )
    return text[:1].upper() + text[1:]


# ---------------------------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------------------------


def _hover_rate(name: str, value: float, low: float, high: float, n: object, lang: str) -> str:
    if not _finite(value):
        return f"{name}: {t('overview.suppressed', lang, k=PRIVACY_THRESHOLD)}"
    return (
        f"{name}: {fmt_pct(value, lang)} ({fmt_pct(low, lang)}–{fmt_pct(high, lang)}), "
        f"n = {fmt_num(n if _finite(n) else None, lang)}"
    )


def funnel_chart(result: FunnelResult, lang: str, *, title: str, footnote: str = "") -> go.Figure:
    """Side-by-side funnels: cumulative conversion per stage per pipeline (bars with Wilson
    intervals), the number reached written on each bar."""
    labels = stage_labels(result, lang)
    fig = go.Figure()
    for i, pipe in enumerate(result.pipelines):
        part = result.stages[result.stages.pipeline == pipe].sort_values("stage_order")
        name = label("pipeline", pipe, lang)
        ys = [labels[str(s)] for s in part.stage]
        text = [
            fmt_num(int(r), lang) if not sup else "–"
            for r, sup in zip(part.reached, part.suppressed, strict=True)
        ]
        hover = [
            f"{name} · {y}: "
            + _hover_rate(t("funnel.col.cum", lang), r.cum, r.cum_low, r.cum_high, r.reached, lang)
            for y, r in zip(ys, part.itertuples(), strict=True)
        ]
        fig.add_trace(
            go.Bar(
                x=100 * part.cum.to_numpy(float),
                y=ys,
                orientation="h",
                name=name,
                marker={"color": pipeline_color(pipe, i)},
                error_x=_err(part.cum, part.cum_low, part.cum_high),
                text=text,
                textposition="auto",
                hovertext=hover,
                hoverinfo="text",
            )
        )
    fig.update_layout(barmode="group")
    fig.update_xaxes(title_text=t("funnel.chart.funnel.axis", lang), range=[0, 105], ticksuffix="%")
    fig.update_yaxes(autorange="reversed")
    return base_layout(fig, title=title, footnote=footnote, height=480)


def pass_through_chart(
    result: FunnelResult, lang: str, *, title: str, footnote: str = ""
) -> go.Figure:
    """Pass-through per stage per pipeline (dots with Wilson intervals); stages with a clear
    (adjusted p < 0.05) difference carry a star and the words "clear difference"."""
    labels = stage_labels(result, lang)
    clear = set()
    if not result.comparison.empty:
        clear = set(result.comparison.loc[result.comparison.clear.astype(bool), "stage"])

    def stage_name(stage: str) -> str:
        base = labels[stage]
        return f"★ {base} ({t('funnel.marked', lang)})" if stage in clear else base

    fig = go.Figure()
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
            )
        )
    fig.update_layout(scattermode="group")
    fig.update_xaxes(title_text=t("funnel.chart.pass.axis", lang), range=[0, 100], ticksuffix="%")
    fig.update_yaxes(autorange="reversed")
    return base_layout(fig, title=title, footnote=footnote)


def dropoff_chart(result: FunnelResult, lang: str, *, title: str, footnote: str = "") -> go.Figure:
    """Drop-off per stage: candidate withdrawal (left, the headline) and company rejection (right),
    as shares of those who reached the stage, per pipeline, with Wilson intervals."""
    labels = stage_labels(result, lang)
    fig = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        subplot_titles=(t("funnel.chart.withdrawal", lang), t("funnel.chart.rejection", lang)),
        horizontal_spacing=0.04,
    )
    for col, key in ((1, "withdrawal"), (2, "rejection")):
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
                    showlegend=col == 1,
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
                row=1,
                col=col,
            )
    fig.update_layout(barmode="group")
    fig.update_xaxes(title_text=t("funnel.chart.dropoff.axis", lang), ticksuffix="%")
    fig.update_yaxes(autorange="reversed")
    return base_layout(fig, title=title, footnote=footnote, height=480)


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


def first_contact_chart(
    table: pd.DataFrame, lang: str, *, title: str, footnote: str = ""
) -> go.Figure:
    """Withdrawal rate and offer acceptance by the step of the first human contact."""
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=(
            t("funnel.chart.contact.withdrawal", lang),
            t("funnel.chart.contact.acceptance", lang),
        ),
        horizontal_spacing=0.08,
    )
    xs = [step_label(s, lang) for s in table.step]
    for col, (key, n_col, color) in enumerate(
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
            ),
            row=1,
            col=col,
        )
    fig.update_yaxes(
        title_text=t("funnel.chart.contact.axis", lang), ticksuffix="%", rangemode="tozero"
    )
    return base_layout(fig, title=title, footnote=footnote)


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
                    f"n = {fmt_num(int(n), lang)}"
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
        part = curves[curves.pipeline == pipe].sort_values("time")
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
                name=f"{name} (n = {fmt_num(tto.n.get(pipe, 0), lang)})",
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
