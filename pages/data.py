"""Data: upload an ATS export, check the column mapping and data quality, load it, or go back to
the demo data. The logic lives in ``analytics.ingest``; widgets in ``ui.data_import``."""

from __future__ import annotations

import streamlit as st

from analytics import ingest
from analytics.i18n import fmt_num
from ui import data, data_import, entry

ctx = entry.start()
lang = ctx.lang

st.title(ctx.t("ingest.title"))
st.caption(ctx.t("ingest.intro"))

flash = st.session_state.pop("_ingest_flash", None)
if flash:
    st.success(flash, icon=":material/check_circle:")

kind_word = ctx.t("ingest.current.demo") if ctx.info.is_demo else ctx.t("ingest.current.real")
st.caption(ctx.t("ingest.current", n=fmt_num(ctx.info.applications, lang), kind=kind_word))
if data.read_only():  # a published read-only copy: nothing to upload here (README, scale-out)
    st.info(ctx.t("readonly.data"), icon=":material/lock:")
    st.stop()

left, right = st.columns(2)
kind = left.selectbox(
    ctx.t("ingest.kind"),
    options=ingest.KINDS,
    format_func=lambda k: ctx.t(f"ingest.kind.{k}"),
    key="ingest_kind",
)
mode = right.radio(
    ctx.t("ingest.mode"),
    options=("replace", "append"),
    format_func=lambda m: ctx.t(f"ingest.mode.{m}"),
    horizontal=True,
    key="ingest_mode",
    help=ctx.t("ingest.mode.help"),
)
upload = st.file_uploader(
    ctx.t("ingest.upload"),
    type=["csv", "txt", "tsv", "xlsx", "parquet"],
    help=ctx.t("ingest.upload.help"),
    key="ingest_file",
)

if upload is not None:
    try:
        raw = ingest.read_upload(upload.getvalue(), upload.name)
    except ingest.IngestError as e:
        st.error(e.problem.text(lang), icon=":material/error:")
        st.stop()
    detail = raw.file_format + (f", {raw.encoding}" if raw.encoding else "")
    if raw.delimiter:
        detail += f", {raw.delimiter!r}"
    st.caption(ctx.t("ingest.format", format=detail))

    st.subheader(ctx.t("ingest.mapping"))
    st.caption(ctx.t("ingest.mapping.help"))
    profile = data_import.profile_picker(raw, kind, lang, key=f"ingest_profile_{kind}")
    mapping = data_import.mapping_editor(
        raw,
        kind,
        lang,
        key=f"ingest_mapping_{kind}_{upload.file_id}_{profile.name if profile else ''}",
        initial=profile.apply(raw.columns) if profile is not None else None,
    )

    date_order = None
    first = ingest.prepare(raw, kind, mapping, con=None)
    if first.report.ambiguous_dates:
        orders = ("dmy", "mdy")
        date_order = st.radio(
            ctx.t("ingest.date_order"),
            options=orders,
            index=orders.index(profile.date_order) if profile and profile.date_order else 0,
            format_func=lambda o: ctx.t(f"ingest.date_order.{o}"),
            help=ctx.t("ingest.date_order.help"),
            horizontal=True,
            key="ingest_date_order",
        )
    data_import.profile_saver(kind, mapping, date_order, lang)

    cur = data.cursor()
    try:
        prepared = ingest.prepare(raw, kind, mapping, date_order=date_order, con=cur, mode=mode)
    finally:
        cur.close()

    st.subheader(ctx.t("ingest.quality"))
    data_import.quality_report(prepared.report, lang)

    if st.button(
        ctx.t("ingest.load"),
        type="primary",
        disabled=not prepared.ok,
        icon=":material/upload:",
        key="ingest_load",
    ):
        version = data_import.load(prepared, mode, lang)
        if version is not None:
            st.session_state["_ingest_flash"] = ctx.t(
                "ingest.loaded",
                n=fmt_num(prepared.report.rows_loaded, lang),
                file=prepared.report.file,
                version=version,
            )
            st.rerun()

st.divider()
with st.expander(ctx.t("ingest.rules"), icon=":material/rule:"):
    data_import.rules_editor(lang)

left, right = st.columns(2)
if left.button(
    ctx.t("ingest.undo"),
    help=ctx.t("ingest.undo.help"),
    icon=":material/undo:",
    key="ingest_undo",
    disabled=not ctx.info.undo_available,
):
    version = data_import.undo(lang)
    if version is not None:
        st.session_state["_ingest_flash"] = ctx.t("ingest.undone", version=version)
        st.rerun()
if right.button(
    ctx.t("ingest.restore"),
    help=ctx.t("ingest.restore.help"),
    icon=":material/science:",
    key="ingest_restore_demo",
    disabled=ctx.info.is_demo,
):
    version = data_import.restore_demo(lang)
    st.session_state["_ingest_flash"] = ctx.t("ingest.restored", version=version)
    st.rerun()
