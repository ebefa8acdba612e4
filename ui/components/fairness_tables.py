"""The fairness page's tables in the reader's language: adverse impact per step and group,
automated vs human steps side by side, career switchers' pass rates and quality of hire.

Pure formatting (result frames in, display frames out, no widgets): suppressed groups are left
out here, so what a table and its download show is what may be shown.
"""

from __future__ import annotations

import math

import pandas as pd

from analytics.charts import fairness as fc
from analytics.i18n import fmt_num, fmt_p, fmt_pct, fmt_points
from analytics.report.tables import interval_cell, value_cell
from ui.context import PageContext


def col_name(ctx: PageContext, col: str) -> str:
    return ctx.t(f"fair.col.{col}")


def test_name(ctx: PageContext, test: str) -> str:
    return ctx.t("fair.test.welch") if test == "welch" else ctx.t(f"test.{test}")


def ir_text(x: float, lang: str) -> str:
    """A ratio with two decimals; an undefined one as a dash."""
    return fmt_num(x, lang, 2) if math.isfinite(x) else "—"


def audit_display(
    ctx: PageContext, table: pd.DataFrame, column: str | tuple[str, ...], comparison: str
) -> pd.DataFrame:
    """The adverse-impact table in the reader's language (suppressed rows left out)."""
    lang = ctx.lang
    shown = table[~table.suppressed]
    return pd.DataFrame(
        {
            ctx.t("fair.table.step"): [fc.step_label(r, lang) for r in shown.itertuples()],
            ctx.t("fair.table.group"): [fc.group_label(column, g, lang) for g in shown.group],
            ctx.t("fair.table.applicants"): shown.applicants.astype(int),
            ctx.t("fair.table.selected"): shown.selected.astype(int),
            ctx.t("fair.table.rate"): [fmt_pct(x, lang) for x in shown.rate],
            ctx.t("fair.table.ci"): [
                f"{fmt_pct(lo, lang)} – {fmt_pct(hi, lang)}"
                for lo, hi in zip(shown.rate_low, shown.rate_high, strict=True)
            ],
            ctx.t("fair.table.ir"): [ir_text(x, lang) for x in shown.impact_ratio],
            ctx.t("fair.table.flag"): [
                ctx.t("fair.flag.yes") if f else "" for f in shown.four_fifths
            ],
            ctx.t(f"fair.table.p_{comparison}"): [fmt_p(p, lang) for p in shown.p_value],
            ctx.t("fair.table.p_adj"): [fmt_p(p, lang) for p in shown.p_adjusted],
            ctx.t("fair.table.finding"): [ctx.t(f"fair.finding.{f}") for f in shown.finding],
        }
    )


def touchpoint_table(
    ctx: PageContext, wide: pd.DataFrame, gaps: pd.DataFrame, what: str | tuple[str, ...]
) -> pd.DataFrame:
    """Automated vs human steps per group side by side, with the gap test per group."""
    lang = ctx.lang
    shown = pd.DataFrame({ctx.t("fair.table.group"): []})
    if wide.empty:
        return shown
    data = {ctx.t("fair.table.group"): [fc.group_label(what, g, lang) for g in wide.group]}
    for tpn in ("automated", "human"):
        if f"{tpn}_rate" not in wide:
            continue
        name = fc.touchpoint_label(tpn, lang)
        data[f"{name}: {ctx.t('fair.table.applicants')}"] = wide[f"{tpn}_applicants"]
        data[f"{name}: {ctx.t('fair.table.rate')}"] = [
            fmt_pct(x, lang) for x in wide[f"{tpn}_rate"]
        ]
        data[f"{name}: {ctx.t('fair.table.ir')}"] = [
            ir_text(x, lang) for x in wide[f"{tpn}_impact_ratio"]
        ]
        data[f"{name}: {ctx.t('fair.table.flag')}"] = [
            ctx.t("fair.flag.yes") if f is True else "" for f in wide[f"{tpn}_four_fifths"]
        ]
        data[f"{name}: {ctx.t('fair.table.p_adj')}"] = [
            fmt_p(p, lang) for p in wide[f"{tpn}_p_adjusted"]
        ]
    shown = pd.DataFrame(data)
    if not gaps.empty:
        by_group = gaps.set_index("group")
        groups = list(wide.group)
        shown[ctx.t("fair.table.or_automated")] = [
            ir_text(by_group.or_automated.get(g, math.nan), lang) for g in groups
        ]
        shown[ctx.t("fair.table.or_human")] = [
            ir_text(by_group.or_human.get(g, math.nan), lang) for g in groups
        ]
        shown[ctx.t("fair.table.gap_p")] = [
            fmt_p(by_group.p_adjusted.get(g, math.nan), lang) for g in groups
        ]
        shown[ctx.t("fair.table.gap_finding")] = [
            ctx.t(f"fair.finding.{by_group.finding.get(g, 'too_few')}") for g in groups
        ]
    return shown


def _bare_points(x: float, lang: str) -> str:
    """An interval bound in points without its unit (the difference beside it names it)."""
    if not math.isfinite(x):
        return fmt_num(None, lang)
    text = fmt_num(100 * x, lang, 1)
    return "+" + text if x > 0 else text


def switcher_table(ctx: PageContext, rates: pd.DataFrame, counts: pd.DataFrame) -> pd.DataFrame:
    """Career switchers' pass rates per step (and over all steps of a touchpoint)."""
    lang = ctx.lang

    def step(r) -> str:
        if r.scope == "all":
            return ctx.t("fair.switchers.all_steps", tp=fc.touchpoint_label(r.touchpoint, lang))
        row = counts[(counts.stage == r.scope) & (counts.touchpoint == r.touchpoint)].iloc[0]
        return fc.step_label(row, lang)

    return pd.DataFrame(
        {
            ctx.t("fair.table.step"): [step(r) for r in rates.itertuples()],
            ctx.t("fair.switchers.switchers"): [
                value_cell(fmt_pct(x, lang), f"n = {fmt_num(n, lang)}")
                for x, n in zip(rates.rate_switchers, rates.n_switchers, strict=True)
            ],
            ctx.t("fair.switchers.others"): [
                value_cell(fmt_pct(x, lang), f"n = {fmt_num(n, lang)}")
                for x, n in zip(rates.rate_others, rates.n_others, strict=True)
            ],
            ctx.t("fair.table.diff"): [
                # a difference of two rates is in points, not per cent
                value_cell(
                    fmt_points(d, lang, signed=True),
                    interval_cell(_bare_points(lo, lang), _bare_points(hi, lang)),
                )
                for d, lo, hi in zip(rates["diff"], rates.diff_low, rates.diff_high, strict=True)
            ],
            ctx.t("fair.table.ir"): [ir_text(x, lang) for x in rates.impact_ratio],
            ctx.t("fair.table.p"): [
                value_cell(fmt_p(p, lang), test_name(ctx, tt))
                for p, tt in zip(rates.p_value, rates.test, strict=True)
            ],
            # the finding is Holm's (over the table's steps): its p stands beside it
            ctx.t("fair.table.p_adj"): [fmt_p(p, lang) for p in rates.p_adjusted],
            ctx.t("fair.table.finding"): [ctx.t(f"fair.finding.{f}") for f in rates.finding],
        }
    )


def switcher_quality_table(ctx: PageContext, qual: pd.DataFrame) -> pd.DataFrame:
    """Quality-of-hire components of hired career switchers and of the other hires."""
    lang = ctx.lang
    return pd.DataFrame(
        {
            ctx.t("fair.quality.component"): [ctx.t(f"fair.quality.{c}") for c in qual.component],
            ctx.t("fair.switchers.switchers_hired"): [
                value_cell(fmt_num(v, lang, 1), f"n = {fmt_num(n, lang)}")
                for v, n in zip(qual.switchers, qual.n_switchers, strict=True)
            ],
            ctx.t("fair.switchers.others_hired"): [
                value_cell(fmt_num(v, lang, 1), f"n = {fmt_num(n, lang)}")
                for v, n in zip(qual.others, qual.n_others, strict=True)
            ],
            ctx.t("fair.table.diff"): [
                value_cell(
                    fmt_num(d, lang, 1), interval_cell(fmt_num(lo, lang, 1), fmt_num(hi, lang, 1))
                )
                for d, lo, hi in zip(qual["diff"], qual.diff_low, qual.diff_high, strict=True)
            ],
            ctx.t("fair.table.p"): [
                value_cell(fmt_p(p, lang), test_name(ctx, tt))
                for p, tt in zip(qual.p_value, qual.test, strict=True)
            ],
            ctx.t("fair.table.finding"): [ctx.t(f"fair.finding.{f}") for f in qual.finding],
        }
    )
