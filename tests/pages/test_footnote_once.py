"""A page's charts share one cohort footnote (who is counted, the filters, the data date); a
reader sees it once per page, not under every chart and again at the foot (issue 20)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics import findings, store
from analytics.domain import Filters
from tests.pages.reading import texts
from tests.pages.tabs import open_tab

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.slow]

# (page, tab bar, tabs to open): each run shows the footnote once, whatever the open tab
PAGES = [
    ("overview.py", None, ()),
    ("funnel.py", "funnel_tab", ()),
    ("quality.py", "quality_tab", ()),
]


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("page", [p for p, _, _ in PAGES])
def test_the_cohort_footnote_appears_once(app_database, page, lang):
    path = app_database(2000, 7)
    con = store.connect(path, read_only=True)
    try:
        note = findings.cohort_footnote(Filters(), store.dataset_info(con), lang)
    finally:
        con.close()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.query_params["lang"] = lang
    at.run()
    if page != "overview.py":
        at.switch_page(str(ROOT / "pages" / page)).run()
    assert not at.exception
    assert texts(at).count(note) == 1
    tabs = [t.label for t in at.tabs]
    key = {p: k for p, k, _ in PAGES}[page]
    if key and len(tabs) > 1:  # another tab, same rule
        at = open_tab(at, key, tabs[1])
        assert not at.exception
        assert texts(at).count(note) == 1
