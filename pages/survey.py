"""Surveys: pick a survey, weight it (optional), read any question by any grouping (banner table
with tests), browse the free-text answers, and upload or manage surveys."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from analytics.charts import survey as sc
from analytics.domain import DIMENSIONS, PRIVACY_THRESHOLD
from analytics.i18n import fmt_num, fmt_p, fmt_pct, label
from analytics.metrics import survey
from analytics.report.export import to_csv_bytes
from ui import entry, survey_data, widgets
from ui.components import survey_import

ctx = entry.start()
lang = ctx.lang
version = ctx.version
footnote = widgets.footnote(ctx)

st.title(ctx.t("survey.title"))
st.caption(ctx.t("survey.intro"))

all_surveys = survey_data.surveys(version)
if all_surveys.empty:
    st.info(ctx.t("survey.none"), icon=":material/quiz:")
    survey_import.render(ctx)
    st.stop()

names_by_id = dict(zip(all_surveys.survey_id, all_surveys.name, strict=True))
ids = list(names_by_id)
if st.session_state.get("survey_pick") not in ids:
    st.session_state["survey_pick"] = ids[0]
sid = st.selectbox(
    ctx.t("survey.pick"),
    ids,
    format_func=lambda s: names_by_id[s],
    key="survey_pick",
    width=480,
)
qs = survey_data.questions(version, sid)
qmap = {q.question_id: q for q in qs}
frame = survey_data.respondents(version, sid, ctx.filters)
if frame.empty:
    st.warning(ctx.t("survey.no_respondents"), icon=":material/filter_alt:")
    survey_import.render(ctx)
    st.stop()
if not ctx.filters.is_default():
    st.caption(ctx.t("survey.filtered", n=fmt_num(len(frame), lang)))


def banner_name(key: str) -> str:
    if key.startswith("q:"):
        q = qmap[key[2:]]
        return ctx.t("survey.banner.question", text=widgets.wrap(q.text, 80).replace("<br>", " "))
    return ctx.t("survey.banner.pipeline") if key == "pipeline" else ctx.t(f"dim.{key}")


def group_names(banner_key: str, keys: list[str]) -> dict[str, str]:
    out = {survey.TOTAL: ctx.t("survey.total"), survey.NO_GROUP: ctx.t("survey.no_group")}
    for k in keys:
        if k in (survey.TOTAL, survey.NO_GROUP):
            continue
        if banner_key == "pipeline" or banner_key in DIMENSIONS:
            out[k] = label(banner_key, k, lang)
        else:
            out[k] = k
    return out


def labelled(frame: pd.DataFrame) -> pd.DataFrame:
    """Downloads of demo data say so (a last row naming them demo data)."""
    if not ctx.info.is_demo:
        return frame
    note = dict.fromkeys(frame.columns, "")
    note[frame.columns[-1]] = ctx.t("finding.demo_suffix")
    return pd.concat([frame, pd.DataFrame([note])], ignore_index=True)


grouping_keys = ["pipeline", *DIMENSIONS] + [
    f"q:{q.question_id}" for q in qs if q.kind in survey.BANNER_KINDS
]

# --- weighting ------------------------------------------------------------------------------
spec: survey.WeightSpec | None = None
use_weights = st.toggle(ctx.t("survey.weights.use"), key=f"survey_w_on_{sid}")
with st.expander(ctx.t("survey.weights.title"), icon=":material/balance:", expanded=use_weights):
    st.caption(ctx.t("survey.weights.help"))
    numeric = [f"n:{q.question_id}" for q in qs if q.kind == "numeric"]
    base_col = st.selectbox(
        ctx.t("survey.weights.base"),
        [None, *numeric],
        format_func=lambda c: ctx.t("survey.weights.base.none") if c is None else qmap[c[2:]].text,
        key=f"survey_w_base_{sid}",
        help=ctx.t("survey.weights.base.help"),
        width=480,
    )
    variables = st.multiselect(
        ctx.t("survey.weights.variables"),
        grouping_keys,
        default=["pipeline"],
        format_func=banner_name,
        key=f"survey_w_vars_{sid}",
    )
    targets = []
    for var in variables:
        sample = survey.sample_shares(frame, var)
        st.markdown(f"**{banner_name(var)}**")
        default = sample
        if not var.startswith("q:"):
            source = st.radio(
                ctx.t("survey.weights.source"),
                ["applications", "manual"],
                format_func=lambda s: ctx.t(f"survey.weights.source.{s}"),
                horizontal=True,
                key=f"survey_w_src_{sid}_{var}",
            )
            if source == "applications":
                population = survey_data.application_shares(version, var, ctx.filters)
                default = survey.population_targets(sample, population)
                absent = [lvl for lvl in population.index if lvl not in sample.index]
                if absent:
                    st.caption(
                        ctx.t(
                            "survey.weights.absent",
                            levels=", ".join(label(var, lvl, lang) for lvl in absent),
                        )
                    )
        names = group_names(var, list(sample.index))
        editor = pd.DataFrame(
            {
                "level": list(sample.index),
                ctx.t("survey.weights.col.level"): [
                    ctx.t("survey.missing_level") if lvl == survey.MISSING_LEVEL else names[lvl]
                    for lvl in sample.index
                ],
                ctx.t("survey.weights.col.sample"): (sample.to_numpy() * 100).round(1),
                ctx.t("survey.weights.col.target"): [
                    round(float(default.get(lvl, 0.0)) * 100, 1) for lvl in sample.index
                ],
            }
        )
        edited = st.data_editor(
            editor,
            hide_index=True,
            disabled=[
                "level",
                ctx.t("survey.weights.col.level"),
                ctx.t("survey.weights.col.sample"),
            ],
            column_config={"level": None},
            key=f"survey_w_edit_{sid}_{var}_{hash(tuple(editor.iloc[:, 3]))}",
        )
        col_target = ctx.t("survey.weights.col.target")
        shares = tuple(
            (str(lvl), float(v) if pd.notna(v) else 0.0)
            for lvl, v in zip(edited["level"], edited[col_target], strict=True)
        )
        targets.append((var, shares))
    trim = st.checkbox(ctx.t("survey.weights.trim"), key=f"survey_w_trim_{sid}")
    bounds = None
    if trim:
        c1, c2 = st.columns(2)
        low = c1.number_input(
            ctx.t("survey.weights.trim_low"), 0.05, 1.0, 0.3, 0.05, key=f"survey_w_lo_{sid}"
        )
        high = c2.number_input(
            ctx.t("survey.weights.trim_high"), 1.0, 20.0, 3.0, 0.5, key=f"survey_w_hi_{sid}"
        )
        bounds = (float(low), float(high))
    if targets or base_col is not None:
        candidate = survey.WeightSpec(targets=tuple(targets), trim=bounds, base=base_col)
        result = survey_data.weights(version, sid, ctx.filters, candidate)
        if isinstance(result, str):
            st.error(ctx.t("survey.weights.failed", message=result), icon=":material/error:")
        else:
            m = st.columns(4)
            m[0].metric(ctx.t("survey.weights.n"), fmt_num(result.n, lang))
            m[1].metric(ctx.t("survey.weights.n_eff"), fmt_num(result.n_eff, lang))
            m[2].metric(ctx.t("survey.weights.deff"), fmt_num(result.design_effect, lang, 2))
            m[3].metric(
                ctx.t("survey.weights.range"),
                f"{fmt_num(result.min_weight, lang, 2)} – {fmt_num(result.max_weight, lang, 2)}",
            )
            if not result.achieved.empty:
                achieved = result.achieved
                st.dataframe(
                    pd.DataFrame(
                        {
                            ctx.t("survey.weights.col.variable"): [
                                banner_name(c) for c in achieved.column
                            ],
                            ctx.t("survey.weights.col.level"): [
                                ctx.t("survey.missing_level")
                                if lvl == survey.MISSING_LEVEL
                                else group_names(c, [lvl])[lvl]
                                for c, lvl in zip(achieved.column, achieved.level, strict=True)
                            ],
                            ctx.t("survey.weights.col.sample"): [
                                fmt_pct(v, lang) for v in achieved["sample"]
                            ],
                            ctx.t("survey.weights.col.target"): [
                                fmt_pct(v, lang) for v in achieved.target
                            ],
                            ctx.t("survey.weights.col.weighted"): [
                                fmt_pct(v, lang) for v in achieved.weighted
                            ],
                        }
                    ),
                    hide_index=True,
                )
            if use_weights:
                spec = candidate
    elif use_weights:
        st.warning(ctx.t("survey.weights.no_targets"))
if use_weights and spec is None:
    st.warning(ctx.t("survey.weights.off_because"), icon=":material/balance:")
if spec is not None:
    st.info(ctx.t("survey.weights.on"), icon=":material/balance:")

tabs = st.tabs(
    [
        ctx.t("survey.tab.banner"),
        ctx.t("survey.tab.overview"),
        ctx.t("survey.tab.text"),
        ctx.t("survey.tab.manage"),
    ]
)

# --- question by grouping -------------------------------------------------------------------
with tabs[0]:
    analysable = [q for q in qs if q.kind != "text"]
    if not analysable:
        st.info(ctx.t("survey.no_questions"))
    else:
        c1, c2 = st.columns(2)
        qid = c1.selectbox(
            ctx.t("survey.question"),
            [q.question_id for q in analysable],
            format_func=lambda x: f"{qmap[x].text} ({ctx.t(f'survey.kind.{qmap[x].kind}')})",
            key=f"survey_q_{sid}",
        )
        bkey = c2.selectbox(
            ctx.t("survey.banner"),
            [g for g in grouping_keys if g != f"q:{qid}"],
            format_func=banner_name,
            key=f"survey_banner_{sid}",
        )
        q = qmap[qid]
        order: tuple[str, ...] = qmap[bkey[2:]].labels if bkey.startswith("q:") else ()
        try:
            b = survey_data.banner(version, sid, ctx.filters, qid, bkey, spec, order)
        except survey.SurveyAnalysisError as e:
            st.error(ctx.t("survey.failed", message=str(e)), icon=":material/error:")
            st.stop()
        names = group_names(bkey, b.columns)
        for key, letter in b.letter_of.items():
            names[key] = f"{names[key]} ({letter})"
        take = sc.takeaway(b, names, lang)
        title = widgets.wrap(take, 95)
        note = widgets.wrap(
            footnote
            + " "
            + ctx.t("survey.chart.note_weighted" if b.weighted else "survey.chart.note"),
            150,
        )
        st.markdown(f"**{q.text}**")
        if b.suppressed_groups:
            st.caption(
                ctx.t(
                    "survey.suppressed",
                    k=PRIVACY_THRESHOLD,
                    groups=", ".join(names[g] for g in b.suppressed_groups),
                )
            )
        if q.kind in ("likert", "binary", "nps", "single", "multi") and b.categories:
            builder = {
                "likert": sc.likert_chart,
                "binary": sc.likert_chart,
                "nps": sc.nps_chart,
            }.get(q.kind, sc.shares_chart)
            st.markdown(f":material/insights: {take}")
            widgets.plotly_chart(
                builder(b, names, lang, title=title, footnote=note), key="survey_dist"
            )
        if q.kind in ("likert", "binary", "nps", "numeric"):
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
                    title=widgets.wrap(ctx.t(metric, top=b.top_box_label), 95),
                    footnote=note,
                ),
                key="survey_summary",
            )

        # the banner table
        st.subheader(ctx.t("survey.banner_table"))
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

        def stat_row(name: str, fn) -> None:
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
        if q.kind in ("likert", "binary", "nps", "numeric"):
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
        table = pd.DataFrame(rows)
        st.dataframe(table, hide_index=True, width="stretch", height=36 * (len(table) + 1) + 4)
        st.download_button(
            ctx.t("survey.download_banner"),
            data=to_csv_bytes(labelled(table)),
            file_name=f"aivshi_survey_banner_{qid}.csv",
            mime="text/csv",
            icon=":material/download:",
            key="survey_dl_banner",
        )
        st.caption(ctx.t("survey.letters_help"))
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
        if b.rank_pairs:
            rank_rows = [
                {
                    ctx.t("survey.rank.pair"): f"{names[r.x]} vs {names[r.y]}",
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
            st.dataframe(pd.DataFrame(rank_rows), hide_index=True, width="stretch")
            st.caption(ctx.t("survey.rank.help"))
        st.caption(ctx.t("survey.tests_weighted" if b.weighted else "survey.tests"))
        if bkey == "pipeline" or bkey in DIMENSIONS:
            st.caption(ctx.t("survey.total_note"))

# --- all questions at a glance ----------------------------------------------------------------
with tabs[1]:
    headline_qs = [q for q in qs if q.kind in survey.HEADLINE_KINDS]
    if not headline_qs:
        st.info(ctx.t("survey.overview.none"))
    else:
        okey = st.selectbox(
            ctx.t("survey.banner"),
            grouping_keys,
            format_func=banner_name,
            key=f"survey_ov_banner_{sid}",
            width=480,
        )
        oorder: tuple[str, ...] = qmap[okey[2:]].labels if okey.startswith("q:") else ()
        banners = []
        for hq in headline_qs:
            if okey == f"q:{hq.question_id}":
                continue
            try:
                banners.append(
                    survey_data.banner(
                        version, sid, ctx.filters, hq.question_id, okey, spec, oorder
                    )
                )
            except survey.SurveyAnalysisError as e:
                st.error(ctx.t("survey.failed", message=str(e)), icon=":material/error:")
                break
        rows_h = survey.headline_rows(banners)
        if rows_h:
            shown_cols = [c for c in rows_h[0].values if not math.isnan(rows_h[0].values[c])]
            onames = group_names(okey, list(rows_h[0].values))
            records = []
            for r in rows_h:
                rec = {
                    ctx.t("survey.question"): r.question.text,
                    ctx.t("survey.overview.measure"): ctx.t(f"survey.overview.metric.{r.metric}"),
                }
                for c in shown_cols:
                    v = r.values.get(c, math.nan)
                    if math.isnan(v):
                        rec[onames[c]] = ""
                    elif r.metric == "top_box":
                        rec[onames[c]] = fmt_pct(v, lang)
                    elif r.metric == "nps":
                        rec[onames[c]] = fmt_num(v, lang)
                    else:
                        rec[onames[c]] = fmt_num(v, lang, 2)
                rec[ctx.t("survey.overview.test")] = ctx.t(f"survey.overview.test.{r.test}")
                rec[ctx.t("survey.overview.p")] = fmt_p(r.p_holm, lang) if r.test != "none" else ""
                rec[ctx.t("survey.overview.finding")] = ctx.t(
                    f"survey.overview.verdict.{r.verdict}"
                )
                records.append(rec)
            overview = pd.DataFrame(records)
            st.dataframe(
                overview,
                hide_index=True,
                width="stretch",
                column_config={
                    ctx.t("survey.question"): st.column_config.TextColumn(width="medium"),
                    ctx.t("survey.overview.measure"): st.column_config.TextColumn(width="small"),
                },
            )
            st.download_button(
                ctx.t("survey.overview.download"),
                data=to_csv_bytes(labelled(overview)),
                file_name="aivshi_survey_overview.csv",
                mime="text/csv",
                icon=":material/download:",
                key="survey_dl_overview",
            )
            st.caption(ctx.t("survey.overview.help"))

# --- free text ------------------------------------------------------------------------------
with tabs[2]:
    text_qs = [q for q in qs if q.kind == "text"]
    if not text_qs:
        st.info(ctx.t("survey.text.none"))
    else:
        c1, c2, c3 = st.columns(3)
        tq = c1.selectbox(
            ctx.t("survey.question"),
            [q.question_id for q in text_qs],
            format_func=lambda x: qmap[x].text,
            key=f"survey_tq_{sid}",
        )
        tb = c2.selectbox(
            ctx.t("survey.banner"), grouping_keys, format_func=banner_name, key=f"survey_tb_{sid}"
        )
        search = c3.text_input(ctx.t("survey.text.search"), key=f"survey_search_{sid}")
        answers, hidden = survey_data.free_text(version, sid, ctx.filters, tq, tb, search)
        tnames = group_names(tb, sorted(set(answers.grp)))
        present = list(dict.fromkeys(answers.grp))
        pick = st.multiselect(
            ctx.t("survey.text.groups"),
            present,
            format_func=lambda g: tnames.get(g, g),
            key=f"survey_tg_{sid}_{tb}",
        )
        if pick:
            answers = answers[answers.grp.isin(pick)]
        out = pd.DataFrame(
            {
                ctx.t("survey.text.col.group"): [tnames.get(g, g) for g in answers.grp],
                ctx.t("survey.text.col.answer"): answers.answer.to_numpy(),
            }
        )
        st.caption(ctx.t("survey.text.count", n=fmt_num(len(out), lang)))
        st.dataframe(out.head(1000), hide_index=True, width="stretch")
        if hidden:
            st.caption(ctx.t("survey.text.hidden", k=PRIVACY_THRESHOLD, n=len(hidden)))
        st.download_button(
            ctx.t("survey.text.download"),
            data=to_csv_bytes(labelled(out)),
            file_name=f"aivshi_survey_text_{tq}.csv",
            mime="text/csv",
            icon=":material/download:",
            key="survey_dl_text",
        )

# --- upload and manage ----------------------------------------------------------------------
with tabs[3]:
    survey_import.render(ctx)
