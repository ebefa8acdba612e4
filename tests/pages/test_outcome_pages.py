"""The Offers and Quality-of-hire pages run through the whole app (router, sidebar, page) in
English and Dutch.

AppTest cannot read plotly charts; the figures are tested in tests/analytics/test_offers.py and
tests/analytics/test_quality.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics.i18n import t
from tests.pages.reading import texts
from tests.pages.tabs import every_tab, open_tab

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
OFFERS = str(ROOT / "pages" / "offers.py")
QUALITY = str(ROOT / "pages" / "quality.py")


pytestmark = pytest.mark.usefixtures("fresh_app")


def _open(page: str, lang: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page(page).run()
    return at


def _texts(at: AppTest) -> str:
    return texts(at, ("markdown", "caption", "info", "warning", "title"))


def _assert_clean(at: AppTest, lang: str) -> None:
    assert not at.exception
    # The router turns a failing page into st.error(error.generic): that must not appear either.
    assert not [e for e in at.error if e.value == t("error.generic", lang)]


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_offers_page_renders(lang):
    at = _open(OFFERS, lang)
    _assert_clean(at, lang)
    text = _texts(at)
    assert t("offers.title", lang) in text
    assert "n = " in text
    # Only the open tab runs (issue 21): every tab, opened in turn, shows its part.
    tabs = [t(f"offers.tab.{n}", lang) for n in ("acceptance", "premium", "declines")]
    assert [tab.label for tab in at.tabs] == tabs
    seen = every_tab(at, "offers_tab", tabs)
    assert not seen.exceptions
    assert t("offers.premium.method", lang) in seen.text
    assert t("offers.suppressed", lang, k=10).split("10")[0] in seen.text
    assert seen.downloads >= 5


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_quality_page_renders(lang):
    at = _open(QUALITY, lang)
    _assert_clean(at, lang)
    text = _texts(at)
    assert t("quality.title", lang) in text
    assert t("quality.composite.no_ci", lang) in text
    # The multiple-testing family is named, with the number of components compared.
    assert any(t("footnote.family.quality", lang, m=m) in text for m in (3, 4))
    # Only the open tab runs (issue 21): every tab, opened in turn, shows its part.
    tabs = [t(f"quality.tab.{n}", lang) for n in ("composite", "ratings", "retention", "change")]
    assert [tab.label for tab in at.tabs] == tabs
    seen = every_tab(at, "quality_tab", tabs)
    assert not seen.exceptions
    assert t("quality.km.note", lang) in seen.text
    assert t("quality.ramp.note", lang) in seen.text
    assert seen.downloads >= 6


def test_quality_weights_and_ramp_target_are_editable():
    at = _open(QUALITY, "en")
    at.number_input(key="quality_w_manager").set_value(0.5).run()
    _assert_clean(at, "en")
    at.number_input(key="quality_ramp_target").set_value(60).run()
    _assert_clean(at, "en")
    assert "Ramp target reached (60 days)" in _texts(at)
    # the weights sit above the tabs: another tab keeps them, and back on the first they hold
    open_tab(at, "quality_tab", t("quality.tab.ratings", "en"))
    _assert_clean(at, "en")
    assert at.number_input(key="quality_w_manager").value == 0.5
    open_tab(at, "quality_tab", t("quality.tab.composite", "en"))
    assert "Ramp target reached (60 days)" in _texts(at)
    for comp in ("performance", "ramp", "retention", "manager"):
        at.number_input(key=f"quality_w_{comp}").set_value(0.0)
    at.run()
    _assert_clean(at, "en")
    assert t("quality.weights.zero", "en") in _texts(at)
    # No composite to draw and no misleading "too few" sentence: the warning says why.
    assert not any(i.value.startswith("Too few") for i in at.info)


def test_pages_with_filters_that_match_nothing():
    for page in (OFFERS, QUALITY):
        at = AppTest.from_file(str(APP), default_timeout=90)
        at.query_params["dates"] = "2030-01-01..2030-02-01"
        at.run()
        at.switch_page(page).run()
        _assert_clean(at, "en")


def test_csv_downloads_are_marked_as_demo_data():
    """With demo data loaded every chart download says so: a first column in every row and
    ``_DEMO`` in the file name; formula escaping still applies; real data stay unchanged."""
    import pandas as pd

    from analytics.report.export import to_csv_bytes
    from ui.components import widgets

    frame = pd.DataFrame({"pipeline": ["human_first"], "note": ["=1+1"]})
    for lang, word in (("en", "DEMO DATA"), ("nl", "DEMOGEGEVENS")):
        marked = widgets.demo_marked(frame, is_demo=True, lang=lang)
        assert list(marked.columns) == ["data", "pipeline", "note"]
        assert set(marked["data"]) == {word}
    text = to_csv_bytes(widgets.demo_marked(frame, is_demo=True, lang="en")).decode("utf-8-sig")
    assert text.splitlines()[1].startswith("DEMO DATA,human_first,'=1+1")
    assert widgets.demo_marked(frame, is_demo=False, lang="en") is frame
    assert widgets.download_name("offers", "acceptance", is_demo=True).endswith("_DEMO.csv")
    assert widgets.download_name("offers", "acceptance", is_demo=False) == (
        "aivshi_offers_acceptance.csv"
    )
    at = _open(OFFERS, "en")
    _assert_clean(at, "en")
    assert at.get("download_button")  # the page builds its downloads through demo_marked


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_offers_acceptance_adjusted(lang):
    at = _open(OFFERS, lang)
    at.selectbox(key="offers_adjust").set_value("role_family").run()
    _assert_clean(at, lang)
    assert "Mantel–Haenszel" in _texts(at)
    assert at.query_params["offers_adjust"] in ("role_family", ["role_family"])


def test_offers_adjustment_from_the_url():
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.query_params["offers_adjust"] = "seniority"
    at.run()
    at.switch_page(OFFERS).run()
    _assert_clean(at, "en")
    assert at.selectbox(key="offers_adjust").value == "seniority"
    assert "Adjusted for seniority" in _texts(at)
    # the choice sits in a tab: a visit to another tab and back keeps it (through the URL)
    open_tab(at, "offers_tab", t("offers.tab.declines", "en"))
    _assert_clean(at, "en")
    assert at.query_params["offers_adjust"] in ("seniority", ["seniority"])
    open_tab(at, "offers_tab", t("offers.tab.acceptance", "en"))
    assert at.selectbox(key="offers_adjust").value == "seniority"
