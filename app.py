"""AI vs HI: the router. Page config, the shared sidebar, navigation, and a safety net.

Run with ``streamlit run app.py``. On first start, when the database file does not exist, the
demo database is built (a few seconds, offline).
"""

from __future__ import annotations

import logging
from pathlib import Path

import duckdb
import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException

from analytics import store
from analytics.i18n import fmt_date, fmt_num, t
from ui import auth, cache, data, entry, filters
from ui.components import url_notes
from ui.context import PageContext, set_page_context

log = logging.getLogger("aivshi")
ICON = Path(__file__).resolve().parent / "assets" / "icon.png"

entry.leave_folder_mode()  # before anything is drawn: see ui/entry.py
# The icon is a file in the repo, not a Material symbol: Streamlit fetches those from
# fonts.gstatic.com, which an offline server cannot reach and the proxy's CSP refuses (DEPLOY.md).
st.set_page_config(page_title="AI vs HI", page_icon=str(ICON), layout="wide")

lang = filters.language_switch()
# Sign-in only when [auth] is configured in .streamlit/secrets.toml (README, "Sign-in").
auth.gate(lang)

try:
    if data.needs_first_build():
        with st.spinner(t("app.building_demo", lang)):
            data.cursor().close()
    version = data.data_version()
    info = cache.dataset_info(version)
    options = cache.options(version)
except store.StoreError as e:
    # The database cannot be opened (locked by another program, missing in read-only mode):
    # the message says what to do; no traceback.
    log.warning("Database not available: %s", e)
    st.error(t("error.database", lang, detail=str(e)), icon=":material/database:")
    st.stop()
except duckdb.Error:
    log.exception("Opening the database failed")
    st.error(t("error.database", lang, detail=""), icon=":material/database:")
    st.stop()

pages = {
    t("nav.section.insights", lang): [
        st.Page(
            "pages/overview.py",
            title=t("nav.overview", lang),
            icon=":material/compare_arrows:",
        ),
        st.Page(
            "pages/funnel.py",
            title=t("nav.funnel", lang),
            icon=":material/filter_alt:",
            url_path="funnel",
        ),
        st.Page(
            "pages/offers.py",
            title=t("nav.offers", lang),
            icon=":material/handshake:",
            url_path="offers",
        ),
        st.Page(
            "pages/quality.py",
            title=t("nav.quality", lang),
            icon=":material/workspace_premium:",
            url_path="quality",
        ),
        st.Page(
            "pages/business_case.py",
            title=t("nav.business_case", lang),
            icon=":material/savings:",
            url_path="business_case",
        ),
        st.Page(
            "pages/fairness.py",
            title=t("nav.fairness", lang),
            icon=":material/balance:",
            url_path="fairness",
        ),
        st.Page(
            "pages/survey.py",
            title=t("nav.survey", lang),
            icon=":material/quiz:",
            url_path="survey",
        ),
    ],
    t("nav.section.meeting", lang): [
        st.Page(
            "pages/presenter.py",
            title=t("nav.presenter", lang),
            icon=":material/co_present:",
            url_path="presenter",
        ),
    ],
    t("nav.section.data", lang): [
        st.Page(
            "pages/data.py",
            title=t("nav.data", lang),
            icon=":material/upload_file:",
            url_path="data",
        ),
    ],
}
page = st.navigation(pages)

st.sidebar.caption(t("data.as_of", lang, date=fmt_date(info.as_of, lang)))
active_filters = filters.sidebar_filters(options, lang)
if info.is_demo:
    # A compact label, not a banner: the answer, not the disclaimer, belongs above the fold. The
    # sidebar badge says how to load real data; every page keeps one short line.
    banner = "demo.banner_readonly" if data.read_only() else "demo.banner"
    st.sidebar.badge(t("demo.short", lang), icon=":material/science:", color="orange")
    st.sidebar.caption(t(banner, lang, n=fmt_num(info.applications, lang)))
    line = "demo.short" if page.url_path == "presenter" else "demo.line"
    st.caption(f":material/science: {t(line, lang)}")

set_page_context(PageContext(lang=lang, filters=active_filters, info=info))
notes_slot = st.container()  # filled after the page ran: its own widgets read the URL too

if url_notes.page_not_found(pages):
    # An unknown path used to show the Overview without a word: say so, and link home.
    st.title(t("url.not_found.title", lang))
    st.warning(t("url.not_found", lang), icon=":material/link_off:")
    st.page_link(pages[t("nav.section.insights", lang)][0], label=t("url.home", lang))
    st.stop()

try:
    with entry.routed():
        page.run()
    url_notes.show(lang, notes_slot)
except ScriptControlException:
    raise
except Exception:
    # No traceback reaches a user (it could contain candidate data); the log keeps it.
    log.exception("Page %s failed", page.title)
    st.error(t("error.generic", lang), icon=":material/error:")
