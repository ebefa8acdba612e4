"""Data: upload an ATS export, check the column mapping and data quality, load it, or go back to
the demo data. The logic lives in ``analytics.ingest``; the wizard's widgets in
``ui.components.import_wizard``."""

from __future__ import annotations

import streamlit as st

from analytics import ingest
from analytics.i18n import fmt_num
from ui import data, entry
from ui.components import import_guide, import_wizard, sync_source

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
# What users expect: a new applications export replaces the old one (and says what it removes,
# import_guide.confirm_loss); stage changes, offers and hires add to the applications loaded.
# One radio per kind, so switching the kind brings its own default.
mode = right.radio(
    ctx.t("ingest.mode"),
    options=("replace", "append"),
    index=0 if kind == "applications" else 1,
    format_func=lambda m: ctx.t(f"ingest.mode.{m}"),
    horizontal=True,
    key=f"ingest_mode_{kind}",
    help=ctx.t("ingest.mode.help"),
)
if kind != "applications" and mode == "append":
    right.caption(ctx.t("import.mode.default_append"))
import_wizard.upload_wizard(ctx, kind, mode)
sync_source.sync_panel(ctx)

st.divider()
with st.expander(ctx.t("ingest.rules"), icon=":material/rule:"):
    import_wizard.rules_editor(lang)

if st.button(
    ctx.t("ingest.undo"),
    help=ctx.t("ingest.undo.help"),
    icon=":material/undo:",
    key="ingest_undo",
    disabled=not ctx.info.undo_available,
):
    version = import_wizard.undo(lang)
    if version is not None:
        st.session_state["_ingest_flash"] = ctx.t("ingest.undone", version=version)
        st.rerun()
# Restoring the demo replaces everything: away from Undo, with what it removes, asked once.
if not ctx.info.is_demo:
    with st.expander(ctx.t("import.restore.section"), icon=":material/science:"):
        sure = import_guide.confirm_restore(ctx, key="ingest_restore_sure")
        if st.button(
            ctx.t("ingest.restore"),
            help=ctx.t("ingest.restore.help"),
            icon=":material/science:",
            key="ingest_restore_demo",
            disabled=not sure,
        ):
            version = import_wizard.restore_demo(lang)
            st.session_state["_ingest_flash"] = ctx.t("ingest.restored", version=version)
            st.rerun()
