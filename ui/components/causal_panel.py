"""The "adjusted for everything measured" panel: one outcome's adjusted human-first effect, its
sentence, the estimates table, the E-value, a methods footnote and the diagnostics (overlap and
balance), in the reader's language.

Self-contained so that a page (Overview, Offers, Quality, presenter) wires it in with one call
when the reader picks "Adjust for: everything measured (recommended)":
``render_causal_panel(ctx, "offer_acceptance", key="ov_causal")``. The numbers come from
``analytics.metrics.causal`` through one cached accessor (keyed by data version, filters, as-of
date, ramp target and weights); every number about a group under the privacy threshold is
already left out there.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from analytics import findings_causal as fc
from analytics.charts import causal as cc
from analytics.i18n import fmt_num, fmt_pct, fmt_points, t
from analytics.metrics import causal
from analytics.metrics.common import DEFAULT_RAMP_TARGET
from analytics.report import causal_slide as cs
from analytics.report.export import to_csv_bytes
from analytics.report.tables import display_table, interval_cell
from ui.cache import cached
from ui.components import widgets
from ui.context import PageContext

_adjusted_effects = cached(causal.adjusted_effects, max_entries=32)


def causal_effects(
    ctx: PageContext,
    outcomes: tuple[str, ...] = causal.OUTCOMES,
    *,
    ramp_target: int = DEFAULT_RAMP_TARGET,
    weights: Mapping[str, float] | None = None,
) -> causal.CausalEffects:
    """The adjusted effects for the page's filters (cached): pages that show several outcomes
    compute them once and pass the result to ``render_causal_panel``."""
    return _adjusted_effects(
        ctx.version,
        ctx.filters,
        ctx.info.as_of,
        ramp_target=ramp_target,
        weights=dict(weights) if weights is not None else None,
        outcomes=tuple(outcomes),
    )


def _points(x: float, kind: str, lang: str) -> str:
    return fmt_points(x if kind == "rate" else x / 100.0, lang, signed=True)


def estimates_table(effect: causal.AdjustedEffect, lang: str) -> pd.DataFrame:
    """Both estimators and the crude comparison, one row each, as text in the reader's
    language (the headline first)."""
    a = effect.analysis
    rows = []
    if a is not None:
        order = ("aipw", "gcomp") if a.headline_method == "aipw" else ("gcomp", "aipw")
        for method in order:
            est = a.aipw if method == "aipw" else a.gcomp
            ev = effect.e_value if method == a.headline_method else None
            rows.append(
                {
                    t("causal.table.method", lang): t(f"causal.method_name.{method}", lang),
                    t("causal.table.adjusted", lang): _points(est.diff, effect.kind, lang),
                    t("causal.table.ci", lang): interval_cell(
                        _points(est.diff_ci.low, effect.kind, lang),
                        _points(est.diff_ci.high, effect.kind, lang),
                    ),
                    t("causal.table.ratio", lang): (
                        f"{fmt_num(est.ratio, lang, 2)} ({fmt_num(est.ratio_ci.low, lang, 2)}"
                        f"–{fmt_num(est.ratio_ci.high, lang, 2)})"
                    ),
                    t("causal.table.evalue", lang): (
                        f"{fmt_num(ev.point, lang, 2)} ({fmt_num(ev.ci_limit, lang, 2)})"
                        if ev is not None
                        else ""
                    ),
                    t("causal.table.n", lang): fmt_num(a.n, lang),
                }
            )
    if effect.crude is not None and a is not None:
        c = effect.crude
        rows.append(
            {
                t("causal.table.method", lang): t("causal.table.crude", lang),
                t("causal.table.adjusted", lang): _points(c.diff, effect.kind, lang),
                t("causal.table.ci", lang): interval_cell(
                    _points(c.ci.low, effect.kind, lang), _points(c.ci.high, effect.kind, lang)
                ),
                t("causal.table.ratio", lang): fmt_num(
                    c.mean_treated / c.mean_control if c.mean_control else None, lang, 2
                ),
                t("causal.table.evalue", lang): "",
                t("causal.table.n", lang): fmt_num(effect.n_treated + effect.n_control, lang),
            }
        )
    return pd.DataFrame(rows)


def _diagnostics(ctx: PageContext, effect: causal.AdjustedEffect, *, key: str) -> None:
    a = effect.analysis
    assert a is not None
    with st.expander(ctx.t("causal.diagnostics"), icon=":material/troubleshoot:"):
        st.caption(
            ctx.t(
                "causal.overlap.summary",
                share=fmt_pct(a.overlap.share_outside, ctx.lang),
                single=fc.count_text(a.overlap.single_arm_n, ctx.lang),
                cells=fmt_num(a.overlap.single_arm_cells, ctx.lang),
            )
        )
        hist = causal.propensity_histogram(a)
        fig = cc.overlap_chart(
            hist,
            ctx.lang,
            title=widgets.titled(ctx.t("causal.overlap.title")),
            footnote=widgets.chart_footnote(ctx),
        )
        widgets.plotly_chart(fig, key=f"{key}_overlap")
        balance = causal.balance_table(a)
        off = int((balance.smd_after.abs() >= cc.SMD_LINE).sum())
        title = (
            ctx.t("causal.love.title_ok")
            if off == 0
            else ctx.t("causal.love.title_not", n=fmt_num(off, ctx.lang))
        )
        fig = cc.love_plot(
            balance, ctx.lang, title=widgets.titled(title), footnote=widgets.chart_footnote(ctx)
        )
        widgets.plotly_chart(fig, key=f"{key}_love")
        table = balance.assign(
            level=[
                cc.level_name(c, lv, ctx.lang)
                for c, lv in zip(balance.covariate, balance.level, strict=True)
            ]
        ).drop(columns="covariate")
        st.download_button(
            ctx.t("causal.love.title"),
            data=to_csv_bytes(widgets.demo_marked(table, is_demo=ctx.info.is_demo, lang=ctx.lang)),
            file_name=widgets.download_name("causal", "balance", is_demo=ctx.info.is_demo),
            mime="text/csv",
            icon=":material/download:",
            key=f"{key}_dl_balance",
        )


def _composite(ctx: PageContext, effects: causal.CausalEffects, *, key: str) -> None:
    """The composite's answer: its sentence and E-value, each component's sentence, then one
    table (composite and components: differences, intervals, E-values; the numbers the export
    carries) with its download, and the methods footnote."""
    comp = effects.composite
    st.markdown(fc.composite_sentence(comp, ctx.lang))
    e_text = fc.composite_e_value_sentence(comp, ctx.lang)
    if e_text:
        st.markdown(f":material/help: {e_text}")
    for eff in comp.components.values():
        st.markdown(f"- {fc.effect_sentence(eff, ctx.lang)}")
    if comp.diff is not None:
        table = cs.summary_table(effects, ctx.lang, ("quality_composite", *comp.components))
        st.dataframe(cs.displayed(table, ctx.lang), hide_index=True, key=f"{key}_table")
        st.download_button(
            ctx.t("causal.summary.download"),
            data=to_csv_bytes(widgets.demo_marked(table, is_demo=ctx.info.is_demo, lang=ctx.lang)),
            file_name=widgets.download_name("quality", "adjusted", is_demo=ctx.info.is_demo),
            mime="text/csv",
            icon=":material/download:",
            key=f"{key}_dl",
        )
    st.caption(fc.methods_footnote(effects, ctx.lang, "quality_composite"))


def render_causal_panel(
    ctx: PageContext,
    outcome: str,
    *,
    key: str,
    effects: causal.CausalEffects | None = None,
    methods: bool = True,
) -> causal.AdjustedEffect | None:
    """Draw the adjusted answer for ``outcome`` (one of ``metrics.causal.OUTCOMES``); returns
    the effect (None for the composite) so the page can reuse it in its title or slide.
    ``methods=False``: the caller prints the general methods footnote itself (the Overview, under
    its tabs), so an outcome without an estimate does not print the same paragraph again."""
    if effects is None:
        effects = causal_effects(ctx, (outcome,))
    st.markdown(f"**{ctx.t('causal.title')}**")
    if outcome == "quality_composite":
        _composite(ctx, effects, key=key)
        return None
    effect = effects.effects[outcome]
    st.markdown(fc.effect_sentence(effect, ctx.lang))
    if effect.analysis is None:
        if methods:
            st.caption(fc.methods_footnote(effects, ctx.lang))
        return effect
    note = fc.method_note(effect, ctx.lang)
    if effect.analysis.headline_method == "gcomp":
        st.warning(note, icon=":material/warning:")
    else:
        st.caption(note)
    e_text = fc.e_value_sentence(effect, ctx.lang)
    if e_text:
        st.markdown(f":material/help: {e_text}")
    st.dataframe(display_table(estimates_table(effect, ctx.lang), ctx.lang), hide_index=True)
    _diagnostics(ctx, effect, key=key)
    st.caption(fc.methods_footnote(effects, ctx.lang, outcome) + " " + widgets.footnote(ctx))
    return effect
