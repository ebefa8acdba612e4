"""The everything-measured answer for several outcomes at once: the adjusted difference in points
with its 95% interval next to the unadjusted one (the slide's and the Overview's summary chart).

Numbers in (``report.causal_slide.summary_frame``: points, already rounded and privacy-checked),
a figure out; no statistic is computed here.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from analytics.charts import base_layout
from analytics.i18n import fmt_points, t


def _pts(x: float, lang: str) -> str:
    return fmt_points(x / 100.0, lang, signed=True)


def summary_chart(
    frame: pd.DataFrame,
    names: Sequence[str],
    lang: str = "en",
    *,
    title: str,
    footnote: str = "",
) -> go.Figure:
    """One row per outcome (``names`` in the frame's order): unadjusted (hollow grey) and
    adjusted for everything measured (filled black), each with its interval. Outcomes without
    an estimate have no marker."""
    fig = go.Figure()
    series = (
        ("crude", t("causal.chart.crude", lang), "#999999", "circle-open"),
        ("", t("causal.chart.adjusted", lang), "#000000", "diamond"),
    )
    for prefix, name, color, symbol in series:
        d, lo, hi = (f"{prefix}_diff", f"{prefix}_low", f"{prefix}_high") if prefix else (
            "diff", "low", "high"
        )  # fmt: skip
        keep = frame[d].notna() & frame[lo].notna() & frame[hi].notna()
        if not keep.any():
            continue
        rows = frame[keep]
        ys = [n for n, k in zip(names, keep, strict=True) if k]
        fig.add_trace(
            go.Scatter(
                x=rows[d].astype(float).tolist(),
                y=ys,
                mode="markers",
                name=name,
                marker={"color": color, "size": 12, "symbol": symbol},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": (rows[hi] - rows[d]).astype(float).tolist(),
                    "arrayminus": (rows[d] - rows[lo]).astype(float).tolist(),
                },
                hovertext=[
                    f"{name} · {y}: {_pts(v, lang)} ({_pts(a, lang)} – {_pts(b, lang)})"
                    for y, v, a, b in zip(ys, rows[d], rows[lo], rows[hi], strict=True)
                ],
                hoverinfo="text",
                offsetgroup=name,
            )
        )
    fig.add_vline(x=0, line_width=1, line_dash="dot")
    fig.update_layout(scattermode="group")
    fig.update_xaxes(title_text=t("overview.chart.diff.axis", lang))
    fig.update_yaxes(autorange="reversed", ticklabelstandoff=8)
    return base_layout(fig, title=title, footnote=footnote)
