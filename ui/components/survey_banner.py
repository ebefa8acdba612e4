"""The survey page's main tab: one question by one grouping, as charts and a banner table with
column letters, tests, rank comparisons and a download.

Holds widgets: ``{key}_q_<sid>`` and ``{key}_banner_<sid>`` (question and grouping), the
download ``{key}_dl_banner``; the charts are keyed ``{key}_dist`` and ``{key}_summary``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pandas as pd
import streamlit as st

from analytics.charts import survey as sc
from analytics.domain import DIMENSIONS, PRIVACY_THRESHOLD
from analytics.i18n import fmt_num, fmt_p, fmt_pct
from analytics.metrics import survey
from analytics.report.export import to_csv_bytes
from analytics.report.tables import display_table
from ui import survey_data
from ui.components import widgets
from ui.components.survey_labels import SurveyLabels
from ui.safe import md

DISTRIBUTION_KINDS = ("likert", "binary", "nps", "single", "multi")
SUMMARY_KINDS = ("likert", "binary", "nps", "numeric")


def banner_tab(
    labels: SurveyLabels,
    *,
    survey_id: str,
    spec: survey.WeightSpec | None,
    grouping_keys: list[str],
    key: str,
) -> None:
    ctx, sid, qmap = labels.ctx, survey_id, labels.questions
    analysable = [q for q in qmap.values() if q.kind != "text"]
    if not analysable:
        st.info(ctx.t("survey.no_questions"))
        return
    c1, c2 = st.columns(2)
    qid = c1.selectbox(
        ctx.t("survey.question"),
        [q.question_id for q in analysable],
        format_func=lambda x: f"{qmap[x].text} ({ctx.t(f'survey.kind.{qmap[x].kind}')})",
        key=f"{key}_q_{sid}",
    )
    bkey = c2.selectbox(
        ctx.t("survey.banner"),
        [g for g in grouping_keys if g != f"q:{qid}"],
        format_func=labels.banner_name,
        key=f"{key}_banner_{sid}",
    )
    q = qmap[qid]
    try:
        b = survey_data.banner(ctx.version, sid, ctx.filters, qid, bkey, spec, labels.order(bkey))
    except survey.SurveyAnalysisError as e:
        st.error(ctx.t("survey.failed", message=md(str(e))), icon=":material/error:")
        st.stop()
    names = labels.group_names(bkey, b.columns)
    for group, letter in b.letter_of.items():
        names[group] = f"{names[group]} ({letter})"
    _charts(labels, q, b, names, key=key)
    st.subheader(ctx.t("survey.banner_table"))
    table = banner_table(labels, q, b, names)
    # the answer labels are the survey's own words: shown exactly as written
    shown = display_table(table, ctx.lang, text_columns=(ctx.t("survey.col.answer"),))
    st.dataframe(shown, hide_index=True, width="stretch", height=36 * (len(table) + 1) + 4)
    st.download_button(
        ctx.t("survey.download_banner"),
        data=to_csv_bytes(labels.labelled(table)),
        file_name=f"aivshi_survey_banner_{qid}.csv",
        mime="text/csv",
        icon=":material/download:",
        key=f"{key}_dl_banner",
    )
    st.caption(ctx.t("survey.letters_help"))
    _tests(labels, q, b, names)
    st.caption(ctx.t("survey.tests_weighted" if b.weighted else "survey.tests"))
    st.caption(ctx.t("survey.family"))
    if bkey == "pipeline" or bkey in DIMENSIONS:
        st.caption(ctx.t("survey.total_note"))


def _charts(
    labels: SurveyLabels,
    q: survey.QuestionInfo,
    b: survey.Banner,
    names: dict[str, str],
    *,
    key: str,
) -> None:
    """The distribution (by kind of question) and the summary chart, under the question text."""
    ctx, lang = labels.ctx, labels.ctx.lang
    take = sc.takeaway(b, names, lang)
    title = widgets.titled(take)
    note = widgets.wrap(
        widgets.footnote(ctx)
        + " "
        + ctx.t("survey.chart.note_weighted" if b.weighted else "survey.chart.note"),
        150,
    )
    st.markdown(f"**{md(q.text)}**")
    if b.summaries[survey.TOTAL].suppressed:
        st.caption(ctx.t("privacy.survey.total_hidden", k=PRIVACY_THRESHOLD))
    if b.suppressed_groups:
        st.caption(
            ctx.t(
                "survey.suppressed",
                k=PRIVACY_THRESHOLD,
                groups=md(", ".join(names[g] for g in b.suppressed_groups)),
            )
        )
    if q.kind in DISTRIBUTION_KINDS and b.categories:
        builder = {
            "likert": sc.likert_chart,
            "binary": sc.likert_chart,
            "nps": sc.nps_chart,
        }.get(q.kind, sc.shares_chart)
        st.markdown(f":material/insights: {md(take)}")
        widgets.plotly_chart(builder(b, names, lang, title=title, footnote=note), key=f"{key}_dist")
    if q.kind in SUMMARY_KINDS:
        metric = {
            "likert": "survey.metric.top_box",
            "binary": "survey.metric.top_box",
            "nps": "survey.metric.nps",
        }.get(q.kind, "survey.metric.mean")
        widgets.plotly_chart(
            sc.summary_chart(
                b,
                names,
                lang,
                title=widgets.titled(ctx.t(metric, top=b.top_box_label)),
                footnote=note,
            ),
            key=f"{key}_summary",
        )


def banner_table(
    labels: SurveyLabels, q: survey.QuestionInfo, b: survey.Banner, names: dict[str, str]
) -> pd.DataFrame:
    """Shares per answer and group (with column letters), then n, top box, mean, NPS, margin."""
    ctx, lang = labels.ctx, labels.ctx.lang
    shown = [c for c in b.columns if not b.summaries[c].suppressed]
    col_names = {c: names[c] for c in shown}
    rows: list[dict[str, str]] = []
    answer_col = ctx.t("survey.col.answer")
    for cat in b.categories:
        row = {answer_col: cat}
        for c in shown:
            share = b.shares.at[cat, c]
            text = fmt_pct(float(share), lang) if pd.notna(share) else ""
            if c in b.letters.columns and b.letters.at[cat, c]:
                text += f" {b.letters.at[cat, c]}"
            row[col_names[c]] = text
        rows.append(row)

    def stat_row(name: str, fn: Callable[[survey.ColumnSummary], str]) -> None:
        row = {answer_col: name}
        for c in shown:
            row[col_names[c]] = fn(b.summaries[c])
        rows.append(row)

    stat_row(ctx.t("survey.row.n"), lambda s: fmt_num(s.n, lang))
    if b.weighted:
        stat_row(ctx.t("survey.row.n_eff"), lambda s: fmt_num(s.n_eff, lang))
    if q.kind in ("likert", "binary"):
        stat_row(
            ctx.t("survey.row.top_box", top=b.top_box_label),
            lambda s: (
                f"{fmt_pct(s.top_box, lang)} ({fmt_pct(s.top_box_ci.low, lang)}"
                f" – {fmt_pct(s.top_box_ci.high, lang)})"
            ),
        )
    if q.kind in SUMMARY_KINDS:
        stat_row(
            ctx.t("survey.row.mean"),
            lambda s: (
                f"{fmt_num(s.mean, lang, 2)} ({fmt_num(s.mean_ci.low, lang, 2)}"
                f" – {fmt_num(s.mean_ci.high, lang, 2)})"
                if math.isfinite(s.mean)
                else ""
            ),
        )
    if q.kind == "nps":
        stat_row(
            ctx.t("survey.row.nps"),
            lambda s: (
                f"{fmt_num(s.nps.nps, lang)} ({fmt_num(s.nps.ci.low, lang)}"
                f" – {fmt_num(s.nps.ci.high, lang)})"
                if s.nps is not None
                else ""
            ),
        )
    stat_row(ctx.t("survey.row.moe"), lambda s: "± " + fmt_pct(s.moe, lang))
    return pd.DataFrame(rows)


def _tests(
    labels: SurveyLabels, q: survey.QuestionInfo, b: survey.Banner, names: dict[str, str]
) -> None:
    """The chi-square test of the table, or why there is none, and the rank comparisons."""
    ctx, lang = labels.ctx, labels.ctx.lang
    tst = b.test
    if tst is not None and tst.test != "none":
        st.markdown(
            ctx.t(
                "survey.chi2",
                chi2=fmt_num(tst.statistic, lang, 2),
                df=tst.dof,
                p=fmt_p(tst.p_value, lang),
                v=fmt_num(tst.cramers_v, lang, 3),
                n=fmt_num(tst.n, lang),
            )
        )
        if tst.share_expected_below_5 > 0.2:
            st.caption(
                ctx.t("survey.chi2_small", share=fmt_pct(tst.share_expected_below_5, lang, 0))
            )
    elif q.kind == "multi":
        st.caption(ctx.t("survey.multi_note"))
    elif len(b.shown_groups) < 2:
        st.caption(ctx.t("survey.take.too_few"))
    if not b.rank_pairs:
        return
    rank_rows = [
        {
            ctx.t("survey.rank.pair"): ctx.t("survey.rank.versus", x=names[r.x], y=names[r.y]),
            ctx.t("survey.rank.prob"): f"{fmt_pct(r.prob_superiority, lang)} "
            f"({fmt_pct(r.prob_superiority_ci.low, lang)} – "
            f"{fmt_pct(r.prob_superiority_ci.high, lang)})",
            ctx.t("survey.rank.bm"): fmt_p(r.brunner_munzel_p_holm, lang),
            ctx.t("survey.rank.mw"): fmt_p(r.mann_whitney_p, lang)
            if math.isfinite(r.mann_whitney_p)
            else ctx.t("survey.rank.mw_weighted"),
        }
        for r in b.rank_pairs
    ]
    st.markdown(f"**{ctx.t('survey.rank.title')}**")
    rank_table = pd.DataFrame(rank_rows)
    pair_col = (ctx.t("survey.rank.pair"),)
    st.dataframe(
        display_table(rank_table, lang, text_columns=pair_col), hide_index=True, width="stretch"
    )
    st.caption(ctx.t("survey.rank.help"))
