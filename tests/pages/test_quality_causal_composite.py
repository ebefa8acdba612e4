"""The Quality page adjusted for everything measured on the default demo (20,000 applications,
where every component of the composite has an adjusted answer): the composite's E-value in words,
its row in the table with the numbers of the metric, and the SD it was standardised by
(issue 22), in English and Dutch."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics import demo, findings_causal, store
from analytics.domain import Filters
from analytics.i18n import fmt_num, t
from analytics.metrics import causal
from analytics.report import causal_slide as cs
from tests.pages.reading import texts

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_quality_shows_the_composites_e_value(app_database, lang):
    path = app_database(demo.DEFAULT_APPLICATIONS, demo.DEFAULT_SEED)
    con = store.connect(path, read_only=True)
    try:
        info = store.dataset_info(con)
        effects = causal.adjusted_effects(con.cursor(), Filters(), info.as_of)
    finally:
        con.close()
    comp = effects.composite
    assert comp.e_value is not None and comp.sd is not None
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.query_params["lang"] = lang
    at.query_params["quality_adjust"] = cs.EVERYTHING
    at.run()
    at.switch_page(str(ROOT / "pages" / "quality.py")).run()
    assert not at.exception
    assert not [e.value for e in at.error]
    text = texts(at)
    # The page's default weights are the metric's: the same composite, the same sentence.
    assert findings_causal.composite_e_value_sentence(comp, lang) in text
    assert t("causal.footnote.composite_sd", lang, sd=fmt_num(comp.sd, lang, 1)) in text
    table = next(d.value for d in at.dataframe if t("causal.export.evalue", lang) in d.value)
    row = table[table[t("causal.table.outcome", lang)] == cs_name(lang)]
    assert row[t("causal.export.evalue", lang)].iloc[0] == fmt_num(
        round(comp.e_value.point, 2), lang, 2
    )
    assert text.count(t("quality.composite.no_ci", lang)) == 1


def cs_name(lang: str) -> str:
    return t("causal.outcome.quality_composite", lang)
