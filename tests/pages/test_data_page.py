"""The Data page through AppTest: runs in both languages, uploads a sample, loads it, restores."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from analytics import demo, store

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
PAGE = str(ROOT / "views" / "data.py")
SAMPLES = ROOT / "data" / "samples"


@pytest.fixture
def app(tmp_path, monkeypatch):
    db = tmp_path / "aivshi.duckdb"
    con = store.connect(db)
    demo.build(con, 1000, seed=3)
    con.close()
    monkeypatch.setenv(store.DB_ENV_VAR, str(db))
    st.cache_data.clear()
    st.cache_resource.clear()
    yield lambda: AppTest.from_file(APP, default_timeout=60)
    st.cache_resource.clear()
    st.cache_data.clear()


def _open(at: AppTest, lang: str = "en") -> AppTest:
    at.query_params["lang"] = lang
    at.run()
    return at.switch_page(PAGE).run()


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_data_page_runs_in_both_languages(app, lang):
    at = _open(app(), lang)
    assert not at.exception
    assert not at.error
    expected = "Load your own data" if lang == "en" else "Eigen gegevens laden"
    assert at.title[0].value == expected


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_upload_shows_mapping_and_report_then_loads(app, lang):
    at = _open(app(), lang)
    content = (SAMPLES / "greenhouse_applications.csv").read_bytes()
    at.file_uploader(key="ingest_file").set_value(
        ("greenhouse_applications.csv", content, "text/csv")
    )
    at.run()
    assert not at.exception
    assert not at.error
    assert at.success, "the report says there are no problems"
    assert not at.button(key="ingest_load").disabled
    at.button(key="ingest_load").click().run()
    assert not at.exception
    assert not at.error
    # After the rerun the router shows real data: no demo banner, 50 applications.
    info = at.session_state["_page_context"].info
    assert not info.is_demo and info.applications == 50
    at.button(key="ingest_restore_demo").click().run()
    assert not at.exception
    assert at.session_state["_page_context"].info.is_demo


def test_bad_upload_lists_problems_and_disables_load(app):
    at = _open(app())
    bad = b"Application ID,Applied On,Pipeline,Status\nA1,2025-01-01,human_first,maybe\n"
    at.file_uploader(key="ingest_file").set_value(("bad.csv", bad, "text/csv"))
    at.run()
    assert not at.exception
    assert at.button(key="ingest_load").disabled
    text = " ".join(m.value for m in at.markdown)
    assert "bad.csv, row 2, column Status" in text
