"""Parts of the quality-of-hire page: the composite's weights form and the process-change tab.

The weights form holds widgets (``{key}_w_<component>``, ``{key}_ramp_target``); the process
change tab turns the difference-in-differences result into the reader's language.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics import findings
from analytics.charts import change as cc
from analytics.charts import quality as qc
from analytics.domain import PRIVACY_THRESHOLD
from analytics.i18n import fmt_date, fmt_num, fmt_p, fmt_points, label
from analytics.metrics.change import ChangeResult
from analytics.metrics.common import DEFAULT_RAMP_TARGET
from analytics.metrics.quality import COMPONENTS, DEFAULT_WEIGHTS
from analytics.report.tables import display_table, interval_cell
from ui import urlstate
from ui.components import widgets
from ui.context import PageContext
from ui.safe import md


def quality_weights(ctx: PageContext, *, key: str) -> tuple[dict[str, float], int]:
    """The composite's weights per component and the ramp target (days), in an expander."""
    ramp_key = f"{key}_ramp_target"
    with st.expander(ctx.t("quality.weights.title"), icon=":material/tune:", expanded=True):
        cols = st.columns(len(COMPONENTS) + 1)
        weights = {}
        urlstate.seed_number(ramp_key, 14, 365, int(DEFAULT_RAMP_TARGET))
        shown_target = int(st.session_state.get(ramp_key, DEFAULT_RAMP_TARGET))
        for col, comp in zip(cols, COMPONENTS, strict=False):
            with col:
                # In the URL too: a shared link reproduces the composite (issue 19).
                urlstate.seed_number(f"{key}_w_{comp}", 0.0, 1.0, float(DEFAULT_WEIGHTS[comp]))
                weights[comp] = st.number_input(
                    qc.component_name(comp, ctx.lang, shown_target),
                    min_value=0.0,
                    max_value=1.0,
                    step=0.05,
                    key=f"{key}_w_{comp}",
                )
                urlstate.write_number(f"{key}_w_{comp}", weights[comp], DEFAULT_WEIGHTS[comp])
        with cols[-1]:
            ramp_target = int(
                st.number_input(
                    ctx.t("quality.ramp_target"),
                    min_value=14,
                    max_value=365,
                    step=1,
                    key=ramp_key,
                    help=ctx.t("quality.ramp_target.help"),
                )
            )
            urlstate.write_number(ramp_key, ramp_target, DEFAULT_RAMP_TARGET)
    return weights, ramp_target


def _signed(x: float, lang: str) -> str:
    """An interval bound in points, signed, without its unit ("+1.5")."""
    if x is None or x != x:  # NaN: too few to estimate
        return fmt_num(None, lang)
    text = fmt_num(100 * x, lang, 1)
    return "+" + text if x > 0 else text


def did_table(ctx: PageContext, change: ChangeResult) -> pd.DataFrame:
    """The difference-in-differences per metric, in points, in the reader's language."""
    lang = ctx.lang
    rows = []
    for r in change.did.itertuples():
        rows.append(
            {
                ctx.t("quality.change.col.metric"): ctx.t(f"metric.{r.metric}"),
                ctx.t("quality.change.col.treated"): fmt_points(
                    r.change_treated, lang, signed=True
                ),
                ctx.t("quality.change.col.control"): fmt_points(
                    r.change_control, lang, signed=True
                ),
                ctx.t("quality.change.col.did"): fmt_points(r.did, lang, signed=True),
                # the bounds without the unit: the difference beside them names it once
                ctx.t("quality.change.col.ci"): interval_cell(
                    _signed(r.low, lang), _signed(r.high, lang)
                ),
                ctx.t("quality.change.col.p"): fmt_p(r.p_value, lang),
                ctx.t("quality.change.col.verdict"): findings.verdict_text(r.low, r.high, lang),
            }
        )
    return pd.DataFrame(rows)


def process_change_tab(ctx: PageContext, change: ChangeResult | None) -> None:
    """The before/after comparison of a process change, or why there is none."""
    if change is None:
        st.info(ctx.t("quality.change.none"), icon=":material/info:")
        return
    lang = ctx.lang
    st.markdown(
        ctx.t(
            "quality.change.intro",
            role=md(label("role_family", change.role_family, lang)),
            date=fmt_date(change.date, lang),
        )
    )
    cells = change.cells.assign(
        metric=[ctx.t(f"metric.{m}") for m in change.cells.metric],
        group=[ctx.t(f"quality.change.group.{g}") for g in change.cells.group],
        period=[ctx.t(f"quality.change.period.{p}") for p in change.cells.period],
    ).drop(columns="var")
    cells = cells[cells.n >= PRIVACY_THRESHOLD]
    take = cc.takeaway_change(change, lang)
    widgets.chart_block(
        ctx,
        "quality",
        "process_change",
        cc.change_chart(
            change, lang, title=widgets.titled(take), footnote=widgets.chart_footnote(ctx)
        ),
        take,
        cells,
    )
    st.dataframe(display_table(did_table(ctx, change), lang), hide_index=True)
    st.caption(ctx.t("quality.change.note"))
