"""Fairness and confounding: adverse impact per step and group (bias-audit style), automated vs
human steps, career switchers, and a general two-group comparison with crude vs adjusted answers."""

from __future__ import annotations

import streamlit as st

from analytics.charts import fairness as fc
from analytics.domain import PRIVACY_THRESHOLD
from analytics.metrics import fairness
from ui import cache, entry
from ui.components import widgets
from ui.components.adverse_impact import adverse_impact_tab
from ui.components.fairness_summary import below_four_fifths_summary
from ui.components.fairness_tables import switcher_quality_table, switcher_table
from ui.components.lazy_tabs import lazy_tabs
from ui.components.two_groups import two_group_tool

ctx = entry.start()
TABS = (
    "impact",
    "switchers",
    "two",
)
lang = ctx.lang
footnote = widgets.chart_footnote(ctx)

st.title(ctx.t("fair.title"))
st.caption(ctx.t("fair.intro"))
with st.expander(ctx.t("fair.definitions.title"), icon=":material/help:"):
    st.markdown(ctx.t("fair.definitions", k=PRIVACY_THRESHOLD))

# Every result below four-fifths on the first screen, before any tab (issue 17).
below_four_fifths_summary(ctx)

# Only the open tab runs and is drawn (issue 21). The adverse-impact selectors keep their values
# through a visit to another tab (keep); the two-group tool always runs, because an uploaded
# file cannot be kept through a run that does not draw its uploader.
tabs = lazy_tabs(
    "fair_tab",
    {name: ctx.t(f"fair.tab.{name}") for name in TABS},
    keep=("fair_column", "fair_second", "fair_comparison", "fair_step"),
)


def tab_impact() -> None:
    adverse_impact_tab(ctx, key="fair")


def tab_switchers() -> None:
    st.caption(ctx.t("fair.switchers.caption"))
    st.caption(ctx.t("fair.switchers.family"))
    if "career_switcher" not in cache.fairness_columns(ctx.version):
        st.warning(ctx.t("fair.switchers.no_column"), icon=":material/info:")
    else:
        sw_counts = cache.step_counts(ctx.version, ctx.filters, ("career_switcher",))
        rates = fairness.switcher_pass_rates(sw_counts)
        if rates.empty:
            st.warning(ctx.t("fair.empty"), icon=":material/filter_alt:")
        else:
            take = fc.takeaway_switchers(rates, lang)
            widgets.chart_block(
                ctx,
                "fair",
                "switchers",
                fc.switcher_chart(rates, lang, title=widgets.titled(take), footnote=footnote),
                take,
                switcher_table(ctx, rates, sw_counts),
            )
        st.subheader(ctx.t("fair.quality.header"))
        st.caption(ctx.t("fair.quality.caption"))
        st.caption(ctx.t("fair.quality.family"))
        qual = cache.switcher_quality(ctx.version, ctx.filters, ctx.info.as_of)
        take = fc.takeaway_switcher_quality(qual, lang)
        widgets.chart_block(
            ctx,
            "fair",
            "switcher_quality",
            fc.switcher_quality_chart(qual, lang, title=widgets.titled(take), footnote=footnote),
            take,
            switcher_quality_table(ctx, qual),
        )


def tab_two() -> None:
    two_group_tool(ctx, key="fair_two")


tabs.draw(
    {
        "impact": tab_impact,
        "switchers": tab_switchers,
        "two": tab_two,
    },
    always=("two",),
)
