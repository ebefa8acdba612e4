"""Offers: acceptance by pipeline, why offers are declined, time to decide, the human premium."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics.charts import offers as oc
from analytics.domain import PRIVACY_THRESHOLD
from analytics.i18n import fmt_num, fmt_p, fmt_pct, label
from analytics.metrics.offers import acceptance_table
from ui import cache, entry
from ui.components import causal_choice, widgets
from ui.components.lazy_tabs import lazy_tabs
from ui.safe import md

ctx = entry.start()
TABS = (
    "acceptance",
    "premium",
    "declines",
)
lang = ctx.lang
footnote = widgets.wrap(widgets.footnote(ctx), 150)


def block(name: str, fig: go.Figure, takeaway: str, table: pd.DataFrame) -> None:
    widgets.chart_block(ctx, "offers", name, fig, takeaway, table)


def titled(text: str) -> str:
    return widgets.wrap(text, 95)


def shown(frame: pd.DataFrame) -> pd.DataFrame:
    """Only groups above the privacy threshold leave the page."""
    out = frame[~frame.suppressed.astype(bool)].drop(columns="suppressed")
    if "pipeline" in out:
        out = out.assign(pipeline=[label("pipeline", p, lang) for p in out.pipeline])
    return out


st.title(ctx.t("offers.title"))
st.caption(ctx.t("offers.intro"))
with st.expander(ctx.t("offers.definitions.title"), icon=":material/help:"):
    st.markdown(ctx.t("offers.definitions"))

acc = cache.acceptance(ctx.version, ctx.filters)
if acc.table.empty:
    st.warning(ctx.t("offers.empty"), icon=":material/filter_alt:")
    st.stop()
pending = int(acc.table.pending.sum())
st.info(ctx.t("offers.rule", n=fmt_num(pending, lang)), icon=":material/rule:")

# Only the open tab runs and is drawn (issue 21); the "Adjust for" choice lives in the URL.
tabs = lazy_tabs(
    "offers_tab",
    {name: ctx.t(f"offers.tab.{name}") for name in TABS},
)


def tab_acceptance() -> None:
    choice = causal_choice.adjust_selector(
        ctx,
        key="offers_adjust",
        label_key="offers.adjust",
        none_key="offers.adjust.none",
        help_key="offers.adjust.help",
    )
    adjust_by = choice.by
    if choice.everything:
        causal_choice.offers_panel(ctx)
    adj = cache.acceptance_adjusted(ctx.version, ctx.filters, adjust_by) if adjust_by else None
    c = acc.comparison
    # The adjusted answer is the answer: the chart's title, the takeaway and a panel of the chart
    # (adjusted difference in points beside the crude one).
    take = oc.takeaway_acceptance(acc, lang, adj)
    block(
        "acceptance",
        oc.acceptance_chart(acc, lang, title=titled(take), footnote=footnote, adjustment=adj),
        take,
        acceptance_table(acc, lang, adj),
    )
    if c is not None:
        st.caption(
            ctx.t(
                "offers.effects",
                rr=fmt_num(c.risk_ratio, lang, 2),
                rrlow=fmt_num(c.risk_ratio_ci.low, lang, 2),
                rrhigh=fmt_num(c.risk_ratio_ci.high, lang, 2),
                h=fmt_num(c.cohens_h, lang, 2),
                test=ctx.t(f"test.{c.test}"),
            )
        )
    if adjust_by is not None:
        by = ctx.t(f"dim.{adjust_by}").lower()
        if adj is None:
            st.caption(ctx.t("offers.adjusted.none", by=by))
        else:
            widgets.adjusted_block(ctx, adj)
    st.caption(ctx.t("footnote.family.offers"))
    times = cache.decision_times(ctx.version, ctx.filters)
    take = oc.takeaway_times(times, lang)
    block(
        "decision_time",
        oc.decision_time_chart(times, lang, title=titled(take), footnote=footnote),
        take,
        shown(times),
    )


def tab_premium() -> None:
    premium = cache.human_premium(ctx.version, ctx.filters)
    take = oc.takeaway_premium(premium, lang)
    st.subheader(ctx.t("offers.premium.header"))
    if premium is not None:
        m1, m2, m3 = st.columns(3)
        identified = getattr(premium, "identified", True) and premium.beta_comp > 0
        m1.metric(
            ctx.t("offers.premium.metric"), fmt_pct(premium.premium, lang) if identified else "—"
        )
        if identified:
            m1.caption(
                ctx.t(
                    "offers.ci",
                    low=fmt_pct(premium.premium_ci.low, lang),
                    high=fmt_pct(premium.premium_ci.high, lang),
                )
            )
        m2.metric(ctx.t("offers.premium.odds"), fmt_num(premium.odds_ratio, lang, 2))
        m2.caption(
            ctx.t(
                "offers.ci",
                low=fmt_num(premium.odds_ratio_ci.low, lang, 2),
                high=fmt_num(premium.odds_ratio_ci.high, lang, 2),
            )
            + " · "
            + ctx.t("offers.p", p=fmt_p(premium.odds_ratio_p, lang))
        )
        m3.metric(ctx.t("offers.premium.n"), fmt_num(premium.n, lang))
        m3.caption(
            f"{label('pipeline', 'human_first', lang)} {fmt_num(premium.n_human, lang)} · "
            f"{label('pipeline', 'automation_first', lang)} {fmt_num(premium.n_automation, lang)}"
        )
    st.markdown(f":material/insights: {md(take)}")
    st.caption(ctx.t("offers.premium.method"))
    comp = cache.acceptance_by_comp_ratio(ctx.version, ctx.filters)
    take = oc.takeaway_comp(comp, lang)
    block(
        "comp_ratio",
        oc.comp_ratio_chart(comp, lang, title=titled(take), footnote=footnote),
        take,
        shown(comp),
    )
    competing = cache.acceptance_by_competing(ctx.version, ctx.filters)
    take = oc.takeaway_competing(competing, lang)
    block(
        "competing",
        oc.competing_chart(competing, lang, title=titled(take), footnote=footnote),
        take,
        shown(competing),
    )


def tab_declines() -> None:
    reasons = cache.decline_reasons(ctx.version, ctx.filters)
    take = oc.takeaway_reasons(reasons, lang)
    table = shown(reasons)
    table["reason"] = [label("offers.reason", r, lang) for r in table.reason]
    block(
        "decline_reasons",
        oc.reasons_chart(reasons, lang, title=titled(take), footnote=footnote),
        take,
        table,
    )
    st.caption(ctx.t("offers.suppressed", k=PRIVACY_THRESHOLD))


tabs.draw(
    {
        "acceptance": tab_acceptance,
        "premium": tab_premium,
        "declines": tab_declines,
    }
)

st.caption(ctx.t("offers.tests"))
