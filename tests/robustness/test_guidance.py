"""The import's guidance and shared links (issue 19): file kind, linking, what a load removes,
weights that change nothing, URL values that cannot be used, unknown pages."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from analytics import ingest, store
from analytics.ingest import impact, kinds, linking
from analytics.metrics.survey.weights import WeightResult
from ui import urlstate
from ui.components.survey_weighting import changes_nothing

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "data" / "samples"
APP = str(ROOT / "app.py")


@pytest.mark.parametrize(
    ("sample", "kind"),
    [
        ("greenhouse_applications.csv", "applications"),
        ("nl_sollicitaties.csv", "applications"),
        ("lever_stage_changes.csv", "stages"),
        ("greenhouse_application_stages.csv", "stages"),
        ("offers.csv", "offers"),
        ("hires.csv", "hires"),
        ("survey_qualtrics.csv", "survey"),
        ("survey_nl.csv", "survey"),
    ],
)
def test_kind_of_every_sample(sample, kind):
    raw = ingest.read_path(SAMPLES / sample)
    assert kinds.guess_kind(raw.columns, raw.frame).kind == kind


def test_hires_file_chosen_as_applications_names_the_evidence():
    raw = ingest.read_path(SAMPLES / "hires.csv")
    guess = kinds.guess_kind(raw.columns, raw.frame)
    assert guess.evidence == (("start_on", "Start Date"),)
    assert kinds.mismatch("applications", guess, raw.columns) == ("applied_on", "status")
    assert kinds.mismatch("hires", guess, raw.columns) is None


@pytest.fixture
def loaded(con):
    apps = pd.DataFrame(
        {
            "application_id": [f"A{i:03d}" for i in range(10)],
            "applied_on": [dt.date(2025, 1, 1)] * 10,
            "pipeline": ["human_first"] * 10,
            "status": ["open"] * 10,
        }
    )
    store.load_tables(con, {"applications": apps})
    return con


def test_link_report_counts_and_safe_examples(loaded):
    none = linking.link_report(loaded, [f"X{i:03d}" for i in range(60)])
    assert (none.rows, none.matched, none.level, none.loaded) == (60, 0, "none", 10)
    assert none.examples == ("X000", "X001", "X002")
    some = linking.link_report(loaded, ["A001", "A002", "jan@example.com", "Jan Jansen", None])
    assert (some.rows, some.matched, some.level) == (4, 2, "some")
    assert some.examples == () and some.hidden_examples, "a name or e-mail is never shown"
    assert linking.link_report(loaded, ["A001", "A001"]).level == "all"
    assert linking.link_report(loaded, [None, ""]).level == "empty"


def test_link_report_compares_hashed_ids(con):
    key = store.id_key(con)  # the keyed hash the import uses (key outside the database)
    apps = pd.DataFrame(
        {
            "application_id": [key.hash("A1"), key.hash("A2")],
            "applied_on": [dt.date(2025, 1, 1)] * 2,
            "pipeline": ["human_first"] * 2,
            "status": ["open"] * 2,
        }
    )
    store.load_tables(con, {"applications": apps})
    report = linking.link_report(con, ["A1", "A2", "A3"])
    assert (report.matched, report.rows) == (2, 3)


def test_loss_counts_what_a_replace_removes(demo_con):
    lost = impact.loss(demo_con, "applications")
    assert lost["applications"] == 20_000 and lost["surveys"] >= 1
    assert impact.loss(demo_con, "offers", "append") == {}
    respondents, answers = impact.survey_size(demo_con, "demo_candidate_experience")
    assert respondents > 0 and answers > respondents


def test_weights_of_one_change_nothing():
    ones = WeightResult(pd.Series([1.0, 1.0]), 2, 2.0, 1.0, 1.0, 1.0, pd.DataFrame())
    assert changes_nothing(ones)
    moved = WeightResult(pd.Series([0.5, 1.5]), 2, 1.6, 1.25, 0.5, 1.5, pd.DataFrame())
    assert not changes_nothing(moved)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025-02-01..2025-03-01", (dt.date(2025, 2, 1), dt.date(2025, 3, 1))),
        ("2024-01-01..2025-03-01", (dt.date(2025, 1, 1), dt.date(2025, 3, 1))),  # clipped
        ("1990-01-01..1990-02-01", (dt.date(2025, 1, 1), dt.date(2025, 12, 31))),  # all outside
        ("2030-01-01..2030-02-01", (dt.date(2025, 1, 1), dt.date(2025, 12, 31))),
        ("..2025-03-01", (dt.date(2025, 1, 1), dt.date(2025, 3, 1))),  # open start
        ("garbage", (dt.date(2025, 1, 1), dt.date(2025, 12, 31))),
        ("2025-05-01..2025-02-01", (dt.date(2025, 1, 1), dt.date(2025, 12, 31))),
    ],
)
def test_dates_from_a_link_never_become_a_one_day_view(raw, expected):
    assert urlstate.parse_dates(raw, dt.date(2025, 1, 1), dt.date(2025, 12, 31)) == expected


def test_unknown_page():
    known = {"", "funnel", "data"}
    assert urlstate.unknown_page("nonsense", "", known)
    assert not urlstate.unknown_page("funnel", "", known)
    assert not urlstate.unknown_page("", "", known)
    assert not urlstate.unknown_page("nonsense", "abc123", known)  # a click: the hash decides


# --- Through the app (slow: whole-app AppTest runs) ------------------------------------------


@pytest.fixture
def app(tmp_path, demo_db, monkeypatch):
    path = tmp_path / "aivshi.duckdb"
    shutil.copyfile(demo_db(1000, 5), path)
    monkeypatch.setenv(store.DB_ENV_VAR, str(path))
    st.cache_data.clear()
    st.cache_resource.clear()
    yield lambda: AppTest.from_file(APP, default_timeout=120)
    st.cache_data.clear()
    st.cache_resource.clear()


def _texts(at) -> str:
    parts = [*at.markdown, *at.caption, *at.info, *at.warning, *at.error, *at.success]
    return " ".join(str(e.value) for e in parts) + " ".join(str(c.label) for c in at.checkbox)


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "nl"])
def test_link_with_dates_outside_the_data_says_what_is_shown(app, lang):
    at = app()
    at.query_params.update({"lang": lang, "dates": "1990-01-01..1990-02-01", "region": "Atlantis"})
    at.run()
    assert not at.exception
    text = " ".join(i.value for i in at.info)
    assert "1990-01-01..1990-02-01" in text.replace(" ", "") or "1990-01-01" in text
    assert "Atlantis" in text
    first, last = at.date_input(key="dates").value
    assert first < last, "the whole span, not a one-day view"


@pytest.mark.slow
def test_hires_uploaded_as_applications_gets_a_hint_and_replace_asks_first(app):
    at = app()
    at.run()
    at.switch_page(str(ROOT / "pages/data.py")).run()
    content = (SAMPLES / "hires.csv").read_bytes()
    at.file_uploader(key="ingest_file").set_value(("hires.csv", content, "text/csv")).run()
    assert not at.exception
    assert any("looks like **hires**" in w.value for w in at.warning)
    # The right kind: appended by default, with how many rows link to loaded applications.
    at.selectbox(key="ingest_kind").set_value("hires").run()
    assert at.radio(key="ingest_mode_hires").value == "append"
    assert "match the 1,000 loaded applications" in _texts(at) or "rows match" in _texts(at)
    # An applications file replaces the demo: the page counts what is removed and asks once.
    at.selectbox(key="ingest_kind").set_value("applications").run()
    apps = (SAMPLES / "greenhouse_applications.csv").read_bytes()
    at.file_uploader(key="ingest_file").set_value(("g.csv", apps, "text/csv")).run()
    assert "1,000 applications" in _texts(at)
    assert at.button(key="ingest_load").disabled
    at.checkbox(key="ingest_confirm_0").check().run()
    at.button(key="ingest_load").click().run()
    assert not at.exception
    assert at.session_state["_page_context"].info.applications == 50
    assert "ingest_file_1" in [u.key for u in at.get("file_uploader")], "a fresh uploader"
