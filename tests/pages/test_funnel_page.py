"""The Funnel page run through the whole app (router, sidebar, page) in English and Dutch.

AppTest cannot read plotly charts; the figures are tested in tests/analytics/test_funnel.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics.i18n import t
from tests.pages.reading import texts

APP = Path(__file__).resolve().parents[2] / "app.py"
PAGE = "pages/funnel.py"


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
    assert len(at.get("download_button")) >= 9


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
    assert t("funnel.withdrawal.definition", "en") in _texts(at)
    at.selectbox(key="funnel_by").set_value("region").run()
    at.selectbox(key="funnel_target").set_value("hired").run()
    _assert_clean(at, "en")
    assert "Reached hire, by region" in _texts(at)
