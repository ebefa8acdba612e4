"""The adjusted answer drawn next to the crude one: one dot-and-whisker series per kind of
difference (unadjusted, adjusted), in points, for the Funnel's pass-through and the Offers
acceptance chart. The Overview's ``adjusted_differences`` uses the same look (grey open circle
for the unadjusted difference, black diamond for the adjusted one) so a reader sees one
convention on every page. Results in, traces out: no statistic is computed here."""

from __future__ import annotations

import math
from dataclasses import dataclass

import plotly.graph_objects as go

from analytics.i18n import fmt_p, fmt_points

CRUDE_STYLE = ("#999999", "circle-open")
ADJUSTED_STYLE = ("#000000", "diamond")


@dataclass(frozen=True)
class DifferenceRow:
    """One difference (first minus second pipeline, as a proportion) with its interval and the
    p-value of the same procedure; ``category`` is the y label it is drawn at."""

    category: str
    diff: float
    low: float
    high: float
    p_value: float


def usable(row: DifferenceRow) -> bool:
    """Drawn only with a finite estimate and interval (a suppressed or non-estimable one is not)."""
    return all(math.isfinite(x) for x in (row.diff, row.low, row.high))


def difference_trace(
    rows: list[DifferenceRow], name: str, style: tuple[str, str], lang: str
) -> go.Scatter:
    """A horizontal dot-and-whisker series in points (x) per category (y)."""
    rows = [r for r in rows if usable(r)]
    color, symbol = style
    return go.Scatter(
        x=[100 * r.diff for r in rows],
        y=[r.category for r in rows],
        mode="markers",
        name=name,
        marker={"color": color, "size": 12, "symbol": symbol},
        error_x={
            "type": "data",
            "symmetric": False,
            "array": [100 * (r.high - r.diff) for r in rows],
            "arrayminus": [100 * (r.diff - r.low) for r in rows],
        },
        hovertext=[
            f"{name} · {r.category}: {fmt_points(r.diff, lang, signed=True)} "
            f"({fmt_points(r.low, lang, signed=True)} – {fmt_points(r.high, lang, signed=True)})"
            + (
                f", p = {fmt_p(r.p_value, lang)}".replace("= < ", "< ")
                if math.isfinite(r.p_value)
                else ""
            )
            for r in rows
        ],
        hoverinfo="text",
        offsetgroup=name,
    )
