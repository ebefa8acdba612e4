"""Plotly figures and plain-language takeaways for the Fairness page.

Results in, figure out; never query. Every figure: a title that states the finding (the page
passes the takeaway), axis labels with units, the n in hover text, 95% intervals as error bars,
the four-fifths line where impact ratios are drawn. Touchpoints keep one colour each everywhere
on the page (automated orange, human blue: the colours of the automation-first and human-first
pipelines, so the meaning carries over).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics.charts import EXTRA_COLORS, PIPELINE_COLORS, base_layout
from analytics.i18n import fmt_num, fmt_p, fmt_pct, label, t
from analytics.metrics.fairness import (
    FOUR_FIFTHS,
    SEPARATOR,
    TouchpointSummary,
    TwoGroupResult,
    natural_key,
)
from analytics.privacy import count_text, is_small

TOUCHPOINT_COLORS = {
    "automated": PIPELINE_COLORS["automation_first"],
    "human": PIPELINE_COLORS["human_first"],
}
SWITCHER_COLORS = {"switchers": "#009E73", "others": "#999999"}
# Steps, when there are more than the two touchpoints: Okabe-Ito without the yellow (too pale on
# a light background) and without the pipelines' blue and orange (they mean pipelines elsewhere).
STEP_COLORS = ("#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#999999", "#6A3D9A")


def _fin(x: object) -> bool:
    """A number that is not NaN or infinite (the same test as ``stats.finite``; charts do not
    import the statistics layer)."""
    try:
        return math.isfinite(float(x))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def group_label(column: str | tuple[str, ...], value: object, lang: str) -> str:
    """A group value in words; ``"man × 50+"`` for an intersection of two columns."""
    cols = (column,) if isinstance(column, str) else tuple(column)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return t("value.missing", lang)
    parts = str(value).split(SEPARATOR) if len(cols) == 2 else [str(value)]
    if len(parts) != len(cols):
        return str(value)
    return SEPARATOR.join(_value_label(c, p, lang) for c, p in zip(cols, parts, strict=True))


def _value_label(column: str, value: str, lang: str) -> str:
    if column in ("pipeline", "source", "region", "role_family", "seniority"):
        return label(column, value, lang)
    return label(f"fair.value.{column}", value, lang)


def touchpoint_label(tp: str, lang: str) -> str:
    return label("fair.touchpoint", tp, lang)


def step_label(row: pd.Series | object, lang: str) -> str:
    name = getattr(row, "label_nl" if lang == "nl" else "label_en")
    return f"{name} ({touchpoint_label(str(row.touchpoint), lang)})"


def _long_labels(fig: go.Figure, n: int) -> go.Figure:
    """Many or long group names: tilt them and move the footnote below them."""
    if n <= 6:
        return fig
    fig.update_xaxes(tickangle=-35, title_text="")
    fig.update_layout(margin={"b": 230}, height=(fig.layout.height or 440) + 90)
    for ann in fig.layout.annotations:
        if ann.yshift == -85:  # base_layout's footnote
            ann.yshift = -170
    return fig


def _err(values: np.ndarray, low: np.ndarray, high: np.ndarray, scale: float = 1.0) -> dict:
    return {
        "type": "data",
        "symmetric": False,
        "array": scale * (high - values),
        "arrayminus": scale * (values - low),
    }


def _four_fifths_line(fig: go.Figure, lang: str) -> None:
    """The four-fifths reference line, named in the legend rather than by a label on the plot:
    a label beside the line sat on whichever group's marker happened to be near 0.8 at that end
    of the axis. The legend is the one place no data point can be (a legend-only trace draws
    the same dashed line as its key)."""
    line = {"dash": "dash", "color": "#D55E00", "width": 1.5}
    fig.add_hline(y=FOUR_FIFTHS, line=line)
    fig.add_trace(
        go.Scatter(
            x=[None],
            y=[None],
            mode="lines",
            line=line,
            name=t("fair.chart.four_fifths", lang),
            hoverinfo="skip",
            showlegend=True,
        )
    )


def impact_chart(
    table: pd.DataFrame, column: str | tuple[str, ...], lang: str, *, title: str, footnote: str = ""
) -> go.Figure:
    """Impact ratio (with its 95% interval) per group, one marker series per step; the
    four-fifths line at 0.8. Suppressed groups are not drawn."""
    fig = go.Figure()
    shown = table[~table.suppressed & table.impact_ratio.map(_fin)]
    steps = shown.drop_duplicates(["stage_order", "stage", "touchpoint"])
    for i, step in enumerate(steps.itertuples()):
        part = shown[(shown.stage == step.stage) & (shown.touchpoint == step.touchpoint)]
        name = step_label(step, lang)
        ir = part.impact_ratio.to_numpy(float)
        low = np.nan_to_num(part.ir_low.to_numpy(float), nan=0.0)
        high = np.nan_to_num(part.ir_high.to_numpy(float), nan=0.0)
        hover = [
            f"{name} · {group_label(column, r.group, lang)}: "
            + t(
                "fair.chart.hover_ir",
                lang,
                ir=fmt_num(r.impact_ratio, lang, 2),
                rate=fmt_pct(r.rate, lang),
                k=fmt_num(r.selected, lang),
                n=fmt_num(r.applicants, lang),
            )
            for r in part.itertuples()
        ]
        color = (
            TOUCHPOINT_COLORS.get(step.touchpoint, EXTRA_COLORS[0])
            if len(steps) <= 2
            else STEP_COLORS[i % len(STEP_COLORS)]
        )
        fig.add_trace(
            go.Scatter(
                x=[group_label(column, g, lang) for g in part.group],
                y=ir,
                mode="markers",
                name=name,
                marker={
                    "color": color,
                    "size": 11,
                    "symbol": "circle" if step.touchpoint == "automated" else "diamond",
                },
                error_y=_err(ir, np.minimum(low, ir), np.maximum(high, ir)),
                hovertext=hover,
                hoverinfo="text",
                offsetgroup=f"{step.stage}-{step.touchpoint}",
            )
        )
    fig.update_layout(scattermode="group")
    _four_fifths_line(fig, lang)
    top = max(1.2, float(np.nanmax(shown.ir_high.to_numpy(float))) if len(shown) else 1.2)
    fig.update_yaxes(title_text=t("fair.chart.ir_axis", lang), range=[0, min(top * 1.05, 3.0)])
    fig.update_xaxes(title_text=t("fair.chart.group_axis", lang))
    fig = base_layout(fig, title=title, footnote=footnote, height=460)
    return _long_labels(fig, shown.group.nunique())


def touchpoint_chart(
    table: pd.DataFrame, column: str | tuple[str, ...], lang: str, *, title: str, footnote: str = ""
) -> go.Figure:
    """Selection rate per group at automated and at human steps (pooled), side by side."""
    fig = go.Figure()
    shown = table[~table.suppressed & table.rate.map(_fin)]
    for tp in ("automated", "human"):
        part = shown[shown.touchpoint == tp]
        if part.empty:
            continue
        rate = part.rate.to_numpy(float)
        fig.add_trace(
            go.Bar(
                x=[group_label(column, g, lang) for g in part.group],
                y=100 * rate,
                name=touchpoint_label(tp, lang),
                marker={"color": TOUCHPOINT_COLORS[tp]},
                error_y=_err(
                    rate, part.rate_low.to_numpy(float), part.rate_high.to_numpy(float), 100.0
                ),
                text=[fmt_num(x, lang, 2) for x in part.impact_ratio],
                textposition="inside",
                insidetextanchor="start",
                hovertext=[
                    f"{touchpoint_label(tp, lang)} · {group_label(column, r.group, lang)}: "
                    + t(
                        "fair.chart.hover_ir",
                        lang,
                        ir=fmt_num(r.impact_ratio, lang, 2),
                        rate=fmt_pct(r.rate, lang),
                        k=fmt_num(r.selected, lang),
                        n=fmt_num(r.applicants, lang),
                    )
                    for r in part.itertuples()
                ],
                hoverinfo="text",
            )
        )
    fig.update_layout(barmode="group")
    fig.update_yaxes(title_text=t("fair.chart.rate_axis", lang), ticksuffix="%", rangemode="tozero")
    fig.update_xaxes(title_text=t("fair.chart.group_axis", lang))
    fig = base_layout(fig, title=title, footnote=footnote, height=440)
    return _long_labels(fig, shown.group.nunique())


def intersection_chart(
    table: pd.DataFrame, columns: tuple[str, str], lang: str, *, title: str, footnote: str = ""
) -> go.Figure:
    """Heat map of impact ratios for one step: rows = values of the first column, columns =
    values of the second; suppressed cells left empty."""
    shown = table[~table.suppressed & table.impact_ratio.map(_fin)]
    firsts = sorted({str(g).split(SEPARATOR)[0] for g in table.group}, key=natural_key)
    seconds = sorted(
        {str(g).split(SEPARATOR)[1] for g in table.group if SEPARATOR in str(g)}, key=natural_key
    )
    z = np.full((len(firsts), len(seconds)), np.nan)
    text = [["" for _ in seconds] for _ in firsts]
    lookup = {str(r.group): r for r in shown.itertuples()}
    for i, a in enumerate(firsts):
        for j, b in enumerate(seconds):
            r = lookup.get(f"{a}{SEPARATOR}{b}")
            if r is None:
                text[i][j] = t("fair.chart.suppressed_cell", lang)
                continue
            z[i, j] = r.impact_ratio
            text[i][j] = f"{fmt_num(r.impact_ratio, lang, 2)}<br>n = {fmt_num(r.applicants, lang)}"
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[_value_label(columns[1], b, lang) for b in seconds],
            y=[_value_label(columns[0], a, lang) for a in firsts],
            text=text,
            texttemplate="%{text}",
            zmin=0.4,
            zmax=1.0,
            # Vermillion (below four-fifths) to blue (parity): Okabe-Ito ends, colour-blind safe.
            colorscale=[[0.0, "#D55E00"], [0.66, "#F0E442"], [0.67, "#56B4E9"], [1.0, "#0072B2"]],
            colorbar={"title": {"text": t("fair.chart.ir_axis", lang)}},
            hoverinfo="text",
            hovertext=text,
        )
    )
    fig.update_xaxes(title_text=t(f"fair.col.{columns[1]}", lang), showgrid=False)
    fig.update_yaxes(title_text=t(f"fair.col.{columns[0]}", lang), showgrid=False)
    return base_layout(fig, title=title, footnote=footnote, height=420)


def switcher_chart(rates: pd.DataFrame, lang: str, *, title: str, footnote: str = "") -> go.Figure:
    """Pass rates of career switchers and others at automated and human steps (pooled)."""
    part = rates[rates.scope == "all"]
    fig = go.Figure()
    x = [touchpoint_label(tp, lang) for tp in part.touchpoint]
    for side in ("switchers", "others"):
        rate = part[f"rate_{side}"].to_numpy(float)
        fig.add_trace(
            go.Bar(
                x=x,
                y=100 * rate,
                name=t(f"fair.switchers.{side}", lang),
                marker={"color": SWITCHER_COLORS[side]},
                error_y=_err(
                    rate,
                    part[f"low_{side}"].to_numpy(float),
                    part[f"high_{side}"].to_numpy(float),
                    100.0,
                ),
                hovertext=[
                    f"{t(f'fair.switchers.{side}', lang)} · {xx}: {fmt_pct(r, lang)}, "
                    f"n = {fmt_num(n, lang)}"
                    for xx, r, n in zip(x, rate, part[f"n_{side}"], strict=True)
                ],
                hoverinfo="text",
            )
        )
    fig.update_layout(barmode="group")
    fig.update_yaxes(title_text=t("fair.chart.pass_axis", lang), ticksuffix="%", rangemode="tozero")
    fig.update_xaxes(title_text=t("fair.chart.touchpoint_axis", lang))
    return base_layout(fig, title=title, footnote=footnote, height=420)


def switcher_quality_chart(
    quality: pd.DataFrame, lang: str, *, title: str, footnote: str = ""
) -> go.Figure:
    """Quality-of-hire components (0-100) of hired switchers and other hires, with intervals."""
    fig = go.Figure()
    x = [t(f"fair.quality.{c}", lang) for c in quality.component]
    for side in ("switchers", "others"):
        v = quality[side].to_numpy(float)
        fig.add_trace(
            go.Bar(
                x=x,
                y=v,
                name=t(f"fair.switchers.{side}_hired", lang),
                marker={"color": SWITCHER_COLORS[side]},
                error_y=_err(
                    v,
                    quality[f"low_{side}"].to_numpy(float),
                    quality[f"high_{side}"].to_numpy(float),
                ),
                hovertext=[
                    f"{xx}: {fmt_num(val, lang, 1)}, n = {fmt_num(n, lang)}"
                    for xx, val, n in zip(x, v, quality[f"n_{side}"], strict=True)
                ],
                hoverinfo="text",
            )
        )
    fig.update_layout(barmode="group")
    fig.update_yaxes(title_text=t("fair.chart.quality_axis", lang), range=[0, 105])
    return base_layout(fig, title=title, footnote=footnote, height=420)


def two_group_chart(
    result: TwoGroupResult,
    names: tuple[str, str],
    lang: str,
    *,
    title: str,
    footnote: str = "",
    colors: tuple[str, str] | None = None,
    x_title: str = "",
) -> go.Figure:
    """Outcome rate of both groups (overall and, when stratified, per stratum) with intervals.
    ``colors``: the pipeline colours when the groups are pipelines; otherwise two Okabe-Ito
    colours that are not the pipelines' (so a group is never mistaken for a pipeline)."""
    c = result.comparison
    fig = go.Figure()
    cats = [t("fair.two.all_rows", lang)] + [r.stratum for r in result.strata]
    col_a, col_b = colors or (EXTRA_COLORS[0], EXTRA_COLORS[1])
    for side, name, color in (("a", names[0], col_a), ("b", names[1], col_b)):
        ks = [c.k1 if side == "a" else c.k2] + [getattr(r, f"k_{side}") for r in result.strata]
        ns = [c.n1 if side == "a" else c.n2] + [getattr(r, f"n_{side}") for r in result.strata]
        # Wilson intervals from the result: overall ci_a / ci_b, per stratum the rows' own.
        cis = [result.ci_a if side == "a" else result.ci_b]
        cis += [getattr(r, f"ci_{side}") for r in result.strata]
        rate, low, high = [], [], []
        for k, n, ci in zip(ks, ns, cis, strict=True):
            if n == 0 or ci is None or is_small(n):  # a stratum under the threshold: no bar
                rate.append(np.nan)
                low.append(np.nan)
                high.append(np.nan)
                continue
            rate.append(k / n)
            low.append(ci.low)
            high.append(ci.high)
        r_ = np.array(rate)
        fig.add_trace(
            go.Bar(
                x=cats,
                y=100 * r_,
                name=name,
                marker={"color": color},
                error_y=_err(r_, np.array(low), np.array(high), 100.0),
                hovertext=[
                    f"{name} · {cat}: {fmt_pct(v, lang)}, n = {count_text(n, lang)}"
                    for cat, v, n in zip(cats, r_, ns, strict=True)
                ],
                hoverinfo="text",
            )
        )
    fig.update_layout(barmode="group")
    fig.update_yaxes(title_text=t("fair.chart.yes_axis", lang), ticksuffix="%", rangemode="tozero")
    fig.update_xaxes(title_text=x_title)
    return base_layout(fig, title=title, footnote=footnote, height=420)


# ---------------------------------------------------------------------------------------------
# Takeaways (the chart titles and the page's sentences)
# ---------------------------------------------------------------------------------------------


def takeaway_impact(table: pd.DataFrame, column: str | tuple[str, ...], lang: str) -> str:
    """The headline of an adverse-impact table, in the words of its intervals (issue 17):
    "clearly below four-fifths" (the whole interval under 0.8, Holm over the table), "below
    four-fifths, but not clearly" (only the point estimate), or none below. Each sentence names
    the lowest ratio with its 95% interval, so the words and the numbers beside them agree."""
    shown = table[~table.suppressed & table.impact_ratio.map(_fin)]
    if shown.empty:
        return t("fair.take.impact_few", lang)
    if "four_fifths_finding" in shown:
        finding = shown["four_fifths_finding"]
    else:  # a table from before the interval-based finding: point estimates only
        finding = pd.Series(
            np.where(shown.four_fifths, "not_clearly_below", "not_below"), index=shown.index
        )
    clear = shown[finding == "clearly_below"]
    below = shown[finding.isin(["clearly_below", "not_clearly_below"])]

    def args(row: pd.Series) -> dict[str, str]:
        return {
            "ir": fmt_num(row.impact_ratio, lang, 2),
            "low": fmt_num(row.ir_low, lang, 2),
            "high": fmt_num(row.ir_high, lang, 2) if _fin(row.ir_high) else "∞",
            "group": group_label(column, row.group, lang),
            "step": step_label(row, lang),
        }

    ordered = shown.assign(_name=shown["group"].astype(str)).sort_values(
        ["impact_ratio", "_name"], kind="stable"
    )
    if below.empty:
        low = ordered[~ordered.reference].iloc[0] if (~ordered.reference).any() else ordered.iloc[0]
        return t("fair.take.ff_none", lang, **args(low))
    if not clear.empty:
        worst = ordered.loc[ordered.index.isin(clear.index)].iloc[0]
        return t("fair.take.ff_clear", lang, n=fmt_num(len(clear), lang), **args(worst))
    worst = ordered.loc[ordered.index.isin(below.index)].iloc[0]
    return t("fair.take.ff_unclear", lang, n=fmt_num(len(below), lang), **args(worst))


def takeaway_touchpoints(
    summary: TouchpointSummary, column: str | tuple[str, ...], lang: str
) -> str:
    if summary.automated_min is None or summary.human_min is None:
        return t("fair.take.tp_missing", lang)
    a_group, a_ir = summary.automated_min
    h_group, h_ir = summary.human_min
    text = t(
        "fair.take.tp",
        lang,
        a_ir=fmt_num(a_ir, lang, 2),
        a_group=group_label(column, a_group, lang),
        h_ir=fmt_num(h_ir, lang, 2),
        h_group=group_label(column, h_group, lang),
    )
    if summary.automated_clear and not summary.human_clear:
        return text + " " + t("fair.take.tp_automated_worse", lang)
    if summary.human_clear and not summary.automated_clear:
        return text + " " + t("fair.take.tp_human_worse", lang)
    if summary.automated_clear and summary.human_clear:
        return text + " " + t("fair.take.tp_both", lang)
    return text + " " + t("fair.take.tp_neither", lang)


def takeaway_switchers(rates: pd.DataFrame, lang: str) -> str:
    part = rates[rates.scope == "all"].set_index("touchpoint")
    sentences = []
    for tp in ("automated", "human"):
        if tp not in part.index:
            continue
        r = part.loc[tp]
        if r.finding == "too_few":
            sentences.append(t("fair.take.sw_few", lang, tp=touchpoint_label(tp, lang)))
            continue
        key = "fair.take.sw_clear" if r.finding == "clear_difference" else "fair.take.sw_unclear"
        sentences.append(
            t(
                key,
                lang,
                tp=touchpoint_label(tp, lang),
                s=fmt_pct(r.rate_switchers, lang),
                o=fmt_pct(r.rate_others, lang),
                ir=fmt_num(r.impact_ratio, lang, 2),
                p=fmt_p(r.p_value, lang),
            )
        )
    return " ".join(sentences) if sentences else t("fair.take.sw_none", lang)


def takeaway_switcher_quality(quality: pd.DataFrame, lang: str) -> str:
    if quality.empty or (quality.finding == "too_few").all():
        return t("fair.take.q_few", lang)
    clear = quality[quality.finding == "clear_difference"]
    if clear.empty:
        return t("fair.take.q_none", lang)
    parts = []
    for r in clear.itertuples():
        word = "fair.take.q_higher" if r.diff > 0 else "fair.take.q_lower"
        parts.append(t(word, lang, what=t(f"fair.quality.{r.component}", lang).lower()))
    return t("fair.take.q_clear", lang, parts=", ".join(parts))


def takeaway_two_groups(result: TwoGroupResult, names: tuple[str, str], lang: str) -> str:
    c = result.comparison
    if result.finding == "too_few":
        return t("fair.take.two_few", lang)
    values = {
        "a": names[0],
        "b": names[1],
        "pa": fmt_pct(c.p1, lang),
        "pb": fmt_pct(c.p2, lang),
        "diff": fmt_pct(abs(c.diff), lang).replace("%", "") + " " + t("fair.pp", lang),
        "p": fmt_p(c.p_value, lang),
        "test": t(f"test.{c.test}", lang),
    }
    key = "fair.take.two_clear" if result.finding == "clear_difference" else "fair.take.two_unclear"
    text = t(key, lang, **values)
    if _fin(result.impact_ratio) and result.impact_ratio < FOUR_FIFTHS and result.lower_group:
        lower = names[0] if result.lower_group == result.group_a else names[1]
        text += " " + t(
            "fair.take.two_ir", lang, ir=fmt_num(result.impact_ratio, lang, 2), group=lower
        )
    return text


def takeaway_adjusted(result: TwoGroupResult, stratum_name: str, lang: str) -> str | None:
    """Crude vs Mantel-Haenszel in words; the Simpson's-paradox explanation when they disagree."""
    mh = result.mh
    if mh is None:
        return None
    values = {
        "crude": fmt_num(mh.crude_odds_ratio, lang, 2),
        "adj": fmt_num(mh.odds_ratio, lang, 2),
        "low": fmt_num(mh.ci.low, lang, 2),
        "high": fmt_num(mh.ci.high, lang, 2),
        "by": stratum_name,
        "p": fmt_p(mh.p_value, lang),
    }
    if mh.reversal:
        return t("fair.take.simpson", lang, **values)
    if result.adjusted_finding == "too_few":
        return t("fair.take.adj_few", lang, **values)
    key = "fair.take.adj_same_clear" if mh.clear else "fair.take.adj_same_unclear"
    return t(key, lang, **values)


def takeaway_gaps(gaps: pd.DataFrame, column: str | tuple[str, ...], lang: str) -> str:
    """Which groups' gap to the others differs clearly between automated and human steps."""
    tested = gaps[gaps.finding != "too_few"] if not gaps.empty else gaps
    if tested.empty:
        return t("fair.take.gap_few", lang)
    clear = tested[tested.finding == "clear_difference"]
    if clear.empty:
        return t("fair.take.gap_none", lang)
    items = [
        t(
            "fair.take.gap_item",
            lang,
            group=group_label(column, r.group, lang),
            a=fmt_num(r.or_automated, lang, 2),
            h=fmt_num(r.or_human, lang, 2),
        )
        for r in clear.itertuples()
    ]
    return t("fair.take.gap_clear", lang, groups="; ".join(items))
