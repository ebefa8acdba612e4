"""The funnel page's breakdown tab: one outcome by one dimension, with its two selectors.

A component of its own because it holds widgets (kept in the URL under ``{key}_by`` and
``{key}_target``) and is the longest tab of the funnel page.
"""

from __future__ import annotations

import streamlit as st

from analytics.charts import funnel as fc
from analytics.domain import DIMENSIONS, PRIVACY_THRESHOLD
from analytics.i18n import label
from analytics.metrics.funnel import BREAKDOWN_TARGETS
from ui import cache, urlstate
from ui.components import widgets
from ui.context import PageContext

DEFAULT_DIMENSION = "role_family"
DEFAULT_TARGET = "offer"


def funnel_breakdown(ctx: PageContext, *, include_open: bool, note: str, key: str) -> None:
    """Draw the breakdown (selectors, chart, table); ``note`` is the chart footnote."""
    by_key, target_key = f"{key}_by", f"{key}_target"
    c1, c2 = st.columns(2)
    urlstate.seed_choice(by_key, DIMENSIONS, DEFAULT_DIMENSION)
    urlstate.seed_choice(target_key, BREAKDOWN_TARGETS, DEFAULT_TARGET)
    with c1:
        dim = st.selectbox(
            ctx.t("funnel.breakdown.dim"),
            options=DIMENSIONS,
            format_func=lambda d: ctx.t(f"dim.{d}"),
            key=by_key,
        )
    with c2:
        target = st.selectbox(
            ctx.t("funnel.breakdown.target"),
            options=BREAKDOWN_TARGETS,
            format_func=lambda v: ctx.t(f"funnel.target.{v}"),
            key=target_key,
        )
    urlstate.write_choice(by_key, dim, DEFAULT_DIMENSION)
    urlstate.write_choice(target_key, target, DEFAULT_TARGET)
    table = cache.breakdown(ctx.version, ctx.filters, dim, target=target, include_open=include_open)
    groups = {str(g): label(dim, g, ctx.lang) for g in table.group}
    target_name = ctx.t(f"funnel.target.{target}")
    take = fc.takeaway_breakdown(table, ctx.t(f"dim.{dim}").lower(), target_name, groups, ctx.lang)
    axis = ctx.t("funnel.chart.breakdown.axis", target=target_name)
    shown = table[~table.suppressed.astype(bool)].drop(columns="suppressed")
    widgets.chart_block(
        ctx,
        "funnel",
        "breakdown",
        fc.breakdown_chart(
            table, groups, axis, ctx.lang, title=widgets.titled(take), footnote=note
        ),
        take,
        shown,
    )
    st.caption(ctx.t("funnel.suppressed", k=PRIVACY_THRESHOLD))
