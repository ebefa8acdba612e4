"""The hostile corpus through the app (AppTest): the Data page upload and the survey import UI.

Every refused item shows a message that names the file, no exception reaches the page, the Load
button stays disabled (or is not offered) and the database content is unchanged; awkward but
valid items are offered for loading. Both languages."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.pages.reading import shown

from .conftest import app_content_hash
from .corpus import ats_corpus, survey_corpus
from .test_hostile_input import ATS_LOADS, SURVEY_LOADS

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
DATA_PAGE = str(ROOT / "pages" / "data.py")
SURVEY_PAGE = str(ROOT / "tests" / "pages" / "survey_import_page.py")


@pytest.fixture
def db(app_database):
    return app_database(300, seed=11)


def _texts(at: AppTest) -> str:
    # what a reader sees: user text reaches Streamlit's Markdown escaped (ui.safe.md)
    parts = [shown(e) for e in at.error] + [shown(m) for m in at.markdown]
    parts += [shown(c) for c in at.caption] + [shown(s) for s in at.success]
    for table in at.dataframe:  # the problem tables: file, row, column, what to do
        parts += table.value.astype(str).to_numpy().ravel().tolist()
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_data_page_with_every_hostile_file(db, lang):
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page(DATA_PAGE).run()
    before = app_content_hash()
    corpus = ats_corpus()
    for case, (filename, content) in corpus.items():
        if case.startswith("big") and lang == "nl":
            continue  # the 10 MB items once are enough
        at.file_uploader(key="ingest_file").set_value((filename, content, "text/csv"))
        at.run()
        assert not at.exception, (case, at.exception)
        load = [b for b in at.button if b.key == "ingest_load"]
        if case == "ambiguous_dates":  # the page asks for the order (day-first preselected)
            assert at.radio(key="ingest_date_order").value == "dmy"
        elif case in ATS_LOADS:
            # Clean: Load waits only for the confirmation that replacing removes the demo.
            awaits = any(c.key == "ingest_confirm_0" and not c.value for c in at.checkbox)
            assert load and (not load[0].disabled or awaits), (case, _texts(at)[:500])
        else:
            assert not load or load[0].disabled, case
            assert at.error, case
            assert filename in _texts(at), (case, _texts(at)[:500])
        assert app_content_hash() == before, case  # nothing is stored before Load


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_survey_import_with_every_hostile_file(db, lang):
    at = AppTest.from_file(SURVEY_PAGE, default_timeout=120)
    at.query_params["lang"] = lang
    at.run()
    before = app_content_hash()
    for case, (filename, content) in survey_corpus().items():
        if case.startswith("big") and lang == "nl":
            continue
        at.file_uploader(key="survey_import_file_0").set_value((filename, content, "text/csv"))
        at.run()
        assert not at.exception, (case, at.exception)
        if case in SURVEY_LOADS:
            assert not at.error, (case, [e.value for e in at.error])
            assert [b for b in at.button if b.key == "survey_import_save"], case
        else:
            assert at.error and filename in shown(at.error[0]), case
            assert not [b for b in at.button if b.key == "survey_import_save"], case
        assert app_content_hash() == before, case
