"""Survey figures and takeaways: banner results in, plotly figures and sentences out.

Likert items are drawn as diverging stacked bars with the neutral category split around zero
(Robbins & Heiberger 2011, "Plotting Likert and other rating scales"), in a colour-blind-safe
brown-teal diverging palette (ColorBrewer BrBG). Other questions get bars of the column
percentages with their 95% intervals (Wilson with the effective n when weighted).
"""

from __future__ import annotations

import math

import plotly.graph_objects as go

from analytics import charts
from analytics.i18n import fmt_num, fmt_p, fmt_pct, t
from analytics.metrics.survey import TOTAL, Banner
from analytics.metrics.survey.headlines import smallest_p

TOTAL_COLOR = "#5A5A5A"
# ColorBrewer BrBG (colour-blind safe), negative -> positive.
DIVERGING = {
    2: ("#A6611A", "#018571"),
    3: ("#A6611A", "#BDBDBD", "#018571"),
    4: ("#A6611A", "#DFC27D", "#80CDC1", "#018571"),
    5: ("#A6611A", "#DFC27D", "#BDBDBD", "#80CDC1", "#018571"),
    6: ("#8C510A", "#D8B365", "#F6E8C3", "#C7EAE5", "#5AB4AC", "#01665E"),
    7: ("#8C510A", "#D8B365", "#F6E8C3", "#BDBDBD", "#C7EAE5", "#5AB4AC", "#01665E"),
}


def column_color(banner: Banner, key: str, index: int) -> str:
    if key == TOTAL:
        return TOTAL_COLOR
    if banner.banner == "pipeline":
        return charts.pipeline_color(key, index)
    return charts.EXTRA_COLORS[index % len(charts.EXTRA_COLORS)]


def _palette(k: int) -> tuple[str, ...]:
    if k in DIVERGING:
        return DIVERGING[k]
    return tuple(charts.EXTRA_COLORS[i % len(charts.EXTRA_COLORS)] for i in range(k))


def _likert_bases(banner: Banner, cols: list[str], i: int) -> list[float]:
    """Where category ``i``'s bar starts, per column (in per cent): the categories between it and
    the middle, plus half the neutral category on odd scales; negative below the middle."""
    cats = banner.categories
    k = len(cats)
    mid = k // 2
    inner_range = range(i + 1, mid) if i < mid else range(mid + 1 if k % 2 == 1 else mid, i)
    sign = -1.0 if i < mid else 1.0
    bases = []
    for c in cols:
        inner = sum(float(banner.shares.at[cats[j], c]) for j in inner_range)
        if k % 2 == 1:
            inner += float(banner.shares.at[cats[mid], c]) / 2
        bases.append(sign * inner * 100)
    return bases


def likert_chart(
    banner: Banner, names: dict[str, str], lang: str, *, title: str, footnote: str
) -> go.Figure:
    """Diverging stacked bars, one per shown column; neutral (odd scales) centred on zero."""
    cols = [c for c in banner.columns if c in banner.shares.columns]
    cats = banner.categories
    k = len(cats)
    palette = _palette(k)
    mid = k // 2
    fig = go.Figure()
    ylabels = [f"{names[c]} (n={fmt_num(banner.summaries[c].n, lang)})" for c in cols]
    for i, cat in enumerate(cats):
        shares = [float(banner.shares.at[cat, c]) for c in cols]
        common = {
            "y": ylabels,
            "orientation": "h",
            "name": cat,
            "marker_color": palette[i],
            "legendgroup": cat,
            "customdata": [fmt_pct(s, lang) for s in shares],
            "hovertemplate": f"{cat}: %{{customdata}}<extra></extra>",
        }
        if k % 2 == 1 and i == mid:
            # The neutral category, split in halves on both sides of zero.
            halves = [s / 2 for s in shares]
            fig.add_bar(x=[-h * 100 for h in halves], base=[0] * len(cols), **common)
            fig.add_bar(
                x=[h * 100 for h in halves], base=[0] * len(cols), showlegend=False, **common
            )
            continue
        # Below the middle: drawn outward from zero to the left (closest first).
        sign = -1.0 if i < mid else 1.0
        fig.add_bar(
            x=[sign * s * 100 for s in shares], base=_likert_bases(banner, cols, i), **common
        )
    fig.update_layout(barmode="overlay", legend_traceorder="normal")
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(
        title_text=t("survey.chart.share_axis", lang),
        range=[-100, 100],
        tickvals=[-100, -50, 0, 50, 100],
        ticktext=["100%", "50%", "0", "50%", "100%"],
        zeroline=True,
        zerolinecolor="rgba(128,128,128,0.6)",
    )
    return charts.base_layout(
        fig, title=title, footnote=footnote, height=max(400, 250 + 60 * len(cols))
    )


def shares_chart(
    banner: Banner, names: dict[str, str], lang: str, *, title: str, footnote: str
) -> go.Figure:
    """Column percentages per answer with 95% intervals (n_eff when weighted), one colour per
    column."""
    cols = [c for c in banner.columns if c in banner.shares.columns]
    fig = go.Figure()
    cats = banner.categories
    for idx, c in enumerate(cols):
        shares = [float(banner.shares.at[cat, c]) for cat in cats]
        # the intervals come with the banner (Wilson with the column's n_eff)
        cis = [
            (float(banner.shares_low.at[cat, c]), float(banner.shares_high.at[cat, c]))
            for cat in cats
        ]
        fig.add_bar(
            y=cats,
            x=[s * 100 for s in shares],
            orientation="h",
            name=f"{names[c]} (n={fmt_num(banner.summaries[c].n, lang)})",
            marker_color=column_color(banner, c, idx - 1),
            error_x={
                "type": "data",
                "symmetric": False,
                "array": [(hi - s) * 100 for s, (_, hi) in zip(shares, cis, strict=True)],
                "arrayminus": [(s - lo) * 100 for s, (lo, _) in zip(shares, cis, strict=True)],
                "thickness": 1.2,
                "color": "#999999",
            },
            customdata=[
                f"{fmt_pct(s, lang)} ({fmt_pct(lo, lang)} – {fmt_pct(hi, lang)})"
                for s, (lo, hi) in zip(shares, cis, strict=True)
            ],
            hovertemplate="%{y}: %{customdata}<extra>" + names[c] + "</extra>",
        )
    fig.update_layout(barmode="group")
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text=t("survey.chart.column_pct_axis", lang), ticksuffix="%")
    height = max(320, 110 + len(cats) * (14 * len(cols) + 18))
    charts.base_layout(fig, title=title, footnote=footnote, height=height)
    return fig


def nps_chart(
    banner: Banner, names: dict[str, str], lang: str, *, title: str, footnote: str
) -> go.Figure:
    """Detractors (0-6), passives (7-8) and promoters (9-10) as 100% stacked bars per column."""
    cols = [c for c in banner.columns if c in banner.shares.columns]
    ylabels = [f"{names[c]} (n={fmt_num(banner.summaries[c].n, lang)})" for c in cols]
    fig = go.Figure()
    parts = (
        ("detractors", DIVERGING[3][0]),
        ("passives", DIVERGING[3][1]),
        ("promoters", DIVERGING[3][2]),
    )
    for part, color in parts:
        shares = []
        for c in cols:
            result = banner.summaries[c].nps
            shares.append(getattr(result, part) if result is not None else math.nan)
        fig.add_bar(
            y=ylabels,
            x=[v * 100 for v in shares],
            orientation="h",
            name=t(f"survey.nps.{part}", lang),
            marker_color=color,
            customdata=[fmt_pct(v, lang) for v in shares],
            hovertemplate="%{y}: %{customdata}<extra></extra>",
        )
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(
        title_text=t("survey.chart.column_pct_axis", lang), ticksuffix="%", range=[0, 100]
    )
    return charts.base_layout(
        fig, title=title, footnote=footnote, height=max(400, 250 + 60 * len(cols))
    )


def summary_chart(
    banner: Banner, names: dict[str, str], lang: str, *, title: str, footnote: str
) -> go.Figure:
    """Top-2-box (Likert, binary), NPS or mean per column with its 95% interval."""
    cols = [c for c in banner.columns if not banner.summaries[c].suppressed]
    kind = banner.question.kind
    xs, values, lows, highs, colors = [], [], [], [], []
    for idx, c in enumerate(cols):
        s = banner.summaries[c]
        if kind in ("likert", "binary"):
            v, ci, scale = s.top_box, s.top_box_ci, 100.0
        elif kind == "nps" and s.nps is not None:
            v, ci, scale = s.nps.nps, s.nps.ci, 1.0
        else:
            v, ci, scale = s.mean, s.mean_ci, 1.0
        if not math.isfinite(v):
            continue
        xs.append(f"{names[c]}<br>n={fmt_num(s.n, lang)}")
        values.append(v * scale)
        lows.append((v - ci.low) * scale)
        highs.append((ci.high - v) * scale)
        colors.append(column_color(banner, c, idx - 1))
    fig = go.Figure(
        go.Bar(
            x=xs,
            y=values,
            marker_color=colors,
            # mid-grey whiskers read on the light and the dark theme
            error_y={
                "type": "data",
                "symmetric": False,
                "array": highs,
                "arrayminus": lows,
                "color": "#999999",
                "thickness": 2,
                "width": 8,
            },
            hovertemplate="%{x}: %{y:.1f}<extra></extra>",
        )
    )
    axis = {
        "likert": "survey.chart.top_box_axis",
        "binary": "survey.chart.top_box_axis",
        "nps": "survey.chart.nps_axis",
    }.get(kind, "survey.chart.mean_axis")
    fig.update_yaxes(title_text=t(axis, lang))
    if kind in ("likert", "binary"):
        fig.update_yaxes(ticksuffix="%", range=[0, 100])
    return charts.base_layout(fig, title=title, footnote=footnote, height=380)


def takeaway(banner: Banner, names: dict[str, str], lang: str) -> str:
    """One plain sentence: the overall test in words (clear / no clear difference / too few)."""
    q = banner.question
    groups = banner.shown_groups
    if len(groups) < 2:
        return t("survey.take.too_few", lang)
    p = math.nan
    if banner.rank_pairs:
        p = smallest_p(r.brunner_munzel_p_holm for r in banner.rank_pairs)
    elif banner.test is not None and banner.test.test != "none":
        p = banner.test.p_value
    elif q.kind == "multi":
        letters = "".join("".join(str(x) for x in row) for row in banner.letters.to_numpy())
        key = "survey.take.multi_clear" if letters.strip() else "survey.take.multi_none"
        return t(key, lang)
    if not math.isfinite(p):
        return t("survey.take.too_few", lang)
    # Sorted first so that ties are broken by name, not by the order of the columns.
    groups = sorted(groups, key=str)
    if q.kind in ("likert", "binary"):
        best = max(groups, key=lambda g: banner.summaries[g].top_box)
        worst = min(groups, key=lambda g: banner.summaries[g].top_box)
        value = fmt_pct(banner.summaries[best].top_box, lang, 0)
        other = fmt_pct(banner.summaries[worst].top_box, lang, 0)
    elif q.kind == "nps":
        best = max(groups, key=lambda g: banner.summaries[g].nps.nps)  # type: ignore[union-attr]
        worst = min(groups, key=lambda g: banner.summaries[g].nps.nps)  # type: ignore[union-attr]
        value = fmt_num(banner.summaries[best].nps.nps, lang)  # type: ignore[union-attr]
        other = fmt_num(banner.summaries[worst].nps.nps, lang)  # type: ignore[union-attr]
    else:
        return t(
            "survey.take.clear_generic" if p < 0.05 else "survey.take.none_generic",
            lang,
            p=fmt_p(p, lang),
        )
    key = "survey.take.clear" if p < 0.05 else "survey.take.none"
    return t(
        key,
        lang,
        best=names[best],
        worst=names[worst],
        value=value,
        other=other,
        p=fmt_p(p, lang),
    )
