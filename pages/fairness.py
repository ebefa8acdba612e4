"""Fairness and confounding: adverse impact per step and group (bias-audit style), automated vs
human steps, career switchers, and a general two-group comparison with crude vs adjusted answers."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics.charts import fairness as fc
from analytics.charts import pipeline_color
from analytics.domain import PRIVACY_THRESHOLD, ordered_pipelines
from analytics.i18n import fmt_num, fmt_p, fmt_pct
from analytics.metrics import fairness
from analytics.report.export import to_csv_bytes, to_excel_bytes
from ui import entry, fairness_data, 
from ui.components import widgets

ctx = entry.start()
lang = ctx.lang
footnote = widgets.wrap(widgets.footnote(ctx), 150)


def titled(text: str) -> str:
    return widgets.wrap(text, 95)


def block(name: str, fig: go.Figure, takeaway: str, table: pd.DataFrame) -> None:
    widgets.chart_block(ctx, "fair", name, fig, takeaway, table)


def col_name(col: str) -> str:
    return ctx.t(f"fair.col.{col}")


def test_name(test: str) -> str:
    return ctx.t("fair.test.welch") if test == "welch" else ctx.t(f"test.{test}")


def ir_text(x: float) -> str:
    return fmt_num(x, lang, 2) if math.isfinite(x) else "—"


def audit_display(
    table: pd.DataFrame, column: str | tuple[str, ...], comparison: str
) -> pd.DataFrame:
    """The adverse-impact table in the reader's language (suppressed rows left out)."""
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
            ctx.t("fair.table.ir"): [ir_text(x) for x in shown.impact_ratio],
            ctx.t("fair.table.flag"): [
                ctx.t("fair.flag.yes") if f else "" for f in shown.four_fifths
            ],
            ctx.t(f"fair.table.p_{comparison}"): [fmt_p(p, lang) for p in shown.p_value],
            ctx.t("fair.table.p_adj"): [fmt_p(p, lang) for p in shown.p_adjusted],
            ctx.t("fair.table.finding"): [ctx.t(f"fair.finding.{f}") for f in shown.finding],
        }
    )


st.title(ctx.t("fair.title"))
st.caption(ctx.t("fair.intro"))
with st.expander(ctx.t("fair.definitions.title"), icon=":material/help:"):
    st.markdown(ctx.t("fair.definitions", k=PRIVACY_THRESHOLD))

tabs = st.tabs([ctx.t("fair.tab.impact"), ctx.t("fair.tab.switchers"), ctx.t("fair.tab.two")])

# ---------------------------------------------------------------------------------------------
# Adverse impact
# ---------------------------------------------------------------------------------------------
with tabs[0]:
    available = fairness_data.columns(ctx.version)
    if not available:
        st.warning(ctx.t("fair.no_columns"), icon=":material/info:")
    else:
        c1, c2, c3 = st.columns(3)
        default = available.index("gender") if "gender" in available else 0
        column = c1.selectbox(
            ctx.t("fair.control.column"),
            available,
            index=default,
            format_func=col_name,
            key="fair_column",
        )
        seconds = ("none", *[c for c in available if c != column])
        second = c2.selectbox(
            ctx.t("fair.control.second"),
            seconds,
            format_func=lambda c: ctx.t("fair.control.second_none") if c == "none" else col_name(c),
            key="fair_second",
            help=ctx.t("fair.control.second_help"),
        )
        comparison = c3.selectbox(
            ctx.t("fair.control.comparison"),
            fairness.COMPARISONS,
            format_func=lambda c: ctx.t(f"fair.comparison.{c}"),
            key="fair_comparison",
        )
        cols: tuple[str, ...] = (column,) if second == "none" else (column, second)
        what: str | tuple[str, ...] = column if len(cols) == 1 else cols
        result = fairness_data.impact(ctx.version, ctx.filters, cols, comparison)
        counts = result.counts
        if counts.empty:
            st.warning(ctx.t("fair.empty"), icon=":material/filter_alt:")
        else:
            table = result.table
            missing = result.missing
            first = missing.iloc[0]
            names = " / ".join(col_name(c) for c in cols)
            st.info(
                ctx.t(
                    "fair.missing",
                    n=fmt_num(int(missing.missing.max()), lang),
                    col=names,
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
                block(
                    "impact",
                    fc.impact_chart(table, what, lang, title=titled(take), footnote=footnote),
                    take,
                    audit_display(table, what, comparison),
                )
            else:
                steps = table.drop_duplicates(["stage_order", "stage", "touchpoint"])
                step_keys = [f"{r.stage}|{r.touchpoint}" for r in steps.itertuples()]
                step_names = {
                    f"{r.stage}|{r.touchpoint}": fc.step_label(r, lang) for r in steps.itertuples()
                }
                chosen = st.selectbox(
                    ctx.t("fair.control.step"),
                    step_keys,
                    format_func=lambda k: step_names[k],
                    key="fair_step",
                )
                stage, tp = chosen.split("|", 1)
                one = table[(table.stage == stage) & (table.touchpoint == tp)]
                take_one = fc.takeaway_impact(one, what, lang)
                st.markdown(f":material/grid_on: {take}")
                block(
                    "intersection",
                    fc.intersection_chart(
                        one, cols, lang, title=titled(take_one), footnote=footnote
                    ),
                    take_one,
                    audit_display(one, what, comparison),
                )

            # Automated vs human steps, side by side
            st.subheader(ctx.t("fair.tp.header"))
            st.caption(ctx.t("fair.tp.caption"))
            pooled = result.pooled
            summary = fairness.touchpoint_summary(pooled)
            take = fc.takeaway_touchpoints(summary, what, lang)
            wide = fairness.side_by_side(pooled)
            wide_shown = pd.DataFrame({ctx.t("fair.table.group"): []})
            if not wide.empty:
                data = {
                    ctx.t("fair.table.group"): [fc.group_label(what, g, lang) for g in wide.group]
                }
                for tpn in ("automated", "human"):
                    if f"{tpn}_rate" not in wide:
                        continue
                    name = fc.touchpoint_label(tpn, lang)
                    data[f"{name}: {ctx.t('fair.table.applicants')}"] = wide[f"{tpn}_applicants"]
                    data[f"{name}: {ctx.t('fair.table.rate')}"] = [
                        fmt_pct(x, lang) for x in wide[f"{tpn}_rate"]
                    ]
                    data[f"{name}: {ctx.t('fair.table.ir')}"] = [
                        ir_text(x) for x in wide[f"{tpn}_impact_ratio"]
                    ]
                    data[f"{name}: {ctx.t('fair.table.flag')}"] = [
                        ctx.t("fair.flag.yes") if f is True else ""
                        for f in wide[f"{tpn}_four_fifths"]
                    ]
                    data[f"{name}: {ctx.t('fair.table.p_adj')}"] = [
                        fmt_p(p, lang) for p in wide[f"{tpn}_p_adjusted"]
                    ]
                wide_shown = pd.DataFrame(data)
            gaps = result.gaps
            if not gaps.empty and not wide_shown.empty:
                by_group = gaps.set_index("group")
                shown_groups = list(wide.group)
                wide_shown[ctx.t("fair.table.or_automated")] = [
                    ir_text(by_group.or_automated.get(g, math.nan)) for g in shown_groups
                ]
                wide_shown[ctx.t("fair.table.or_human")] = [
                    ir_text(by_group.or_human.get(g, math.nan)) for g in shown_groups
                ]
                wide_shown[ctx.t("fair.table.gap_p")] = [
                    fmt_p(by_group.p_adjusted.get(g, math.nan), lang) for g in shown_groups
                ]
                wide_shown[ctx.t("fair.table.gap_finding")] = [
                    ctx.t(f"fair.finding.{by_group.finding.get(g, 'too_few')}")
                    for g in shown_groups
                ]
            block(
                "touchpoints",
                fc.touchpoint_chart(pooled, what, lang, title=titled(take), footnote=footnote),
                take + " " + fc.takeaway_gaps(gaps, what, lang),
                wide_shown,
            )

            # Export for compliance
            st.subheader(ctx.t("fair.export.header"))
            st.caption(ctx.t("fair.export.caption", k=PRIVACY_THRESHOLD))
            audit = fairness.audit_table(table, missing, lang, comparison=comparison)
            audit.insert(0, "group_column", names)
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
                key="fair_export_csv",
            )
            e2.download_button(
                ctx.t("fair.export.xlsx"),
                data=to_excel_bytes(audit, sheet_name="bias audit"),
                file_name=f"aivshi_bias_audit_{slug}.xlsx",
                mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                icon=":material/download:",
                key="fair_export_xlsx",
            )

# ---------------------------------------------------------------------------------------------
# Career switchers
# ---------------------------------------------------------------------------------------------
with tabs[1]:
    st.caption(ctx.t("fair.switchers.caption"))
    if "career_switcher" not in fairness_data.columns(ctx.version):
        st.warning(ctx.t("fair.switchers.no_column"), icon=":material/info:")
    else:
        sw_counts = fairness_data.step_counts(ctx.version, ctx.filters, ("career_switcher",))
        rates = fairness.switcher_pass_rates(sw_counts)
        if rates.empty:
            st.warning(ctx.t("fair.empty"), icon=":material/filter_alt:")
        else:
            take = fc.takeaway_switchers(rates, lang)
            sw_table = pd.DataFrame(
                {
                    ctx.t("fair.table.step"): [
                        ctx.t(
                            "fair.switchers.all_steps", tp=fc.touchpoint_label(r.touchpoint, lang)
                        )
                        if r.scope == "all"
                        else fc.step_label(
                            sw_counts[
                                (sw_counts.stage == r.scope)
                                & (sw_counts.touchpoint == r.touchpoint)
                            ].iloc[0],
                            lang,
                        )
                        for r in rates.itertuples()
                    ],
                    ctx.t("fair.switchers.switchers"): [
                        f"{fmt_pct(x, lang)} (n = {fmt_num(n, lang)})"
                        for x, n in zip(rates.rate_switchers, rates.n_switchers, strict=True)
                    ],
                    ctx.t("fair.switchers.others"): [
                        f"{fmt_pct(x, lang)} (n = {fmt_num(n, lang)})"
                        for x, n in zip(rates.rate_others, rates.n_others, strict=True)
                    ],
                    ctx.t("fair.table.diff"): [
                        f"{fmt_pct(d, lang)} ({fmt_pct(lo, lang)} – {fmt_pct(hi, lang)})"
                        for d, lo, hi in zip(
                            rates["diff"], rates.diff_low, rates.diff_high, strict=True
                        )
                    ],
                    ctx.t("fair.table.ir"): [ir_text(x) for x in rates.impact_ratio],
                    ctx.t("fair.table.p"): [
                        f"{fmt_p(p, lang)} ({test_name(tt)})"
                        for p, tt in zip(rates.p_value, rates.test, strict=True)
                    ],
                    ctx.t("fair.table.finding"): [
                        ctx.t(f"fair.finding.{f}") for f in rates.finding
                    ],
                }
            )
            block(
                "switchers",
                fc.switcher_chart(rates, lang, title=titled(take), footnote=footnote),
                take,
                sw_table,
            )
        st.subheader(ctx.t("fair.quality.header"))
        st.caption(ctx.t("fair.quality.caption"))
        qual = fairness_data.switcher_quality(ctx.version, ctx.filters, ctx.info.as_of)
        take = fc.takeaway_switcher_quality(qual, lang)
        q_table = pd.DataFrame(
            {
                ctx.t("fair.quality.component"): [
                    ctx.t(f"fair.quality.{c}") for c in qual.component
                ],
                ctx.t("fair.switchers.switchers_hired"): [
                    f"{fmt_num(v, lang, 1)} (n = {fmt_num(n, lang)})"
                    for v, n in zip(qual.switchers, qual.n_switchers, strict=True)
                ],
                ctx.t("fair.switchers.others_hired"): [
                    f"{fmt_num(v, lang, 1)} (n = {fmt_num(n, lang)})"
                    for v, n in zip(qual.others, qual.n_others, strict=True)
                ],
                ctx.t("fair.table.diff"): [
                    f"{fmt_num(d, lang, 1)} ({fmt_num(lo, lang, 1)} – {fmt_num(hi, lang, 1)})"
                    for d, lo, hi in zip(qual["diff"], qual.diff_low, qual.diff_high, strict=True)
                ],
                ctx.t("fair.table.p"): [
                    f"{fmt_p(p, lang)} ({test_name(tt)})"
                    for p, tt in zip(qual.p_value, qual.test, strict=True)
                ],
                ctx.t("fair.table.finding"): [ctx.t(f"fair.finding.{f}") for f in qual.finding],
            }
        )
        block(
            "switcher_quality",
            fc.switcher_quality_chart(qual, lang, title=titled(take), footnote=footnote),
            take,
            q_table,
        )

# ---------------------------------------------------------------------------------------------
# Any two-group comparison
# ---------------------------------------------------------------------------------------------
with tabs[2]:
    st.caption(ctx.t("fair.two.caption"))
    sources = (*fairness.APP_TABLES, "upload")
    source = st.radio(
        ctx.t("fair.two.source"),
        sources,
        format_func=lambda s: ctx.t(f"fair.two.source.{s}"),
        horizontal=True,
        key="fair_two_source",
    )
    upload = None
    columns_avail: list[str] = []
    if source == "upload":
        file = st.file_uploader(
            ctx.t("fair.two.upload"),
            type=["csv", "txt", "tsv", "xlsx"],
            key="fair_two_file",
            help=ctx.t("fair.two.upload_help"),
        )
        if file is None:
            fairness_data.forget_upload()
            st.info(ctx.t("fair.two.upload_prompt"), icon=":material/upload_file:")
        else:
            try:
                upload = fairness_data.read_uploaded(file.getvalue(), file.name, file.file_id)
            except fairness_data.IngestError as e:
                st.error(e.problem.text(lang), icon=":material/error:")
            else:
                columns_avail = fairness_data.upload_columns(upload)
                if len(columns_avail) < 2:
                    st.error(
                        ctx.t("fair.two.too_few_columns", file=upload.name), icon=":material/error:"
                    )
                    columns_avail = []
                else:
                    st.caption(
                        ctx.t(
                            "fair.two.upload_read",
                            file=upload.name,
                            rows=fmt_num(len(upload.frame), lang),
                            cols=fmt_num(len(columns_avail), lang),
                        )
                    )
    else:
        columns_avail = fairness_data.app_table_columns(ctx.version, source)

    def two_col(column: str) -> str:
        """Column names of the app's tables in words; uploaded columns as written."""
        return col_name(column) if upload is None else column

    def two_value(column: str, value: str) -> str:
        if upload is None and column in fairness.GROUP_COLUMNS:
            return fc.group_label(column, value, lang)
        return value

    def levels(column: str) -> pd.DataFrame:
        if upload is not None:
            return fairness_data.upload_levels(upload, column)
        return fairness_data.app_levels(ctx.version, ctx.filters, source, column)

    if columns_avail:
        g1, g2 = st.columns(2)
        group_col = g1.selectbox(
            ctx.t("fair.two.group"), columns_avail, format_func=two_col, key="fair_two_group"
        )
        outcome_opts = [c for c in columns_avail if c != group_col]
        default_outcome = next(
            (outcome_opts.index(c) for c in ("accepted", "status", "outcome") if c in outcome_opts),
            0,
        )
        outcome_col = g2.selectbox(
            ctx.t("fair.two.outcome"),
            outcome_opts,
            index=default_outcome,
            format_func=two_col,
            key="fair_two_outcome",
        )
        group_levels = levels(group_col)
        outcome_levels = levels(outcome_col)
        if len(group_levels) < 2:
            st.warning(ctx.t("fair.two.need_groups", col=group_col), icon=":material/info:")
        elif len(group_levels) > fairness.MAX_LEVELS or len(outcome_levels) > fairness.MAX_LEVELS:
            st.warning(
                ctx.t("fair.two.too_many_levels", k=fairness.MAX_LEVELS), icon=":material/info:"
            )
        elif len(outcome_levels) < 1:
            st.warning(ctx.t("fair.two.no_outcome", col=outcome_col), icon=":material/info:")
        else:
            values = group_levels.value.tolist()
            if upload is None and group_col == "pipeline":  # the fixed pipeline order
                values = list(ordered_pipelines(values))
            a1, a2, a3 = st.columns(3)
            group_a = a1.selectbox(
                ctx.t("fair.two.group_a"),
                values,
                index=0,
                format_func=lambda v: two_value(group_col, v),
                key="fair_two_a",
            )
            group_b = a2.selectbox(
                ctx.t("fair.two.group_b"),
                [v for v in values if v != group_a],
                index=0,
                format_func=lambda v: two_value(group_col, v),
                key="fair_two_b",
            )
            outcome_values = outcome_levels.value.tolist()
            yes_default = [
                v
                for v in outcome_values
                if v.lower() in ("yes", "true", "1", "hired", "ja", "admitted", "accepted")
            ][:1] or outcome_values[:1]
            yes_values = a3.multiselect(
                ctx.t("fair.two.yes", col=two_col(outcome_col)),
                outcome_values,
                default=yes_default,
                # one widget per table and outcome column, so its default applies to each
                key=f"fair_two_yes_{source}_{outcome_col}",
                help=ctx.t("fair.two.yes_help"),
            )
            strat_opts = ["none", *[c for c in columns_avail if c not in (group_col, outcome_col)]]
            stratum = st.selectbox(
                ctx.t("fair.two.stratum"),
                strat_opts,
                format_func=lambda c: ctx.t("fair.two.stratum_none") if c == "none" else two_col(c),
                key="fair_two_stratum",
                help=ctx.t("fair.two.stratum_help"),
            )
            stratum_col = None if stratum == "none" else stratum
            if not yes_values:
                st.warning(ctx.t("fair.two.pick_yes"), icon=":material/info:")
            else:
                if upload is not None:
                    counts2 = fairness_data.upload_two_group_counts(
                        upload, group_col, outcome_col, stratum_col
                    )
                    min_group = 1  # the user's own table, shown as uploaded (not stored)
                else:
                    counts2 = fairness_data.app_two_group_counts(
                        ctx.version, ctx.filters, source, group_col, outcome_col, stratum_col
                    )
                    min_group = PRIVACY_THRESHOLD
                try:
                    res = fairness.compare_two_groups(
                        counts2,
                        group_a=group_a,
                        group_b=group_b,
                        yes_values=yes_values,
                        min_group=min_group,
                    )
                except fairness.FairnessError as e:
                    st.warning(ctx.t("fair.two.unusable", detail=str(e)), icon=":material/info:")
                    res = None
                if res is not None and res.small:
                    st.info(ctx.t("fair.two.too_few", k=PRIVACY_THRESHOLD), icon=":material/lock:")
                elif res is not None:
                    c = res.comparison
                    names = (two_value(group_col, group_a), two_value(group_col, group_b))
                    m1, m2, m3, m4 = st.columns(4)
                    for box, name, p, ci, n in (
                        (m1, names[0], c.p1, res.ci_a, c.n1),
                        (m2, names[1], c.p2, res.ci_b, c.n2),
                    ):
                        box.metric(ctx.t("fair.two.rate_of", group=name), fmt_pct(p, lang))
                        box.caption(
                            ctx.t(
                                "fair.two.ci_n",
                                low=fmt_pct(ci.low, lang),
                                high=fmt_pct(ci.high, lang),
                                n=fmt_num(n, lang),
                            )
                        )
                    m3.metric(ctx.t("fair.table.diff"), fmt_pct(c.diff, lang))
                    m3.caption(
                        ctx.t(
                            "fair.two.ci",
                            low=fmt_pct(c.ci.low, lang),
                            high=fmt_pct(c.ci.high, lang),
                        )
                    )
                    m4.metric(ctx.t("fair.table.ir"), ir_text(res.impact_ratio))
                    m4.caption(
                        ctx.t(
                            "fair.two.rr",
                            rr=ir_text(c.risk_ratio),
                            low=ir_text(c.risk_ratio_ci.low),
                            high=ir_text(c.risk_ratio_ci.high),
                        )
                    )
                    st.caption(
                        ctx.t(
                            "fair.two.test",
                            test=ctx.t(f"test.{c.test}"),
                            p=fmt_p(c.p_value, lang),
                            odds=ir_text(c.odds_ratio),
                            missing=fmt_num(res.missing, lang),
                        )
                    )
                    take = fc.takeaway_two_groups(res, names, lang)
                    strata_frame = fairness.strata_table(res, min_group=min_group)
                    table2 = pd.DataFrame(
                        {
                            ctx.t("fair.two.stratum_col"): strata_frame.stratum,
                            f"{names[0]}: n": strata_frame.n_a,
                            f"{names[0]}: %": [fmt_pct(x, lang) for x in strata_frame.rate_a],
                            f"{names[1]}: n": strata_frame.n_b,
                            f"{names[1]}: %": [fmt_pct(x, lang) for x in strata_frame.rate_b],
                        }
                    )
                    block(
                        "two_groups",
                        fc.two_group_chart(
                            res,
                            names,
                            lang,
                            title=titled(take),
                            footnote=footnote if upload is None else "",
                            x_title=two_col(stratum_col) if stratum_col else "",
                            colors=(
                                (pipeline_color(group_a), pipeline_color(group_b))
                                if upload is None and group_col == "pipeline"
                                else None
                            ),
                        ),
                        take,
                        table2,
                    )
                    if res.mh is not None:
                        mh = res.mh
                        st.subheader(ctx.t("fair.two.adjusted_header", by=two_col(stratum)))
                        side = pd.DataFrame(
                            {
                                "": [ctx.t("fair.two.crude"), ctx.t("fair.two.adjusted")],
                                ctx.t("fair.two.or"): [
                                    ir_text(mh.crude_odds_ratio),
                                    ir_text(mh.odds_ratio),
                                ],
                                ctx.t("fair.two.ci_col"): [
                                    f"{ir_text(mh.crude_ci.low)} – {ir_text(mh.crude_ci.high)}",
                                    f"{ir_text(mh.ci.low)} – {ir_text(mh.ci.high)}",
                                ],
                                ctx.t("fair.table.p"): [
                                    fmt_p(mh.crude_p_value, lang),
                                    fmt_p(mh.p_value, lang),
                                ],
                            }
                        )
                        st.dataframe(side, hide_index=True)
                        sentence = fc.takeaway_adjusted(res, two_col(stratum), lang)
                        if mh.reversal:
                            st.warning(sentence, icon=":material/call_split:")
                        else:
                            st.markdown(f":material/insights: {sentence}")
                        if math.isfinite(mh.homogeneity_p) and mh.homogeneity_p < 0.05:
                            st.info(
                                ctx.t(
                                    "fair.two.heterogeneous",
                                    by=two_col(stratum),
                                    hp=fmt_p(mh.homogeneity_p, lang),
                                ),
                                icon=":material/stacked_bar_chart:",
                            )
                        st.caption(
                            ctx.t(
                                "fair.two.mh_method",
                                strata=mh.n_strata,
                                hp=fmt_p(mh.homogeneity_p, lang),
                            )
                        )
