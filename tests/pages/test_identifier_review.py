"""The app shows which identifier columns it drops and why BEFORE anything is saved: the Data page's
quality report and the survey import's review, both languages (issue 18, "Identifiers get in")."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from analytics import demo, store
from tests.analytics.ingest.test_identifiers import _ats_csv, _survey_csv
from tests.pages.reading import shown

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
DATA_PAGE = str(ROOT / "pages" / "data.py")
SURVEY_PAGE = str(ROOT / "tests" / "pages" / "survey_import_page.py")

pytestmark = pytest.mark.slow


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "aivshi.duckdb"
    con = store.connect(path)
    demo.build(con, 400, seed=4)
    con.close()
    monkeypatch.setenv(store.DB_ENV_VAR, str(path))
    monkeypatch.delenv(store.ID_KEY_ENV_VAR, raising=False)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield path
    st.cache_resource.clear()
    st.cache_data.clear()


def _stored_text() -> str:
    from ui import data  # the app holds the database open: read through its own connection

    cur = data.cursor()
    try:
        rows = []
        for table in ("applications", "stage_events", "stages", "survey_questions"):
            rows += cur.execute(f"SELECT * FROM {table}").fetchall()
    finally:
        cur.close()
    return " ".join(str(v) for row in rows for v in row)


@pytest.mark.parametrize(
    ("lang", "reason"),
    [
        ("en", "Geboren (the column's name says: dates of birth)"),
        ("nl", "Datum X (de waarden zijn geboortedatums)"),
    ],
)
def test_data_page_report_lists_dropped_columns_with_reasons(db, lang, reason):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page(DATA_PAGE).run()
    at.file_uploader(key="ingest_file").set_value(("sheet.csv", _ats_csv(), "text/csv"))
    at.run()
    assert not at.exception and not at.error
    captions = " ".join(shown(c) for c in at.caption)
    assert reason in captions  # shown before the load button is pressed
    before = _stored_text()
    assert "p0@mail.nl" not in before
    if any(c.key == "ingest_confirm_0" for c in at.checkbox):  # a replace asks once (issue 19)
        at.checkbox(key="ingest_confirm_0").check().run()
    at.button(key="ingest_load").click().run()
    assert not at.exception
    stored = _stored_text()
    assert "@mail.nl" not in stored and "geboren" not in stored.lower()


@pytest.mark.parametrize(
    ("lang", "reason"),
    [
        ("en", "Info (the values are phone numbers)"),
        ("nl", "contact (de waarden zijn e-mailadressen)"),
    ],
)
def test_survey_review_lists_dropped_columns_with_reasons(db, lang, reason):
    at = AppTest.from_file(SURVEY_PAGE, default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    at.file_uploader(key="survey_import_file_0").set_value(
        ("enquete.csv", _survey_csv(), "text/csv")
    )
    at.run()
    assert not at.exception and not at.error
    assert any(reason in shown(w) for w in at.warning)
