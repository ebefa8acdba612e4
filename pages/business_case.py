"""Business case: does human-first contact pay for the recruiter time it costs? Pilot planner."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from analytics.charts import business_case as bcc
from analytics.domain import PIPELINES, PRIVACY_THRESHOLD
from analytics.i18n import fmt_num, fmt_pct, label
from analytics.metrics import business_case as bc
from ui import business_data, entry, urlstate, widgets

ctx = entry.start()
lang = ctx.lang
footnote = widgets.wrap(widgets.footnote(ctx), 150)
money = bcc.fmt_money

# Assumption inputs: (key, minimum, maximum, step). Kept in the URL (``bc_<key>``) when changed,
# so a TA leader can share the exact case.
SCALARS = {
    "hourly_cost": (0.0, 1000.0, 5.0),
    "vacancy_cost_per_day": (0.0, 10000.0, 25.0),
    "days_to_refill": (0.0, 365.0, 1.0),
    "days_per_withdrawal": (0.0, 60.0, 0.5),
    "failed_hire_cost": (0.0, 1_000_000.0, 1000.0),
}
MINUTES_MAX = 600.0


def titled(text: str) -> str:
    return widgets.wrap(text, 95)


def _seed_float(key: str, default: float, low: float, high: float) -> None:
    """Take a number from the URL the first time its input appears (bad values: the default)."""
    if key in st.session_state:
        return
    raw = st.query_params.get(key)
    try:
        value = float(raw) if raw is not None else default
    except ValueError:
        value = default
    st.session_state[key] = value if math.isfinite(value) and low <= value <= high else default


def number(name: str, text: str, default: float, low: float, high: float, step: float) -> float:
    key = f"bc_{name}"
    _seed_float(key, default, low, high)
    shown = "%.0f" if step >= 1 else "%.1f"
    value = st.number_input(text, min_value=low, max_value=high, step=step, key=key, format=shown)
    urlstate.write(key, None if value == default else f"{value:g}")
    return float(value)


st.title(ctx.t("bc.title"))
st.caption(ctx.t("bc.intro"))
with st.expander(ctx.t("bc.definitions.title"), icon=":material/help:"):
    st.markdown(
        ctx.t("bc.definitions", draws=fmt_num(bc.BOOTSTRAP_DRAWS, lang), k=PRIVACY_THRESHOLD)
    )

measured = business_data.measured(ctx.version, ctx.filters, ctx.info.as_of)
if not measured.hires:
    st.warning(ctx.t("bc.empty"), icon=":material/filter_alt:")
    st.stop()

defaults = bc.Assumptions()
formats = sorted(set(measured.touchpoints.format), key=lambda f: (f not in bc.DEFAULT_MINUTES, f))

with st.expander(ctx.t("bc.assumptions.title"), icon=":material/tune:", expanded=True):
    st.caption(ctx.t("bc.assumptions.caption"))
    cols = st.columns(len(SCALARS))
    scalars = {}
    for col, (name, (low, high, step)) in zip(cols, SCALARS.items(), strict=True):
        with col:
            scalars[name] = number(
                name, ctx.t(f"bc.assumption.{name}"), getattr(defaults, name), low, high, step
            )
    st.markdown(f"**{ctx.t('bc.assumptions.minutes')}**")
    minutes = []
    per_row = 6
    for start in range(0, len(formats), per_row):
        row = st.columns(per_row)
        for col, fmt in zip(row, formats[start : start + per_row], strict=False):
            with col:
                default = bc.DEFAULT_MINUTES.get(fmt, bc.UNKNOWN_FORMAT_MINUTES)
                m = number(
                    f"min_{fmt}", label("bc.format", fmt, lang), default, 0.0, MINUTES_MAX, 5.0
                )
                minutes.append((fmt, m))

assumptions = bc.Assumptions(minutes=tuple(minutes), **scalars)
case = business_data.business_case(ctx.version, ctx.filters, ctx.info.as_of, assumptions)
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
            parts=", ".join(ctx.t(f"bc.component.{m}", lang) for m in case.missing),
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
    bcc.value_chart(case, lang, title=titled(take), footnote=footnote),
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
        bcc.tornado_chart(case, lang, title=titled(take), footnote=footnote),
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
        bcc.hours_chart(hours, lang, title=titled(take), footnote=footnote),
        take,
        hours_table,
    )

# ---- Pilot planner ----------------------------------------------------------------------------
st.divider()
st.subheader(ctx.t("bc.pilot.header"))
st.caption(ctx.t("bc.pilot.caption"))
c1, c2 = st.columns(2)
outcome = c1.radio(
    ctx.t("bc.pilot.outcome"),
    ["offer_acceptance", "withdrawal"],
    format_func=lambda k: ctx.t(f"metric.{k}"),
    horizontal=True,
    key="bc_pilot_outcome",
)
mode = c2.radio(
    ctx.t("bc.pilot.mode"),
    ["size", "mdd"],
    format_func=lambda k: ctx.t(f"bc.pilot.mode.{k}"),
    horizontal=True,
    key="bc_pilot_mode",
)
unit = "offers" if outcome == "offer_acceptance" else "applications"
current = None
if measured.headline is not None:
    g = measured.headline.metrics[outcome].groups.get(PIPELINES[1])
    if g is not None and not g.suppressed and g.value is not None:
        current = float(g.value)
default_rate = round(100 * current, 1) if current is not None else 50.0
direction = "up" if outcome == "offer_acceptance" else "down"

p1c, p2c, p3c, p4c = st.columns(4)
p1 = p1c.number_input(
    ctx.t("bc.pilot.current"),
    min_value=0.1,
    max_value=99.9,
    value=min(max(default_rate, 0.1), 99.9),
    step=1.0,
    key=f"bc_pilot_p1_{outcome}",
    help=ctx.t("bc.pilot.current.help"),
)
alpha = p3c.number_input(
    ctx.t("bc.pilot.alpha"), min_value=0.001, max_value=0.2, value=0.05, step=0.01,
    format="%.3f", key="bc_pilot_alpha",
)  # fmt: skip
power = p4c.number_input(
    ctx.t("bc.pilot.power"), min_value=0.5, max_value=0.99, value=0.8, step=0.05,
    key="bc_pilot_power",
)  # fmt: skip
monthly = business_data.monthly_volume(ctx.version, ctx.filters, unit)
if mode == "size":
    default_diff = 10.0 if direction == "up" else 5.0
    diff = p2c.number_input(
        ctx.t(f"bc.pilot.diff.{direction}"),
        min_value=0.1,
        max_value=99.0,
        value=default_diff,
        step=1.0,
        key=f"bc_pilot_diff_{outcome}",
    )
    target = p1 + diff if direction == "up" else p1 - diff
    if not 0 < target < 100:
        st.warning(ctx.t("bc.pilot.bad_target", target=fmt_num(target, lang, 1)))
    else:
        plan = bc.plan_pilot(p1 / 100, target / 100, alpha=alpha, power=power, monthly=monthly)
        r1, r2, r3 = st.columns(3)
        r1.metric(ctx.t(f"bc.pilot.n.{unit}"), fmt_num(plan.n_per_arm, lang))
        r2.metric(ctx.t("bc.pilot.total"), fmt_num(plan.total, lang))
        r3.metric(
            ctx.t("bc.pilot.months"),
            fmt_num(plan.months, lang, 1) if plan.months is not None else "–",
        )
        st.markdown(
            ":material/science: "
            + ctx.t(
                f"bc.pilot.size.sentence.{unit}",
                n=fmt_num(plan.n_per_arm, lang),
                p1=fmt_pct(p1 / 100, lang),
                p2=fmt_pct(target / 100, lang),
                power=fmt_pct(power, lang, 0),
                alpha=fmt_num(alpha, lang, 3),
                months=fmt_num(plan.months, lang, 1) if plan.months is not None else "–",
                monthly=fmt_num(monthly, lang) if monthly else "–",
            )
        )
else:
    n_arm = p2c.number_input(
        ctx.t(f"bc.pilot.n.{unit}"),
        min_value=2,
        max_value=1_000_000,
        value=200,
        step=10,
        key=f"bc_pilot_n_{outcome}",
    )
    p2 = bc.minimal_detectable(p1 / 100, n_arm, alpha=alpha, power=power, direction=direction)
    if p2 is None:
        st.warning(ctx.t("bc.pilot.none"))
    else:
        months = n_arm / (monthly / 2) if monthly else None
        r1, r2 = st.columns(2)
        r1.metric(ctx.t("bc.pilot.mdd"), fmt_pct(p2, lang))
        r2.metric(ctx.t("bc.pilot.months"), fmt_num(months, lang, 1) if months else "–")
        st.markdown(
            ":material/science: "
            + ctx.t(
                f"bc.pilot.mdd.sentence.{direction}",
                n=fmt_num(n_arm, lang),
                p1=fmt_pct(p1 / 100, lang),
                p2=fmt_pct(p2, lang),
                diff=fmt_num(abs(100 * p2 - p1), lang, 1),
                power=fmt_pct(power, lang, 0),
            )
        )
st.caption(ctx.t("bc.pilot.method"))
