"""The Fairness page's first screen: every result below four-fifths, for every group column and
for career switchers, before any tab (issue 17: the one group that fell below four-fifths in the
demo, career switchers at automated steps, used to sit on a second tab).

Only rows that the tables themselves show are listed (groups under the privacy threshold are
suppressed there and never reach this list). Holds no widgets.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.charts import fairness as fc
from analytics.domain import PRIVACY_THRESHOLD
from analytics.i18n import fmt_num
from analytics.metrics import fairness
from ui import cache
from ui.components.fairness_tables import col_name
from ui.context import PageContext
from ui.safe import md

BELOW = ("clearly_below", "not_clearly_below")


def _key(finding: str) -> str:
    return "fair.summary.row_clear" if finding == BELOW[0] else "fair.summary.row_unclear"


def _interval_args(row: object, lang: str) -> dict[str, str]:
    high = row.ir_high  # type: ignore[attr-defined]
    return {
        "ir": fmt_num(row.impact_ratio, lang, 2),  # type: ignore[attr-defined]
        "low": fmt_num(row.ir_low, lang, 2),  # type: ignore[attr-defined]
        "high": fmt_num(high, lang, 2) if pd.notna(high) and high != float("inf") else "∞",
    }


def below_four_fifths_lines(ctx: PageContext) -> list[tuple[bool, str]]:
    """One sentence per shown result below four-fifths (clearly first, then lowest ratio), with
    whether it is clearly below (its interval lies under 0.8)."""
    lang = ctx.lang
    found: list[tuple[int, float, str]] = []
    for column in cache.fairness_columns(ctx.version):
        if column == "career_switcher":  # its own comparison below (switchers vs others)
            continue
        table = cache.impact_table(ctx.version, ctx.filters, (column,), "best")
        if table.empty or "four_fifths_finding" not in table:
            continue
        rows = table[~table.suppressed & table.four_fifths_finding.isin(BELOW)]
        for r in rows.itertuples():
            text = ctx.t(
                _key(r.four_fifths_finding),
                group=md(fc.group_label(column, r.group, lang)),
                col=md(col_name(ctx, column)),
                step=md(fc.step_label(r, lang)),
                **_interval_args(r, lang),
            )
            found.append((0 if r.four_fifths_finding == BELOW[0] else 1, r.impact_ratio, text))
    if "career_switcher" in cache.fairness_columns(ctx.version):
        counts = cache.step_counts(ctx.version, ctx.filters, ("career_switcher",))
        rates = fairness.switcher_pass_rates(counts)
        if not rates.empty and "four_fifths_finding" in rates:
            for r in rates[rates.four_fifths_finding.isin(BELOW)].itertuples():
                if r.scope == "all":
                    step = ctx.t(
                        "fair.switchers.all_steps", tp=fc.touchpoint_label(r.touchpoint, lang)
                    )
                else:
                    match = counts[(counts.stage == r.scope) & (counts.touchpoint == r.touchpoint)]
                    step = fc.step_label(match.iloc[0], lang)
                text = ctx.t(
                    _key(r.four_fifths_finding),
                    group=md(col_name(ctx, "career_switcher")),
                    col=ctx.t("fair.summary.switchers"),
                    step=md(step),
                    **_interval_args(r, lang),
                )
                found.append((0 if r.four_fifths_finding == BELOW[0] else 1, r.impact_ratio, text))
    found.sort(key=lambda x: (x[0], x[1], x[2]))
    return [(clear == 0, text) for clear, _, text in found]


def below_four_fifths_summary(ctx: PageContext) -> None:
    """The first-screen box: every below-four-fifths result, or a plain sentence that none is."""
    columns = cache.fairness_columns(ctx.version)
    if not columns:
        return
    with st.container(border=True):
        st.subheader(ctx.t("fair.summary.header"))
        lines = below_four_fifths_lines(ctx)
        clear = [text for is_clear, text in lines if is_clear]
        unclear = [text for is_clear, text in lines if not is_clear]
        if lines:
            # Every result stays on the first screen; the ones whose interval reaches 0.8 are
            # folded so that the clear findings are read first.
            st.markdown(ctx.t("fair.summary.count", clear=len(clear), unclear=len(unclear)))
            if clear:
                st.markdown("\n".join(f"- {line}" for line in clear))
            if unclear:
                with st.expander(ctx.t("fair.summary.unclear_header", n=len(unclear))):
                    st.markdown("\n".join(f"- {line}" for line in unclear))
        else:
            cols = ", ".join(col_name(ctx, c) for c in columns)
            st.markdown(ctx.t("fair.summary.none", cols=cols))
        st.caption(
            ctx.t(
                "fair.summary.note",
                m=fairness.REFERENCE_MIN_APPLICANTS,
                k=PRIVACY_THRESHOLD,
            )
        )
