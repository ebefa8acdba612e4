"""Business case: does human-first contact pay for the recruiter time it costs? Pilot planner."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from analytics.charts import business_case as bcc
from analytics.domain import PIPELINES, PRIVACY_THRESHOLD
from analytics.i18n import fmt_num, fmt_pct, label
from analytics.metrics import business_case as bc
from ui import cache, entry
from ui.components import widgets
from ui.components.assumptions import assumptions_form
from ui.components.pilot_planner import pilot_planner

ctx = entry.start()
lang = ctx.lang
footnote = widgets.chart_footnote(ctx)
money = bcc.fmt_money

st.title(ctx.t("bc.title"))
st.caption(ctx.t("bc.intro"))
with st.expander(ctx.t("bc.definitions.title"), icon=":material/help:"):
    st.markdown(
        ctx.t("bc.definitions", draws=fmt_num(bc.BOOTSTRAP_DRAWS, lang), k=PRIVACY_THRESHOLD)
    )

measured = cache.measured(ctx.version, ctx.filters, ctx.info.as_of)
if not measured.hires:
    st.warning(ctx.t("bc.empty"), icon=":material/filter_alt:")
    st.stop()

formats = sorted(set(measured.touchpoints.format), key=lambda f: (f not in bc.DEFAULT_MINUTES, f))
assumptions = assumptions_form(ctx, formats, key="bc")
case = cache.business_case(ctx.version, ctx.filters, ctx.info.as_of, assumptions)
hours = bc.recruiter_hours(measured.touchpoints, measured.hires, assumptions)

# ---- The answer -------------------------------------------------------------------------------
st.subheader(ctx.t("bc.answer.header"))
answer = bcc.sentence(case, lang)
if case.verdict == "pays":
    st.success(answer, icon=":material/savings:")
elif case.verdict == "costs":
    st.error(answer, icon=":material/money_off:")
else:
    st.info(answer, icon=":material/help:")
if case.missing:
    st.caption(
        ctx.t(
            "bc.missing",
            parts=", ".join(ctx.t(f"bc.component.{m}") for m in case.missing),
            k=PRIVACY_THRESHOLD,
        )
    )

left, right = st.columns([3, 2])
with left:
    m1, m2 = st.columns(2)
    m1.metric(ctx.t("bc.net.metric"), money(case.net, lang, signed=True))
    m1.caption(
        ctx.t(
            "bc.ci",
            low=money(case.net_ci.low, lang, signed=True),
            high=money(case.net_ci.high, lang, signed=True),
        )
    )
    h_first, a_first = PIPELINES
    if h_first in case.hours and a_first in case.hours:
        m2.metric(
            ctx.t("bc.hours.metric"),
            fmt_num(case.hours[h_first] - case.hours[a_first], lang, 1),
        )
        m2.caption(
            ctx.t(
                "bc.hours.caption",
                human=fmt_num(case.hours[h_first], lang, 1),
                auto=fmt_num(case.hours[a_first], lang, 1),
            )
        )
with right:
    st.markdown(f"**{ctx.t('bc.assumptions.used')}**")
    lines = [
        ctx.t("bc.list.hourly_cost", v=money(assumptions.hourly_cost, lang)),
        ctx.t("bc.list.vacancy", v=money(assumptions.vacancy_cost_per_day, lang)),
        ctx.t("bc.list.refill", v=fmt_num(assumptions.days_to_refill, lang, 1)),
        ctx.t("bc.list.withdrawal", v=fmt_num(assumptions.days_per_withdrawal, lang, 1)),
        ctx.t("bc.list.failed_hire", v=money(assumptions.failed_hire_cost, lang)),
    ]
    head = measured.headline
    if head is not None:
        for key in ("offer_acceptance", "withdrawal", "retention_12m"):
            metric = head.metrics[key]
            parts = []
            for pipe in PIPELINES:
                g = metric.groups.get(pipe)
                if g is None or g.suppressed or g.value is None:
                    parts.append(f"{label('pipeline', pipe, lang)} –")
                    continue
                ci = f" ({fmt_pct(g.ci.low, lang)}–{fmt_pct(g.ci.high, lang)})" if g.ci else ""
                parts.append(f"{label('pipeline', pipe, lang)} {fmt_pct(g.value, lang)}{ci}")
            lines.append(f"{ctx.t(f'metric.{key}')}: " + "; ".join(parts))
    st.markdown("\n".join(f"- {line}" for line in lines))
    st.caption(ctx.t("bc.method", draws=fmt_num(case.draws, lang), seed=case.seed))

value_table = pd.DataFrame(
    {
        ctx.t("bc.col.component"): [ctx.t(f"bc.component.{k}") for k in case.components]
        + [ctx.t("bc.component.net")],
        ctx.t("bc.col.value"): [round(v) for v in case.components.values()]
        + [round(case.net) if math.isfinite(case.net) else None],
    }
)
take = bcc.value_takeaway(case, lang)
widgets.chart_block(
    ctx,
    "bc",
    "value",
    bcc.value_chart(case, lang, title=widgets.titled(take), footnote=footnote),
    take,
    value_table,
)

# ---- Sensitivity ------------------------------------------------------------------------------
if not case.tornado.empty:
    top = case.tornado.iloc[0]
    take = ctx.t(
        "bc.tornado.take",
        item=ctx.t(f"bc.assumption.{top.assumption}"),
        low=money(min(top.low, top.high), lang, signed=True),
        high=money(max(top.low, top.high), lang, signed=True),
    )
    flips = case.tornado[(case.tornado.low < 0) | (case.tornado.high < 0)]
    if case.net > 0 and not flips.empty:
        take += " " + ctx.t(
            "bc.tornado.flips",
            items=", ".join(ctx.t(f"bc.assumption.{a}") for a in flips.assumption),
        )
    tornado_table = pd.DataFrame(
        {
            ctx.t("bc.col.assumption"): [
                ctx.t(f"bc.assumption.{a}") for a in case.tornado.assumption
            ],
            ctx.t("bc.tornado.low"): case.tornado.low.round(0),
            ctx.t("bc.tornado.high"): case.tornado.high.round(0),
        }
    )
    widgets.chart_block(
        ctx,
        "bc",
        "tornado",
        bcc.tornado_chart(case, lang, title=widgets.titled(take), footnote=footnote),
        take,
        tornado_table,
    )

# ---- Recruiter hours --------------------------------------------------------------------------
shown_hours = bc.hours_for_display(hours)
if not shown_hours.empty:
    take = bcc.hours_takeaway(case.hours, hours, lang)
    hours_table = pd.DataFrame(
        {
            ctx.t("bc.col.pipeline"): [label("pipeline", p, lang) for p in shown_hours.pipeline],
            ctx.t("bc.col.format"): [label("bc.format", f, lang) for f in shown_hours.format],
            ctx.t("bc.col.touchpoints"): shown_hours.touchpoints.astype("Int64"),
            ctx.t("bc.col.per_hire"): shown_hours.per_hire.round(2),
            ctx.t("bc.col.minutes"): shown_hours.minutes,
            ctx.t("bc.col.hours"): shown_hours.hours_per_hire.round(2),
        }
    )
    widgets.chart_block(
        ctx,
        "bc",
        "hours",
        bcc.hours_chart(hours, lang, title=widgets.titled(take), footnote=footnote),
        take,
        hours_table,
    )

pilot_planner(ctx, measured, key="bc_pilot")
