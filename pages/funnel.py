"""Funnel: where candidates are lost, per pipeline, and where the pipelines differ."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics.charts import funnel as fc
from analytics.i18n import fmt_num, fmt_p
from analytics.metrics.funnel import comparison_table, stages_table
from analytics.privacy import hide_small_groups
from ui import cache, entry
from ui.components import widgets
from ui.components.funnel_breakdown import funnel_breakdown
from ui.components.lazy_tabs import lazy_tabs

ctx = entry.start()
lang = ctx.lang
footnote = widgets.footnote(ctx)

TABS = ("funnel", "dropoff", "contact", "formats", "time", "breakdown")


def block(name: str, fig: go.Figure, takeaway: str, table: pd.DataFrame) -> None:
    widgets.chart_block(ctx, "funnel", name, fig, takeaway, table)


st.title(ctx.t("funnel.title"))
st.caption(ctx.t("funnel.intro"))
with st.expander(ctx.t("funnel.definitions.title"), icon=":material/help:"):
    st.markdown(ctx.t("funnel.definitions"))

left, right = st.columns([1, 1])
with left:
    include_open = st.toggle(
        ctx.t("funnel.include_open"),
        value=False,
        key="funnel_open",
        help=ctx.t("funnel.include_open.help"),
    )
with right:
    adjust_by = widgets.adjust_selector(
        ctx,
        key="funnel_adjust",
        label_key="funnel.adjust",
        none_key="funnel.adjust.none",
        help_key="funnel.adjust.help",
    )

result = cache.funnel_result(
    ctx.version, ctx.filters, include_open=include_open, adjust_by=adjust_by
)
if result.total == 0:
    st.warning(ctx.t("data.empty"), icon=":material/filter_alt:")
    st.stop()

rule = "funnel.rule.included" if include_open else "funnel.rule.excluded"
rule_text = ctx.t(rule, n=fmt_num(result.open_applications, lang))
st.info(rule_text, icon=":material/rule:")
# The shared footnote states the default rule; the chart footnotes state the one in force.
note = widgets.wrap(f"{footnote} {rule_text}" if include_open else footnote, 150)
labels = fc.stage_labels(result, lang)

# Only the open tab runs and is drawn (issue 21): a click on another tab reruns the page, and
# everything above is cached by data version and filters. The breakdown's selectors live in
# the URL, so they survive a visit to another tab.
tabs = lazy_tabs(
    "funnel_tab",
    {name: ctx.t(f"funnel.tab.{name}") for name in TABS},
)


def tab_funnel() -> None:
    take = fc.takeaway_funnel(result, lang)
    block(
        "stages",
        fc.funnel_chart(result, lang, title=widgets.titled(take), footnote=note),
        take,
        stages_table(result, lang),
    )
    take = fc.takeaway_pass(result, lang)
    st.subheader(ctx.t("funnel.compare.header"))
    if adjust_by is not None:
        by = ctx.t(f"dim.{adjust_by}").lower()
        st.caption(ctx.t("funnel.adjusted.rd", by=by))
        comp = result.comparison
        if "change" in comp:
            reversed_stages = [
                labels[str(s)] for s in comp.loc[comp.reversal.astype(bool), "stage"]
            ]
            hetero = comp.homogeneity_p.astype(float) < 0.05
            hetero_stages = [labels[str(s)] for s in comp.loc[hetero, "stage"]]
            if reversed_stages:
                st.warning(
                    ctx.t("funnel.reversal.rd", by=by, stages=", ".join(reversed_stages)),
                    icon=":material/call_split:",
                )
            if hetero_stages:
                st.info(
                    ctx.t("funnel.heterogeneous", by=by, stages=", ".join(hetero_stages)),
                    icon=":material/stacked_bar_chart:",
                )
    block(
        "pass_through",
        fc.pass_through_chart(result, lang, title=widgets.titled(take), footnote=note),
        take,
        comparison_table(result, lang),
    )
    if result.family_size:
        st.caption(ctx.t("funnel.family", m=result.family_size))


def tab_dropoff() -> None:
    take = fc.takeaway_dropoff(result, lang)
    block(
        "dropoff",
        fc.dropoff_chart(result, lang, title=widgets.titled(take), footnote=note, stacked=True),
        take,
        stages_table(result, lang),
    )
    # The label says what is counted: the same withdrawal definition as the Overview's card.
    st.caption(ctx.t("funnel.withdrawal.definition"))
    reasons = cache.withdrawal_reasons(ctx.version, ctx.filters, include_open=include_open)
    take = fc.takeaway_reasons(reasons, lang)
    block(
        "withdrawal_reasons",
        fc.reasons_chart(reasons, lang, title=widgets.titled(take), footnote=note),
        take,
        # the table (and its download) hides small reasons, with complements (per-pipeline total)
        hide_small_groups(reasons, "n", line="pipeline"),
    )


def tab_contact() -> None:
    contact = cache.first_human_contact(ctx.version, ctx.filters, include_open=include_open)
    take = fc.takeaway_contact(contact, lang)
    block(
        "first_human_contact",
        fc.first_contact_chart(contact, lang, title=widgets.titled(take), footnote=note),
        take,
        hide_small_groups(
            contact, "applications", columns=[c for c in contact.columns if c != "step"]
        ),
    )


def tab_formats() -> None:
    formats = cache.touchpoint_formats(ctx.version, ctx.filters, include_open=include_open)
    take = fc.takeaway_formats(formats, lang)
    block(
        "formats",
        fc.formats_chart(formats, labels, lang, title=widgets.titled(take), footnote=note),
        take,
        formats,
    )


def tab_time() -> None:
    times = cache.stage_times(ctx.version, ctx.filters, include_open=include_open)
    take = fc.takeaway_time(times, labels, lang)
    block(
        "stage_times",
        fc.stage_time_chart(times, labels, lang, title=widgets.titled(take), footnote=note),
        take,
        times,
    )
    tto = cache.time_to_offer(ctx.version, ctx.filters, ctx.info.as_of)
    take = fc.takeaway_km(tto, lang)
    block(
        "time_to_offer",
        fc.km_chart(tto, lang, title=widgets.titled(take), footnote=note),
        take,
        tto.curves,
    )
    st.caption(
        ctx.t(
            "funnel.logrank", chi2=fmt_num(tto.logrank_chi2, lang, 2), p=fmt_p(tto.logrank_p, lang)
        )
    )
    st.caption(ctx.t("funnel.km.note"))


def tab_breakdown() -> None:
    funnel_breakdown(ctx, include_open=include_open, note=note, key="funnel")


tabs.draw(
    {
        "funnel": tab_funnel,
        "dropoff": tab_dropoff,
        "contact": tab_contact,
        "formats": tab_formats,
        "time": tab_time,
        "breakdown": tab_breakdown,
    }
)

widgets.page_footnote(ctx, footnote)
st.caption(ctx.t("funnel.tests"))
