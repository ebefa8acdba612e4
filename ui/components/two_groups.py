"""The fairness page's general two-group comparison: any two groups of any column, on the
app's tables or on an uploaded file, crude and (by a stratum) Mantel-Haenszel adjusted.

Holds widgets: ``{key}_source``, ``{key}_file``, ``{key}_group``, ``{key}_outcome``, ``{key}_a``,
``{key}_b``, ``{key}_yes_<source>_<outcome>``, ``{key}_stratum``. An uploaded table stays in the
session (``ui.fairness_data``), never in the app's database.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from analytics.charts import fairness as fc
from analytics.charts import pipeline_color
from analytics.domain import PRIVACY_THRESHOLD, ordered_pipelines
from analytics.i18n import fmt_num, fmt_p, fmt_pct
from analytics.metrics import fairness
from analytics.report.tables import display_table, interval_cell
from ui import cache, fairness_data
from ui.components import widgets
from ui.components.fairness_tables import col_name, ir_text
from ui.context import PageContext
from ui.safe import md

YES_WORDS = ("yes", "true", "1", "hired", "ja", "admitted", "accepted")


@dataclass(frozen=True)
class _Source:
    """Where the table comes from: one of the app's tables, or an upload."""

    ctx: PageContext
    table: str
    upload: fairness_data.Upload | None

    def column(self, column: str) -> str:
        """Column names of the app's tables in words; uploaded columns as written."""
        return col_name(self.ctx, column) if self.upload is None else column

    def value(self, column: str, value: str) -> str:
        if self.upload is None and column in fairness.GROUP_COLUMNS:
            return fc.group_label(column, value, self.ctx.lang)
        return value

    def levels(self, column: str) -> pd.DataFrame:
        if self.upload is not None:
            return fairness_data.upload_levels(self.upload, column)
        return cache.app_levels(self.ctx.version, self.ctx.filters, self.table, column)

    def counts(self, group: str, outcome: str, stratum: str | None) -> pd.DataFrame:
        if self.upload is not None:
            return fairness_data.upload_two_group_counts(
                self.upload, group=group, outcome=outcome, stratum=stratum
            )
        return cache.app_two_group_counts(
            self.ctx.version,
            self.ctx.filters,
            self.table,
            group=group,
            outcome=outcome,
            stratum=stratum,
        )


@dataclass(frozen=True)
class _Choice:
    group_col: str
    outcome_col: str
    group_a: str
    group_b: str
    yes_values: tuple[str, ...]
    stratum: str | None


def two_group_tool(ctx: PageContext, *, key: str) -> None:
    st.caption(ctx.t("fair.two.caption"))
    table = st.radio(
        ctx.t("fair.two.source"),
        (*fairness.APP_TABLES, "upload"),
        format_func=lambda s: ctx.t(f"fair.two.source.{s}"),
        horizontal=True,
        key=f"{key}_source",
    )
    if table == "upload":
        upload, columns = _upload(ctx, key=key)
    else:
        upload, columns = None, cache.app_table_columns(ctx.version, table)
    if not columns:
        return
    source = _Source(ctx, table, upload)
    choice = _choose(ctx, source, columns, key=key)
    if choice is not None:
        _compare(ctx, source, choice)


def _upload(ctx: PageContext, *, key: str) -> tuple[fairness_data.Upload | None, list[str]]:
    """The uploaded table and its columns (none when there is no usable file)."""
    file = st.file_uploader(
        ctx.t("fair.two.upload"),
        type=["csv", "txt", "tsv", "xlsx"],
        key=f"{key}_file",
        help=ctx.t("fair.two.upload_help"),
    )
    if file is None:
        fairness_data.forget_upload()
        st.info(ctx.t("fair.two.upload_prompt"), icon=":material/upload_file:")
        return None, []
    try:
        upload = fairness_data.read_uploaded(file.getvalue(), file.name, file.file_id)
    except fairness_data.IngestError as e:
        st.error(md(e.problem.text(ctx.lang)), icon=":material/error:")
        return None, []
    columns = fairness_data.upload_columns(upload)
    if len(columns) < 2:
        st.error(ctx.t("fair.two.too_few_columns", file=md(upload.name)), icon=":material/error:")
        return upload, []
    st.caption(
        ctx.t(
            "fair.two.upload_read",
            file=md(upload.name),
            rows=fmt_num(len(upload.frame), ctx.lang),
            cols=fmt_num(len(columns), ctx.lang),
        )
    )
    return upload, columns


def _choose(ctx: PageContext, source: _Source, columns: list[str], *, key: str) -> _Choice | None:
    """The group and outcome columns, the two groups, the 'yes' values and the stratum."""
    g1, g2 = st.columns(2)
    group_col = g1.selectbox(
        ctx.t("fair.two.group"), columns, format_func=source.column, key=f"{key}_group"
    )
    outcome_opts = [c for c in columns if c != group_col]
    default_outcome = next(
        (outcome_opts.index(c) for c in ("accepted", "status", "outcome") if c in outcome_opts), 0
    )
    outcome_col = g2.selectbox(
        ctx.t("fair.two.outcome"),
        outcome_opts,
        index=default_outcome,
        format_func=source.column,
        key=f"{key}_outcome",
    )
    group_levels = source.levels(group_col)
    outcome_levels = source.levels(outcome_col)
    if len(group_levels) < 2:
        st.warning(ctx.t("fair.two.need_groups", col=md(group_col)), icon=":material/info:")
        return None
    if len(group_levels) > fairness.MAX_LEVELS or len(outcome_levels) > fairness.MAX_LEVELS:
        st.warning(ctx.t("fair.two.too_many_levels", k=fairness.MAX_LEVELS), icon=":material/info:")
        return None
    if len(outcome_levels) < 1:
        st.warning(ctx.t("fair.two.no_outcome", col=md(outcome_col)), icon=":material/info:")
        return None
    values = group_levels.value.tolist()
    if source.upload is None and group_col == "pipeline":  # the fixed pipeline order
        values = list(ordered_pipelines(values))
    a1, a2, a3 = st.columns(3)
    group_a = a1.selectbox(
        ctx.t("fair.two.group_a"),
        values,
        index=0,
        format_func=lambda v: source.value(group_col, v),
        key=f"{key}_a",
    )
    group_b = a2.selectbox(
        ctx.t("fair.two.group_b"),
        [v for v in values if v != group_a],
        index=0,
        format_func=lambda v: source.value(group_col, v),
        key=f"{key}_b",
    )
    outcome_values = outcome_levels.value.tolist()
    yes_default = [v for v in outcome_values if v.lower() in YES_WORDS][:1] or outcome_values[:1]
    yes_values = a3.multiselect(
        ctx.t("fair.two.yes", col=source.column(outcome_col)),
        outcome_values,
        default=yes_default,
        # one widget per table and outcome column, so its default applies to each
        key=f"{key}_yes_{source.table}_{outcome_col}",
        help=ctx.t("fair.two.yes_help"),
    )
    strat_opts = ["none", *[c for c in columns if c not in (group_col, outcome_col)]]
    stratum = st.selectbox(
        ctx.t("fair.two.stratum"),
        strat_opts,
        format_func=lambda c: ctx.t("fair.two.stratum_none") if c == "none" else source.column(c),
        key=f"{key}_stratum",
        help=ctx.t("fair.two.stratum_help"),
    )
    if not yes_values:
        st.warning(ctx.t("fair.two.pick_yes"), icon=":material/info:")
        return None
    return _Choice(
        group_col=group_col,
        outcome_col=outcome_col,
        group_a=group_a,
        group_b=group_b,
        yes_values=tuple(yes_values),
        stratum=None if stratum == "none" else stratum,
    )


def _compare(ctx: PageContext, source: _Source, choice: _Choice) -> None:
    """Count, compare and draw: the two rates, their difference and the adjusted answer."""
    counts = source.counts(choice.group_col, choice.outcome_col, choice.stratum)
    # the user's own table is shown as uploaded (not stored); the app's data keep the threshold
    min_group = 1 if source.upload is not None else PRIVACY_THRESHOLD
    try:
        res = fairness.compare_two_groups(
            counts,
            group_a=choice.group_a,
            group_b=choice.group_b,
            yes_values=list(choice.yes_values),
            min_group=min_group,
        )
    except fairness.FairnessError as e:
        st.warning(ctx.t("fair.two.unusable", detail=md(str(e))), icon=":material/info:")
        return
    if res.small:
        st.info(ctx.t("fair.two.too_few", k=PRIVACY_THRESHOLD), icon=":material/lock:")
        return
    names = (
        source.value(choice.group_col, choice.group_a),
        source.value(choice.group_col, choice.group_b),
    )
    _metrics(ctx, res, names)
    _chart(ctx, source, choice, res, names, min_group=min_group)
    if res.mh is not None:
        _adjusted(ctx, res, source.column(choice.stratum or ""))


def _metrics(ctx: PageContext, res: fairness.TwoGroupResult, names: tuple[str, str]) -> None:
    lang = ctx.lang
    c = res.comparison
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
    m3.caption(ctx.t("fair.two.ci", low=fmt_pct(c.ci.low, lang), high=fmt_pct(c.ci.high, lang)))
    m4.metric(ctx.t("fair.table.ir"), ir_text(res.impact_ratio, lang))
    m4.caption(
        ctx.t(
            "fair.two.rr",
            rr=ir_text(c.risk_ratio, lang),
            low=ir_text(c.risk_ratio_ci.low, lang),
            high=ir_text(c.risk_ratio_ci.high, lang),
        )
    )
    st.caption(
        ctx.t(
            "fair.two.test",
            test=ctx.t(f"test.{c.test}"),
            p=fmt_p(c.p_value, lang),
            odds=ir_text(c.odds_ratio, lang),
            missing=fmt_num(res.missing, lang),
        )
    )


def _chart(
    ctx: PageContext,
    source: _Source,
    choice: _Choice,
    res: fairness.TwoGroupResult,
    names: tuple[str, str],
    *,
    min_group: int,
) -> None:
    lang = ctx.lang
    take = fc.takeaway_two_groups(res, names, lang)
    strata = fairness.strata_table(res, min_group=min_group)
    table = pd.DataFrame(
        {
            ctx.t("fair.two.stratum_col"): strata.stratum,
            f"{names[0]}: n": strata.n_a,
            f"{names[0]}: %": [fmt_pct(x, lang) for x in strata.rate_a],
            f"{names[1]}: n": strata.n_b,
            f"{names[1]}: %": [fmt_pct(x, lang) for x in strata.rate_b],
        }
    )
    pipelines = source.upload is None and choice.group_col == "pipeline"
    fig = fc.two_group_chart(
        res,
        names,
        lang,
        title=widgets.titled(take),
        footnote=widgets.chart_footnote(ctx) if source.upload is None else "",
        x_title=source.column(choice.stratum) if choice.stratum else "",
        colors=(
            (pipeline_color(choice.group_a), pipeline_color(choice.group_b)) if pipelines else None
        ),
    )
    widgets.chart_block(ctx, "fair", "two_groups", fig, take, table)


def _adjusted(ctx: PageContext, res: fairness.TwoGroupResult, by: str) -> None:
    """Crude beside Mantel-Haenszel adjusted, the reversal warning and the homogeneity test."""
    lang = ctx.lang
    mh = res.mh
    assert mh is not None
    st.subheader(ctx.t("fair.two.adjusted_header", by=md(by)))
    side = pd.DataFrame(
        {
            "": [ctx.t("fair.two.crude"), ctx.t("fair.two.adjusted")],
            ctx.t("fair.two.or"): [
                ir_text(mh.crude_odds_ratio, lang),
                ir_text(mh.odds_ratio, lang),
            ],
            ctx.t("fair.two.ci_col"): [
                interval_cell(ir_text(mh.crude_ci.low, lang), ir_text(mh.crude_ci.high, lang)),
                interval_cell(ir_text(mh.ci.low, lang), ir_text(mh.ci.high, lang)),
            ],
            ctx.t("fair.table.p"): [fmt_p(mh.crude_p_value, lang), fmt_p(mh.p_value, lang)],
        }
    )
    st.dataframe(display_table(side, lang), hide_index=True)
    sentence = fc.takeaway_adjusted(res, by, lang)
    if mh.reversal:
        st.warning(md(sentence), icon=":material/call_split:")
    else:
        st.markdown(f":material/insights: {md(sentence)}")
    if math.isfinite(mh.homogeneity_p) and mh.homogeneity_p < 0.05:
        st.info(
            ctx.t("fair.two.heterogeneous", by=md(by), hp=fmt_p(mh.homogeneity_p, lang)),
            icon=":material/stacked_bar_chart:",
        )
    st.caption(ctx.t("fair.two.mh_method", strata=mh.n_strata, hp=fmt_p(mh.homogeneity_p, lang)))
