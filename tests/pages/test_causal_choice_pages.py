""" "Adjust for: everything measured (recommended)" through the whole app, in English and Dutch:
chosen on the Overview, Offers, Quality and presenter pages (from the widget and from the URL),
each draws the adjusted panel without an exception; and the Overview's numbers equal the
slide's and the export's.

AppTest cannot read plotly charts; the figures are built in tests/analytics/report/
test_causal_slide.py.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analytics import store
from analytics.domain import Filters
from analytics.i18n import t
from analytics.report import causal_slide as cs
from analytics.report import slides
from analytics.report.titles import split_title
from tests.pages.reading import shown, texts
from tests.pages.tabs import every_tab

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
PAGES = ROOT / "pages"

pytestmark = [pytest.mark.usefixtures("fresh_app"), pytest.mark.slow]


def _open(page: str, lang: str, params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=180)
    at.query_params["lang"] = lang
    for k, v in (params or {}).items():
        at.query_params[k] = v
    at.run()
    at.switch_page(str(PAGES / page)).run()
    return at


def _assert_clean(at: AppTest, lang: str) -> str:
    assert not at.exception
    assert not [e.value for e in at.error]
    text = texts(at)
    if lang == "nl":
        # Only the adjusted panel's lines: some older page texts still say "u" (the Dutch
        # wording is another helper's); every causal.* text is checked in test_causal_slide.py.
        marks = ("ecorrigeerd", "Methode:", "Getoond:", "E-waarde", "propensity")
        ours = "\n".join(line for line in text.splitlines() if any(m in line for m in marks))
        assert " u " not in f" {ours} "
    return text


@pytest.fixture(scope="module")
def decks(db_file):
    """The everything-measured decks in both languages, built before the app opens the file
    (DuckDB refuses a second, read-only connection next to the app's)."""
    con = store.connect(db_file, read_only=True)
    try:
        return {
            lang: slides.build_deck(con.cursor(), Filters(), lang, adjust_by=cs.EVERYTHING)
            for lang in ("en", "nl")
        }
    finally:
        con.close()


def _table(at: AppTest, column: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if column in d.value.columns)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_overview_everything_measured(lang, decks):
    at = _open("overview.py", lang)
    at.selectbox(key="adjust").set_value(cs.EVERYTHING).run()
    text = _assert_clean(at, lang)
    assert at.query_params["adjust"] in (cs.EVERYTHING, [cs.EVERYTHING])
    assert t("causal.summary.title", lang) in text
    assert t("causal.footnote.methods", lang) in text
    assert "AIPW" in text or "g-computation" in text
    # One tab per outcome; only the open one runs (issue 21): each opens without an exception.
    outcomes = [tab.label for tab in at.tabs]
    assert len(outcomes) == len(cs.OVERVIEW_OUTCOMES)
    seen = every_tab(at, "overview_causal_tab", outcomes)
    assert not seen.exceptions
    assert seen.text.count(t("causal.footnote.methods", lang)) >= len(outcomes)
    # The numbers on the page are the slide's and so the exports' (tables_csv_zip / Excel take
    # the slide's table as it is: tests/analytics/report/test_causal_slide.py).
    page = _table(at, t("causal.table.outcome", lang))
    slide_table = next(s for s in decks[lang].slides if s.key == "causal").table
    # The slide's table adds the quality composite after the Overview's four rates.
    slide_table = slide_table.iloc[: len(cs.OVERVIEW_OUTCOMES)]
    pd.testing.assert_frame_equal(
        page.reset_index(drop=True).astype(str),
        cs.displayed(slide_table, lang).astype(str),
        check_exact=True,
    )
    # The Overview's own table (its download) has the same adjusted differences beside the crude.
    prefix = t("causal.export.prefix", lang)
    diff_col = f"{t('causal.table.adjusted', lang)} ({t('causal.export.points', lang)})"
    overview = _table(at, f"{prefix}: {diff_col}")
    metric_col = t("overview.col.metric", lang)
    for outcome, value in zip(slide_table.iloc[:, 0], slide_table[diff_col], strict=True):
        got = overview.loc[overview[metric_col] == outcome, f"{prefix}: {diff_col}"]
        assert len(got) == 1
        # the screen shows the number in the reader's format (report.tables.display_table)
        assert (pd.isna(value) and got.iloc[0] == "—") or _read_number(
            got.iloc[0], lang
        ) == pytest.approx(value, abs=0.051)


def _read_number(text: str, lang: str) -> float:
    """A number as display_table prints it (``-1,234.5`` / ``−1.234,5``) back to a float."""
    text = str(text).replace("−", "-").replace("\u2009", "")
    if lang == "nl":
        text = text.replace(".", "").replace(",", ".")
    return float(text.replace(",", ""))


def test_overview_everything_from_the_url_and_back():
    at = _open("overview.py", "en", {"adjust": cs.EVERYTHING})
    text = _assert_clean(at, "en")
    assert at.selectbox(key="adjust").value == cs.EVERYTHING
    assert t("causal.summary.title", "en") in text
    at.selectbox(key="adjust").set_value("none").run()
    text = _assert_clean(at, "en")
    assert t("causal.summary.title", "en") not in text
    assert "adjust" not in at.query_params


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_offers_everything_measured(lang):
    at = _open("offers.py", lang)
    at.selectbox(key="offers_adjust").set_value(cs.EVERYTHING).run()
    text = _assert_clean(at, lang)
    assert t("causal.title", lang) in text
    assert t("metric.offer_acceptance", lang) in text
    too_few = t("causal.sentence.too_few", lang, outcome=t("metric.offer_acceptance", lang))
    assert t("causal.footnote.methods", lang) in text or too_few in text


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_quality_everything_measured(lang):
    at = _open("quality.py", lang, {"quality_adjust": cs.EVERYTHING})
    text = _assert_clean(at, lang)
    assert at.toggle(key="quality_adjust").value is True
    assert t("causal.title", lang) in text
    # The composite's sentence or the reason it has none; and the methods footnote.
    assert (
        t("causal.sentence.composite_none", lang) in text
        or t("causal.footnote.composite", lang) in text
    )
    # The composite's E-value, table and SD: tests/pages/test_quality_causal_composite.py
    # (this 4,000-application demo is too small for every component).
    at.toggle(key="quality_adjust").set_value(False).run()
    _assert_clean(at, lang)
    assert "quality_adjust" not in at.query_params


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_presenter_everything_measured_adds_the_slide(lang, decks):
    at = _open("presenter.py", lang)
    at.selectbox(key="adjust").set_value(cs.EVERYTHING).run()
    next(b for b in at.button if b.key == "presenter_next").click().run()
    _assert_clean(at, lang)
    deck = decks[lang]
    assert [s.key for s in deck.slides][:2] == ["headline", "causal"]
    # Like the deck: the short title, the numbers beneath it (the whole sentence, read together).
    short, numbers = split_title(deck.slides[1].title)
    assert shown(at.title[0]) == short
    assert numbers and f"#### {numbers}" in [shown(m) for m in at.markdown]


@pytest.mark.parametrize(("lang", "adjust"), [("en", True), ("nl", True), ("en", False)])
def test_quality_says_no_interval_once(lang, adjust):
    # The composite chart's "no interval" note was printed twice: as the chart's footnote (which
    # plotly_chart shows as the caption under the chart) and again as a caption of its own.
    at = _open("quality.py", lang, {"quality_adjust": cs.EVERYTHING} if adjust else None)
    text = _assert_clean(at, lang)
    assert text.count(t("quality.composite.no_ci", lang)) == 1
