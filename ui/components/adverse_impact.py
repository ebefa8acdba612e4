"""The fairness page's adverse-impact tab: selection rates per step and group (bias-audit
style), automated vs human steps side by side, and the audit export for compliance.

Holds widgets: ``{key}_column``, ``{key}_second``, ``{key}_comparison``, ``{key}_step`` and the
two export buttons.
"""

from __future__ import annotations

import streamlit as st

from analytics.charts import fairness as fc
from analytics.domain import PRIVACY_THRESHOLD
from analytics.i18n import fmt_num
from analytics.metrics import fairness
from analytics.report.export import to_csv_bytes, to_excel_bytes
from ui import cache
from ui.components import widgets
from ui.components.fairness_tables import audit_display, col_name, touchpoint_table
from ui.context import PageContext
from ui.safe import md


def adverse_impact_tab(ctx: PageContext, *, key: str) -> None:
    available = cache.fairness_columns(ctx.version)
    if not available:
        st.warning(ctx.t("fair.no_columns"), icon=":material/info:")
        return
    c1, c2, c3 = st.columns(3)
    default = available.index("gender") if "gender" in available else 0
    column = c1.selectbox(
        ctx.t("fair.control.column"),
        available,
        index=default,
        format_func=lambda c: col_name(ctx, c),
        key=f"{key}_column",
    )
    seconds = ("none", *[c for c in available if c != column])
    second = c2.selectbox(
        ctx.t("fair.control.second"),
        seconds,
        format_func=lambda c: (
            ctx.t("fair.control.second_none") if c == "none" else col_name(ctx, c)
        ),
        key=f"{key}_second",
        help=ctx.t("fair.control.second_help"),
    )
    comparison = c3.selectbox(
        ctx.t("fair.control.comparison"),
        fairness.COMPARISONS,
        format_func=lambda c: ctx.t(f"fair.comparison.{c}"),
        key=f"{key}_comparison",
    )
    cols: tuple[str, ...] = (column,) if second == "none" else (column, second)
    result = cache.impact(ctx.version, ctx.filters, cols, comparison)
    if result.counts.empty:
        st.warning(ctx.t("fair.empty"), icon=":material/filter_alt:")
        return
    _impact(ctx, result, cols, comparison, key=key)
    _touchpoints(ctx, result, cols)
    _export(ctx, result, cols, comparison, key=key)


def _impact(
    ctx: PageContext,
    result: cache.ImpactResult,
    cols: tuple[str, ...],
    comparison: str,
    *,
    key: str,
) -> None:
    """The missing-values note, and the chart of one column (or one step of two columns)."""
    lang = ctx.lang
    footnote = widgets.chart_footnote(ctx)
    table, missing = result.table, result.missing
    what: str | tuple[str, ...] = cols[0] if len(cols) == 1 else cols
    first = missing.iloc[0]
    st.info(
        ctx.t(
            "fair.missing",
            n=fmt_num(int(missing.missing.max()), lang),
            col=" / ".join(col_name(ctx, c) for c in cols),
            first=fmt_num(int(first.missing), lang),
            # no step totals: with them a suppressed group's size could be worked out
            step=fc.step_label(first, lang),
        ),
        icon=":material/help_center:",
    )
    n_suppressed = int(table.suppressed.sum())
    if n_suppressed:
        st.caption(ctx.t("fair.suppressed", n=n_suppressed, k=PRIVACY_THRESHOLD))
    take = fc.takeaway_impact(table, what, lang)
    if len(cols) == 1:
        widgets.chart_block(
            ctx,
            "fair",
            "impact",
            fc.impact_chart(table, what, lang, title=widgets.titled(take), footnote=footnote),
            take,
            audit_display(ctx, table, what, comparison),
        )
        return
    steps = table.drop_duplicates(["stage_order", "stage", "touchpoint"])
    step_keys = [f"{r.stage}|{r.touchpoint}" for r in steps.itertuples()]
    step_names = {f"{r.stage}|{r.touchpoint}": fc.step_label(r, lang) for r in steps.itertuples()}
    chosen = st.selectbox(
        ctx.t("fair.control.step"),
        step_keys,
        format_func=lambda k: step_names[k],
        key=f"{key}_step",
    )
    stage, tp = chosen.split("|", 1)
    one = table[(table.stage == stage) & (table.touchpoint == tp)]
    take_one = fc.takeaway_impact(one, what, lang)
    st.markdown(f":material/grid_on: {md(take)}")
    widgets.chart_block(
        ctx,
        "fair",
        "intersection",
        fc.intersection_chart(one, cols, lang, title=widgets.titled(take_one), footnote=footnote),
        take_one,
        audit_display(ctx, one, what, comparison),
    )


def _touchpoints(ctx: PageContext, result: cache.ImpactResult, cols: tuple[str, ...]) -> None:
    """Automated vs human steps, side by side."""
    lang = ctx.lang
    what: str | tuple[str, ...] = cols[0] if len(cols) == 1 else cols
    st.subheader(ctx.t("fair.tp.header"))
    st.caption(ctx.t("fair.tp.caption"))
    pooled = result.pooled
    take = fc.takeaway_touchpoints(fairness.touchpoint_summary(pooled), what, lang)
    wide = fairness.side_by_side(pooled)
    widgets.chart_block(
        ctx,
        "fair",
        "touchpoints",
        fc.touchpoint_chart(
            pooled, what, lang, title=widgets.titled(take), footnote=widgets.chart_footnote(ctx)
        ),
        take + " " + fc.takeaway_gaps(result.gaps, what, lang),
        touchpoint_table(ctx, wide, result.gaps, what),
    )


def _export(
    ctx: PageContext,
    result: cache.ImpactResult,
    cols: tuple[str, ...],
    comparison: str,
    *,
    key: str,
) -> None:
    """The bias-audit table as CSV and Excel, for compliance."""
    st.subheader(ctx.t("fair.export.header"))
    st.caption(ctx.t("fair.export.caption", k=PRIVACY_THRESHOLD))
    audit = fairness.audit_table(result.table, result.missing, ctx.lang, comparison=comparison)
    audit.insert(0, "group_column", " / ".join(col_name(ctx, c) for c in cols))
    if ctx.info.is_demo:
        audit.insert(0, "data", ctx.t("fair.export.demo"))
    e1, e2 = st.columns(2)
    slug = "_".join(cols)
    e1.download_button(
        ctx.t("fair.export.csv"),
        data=to_csv_bytes(audit),
        file_name=f"aivshi_bias_audit_{slug}.csv",
        mime="text/csv",
        icon=":material/download:",
        key=f"{key}_export_csv",
    )
    e2.download_button(
        ctx.t("fair.export.xlsx"),
        data=to_excel_bytes(audit, sheet_name="bias audit"),
        file_name=f"aivshi_bias_audit_{slug}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        key=f"{key}_export_xlsx",
    )
