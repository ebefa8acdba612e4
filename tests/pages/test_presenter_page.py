"""The presenter view through the whole app in English and Dutch: one slide at a time, next and
previous, the slide number in the URL, and the downloads prepared on click."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics import store
from analytics.domain import Filters
from analytics.i18n import t
from analytics.report import slides
from analytics.report.titles import split_title
from tests.pages.reading import shown

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
PRESENTER = str(ROOT / "pages" / "presenter.py")


pytestmark = pytest.mark.usefixtures("fresh_app")


@pytest.fixture(scope="module")
def titles(db_file):
    con = store.connect(db_file, read_only=True)
    try:
        return {
            # the screen shows the short title (the finding), the numbers beneath it, as the deck
            lang: [
                split_title(s.title)[0]
                for s in slides.build_deck(con.cursor(), Filters(), lang).slides
            ]
            for lang in ("en", "nl")
        }
    finally:
        con.close()


def _open(lang: str, slide: str | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params["lang"] = lang
    at.run()
    if slide is not None:
        at.query_params["slide"] = slide
    at.switch_page(PRESENTER).run()
    assert not at.exception
    assert not [e.value for e in at.error]
    return at


def _button(at: AppTest, key: str):
    return next(b for b in at.button if b.key == key)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_next_and_previous_walk_the_slides(lang, titles):
    at = _open(lang)
    assert shown(at.title[0]) == titles[lang][0]
    assert t("presenter.position", lang, i=1, n=len(titles[lang])) in [shown(c) for c in at.caption]
    assert _button(at, "presenter_prev").disabled
    _button(at, "presenter_next").click().run()
    assert at.query_params["slide"] in ("2", ["2"])
    assert shown(at.title[0]) == titles[lang][1]
    _button(at, "presenter_next").click().run()
    assert shown(at.title[0]) == titles[lang][2]
    _button(at, "presenter_prev").click().run()
    assert shown(at.title[0]) == titles[lang][1]
    assert not at.exception


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_slide_number_from_the_url(lang, titles):
    last = len(titles[lang])
    at = _open(lang, str(last))
    assert shown(at.title[0]) == titles[lang][-1]
    assert _button(at, "presenter_next").disabled
    # Out of range or unreadable numbers open the nearest slide, never an error.
    assert shown(_open(lang, "999").title[0]) == titles[lang][-1]
    assert shown(_open(lang, "abc").title[0]) == titles[lang][0]
    assert shown(_open(lang, "-3").title[0]) == titles[lang][0]


def test_demo_label_and_footnote(titles):
    del titles
    at = _open("nl")
    captions = "\n".join(shown(c) for c in at.caption)
    assert "(Demogegevens.)" in captions
    # The presenter view keeps the demo banner short (the slides carry the label).
    assert t("demo.short", "nl") in captions
    assert not any("demogegevens" in shown(i) for i in at.info)


def test_downloads_are_prepared_on_click():
    at = _open("en")
    assert not at.get("download_button")
    _button(at, "presenter_prepare").click().run()
    assert not at.exception
    downloads = at.get("download_button")
    assert len(downloads) == 4
    labels = [d.proto.label for d in downloads]
    assert labels == [t(f"presenter.{k}", "en") for k in ("html", "pptx", "csv", "xlsx")]


def test_adjustment_choice_reaches_the_headline_footnote():
    at = _open("en")
    at.selectbox(key="adjust").set_value("seniority").run()
    assert not at.exception
    captions = "\n".join(shown(c) for c in at.caption)
    assert "adjusted for seniority (Mantel-Haenszel)" in captions
    assert at.query_params["adjust"] in ("seniority", ["seniority"])
