"""The Funnel page run through the whole app (router, sidebar, page) in English and Dutch.

AppTest cannot read plotly charts; the figures are tested in tests/analytics/test_funnel.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics.i18n import t
from tests.pages.reading import texts
from tests.pages.tabs import every_tab, open_tab

APP = Path(__file__).resolve().parents[2] / "app.py"
PAGE = "pages/funnel.py"
TABS = ("funnel", "dropoff", "contact", "formats", "time", "breakdown")


pytestmark = pytest.mark.usefixtures("fresh_app")


def _open(lang: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    if lang == "nl":
        at.query_params["lang"] = "nl"
    at.run()
    at.switch_page(PAGE)
    at.run()
    return at


def _texts(at: AppTest) -> str:
    return texts(at, ("markdown", "caption", "info", "warning", "title"))


def _assert_clean(at: AppTest, lang: str) -> None:
    assert not at.exception
    # The router turns a failing page into st.error(error.generic): that must not appear either.
    assert not [e for e in at.error if e.value == t("error.generic", lang)]


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_funnel_page_renders(lang):
    at = _open(lang)
    _assert_clean(at, lang)
    text = _texts(at)
    assert t("funnel.title", lang) in text
    assert t("funnel.rule.excluded", lang, n="\x00").split("\x00")[0] in text
    # Every chart has its takeaway; the funnel's names the n.
    expected = "From first stage to" if lang == "en" else "Van eerste fase tot"
    assert expected in text
    # Only the open tab runs (issue 21): every tab, opened in turn, shows its charts' downloads.
    tabs = [t(f"funnel.tab.{name}", lang) for name in TABS]
    assert [tab.label for tab in at.tabs] == tabs
    seen = every_tab(at, "funnel_tab", tabs)
    assert not seen.exceptions
    assert seen.downloads >= 9
    assert t("funnel.withdrawal.definition", lang) in seen.text
    assert t("funnel.km.note", lang) in seen.text


def test_funnel_page_open_toggle_and_adjustment():
    at = _open("en")
    at.toggle(key="funnel_open").set_value(True).run()
    _assert_clean(at, "en")
    assert "open applications are included" in _texts(at)
    at.selectbox(key="funnel_adjust").set_value("role_family").run()
    _assert_clean(at, "en")
    assert t("funnel.adjusted.rd", "en", by="role family") in _texts(at)
    # The footnote says which verdict is per stage and which is after Holm across the stages.
    assert "stage comparisons are one family" in _texts(at)
    open_tab(at, "funnel_tab", t("funnel.tab.dropoff", "en"))
    assert t("funnel.withdrawal.definition", "en") in _texts(at)
    # the toggle outside the tabs holds across a tab switch
    assert "open applications are included" in _texts(at)
    open_tab(at, "funnel_tab", t("funnel.tab.breakdown", "en"))
    at.selectbox(key="funnel_by").set_value("region").run()
    at.selectbox(key="funnel_target").set_value("hired").run()
    _assert_clean(at, "en")
    assert "Reached hire, by region" in _texts(at)


def test_funnel_tab_link_and_language_switch():
    """A link opens a tab by its raw id; the open tab and the breakdown's choice survive a switch
    of language and a visit to another tab; an unknown id opens the first tab with a note."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    at.switch_page(PAGE)
    at.query_params["funnel_tab"] = "breakdown"
    at.run()
    _assert_clean(at, "en")
    assert at.session_state["funnel_tab"] == t("funnel.tab.breakdown", "en")
    at.selectbox(key="funnel_by").set_value("region").run()
    assert at.query_params["funnel_tab"] == "breakdown"
    open_tab(at, "funnel_tab", t("funnel.tab.time", "en"))
    assert at.query_params["funnel_tab"] == "time"
    assert t("funnel.km.note", "en") in _texts(at)
    open_tab(at, "funnel_tab", t("funnel.tab.breakdown", "en"))
    assert at.selectbox(key="funnel_by").value == "region"
    # Dutch: the labels change, the open tab and the URL's raw id stay
    at.session_state["lang"] = "nl"
    at.run()
    _assert_clean(at, "nl")
    assert at.session_state["funnel_tab"] == t("funnel.tab.breakdown", "nl")
    assert at.query_params["funnel_tab"] == "breakdown"
    assert at.selectbox(key="funnel_by").value == "region"


def test_funnel_unknown_tab_in_link_opens_the_first():
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    at.switch_page(PAGE)
    at.query_params["funnel_tab"] = "nonsense"
    at.run()
    _assert_clean(at, "en")
    assert at.session_state["funnel_tab"] == t("funnel.tab.funnel", "en")
    assert "funnel_tab" not in at.query_params
