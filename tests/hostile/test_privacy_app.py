"""Privacy in the running app: every table handed to ``st.dataframe`` (whose own toolbar download
bypasses our exports) shows no group of 1 to 4 people, on the full demo and under a narrow filter
(about 30 applications); and direct identifiers in an upload never reach the database."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from analytics import demo, ingest, store
from analytics.domain import PRIVACY_THRESHOLD
from analytics.ingest import survey as si

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
PAGES = sorted(re.findall(r'"(pages/[a-z_]+\.py)"', (ROOT / "app.py").read_text()))

# Columns that hold the size of a group (people in it); successes within a shown group (k) are
# not group sizes.
SIZE_NAMES = {
    "n",
    "applications",
    "applicants",
    "reached",
    "decided offers",
    "declines",
    "withdrawals",
    "respondents",
    "entering",
}


def _is_size(column: str) -> bool:
    name = str(column).strip().lower()
    return name in SIZE_NAMES or name.endswith(": n") or name.startswith("n ")


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("privacy") / "aivshi.duckdb"
    con = store.connect(path)
    demo.build(con, 1500, seed=5)
    con.close()
    return path


@pytest.mark.parametrize("narrow", [False, True], ids=["all", "narrow"])
@pytest.mark.parametrize("page", PAGES)
def test_no_small_group_reaches_st_dataframe(db, monkeypatch, page, narrow):
    monkeypatch.setenv(store.DB_ENV_VAR, str(db))
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        at = AppTest.from_file(APP, default_timeout=120)
        if narrow:  # one role family in one region at one level: about 30 applications
            at.query_params.update(role_family="data", region="DE", seniority="junior")
        at.run()
        at.switch_page(str(ROOT / page)).run()
        assert not at.exception
        for frame in (d.value for d in at.dataframe):
            for col in frame.columns:
                if not _is_size(col):
                    continue
                values = frame[col]
                try:
                    numbers = values.astype("Float64").dropna()
                except (TypeError, ValueError):
                    continue
                small = numbers[(numbers >= 1) & (numbers < PRIVACY_THRESHOLD)]
                assert small.empty, f"{page}: column {col!r} shows {small.tolist()}"
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()


def _all_text(con) -> str:
    parts = []
    for (name,) in con.execute("SHOW TABLES").fetchall():
        parts.extend(map(repr, con.execute(f'SELECT * FROM "{name}"').fetchall()))
    return "\n".join(parts)


def test_direct_identifiers_never_reach_the_database(tmp_path):
    con = store.connect(tmp_path / "x.duckdb")
    try:
        ats = (
            "Application ID,Applied On,Pipeline,Status,Candidate Name,Email,Phone,Candidate ID\n"
            "P-1,2025-01-06,human_first,hired,Jan de Vries,jan.devries@example.nl,"
            "+31 6 12345678,CAND-77\n"
            "P-2,2025-01-07,automation_first,open,Anna Smit,anna@example.nl,0612345679,CAND-78\n"
        )
        path = tmp_path / "people.csv"
        path.write_text(ats)
        prepared, version = ingest.import_file(con, path, "applications")
        assert version is not None, prepared.report.to_text()
        survey = (
            "Respondent,Naam,E-mailadres,Telefoonnummer,Proces,De procedure was eerlijk\n"
            "r1,Jan de Vries,jan.devries@example.nl,0612345678,human_first,Mee eens\n"
            "r2,Anna Smit,anna@example.nl,0612345679,automation_first,Mee oneens\n"
        )
        spath = tmp_path / "people_survey.csv"
        spath.write_text(survey)
        si.import_file(con, spath)
        text = _all_text(con)
        for secret in (
            "Jan de Vries",
            "jan.devries@example.nl",
            "12345678",
            "Anna Smit",
            "anna@example.nl",
            "0612345679",
        ):
            assert secret not in text, secret
        # candidate ids are hashed, not stored as given
        assert "CAND-77" not in text
    finally:
        con.close()


# --- differencing: a withheld selection, reached by editing the URL ----------------------------

WITHHELD = {"role_family": "data", "source": "referral"}  # on this demo: not combinable


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("page", ["pages/overview.py", "pages/offers.py", "pages/presenter.py"])
def test_a_withheld_selection_shows_why_and_no_numbers(db, monkeypatch, page, lang):
    monkeypatch.setenv(store.DB_ENV_VAR, str(db))
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        at = AppTest.from_file(APP, default_timeout=120)
        at.query_params.update(lang=lang, **WITHHELD)
        at.run()
        at.switch_page(str(ROOT / page)).run()
        assert not at.exception
        warnings = " ".join(w.value for w in at.warning)
        word = "withheld" if lang == "en" else "niet getoond"
        assert word in warnings and str(PRIVACY_THRESHOLD) in warnings
        assert len(at.metric) == 0 and len(at.dataframe) == 0
        # one filter alone is fine: the page draws its numbers
        at2 = AppTest.from_file(APP, default_timeout=120)
        at2.query_params.update(lang=lang, source="referral")
        at2.run()
        at2.switch_page(str(ROOT / page)).run()
        assert not at2.exception
        assert not any(word in w.value for w in at2.warning)
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()


def test_the_data_page_is_never_withheld(db, monkeypatch):
    monkeypatch.setenv(store.DB_ENV_VAR, str(db))
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        at = AppTest.from_file(APP, default_timeout=120)
        at.query_params.update(**WITHHELD)
        at.run()
        at.switch_page(str(ROOT / "pages/data.py")).run()
        assert not at.exception
        assert not any("withheld" in w.value for w in at.warning)
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()
