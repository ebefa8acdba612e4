"""The business case's assumptions form: costs and recruiter minutes per touchpoint format.

Every input is kept in the URL (``{key}_<name>``) once it differs from its default, so a TA
leader can share the exact case; an unreadable or out-of-range URL value falls back to the
default.
"""

from __future__ import annotations

import math

import streamlit as st

from analytics.i18n import label
from analytics.metrics import business_case as bc
from ui import urlstate
from ui.context import PageContext

# Assumption inputs: (minimum, maximum, step).
SCALARS = {
    "hourly_cost": (0.0, 1000.0, 5.0),
    "vacancy_cost_per_day": (0.0, 10000.0, 25.0),
    "days_to_refill": (0.0, 365.0, 1.0),
    "days_per_withdrawal": (0.0, 60.0, 0.5),
    "failed_hire_cost": (0.0, 1_000_000.0, 1000.0),
}
MINUTES_MAX = 600.0
FORMATS_PER_ROW = 6


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


def _number(key: str, text: str, *, default: float, low: float, high: float, step: float) -> float:
    _seed_float(key, default, low, high)
    shown = "%.0f" if step >= 1 else "%.1f"
    value = st.number_input(text, min_value=low, max_value=high, step=step, key=key, format=shown)
    urlstate.write(key, None if value == default else f"{value:g}")
    return float(value)


def assumptions_form(ctx: PageContext, formats: list[str], *, key: str) -> bc.Assumptions:
    """The assumptions, with one minutes input per touchpoint format in ``formats``."""
    defaults = bc.Assumptions()
    with st.expander(ctx.t("bc.assumptions.title"), icon=":material/tune:", expanded=True):
        st.caption(ctx.t("bc.assumptions.caption"))
        cols = st.columns(len(SCALARS))
        scalars = {}
        for col, (name, (low, high, step)) in zip(cols, SCALARS.items(), strict=True):
            with col:
                scalars[name] = _number(
                    f"{key}_{name}",
                    ctx.t(f"bc.assumption.{name}"),
                    default=getattr(defaults, name),
                    low=low,
                    high=high,
                    step=step,
                )
        st.markdown(f"**{ctx.t('bc.assumptions.minutes')}**")
        minutes = []
        for start in range(0, len(formats), FORMATS_PER_ROW):
            row = st.columns(FORMATS_PER_ROW)
            for col, fmt in zip(row, formats[start : start + FORMATS_PER_ROW], strict=False):
                with col:
                    m = _number(
                        f"{key}_min_{fmt}",
                        label("bc.format", fmt, ctx.lang),
                        default=bc.DEFAULT_MINUTES.get(fmt, bc.UNKNOWN_FORMAT_MINUTES),
                        low=0.0,
                        high=MINUTES_MAX,
                        step=5.0,
                    )
                    minutes.append((fmt, m))
    return bc.Assumptions(minutes=tuple(minutes), **scalars)
