"""The "Adjust for: everything measured (recommended)" choice and what each page shows with it.

Why a module of its own: the Overview, Offers and presenter pages already have an "Adjust rates
for" selector (none or one dimension, Mantel-Haenszel). This one offers the same options plus
"everything measured" (URL value ``all``), and the Quality page, which has no selector, gets a
toggle with the same URL value. Each page then calls one function here, so the page files change
by a few lines only. The numbers come from ``ui.components.causal_panel.causal_effects`` (one
cached ``metrics.causal.adjusted_effects`` per view) and the tables from
``analytics.report.causal_slide``, the same functions the slide and the exports use, so page,
slide and export show equal numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial

import pandas as pd
import streamlit as st

from analytics.charts.causal_summary import summary_chart
from analytics.domain import DIMENSIONS
from analytics.findings_causal import methods_footnote, outcome_name
from analytics.report import causal_slide as cs
from analytics.report.export import to_csv_bytes
from ui import urlstate
from ui.components import widgets
from ui.components.causal_panel import causal_effects, render_causal_panel
from ui.components.lazy_tabs import lazy_tabs
from ui.context import PageContext

EVERYTHING = cs.EVERYTHING
ADJUST_CHOICES = ("none", EVERYTHING, *DIMENSIONS)

# The Quality page's component names -> the causal metric's outcome names.
_QUALITY_NAMES = {"retention": "retention_12m"}


@dataclass(frozen=True)
class AdjustChoice:
    """What the reader picked: nothing, everything measured, or one dimension."""

    value: str | None

    @property
    def everything(self) -> bool:
        return self.value == EVERYTHING

    @property
    def by(self) -> str | None:
        """The one dimension for the Mantel-Haenszel adjustment (None otherwise)."""
        return None if self.value in (None, EVERYTHING) else self.value


def adjust_selector(
    ctx: PageContext, *, key: str, label_key: str, none_key: str, help_key: str
) -> AdjustChoice:
    """The "Adjust rates for" selector with "everything measured (recommended)" as its second
    option, kept in the URL under ``key`` (``?adjust=all``)."""
    urlstate.seed_choice(key, ADJUST_CHOICES, "none")

    def name(d: str) -> str:
        if d == "none":
            return ctx.t(none_key)
        return ctx.t("causal.choice.all") if d == EVERYTHING else ctx.t(f"dim.{d}")

    choice = st.selectbox(
        ctx.t(label_key),
        options=ADJUST_CHOICES,
        format_func=name,
        key=key,
        help=ctx.t(help_key) + "\n\n" + ctx.t("causal.choice.help"),
        width=320,
    )
    urlstate.write_choice(key, choice, "none")
    return AdjustChoice(None if choice in (None, "none") else choice)


def everything_toggle(ctx: PageContext, *, key: str) -> bool:
    """A toggle for pages without an "Adjust for" selector (Quality), in the URL as ``key=all``."""
    if key not in st.session_state:
        st.session_state[key] = st.query_params.get(key) == EVERYTHING
    on = st.toggle(ctx.t("causal.option"), key=key, help=ctx.t("causal.choice.toggle.help"))
    urlstate.write(key, EVERYTHING if on else None)
    return bool(on)


def overview_effects(ctx: PageContext):  # -> metrics.causal.CausalEffects
    """The Overview's four rates, adjusted (cached; the Offers page reuses the same entry)."""
    return causal_effects(ctx, cs.OVERVIEW_OUTCOMES)


def overview_panel(ctx: PageContext) -> pd.DataFrame:
    """The Overview's everything-measured answer: the summary chart and table (the numbers the
    slide and the exports carry), then one tab per outcome with its full panel (sentence,
    estimates, E-value, overlap and balance, methods). Returns the summary table shown."""
    effects = overview_effects(ctx)
    st.subheader(ctx.t("causal.summary.title"), anchor=False)
    frame = cs.summary_frame(effects, cs.OVERVIEW_OUTCOMES)
    table = cs.summary_table(effects, ctx.lang)
    if frame["diff"].notna().any():
        fig = summary_chart(
            frame,
            [outcome_name(o, ctx.lang) for o in frame.outcome],
            ctx.lang,
            title=widgets.titled(cs.slide_title(effects, ctx.lang)),
            footnote=widgets.chart_footnote(ctx),
        )
        widgets.plotly_chart(fig, key="overview_causal_chart")
    st.dataframe(cs.displayed(table, ctx.lang), hide_index=True, key="overview_causal_table")
    st.download_button(
        ctx.t("causal.summary.download"),
        data=to_csv_bytes(widgets.demo_marked(table, is_demo=ctx.info.is_demo, lang=ctx.lang)),
        file_name=widgets.download_name("overview", "adjusted", is_demo=ctx.info.is_demo),
        mime="text/csv",
        icon=":material/download:",
        key="overview_causal_dl",
    )
    # Only the open outcome's panel runs and is drawn (issue 21): each has two charts and tables.
    tabs = lazy_tabs(
        "overview_causal_tab", {o: outcome_name(o, ctx.lang) for o in cs.OVERVIEW_OUTCOMES}
    )
    tabs.draw(
        {
            o: partial(
                render_causal_panel,
                ctx,
                o,
                key=f"overview_causal_{o}",
                effects=effects,
                methods=False,  # the general footnote follows the tabs
            )
            for o in cs.OVERVIEW_OUTCOMES
        }
    )
    st.caption(methods_footnote(effects, ctx.lang))
    return table


def overview_table(ctx: PageContext, choice: AdjustChoice, table: pd.DataFrame) -> pd.DataFrame:
    """The Overview's table (and download) with the everything-measured columns when chosen."""
    if not choice.everything:
        return table
    return cs.overview_columns(table, overview_effects(ctx), ctx.lang)


def offers_panel(ctx: PageContext) -> None:
    """Offer acceptance adjusted for everything measured (the same cached effects as the
    Overview's, so the two pages agree)."""
    render_causal_panel(ctx, "offer_acceptance", key="offers_causal", effects=overview_effects(ctx))


def quality_panel(ctx: PageContext, weights: Mapping[str, float], ramp_target: int) -> None:
    """The quality composite adjusted for everything measured, with the page's weights and ramp
    target."""
    w = {_QUALITY_NAMES.get(c, c): float(v) for c, v in weights.items()}
    effects = causal_effects(ctx, ("quality_composite",), ramp_target=ramp_target, weights=w)
    render_causal_panel(ctx, "quality_composite", key="quality_causal", effects=effects)
