"""The Overview adjusted for everything measured: the answer strip carries the adjusted answers
(the same lines as the deck's and the presenter's first slide), says which lines are not
adjusted, and an outcome too sparse to adjust says so once, with one methods footnote
(issues 20 and 22)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics import store
from analytics.answers import everything_lines
from analytics.domain import Filters
from analytics.findings_causal import effect_sentence, methods_footnote, outcome_name
from analytics.i18n import t
from analytics.metrics import causal
from analytics.metrics import overview as ov
from analytics.report import causal_slide as cs
from analytics.report import slides
from tests.pages.reading import shown, texts
from tests.pages.tabs import open_tab

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _strip(at: AppTest) -> list[str]:
    block = next(m for m in at.markdown if ":material/" in m.value and "**" in m.value)
    return [shown(line.split(" ", 1)[1]) for line in block.value.split("  \n")]


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("applications", [2000, 4000])
def test_strip_is_the_adjusted_answer_and_the_deck_s(app_database, applications, lang):
    path = app_database(applications, 7)
    con = store.connect(path, read_only=True)
    try:
        cur = con.cursor()
        info = store.dataset_info(cur)
        effects = causal.adjusted_effects(cur, Filters(), info.as_of, outcomes=cs.SLIDE_OUTCOMES)
        metrics = ov.headline(cur, Filters(), as_of=info.as_of).metrics
        expected = [shown(x.text) for x in everything_lines(metrics, effects, lang)]
        deck = slides.build_deck(cur, Filters(), lang, kinds=("headline",), adjust_by=cs.EVERYTHING)
    finally:
        con.close()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.query_params["lang"] = lang
    at.query_params["adjust"] = cs.EVERYTHING
    at.run()
    assert not at.exception
    page = _strip(at)
    assert page == expected == [shown(x.text) for x in deck.answers()]
    adjusted = t("answer.adjusted_all", lang)
    unadjusted = t("answer.unadjusted", lang)
    # Every line says whether it is adjusted; time to hire has no adjusted estimate.
    for line in page:
        if t("answer.few", lang) not in line:
            assert line.endswith(adjusted) or line.endswith(unadjusted), line
    assert page[-1].endswith(unadjusted)
    # An outcome the data cannot adjust (too sparse) keeps its crude line, said to be unadjusted,
    # and its panel says why, with the general methods footnote printed once.
    text = texts(at)
    assert text.count(methods_footnote(effects, lang)) == 1
    sparse = [o for o in cs.OVERVIEW_OUTCOMES if effects.effects[o].reason == "too_sparse"]
    if applications == 2000:
        assert "offer_acceptance" in sparse  # 22 comparable offers, 4 refusals, 14 terms
        assert page[0].endswith(unadjusted)
    if sparse:
        at = open_tab(at, "overview_causal_tab", outcome_name(sparse[0], lang))
        text = texts(at)
        assert effect_sentence(effects.effects[sparse[0]], lang) in text
        assert text.count(methods_footnote(effects, lang)) == 1
