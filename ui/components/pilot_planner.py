"""The business case's pilot planner: how many candidates a fair test of human-first contact
needs, or which difference a pilot of a given size can detect.

Holds widgets (``{key}_outcome``, ``{key}_mode``, ``{key}_p1_<outcome>``, ``{key}_alpha``,
``{key}_power``, ``{key}_diff_<outcome>``, ``{key}_n_<outcome>``); the arithmetic is
``analytics.metrics.business_case.plan_pilot`` / ``minimal_detectable``.
"""

from __future__ import annotations

import streamlit as st

from analytics.domain import PIPELINES
from analytics.i18n import fmt_num, fmt_pct
from analytics.metrics import business_case as bc
from ui import cache
from ui.context import PageContext


def _current_rate(measured: bc.Measured, outcome: str) -> float | None:
    """The automation-first pipeline's current rate, the pilot's starting point."""
    if measured.headline is None:
        return None
    g = measured.headline.metrics[outcome].groups.get(PIPELINES[1])
    if g is not None and not g.suppressed and g.value is not None:
        return float(g.value)
    return None


def pilot_planner(ctx: PageContext, measured: bc.Measured, *, key: str) -> None:
    """Draw the planner: outcome and mode, the inputs, and the answer in a sentence."""
    st.divider()
    st.subheader(ctx.t("bc.pilot.header"))
    st.caption(ctx.t("bc.pilot.caption"))
    c1, c2 = st.columns(2)
    outcome = c1.radio(
        ctx.t("bc.pilot.outcome"),
        ["offer_acceptance", "withdrawal"],
        format_func=lambda k: ctx.t(f"metric.{k}"),
        horizontal=True,
        key=f"{key}_outcome",
    )
    mode = c2.radio(
        ctx.t("bc.pilot.mode"),
        ["size", "mdd"],
        format_func=lambda k: ctx.t(f"bc.pilot.mode.{k}"),
        horizontal=True,
        key=f"{key}_mode",
    )
    unit = "offers" if outcome == "offer_acceptance" else "applications"
    current = _current_rate(measured, outcome)
    default_rate = round(100 * current, 1) if current is not None else 50.0
    direction = "up" if outcome == "offer_acceptance" else "down"

    p1c, p2c, p3c, p4c = st.columns(4)
    p1 = p1c.number_input(
        ctx.t("bc.pilot.current"),
        min_value=0.1,
        max_value=99.9,
        value=min(max(default_rate, 0.1), 99.9),
        step=1.0,
        key=f"{key}_p1_{outcome}",
        help=ctx.t("bc.pilot.current.help"),
    )
    alpha = p3c.number_input(
        ctx.t("bc.pilot.alpha"), min_value=0.001, max_value=0.2, value=0.05, step=0.01,
        format="%.3f", key=f"{key}_alpha",
    )  # fmt: skip
    power = p4c.number_input(
        ctx.t("bc.pilot.power"), min_value=0.5, max_value=0.99, value=0.8, step=0.05,
        key=f"{key}_power",
    )  # fmt: skip
    monthly = cache.monthly_volume(ctx.version, ctx.filters, unit)
    if mode == "size":
        default_diff = 10.0 if direction == "up" else 5.0
        diff = p2c.number_input(
            ctx.t(f"bc.pilot.diff.{direction}"),
            min_value=0.1,
            max_value=99.0,
            value=default_diff,
            step=1.0,
            key=f"{key}_diff_{outcome}",
        )
        target = p1 + diff if direction == "up" else p1 - diff
        _pilot_size(ctx, p1=p1, target=target, alpha=alpha, power=power, monthly=monthly, unit=unit)
    else:
        n_arm = p2c.number_input(
            ctx.t(f"bc.pilot.n.{unit}"),
            min_value=2,
            max_value=1_000_000,
            value=200,
            step=10,
            key=f"{key}_n_{outcome}",
        )
        _detectable(
            ctx, p1=p1, n_arm=n_arm, alpha=alpha, power=power, monthly=monthly, direction=direction
        )
    st.caption(ctx.t("bc.pilot.method"))


def _pilot_size(
    ctx: PageContext,
    *,
    p1: float,
    target: float,
    alpha: float,
    power: float,
    monthly: float | None,
    unit: str,
) -> None:
    """The pilot size for moving the rate from ``p1`` to ``target`` (both in percent)."""
    lang = ctx.lang
    if not 0 < target < 100:
        st.warning(ctx.t("bc.pilot.bad_target", target=fmt_num(target, lang, 1)))
        return
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


def _detectable(
    ctx: PageContext,
    *,
    p1: float,
    n_arm: int,
    alpha: float,
    power: float,
    monthly: float | None,
    direction: str,
) -> None:
    """The smallest difference a pilot of ``n_arm`` per arm detects."""
    lang = ctx.lang
    p2 = bc.minimal_detectable(p1 / 100, n_arm, alpha=alpha, power=power, direction=direction)
    if p2 is None:
        st.warning(ctx.t("bc.pilot.none"))
        return
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
