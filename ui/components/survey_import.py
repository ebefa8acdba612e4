"""Survey import UI: upload -> review (kinds, label order, missing markers) -> save; the surveys
in the database with rename and delete. The survey page calls ``render(ctx)`` in a tab."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from analytics.domain import AivshiError
from analytics.i18n import fmt_date, fmt_num
from analytics.ingest import impact
from analytics.ingest import survey as survey_ingest
from analytics.ingest.survey_detect import dropped_columns
from ui import data
from ui.components import import_guide
from ui.context import PageContext
from ui.safe import md

_FLASH = "survey_import_flash"
_PARSED = "survey_import_parsed"
_UPLOADS = "survey_import_uploads"  # bumped after a save: a fresh, empty uploader


def _after_change() -> None:
    st.cache_data.clear()


def _existing(ctx: PageContext) -> None:
    st.subheader(ctx.t("survey_import.existing"))
    cur = data.cursor()
    try:
        surveys = survey_ingest.list_surveys(cur)
    finally:
        cur.close()
    if surveys.empty:
        st.info(ctx.t("survey_import.none"))
        return
    if ctx.info.is_demo:
        st.caption(ctx.t("survey_import.demo_note"))
    shown = pd.DataFrame(
        {
            ctx.t("survey_import.col.name"): surveys.name,
            ctx.t("survey_import.col.source"): surveys.source_file,
            ctx.t("survey_import.col.created"): [
                fmt_date(pd.Timestamp(d).date(), ctx.lang) if pd.notna(d) else ""
                for d in surveys.created_at
            ],
            ctx.t("survey_import.col.respondents"): [
                fmt_num(n, ctx.lang) for n in surveys.n_respondents
            ],
        }
    )
    st.dataframe(shown, hide_index=True, width="stretch")
    with st.expander(ctx.t("survey_import.manage")):
        names = dict(zip(surveys.survey_id, surveys.name, strict=True))
        sid = st.selectbox(
            ctx.t("survey_import.choose"),
            list(names),
            format_func=lambda s: names[s],
            key="survey_import_choose",
        )
        new_name = st.text_input(
            ctx.t("survey_import.new_name"), value=names[sid], key=f"survey_import_rn_{sid}"
        )
        c1, c2 = st.columns(2)
        if c1.button(ctx.t("survey_import.rename"), key="survey_import_rename"):
            cur = data.cursor()
            try:
                survey_ingest.rename_survey(cur, sid, new_name)
            except (ValueError, AivshiError) as e:  # ValueError: an empty name
                st.error(ctx.t("survey_import.save_failed", message=md(str(e))))
            else:
                _after_change()
                st.session_state[_FLASH] = ctx.t("survey_import.renamed")
                st.rerun()
            finally:
                cur.close()
        cur = data.cursor()
        try:
            respondents, answers = impact.survey_size(cur, sid)
        finally:
            cur.close()
        sure = c2.checkbox(
            ctx.t(
                "survey_import.confirm_delete_sized",
                name=names[sid],
                respondents=fmt_num(respondents, ctx.lang),
                answers=fmt_num(answers, ctx.lang),
            ),
            key=f"survey_import_sure_{sid}",
            # in a column Streamlit cuts a label to one line with an ellipsis: this one names
            # what is deleted, so it wraps (on a phone it was cut after "and 1,28")
            wrap=True,
        )
        if c2.button(ctx.t("survey_import.delete"), key="survey_import_delete", disabled=not sure):
            cur = data.cursor()
            try:
                survey_ingest.delete_survey(cur, sid)
            except AivshiError as e:
                st.error(ctx.t("survey_import.save_failed", message=md(str(e))))
            else:
                _after_change()
                st.session_state[_FLASH] = ctx.t("survey_import.deleted")
                st.rerun()
            finally:
                cur.close()


def _parse(raw: bytes, filename: str) -> survey_ingest.SurveyFile:
    digest = hashlib.sha256(raw).hexdigest()[:16] + filename
    cached = st.session_state.get(_PARSED)
    if cached and cached[0] == digest:
        return cached[1]
    sf = survey_ingest.read_survey(raw, filename)
    st.session_state[_PARSED] = (digest, sf)
    return sf


def _detected(ctx: PageContext, sf: survey_ingest.SurveyFile) -> None:
    """What detection found: respondents and questions, dropped columns, the link used."""
    st.success(
        ctx.t(
            "survey_import.detected",
            file=md(sf.name),
            layout=sf.layout,
            respondents=fmt_num(len(sf.frame), ctx.lang),
            questions=len(sf.questions),
        ),
        icon=":material/check_circle:",
    )
    if sf.encoding_warning is not None:  # a decoding fallback: the first bad byte's row
        st.warning(md(sf.encoding_warning.text(ctx.lang)), icon=":material/warning:")
    if sf.dropped_identifiers:
        st.warning(
            ctx.t("survey_import.dropped", columns=md(dropped_columns(sf, ctx.lang))),
            icon=":material/visibility_off:",
        )
    if sf.dropped_metadata:
        st.caption(ctx.t("survey_import.metadata", columns=md(", ".join(sf.dropped_metadata))))
    if sf.application_column:
        st.caption(ctx.t("survey_import.link.application", column=md(sf.application_column)))
        # Before saving: how many respondents link to loaded applications (issue 19: a survey
        # linking to nothing used to be saved without a word).
        import_guide.link_summary(ctx, sf.frame[sf.application_column])
    elif sf.pipeline_column:
        st.caption(ctx.t("survey_import.link.pipeline", column=md(sf.pipeline_column)))
    else:
        st.warning(ctx.t("survey_import.link.none"), icon=":material/link_off:")


def _save(
    ctx: PageContext, sf: survey_ingest.SurveyFile, reviewed: pd.DataFrame, name: str
) -> None:
    """Build the four tables from the review and store them in one transaction."""
    cur = data.cursor()
    try:
        tables = survey_ingest.build_tables(sf, reviewed, name, cur)
        version = survey_ingest.save(cur, tables)
    except AivshiError as e:  # SurveyError says where (row, column) in the reader's language
        message = e.text(ctx.lang) if isinstance(e, survey_ingest.SurveyError) else str(e)
        st.error(ctx.t("survey_import.save_failed", message=md(message)), icon=":material/error:")
        return
    finally:
        cur.close()
    _after_change()
    st.session_state.pop(_PARSED, None)
    st.session_state[_UPLOADS] = st.session_state.get(_UPLOADS, 0) + 1
    st.session_state[_FLASH] = ctx.t(
        "survey_import.saved",
        name=name.strip(),
        respondents=fmt_num(len(tables["survey_respondents"]), ctx.lang),
        answers=fmt_num(len(tables["survey_answers"]), ctx.lang),
        version=version,
    )
    st.rerun()


def _upload(ctx: PageContext) -> None:
    st.subheader(ctx.t("survey_import.title"))
    upload = st.file_uploader(
        ctx.t("survey_import.upload"),
        type=["csv", "txt", "tsv", "xlsx", "sav"],
        help=ctx.t("survey_import.upload_help"),
        key=f"survey_import_file_{st.session_state.get(_UPLOADS, 0)}",
    )
    if upload is None:
        return
    try:
        sf = _parse(upload.getvalue(), upload.name)
    except survey_ingest.SurveyError as e:
        st.error(md(e.text(ctx.lang)), icon=":material/error:")
        return
    _detected(ctx, sf)
    st.markdown(ctx.t("survey_import.review"))
    reviewed = st.data_editor(
        survey_ingest.questions_frame(sf),
        hide_index=True,
        width="stretch",
        key=f"survey_import_review_{st.session_state[_PARSED][0]}",
        disabled=["question_id"],
        column_config={
            "include": st.column_config.CheckboxColumn(ctx.t("survey_import.col.include")),
            "question_id": st.column_config.TextColumn(ctx.t("survey_import.col.question_id")),
            "text": st.column_config.TextColumn(ctx.t("survey_import.col.text"), width="large"),
            "kind": st.column_config.SelectboxColumn(
                ctx.t("survey_import.col.kind"), options=list(survey_ingest.KINDS), required=True
            ),
            "labels": st.column_config.TextColumn(ctx.t("survey_import.col.labels"), width="large"),
            "missing": st.column_config.TextColumn(ctx.t("survey_import.col.missing")),
        },
    )
    default_name = sf.name.rsplit(".", 1)[0]
    name = st.text_input(ctx.t("survey_import.name"), value=default_name, key="survey_import_name")
    if st.button(ctx.t("survey_import.save"), type="primary", key="survey_import_save"):
        _save(ctx, sf, reviewed, name)


def render(ctx: PageContext) -> None:
    """The whole survey import UI: flash message, upload and review, existing surveys."""
    if data.read_only():  # a published read-only copy (README, scale-out)
        st.info(ctx.t("readonly.survey"), icon=":material/lock:")
        return
    flash = st.session_state.pop(_FLASH, None)
    if flash:
        st.success(flash, icon=":material/check_circle:")
    _upload(ctx)
    _existing(ctx)
