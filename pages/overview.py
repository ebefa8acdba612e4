"""Overview: the headline comparison of human-first and automation-first pipelines."""

from __future__ import annotations

import streamlit as st

from analytics import charts, findings
from analytics.i18n import fmt_num
from analytics.metrics.overview import METRICS, to_table
from analytics.report.export import to_csv_bytes
from ui import cache, entry
from ui.components import widgets
from ui.safe import md

ctx = entry.start()
lang = ctx.lang

st.title(ctx.t("overview.title"))
st.caption(ctx.t("overview.intro"))

adjust_by = widgets.adjust_selector(
    ctx,
    key="adjust",
    label_key="overview.adjust",
    none_key="overview.adjust.none",
    help_key="overview.adjust.help",
)

result = cache.headline(ctx.version, ctx.filters, as_of=ctx.info.as_of, adjust_by=adjust_by)
if sum(result.totals.values()) == 0:
    st.warning(ctx.t("data.empty"), icon=":material/filter_alt:")
    st.stop()

cols = st.columns(3)
for i, key in enumerate(METRICS):
    metric = result.metrics[key]
    with cols[i % 3].container(border=True):
        widgets.metric_card(metric, result.pipelines, lang)
        if metric.adjustment is not None:
            adj = metric.adjustment
            st.caption(
                ctx.t(
                    "overview.adjusted",
                    by=ctx.t(f"dim.{adj.by}").lower(),
                    strata=adj.strata,
                    **{
                        "or": fmt_num(adj.odds_ratio, lang, 2),
                        "low": fmt_num(adj.ci.low, lang, 2),
                        "high": fmt_num(adj.ci.high, lang, 2),
                        "crude": fmt_num(adj.crude_odds_ratio, lang, 2),
                    },
                )
            )
            if adj.reversal:
                st.warning(
                    ctx.t("overview.reversal", by=ctx.t(f"dim.{adj.by}").lower()),
                    icon=":material/warning:",
                )

footnote = widgets.footnote(ctx)
headline = findings.metric_sentence(result.metrics["withdrawal"], lang)
fig = charts.headline_rates(
    result, lang, title=widgets.wrap(headline, 95), footnote=widgets.wrap(footnote, 150)
)
widgets.plotly_chart(fig, key="overview_chart")

with st.expander(ctx.t("overview.table"), icon=":material/table:"):
    table = to_table(result, lang)
    st.dataframe(table, hide_index=True)
    st.download_button(
        ctx.t("overview.download"),
        data=to_csv_bytes(table),
        file_name="aivshi_overview.csv",
        mime="text/csv",
        icon=":material/download:",
    )
st.caption(md(footnote))
st.caption(ctx.t("footnote.tests"))
