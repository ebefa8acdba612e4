"""Quality of hire: the composite and its components, ratings, retention, and a process change."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics import findings
from analytics.charts import quality as qc
from analytics.domain import PRIVACY_THRESHOLD
from analytics.i18n import fmt_num, fmt_p, fmt_points, label
from analytics.metrics.quality import compare_ratings, composite, rating_table
from analytics.metrics.quality import retention_table as make_retention_table
from ui import cache, entry
from ui.components import causal_choice, widgets
from ui.components.lazy_tabs import lazy_tabs
from ui.components.quality_parts import process_change_tab, quality_weights
from ui.safe import md

ctx = entry.start()
TABS = (
    "composite",
    "ratings",
    "retention",
    "change",
)
lang = ctx.lang
footnote = widgets.chart_footnote(ctx)


def block(name: str, fig: go.Figure, takeaway: str, table: pd.DataFrame) -> None:
    widgets.chart_block(ctx, "quality", name, fig, takeaway, table)


def named(frame: pd.DataFrame) -> pd.DataFrame:
    if "pipeline" in frame:
        return frame.assign(pipeline=[label("pipeline", p, lang) for p in frame.pipeline])
    return frame


st.title(ctx.t("quality.title"))
st.caption(ctx.t("quality.intro"))
with st.expander(ctx.t("quality.definitions.title"), icon=":material/help:"):
    st.markdown(ctx.t("quality.definitions"))

weights, ramp_target = quality_weights(ctx, key="quality")

result = cache.quality_result(ctx.version, ctx.filters, ctx.info.as_of, ramp_target=ramp_target)
if not result.hires:
    st.warning(ctx.t("quality.empty"), icon=":material/filter_alt:")
    st.stop()

# Only the open tab runs and is drawn (issue 21); everything above is cached by data version,
# filters and weights. The toggle in the first tab lives in the URL, so it survives a tab visit.
tabs = lazy_tabs(
    "quality_tab",
    {name: ctx.t(f"quality.tab.{name}") for name in TABS},
)


def tab_composite() -> None:
    if causal_choice.everything_toggle(ctx, key="quality_adjust"):
        causal_choice.quality_panel(ctx, weights, ramp_target)
    comp_frame = composite(result, weights)
    take = qc.takeaway_components(result, comp_frame, lang)
    if sum(weights.values()) <= 0:
        st.warning(ctx.t("quality.weights.zero"), icon=":material/warning:")
    if comp_frame.composite.isna().all():
        # Nothing to draw: with zero weights the warning above says why, else the sentence does
        # (too few hires).
        if sum(weights.values()) > 0:
            st.info(md(take), icon=":material/insights:")
    else:
        block(
            "composite",
            qc.composite_chart(
                comp_frame,
                lang,
                title=widgets.titled(take),
                footnote=widgets.wrap(
                    ctx.t("quality.composite.no_ci") + " " + widgets.footnote(ctx), 150
                ),
            ),
            take,
            named(comp_frame),
        )
        # The "no interval" note is the chart's footnote, which plotly_chart prints as the
        # caption under the chart: not a second caption here (it read twice).
    comps = result.components
    table = comps[~comps.suppressed.astype(bool)].drop(columns="suppressed")
    table = named(table).assign(
        component=[qc.component_name(c, lang, ramp_target) for c in table.component]
    )
    block(
        "components",
        qc.components_chart(
            result,
            lang,
            title=widgets.titled(ctx.t("quality.chart.components.title")),
            footnote=footnote,
        ),
        ctx.t("quality.components.take"),
        table,
    )
    # Each sentence: the component's own test (p, interval, verdict agree), then the verdict
    # after Holm across the components compared (the family the footnote names).
    diffs = result.differences
    for r in diffs.itertuples():
        st.caption(
            ctx.t(
                "quality.diff",
                component=qc.component_name(r.component, lang, ramp_target),
                diff=fmt_num(r.diff, lang, 1),
                low=fmt_num(r.low, lang, 1),
                high=fmt_num(r.high, lang, 1),
                p=fmt_p(r.p_value, lang),
                verdict=findings.verdict_text(r.low, r.high, lang),
                m=len(diffs),
                ph=fmt_p(r.p_holm, lang),
                holm=ctx.t(f"quality.holm.{'clear' if r.clear_holm else 'unclear'}"),
            )
        )
    if len(diffs):
        st.caption(ctx.t("footnote.family.quality", m=len(diffs)))


def tab_ratings() -> None:
    counts = cache.rating_counts(ctx.version, ctx.filters, ctx.info.as_of)
    cmp = compare_ratings(counts)
    take = qc.takeaway_ratings(cmp, lang)
    block(
        "ratings",
        qc.ratings_chart(counts, lang, title=widgets.titled(take), footnote=footnote),
        take,
        named(rating_table(counts)),
    )
    st.caption(ctx.t("quality.ratings.suppressed", k=PRIVACY_THRESHOLD))
    take = qc.takeaway_ramp(result.ramp_times, lang)
    block(
        "ramp_time",
        qc.ramp_time_chart(result.ramp_times, lang, title=widgets.titled(take), footnote=footnote),
        take,
        named(result.ramp_times[result.ramp_times.n >= PRIVACY_THRESHOLD]),
    )
    st.caption(ctx.t("quality.ramp.note"))


def tab_retention() -> None:
    ret = cache.retention(ctx.version, ctx.filters, ctx.info.as_of)
    take = qc.takeaway_retention(ret, lang)
    block(
        "retention",
        qc.retention_chart(ret, lang, title=widgets.titled(take), footnote=footnote),
        take,
        named(make_retention_table(ret)),
    )
    d6 = ret.differences.get(182)
    if d6 is not None:
        st.caption(
            ctx.t(
                "quality.retention6",
                diff=fmt_points(d6.diff, lang, signed=True),
                low=fmt_points(d6.ci.low, lang, signed=True, unit=False),
                high=fmt_points(d6.ci.high, lang, signed=True, unit=False),
                p=fmt_p(d6.p_value, lang),
            )
        )
    if ret.logrank is not None:
        st.caption(
            ctx.t(
                "quality.logrank",
                chi2=fmt_num(ret.logrank.statistic, lang, 2),
                p=fmt_p(ret.logrank.p_value, lang),
            )
        )
    st.caption(ctx.t("quality.km.note"))
    take = qc.takeaway_early(result.early_exits, lang)
    early = result.early_exits
    block(
        "early_exits",
        qc.early_exit_chart(early, lang, title=widgets.titled(take), footnote=footnote),
        take,
        named(early[~early.suppressed.astype(bool)].drop(columns="suppressed")),
    )


def tab_change() -> None:
    process_change_tab(ctx, cache.process_change(ctx.version, ctx.filters, ctx.info.as_of))


tabs.draw(
    {
        "composite": tab_composite,
        "ratings": tab_ratings,
        "retention": tab_retention,
        "change": tab_change,
    }
)

widgets.page_footnote(ctx, widgets.footnote(ctx))
st.caption(ctx.t("quality.tests"))
