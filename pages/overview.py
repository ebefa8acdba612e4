"""Overview: the headline comparison of human-first and automation-first pipelines."""

from __future__ import annotations

import streamlit as st

from analytics import charts, findings
from analytics.answers import everything_lines
from analytics.charts.overview import adjusted_differences
from analytics.metrics.overview import METRICS, family_holm, to_table
from analytics.report.export import to_csv_bytes
from analytics.report.tables import display_table
from ui import cache, entry
from ui.components import causal_choice, widgets
from ui.components.answer_strip import answer_strip, show_lines

ctx = entry.start()
lang = ctx.lang

st.title(ctx.t("overview.title"))
answer_slot = st.container()  # the answer first: filled once the numbers are known
st.caption(ctx.t("overview.intro"))
with st.expander(ctx.t("overview.howto.title"), icon=":material/help:"):
    st.markdown(ctx.t("overview.howto"))

choice = causal_choice.adjust_selector(
    ctx,
    key="adjust",
    label_key="overview.adjust",
    none_key="overview.adjust.none",
    help_key="overview.adjust.help",
)
adjust_by = choice.by

result = cache.headline(ctx.version, ctx.filters, as_of=ctx.info.as_of, adjust_by=adjust_by)
if sum(result.totals.values()) == 0:
    st.warning(ctx.t("data.empty"), icon=":material/filter_alt:")
    st.stop()
with answer_slot:
    if choice.everything:  # the adjusted answer is the answer, as on the deck's first slide
        lines = everything_lines(result.metrics, causal_choice.overview_effects(ctx), lang)
        show_lines(ctx, lines, key="answer_strip")
    else:
        answer_strip(ctx, result.metrics, key="answer_strip")

cols = st.columns(3)
for i, key in enumerate(METRICS):
    metric = result.metrics[key]
    with cols[i % 3].container(border=True):
        widgets.metric_card(metric, result.pipelines, lang)
        if metric.adjustment is not None:
            widgets.adjusted_caption(ctx, metric)

footnote = widgets.footnote(ctx)
headline = findings.metric_finding(result.metrics["withdrawal"], lang)
if adjust_by is not None:
    # The adjusted answer is the answer: its chart (adjusted next to crude) comes first.
    widgets.plotly_chart(
        adjusted_differences(
            result, lang, title=widgets.wrap(headline, 95), footnote=widgets.wrap(footnote, 150)
        ),
        key="overview_adjusted_chart",
    )
    fig = charts.headline_rates(
        result,
        lang,
        title=widgets.wrap(ctx.t("overview.chart.crude"), 95),
        footnote=widgets.wrap(footnote, 150),
    )
else:
    fig = charts.headline_rates(
        result, lang, title=widgets.wrap(headline, 95), footnote=widgets.wrap(footnote, 150)
    )
widgets.plotly_chart(fig, key="overview_chart")
if choice.everything:
    causal_choice.overview_panel(ctx)

with st.expander(ctx.t("overview.table"), icon=":material/table:"):
    table = causal_choice.overview_table(ctx, choice, to_table(result, lang))
    st.dataframe(display_table(table, lang), hide_index=True)  # numbers in the reader's format
    st.download_button(
        ctx.t("overview.download"),
        data=to_csv_bytes(table),
        file_name="aivshi_overview.csv",
        mime="text/csv",
        icon=":material/download:",
    )
widgets.page_footnote(ctx, footnote)
st.caption(ctx.t("footnote.tests"))
m, k = family_holm(result)
if m:
    st.caption(ctx.t("footnote.family.overview", m=m, k=k))
    if adjust_by is not None:
        # The family's p-values are the answers: adjusted where the card shows an adjusted one.
        st.caption(ctx.t("overview.family.adjusted", by=ctx.t(f"dim.{adjust_by}").lower()))
