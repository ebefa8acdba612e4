"""The survey page's other reading tabs: every headline question at a glance by one grouping,
and the free-text answers by group with a search.

Holds widgets: ``{key}_ov_banner_<sid>``, ``{key}_dl_overview``; ``{key}_tq_<sid>``,
``{key}_tb_<sid>``, ``{key}_search_<sid>``, ``{key}_tg_<sid>_<grouping>``, ``{key}_dl_text``.
"""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from analytics.domain import PRIVACY_THRESHOLD
from analytics.i18n import fmt_num, fmt_p, fmt_pct
from analytics.metrics import survey
from analytics.report.export import to_csv_bytes
from analytics.report.tables import display_table
from ui import survey_data
from ui.components.survey_labels import SurveyLabels
from ui.safe import md


def overview_tab(
    labels: SurveyLabels,
    *,
    survey_id: str,
    spec: survey.WeightSpec | None,
    grouping_keys: list[str],
    key: str,
) -> None:
    ctx, sid = labels.ctx, survey_id
    headline_qs = [q for q in labels.questions.values() if q.kind in survey.HEADLINE_KINDS]
    if not headline_qs:
        st.info(ctx.t("survey.overview.none"))
        return
    okey = st.selectbox(
        ctx.t("survey.banner"),
        grouping_keys,
        format_func=labels.banner_name,
        key=f"{key}_ov_banner_{sid}",
        width=480,
    )
    banners = []
    for hq in headline_qs:
        if okey == f"q:{hq.question_id}":
            continue
        try:
            banners.append(
                survey_data.banner(
                    ctx.version, sid, ctx.filters, hq.question_id, okey, spec, labels.order(okey)
                )
            )
        except survey.SurveyAnalysisError as e:
            st.error(ctx.t("survey.failed", message=md(str(e))), icon=":material/error:")
            break
    rows = survey.headline_rows(banners)
    if not rows:
        return
    overview = headline_table(labels, rows, okey)
    st.dataframe(
        # the question texts are the survey's own words: shown exactly as written
        display_table(overview, ctx.lang, text_columns=(ctx.t("survey.question"),)),
        hide_index=True,
        width="stretch",
        column_config={
            ctx.t("survey.question"): st.column_config.TextColumn(width="medium"),
            ctx.t("survey.overview.measure"): st.column_config.TextColumn(width="small"),
        },
    )
    st.download_button(
        ctx.t("survey.overview.download"),
        data=to_csv_bytes(labels.labelled(overview)),
        file_name="aivshi_survey_overview.csv",
        mime="text/csv",
        icon=":material/download:",
        key=f"{key}_dl_overview",
    )
    st.caption(ctx.t("survey.overview.help"))


def headline_table(
    labels: SurveyLabels, rows: list[survey.HeadlineRow], banner_key: str
) -> pd.DataFrame:
    """One row per headline question: its measure per group, the test and the verdict."""
    ctx, lang = labels.ctx, labels.ctx.lang
    shown_cols = [c for c in rows[0].values if not math.isnan(rows[0].values[c])]
    names = labels.group_names(banner_key, list(rows[0].values))
    records = []
    for r in rows:
        rec = {
            ctx.t("survey.question"): r.question.text,
            ctx.t("survey.overview.measure"): ctx.t(f"survey.overview.metric.{r.metric}"),
        }
        for c in shown_cols:
            v = r.values.get(c, math.nan)
            if math.isnan(v):
                rec[names[c]] = ""
            elif r.metric == "top_box":
                rec[names[c]] = fmt_pct(v, lang)
            elif r.metric == "nps":
                rec[names[c]] = fmt_num(v, lang)
            else:
                rec[names[c]] = fmt_num(v, lang, 2)
        rec[ctx.t("survey.overview.test")] = ctx.t(f"survey.overview.test.{r.test}")
        rec[ctx.t("survey.overview.p")] = fmt_p(r.p_holm, lang) if r.test != "none" else ""
        rec[ctx.t("survey.overview.finding")] = ctx.t(f"survey.overview.verdict.{r.verdict}")
        records.append(rec)
    return pd.DataFrame(records)


def free_text_tab(
    labels: SurveyLabels, *, survey_id: str, grouping_keys: list[str], key: str
) -> None:
    ctx, sid, qmap = labels.ctx, survey_id, labels.questions
    text_qs = [q for q in qmap.values() if q.kind == "text"]
    if not text_qs:
        st.info(ctx.t("survey.text.none"))
        return
    c1, c2, c3 = st.columns(3)
    tq = c1.selectbox(
        ctx.t("survey.question"),
        [q.question_id for q in text_qs],
        format_func=lambda x: qmap[x].text,
        key=f"{key}_tq_{sid}",
    )
    tb = c2.selectbox(
        ctx.t("survey.banner"),
        grouping_keys,
        format_func=labels.banner_name,
        key=f"{key}_tb_{sid}",
    )
    search = c3.text_input(ctx.t("survey.text.search"), key=f"{key}_search_{sid}")
    answers, hidden = survey_data.free_text(
        ctx.version, sid, ctx.filters, tq, tb, search, tuple(grouping_keys)
    )
    names = labels.group_names(tb, sorted(set(answers.grp)))
    present = list(dict.fromkeys(answers.grp))
    pick = st.multiselect(
        ctx.t("survey.text.groups"),
        present,
        format_func=lambda g: names.get(g, g),
        key=f"{key}_tg_{sid}_{tb}",
    )
    if pick:
        answers = answers[answers.grp.isin(pick)]
    out = pd.DataFrame(
        {
            ctx.t("survey.text.col.group"): [names.get(g, g) for g in answers.grp],
            ctx.t("survey.text.col.answer"): answers.answer.to_numpy(),
        }
    )
    st.caption(ctx.t("survey.text.count", n=fmt_num(len(out), ctx.lang)))
    shown = display_table(out.head(1000), ctx.lang, text_columns=tuple(out.columns))
    st.dataframe(shown, hide_index=True, width="stretch")
    if hidden:
        st.caption(ctx.t("privacy.survey.text_hidden", k=PRIVACY_THRESHOLD))
    st.download_button(
        ctx.t("survey.text.download"),
        data=to_csv_bytes(labels.labelled(out)),
        file_name=f"aivshi_survey_text_{tq}.csv",
        mime="text/csv",
        icon=":material/download:",
        key=f"{key}_dl_text",
    )
