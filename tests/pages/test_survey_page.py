"""The Surveys page through the whole app (router, sidebar, page) in English and Dutch: banner
table and tests, switching the question, the banner and the weights, free text, and a real-size
Qualtrics export.

AppTest cannot read plotly charts; the figure builders are exercised in
tests/analytics/test_survey.py through the banner results they draw.
"""

from __future__ import annotations

import csv
import io
import sys
import time
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from analytics import demo, store
from analytics.i18n import t
from analytics.ingest import survey as si
from tests.pages.reading import texts
from tests.pages.tabs import every_tab, open_tab

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
SURVEY = str(ROOT / "pages" / "survey.py")
SID = demo.DEMO_SURVEY_ID
sys.path.insert(0, str(ROOT / "data" / "samples"))
import make_survey_samples as samples  # noqa: E402

pytestmark = pytest.mark.usefixtures("fresh_app")


def _open(lang: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page(SURVEY).run()
    return at


def _texts(at: AppTest) -> str:
    return texts(at, ("markdown", "caption", "info", "warning", "title", "subheader"))


def _assert_clean(at: AppTest, lang: str) -> None:
    assert not at.exception
    assert not [e for e in at.error if e.value == t("error.generic", lang)]


def _banner_frame(at: AppTest):
    for df in at.dataframe:
        if t("survey.col.answer", "en") in df.value.columns or "Antwoord" in df.value.columns:
            return df.value
    raise AssertionError("no banner table on the page")


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_survey_page_renders_banner_and_tests(lang):
    at = _open(lang)
    _assert_clean(at, lang)
    text = _texts(at)
    assert t("survey.title", lang) in text
    assert t("survey.banner_table", lang) in text
    assert t("survey.letters_help", lang) in text
    assert "χ²" in text
    assert t("survey.rank.title", lang) in text
    table = _banner_frame(at)
    assert t("survey.row.n", lang) in set(table.iloc[:, 0])
    # Total first, then human-first (A) and automation-first (B)
    assert list(table.columns)[1] == t("survey.total", lang)
    assert "(A)" in table.columns[2] and "(B)" in table.columns[3]
    if lang == "nl":
        assert any("%" in str(v) and "," in str(v) for v in table.iloc[0, 1:])
    # Only the open tab runs (issue 21; the manage tab always): every tab opens cleanly.
    tabs = [t(f"survey.tab.{n}", lang) for n in ("banner", "overview", "text", "manage")]
    assert [tab.label for tab in at.tabs] == tabs
    seen = every_tab(at, "survey_tab", tabs)
    assert not seen.exceptions
    assert seen.downloads >= 3


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_switching_question_banner_and_weights(lang):
    at = _open(lang)
    at.selectbox(key=f"survey_q_{SID}").set_value("nps").run()
    _assert_clean(at, lang)
    assert t("survey.row.nps", lang) in set(_banner_frame(at).iloc[:, 0])
    at.selectbox(key=f"survey_banner_{SID}").set_value("q:most_valuable").run()
    _assert_clean(at, lang)
    table = _banner_frame(at)
    assert "Talking to a recruiter (A)" in table.columns
    # the choices survive a visit to another tab
    open_tab(at, "survey_tab", t("survey.tab.text", lang))
    open_tab(at, "survey_tab", t("survey.tab.banner", lang))
    assert at.selectbox(key=f"survey_banner_{SID}").value == "q:most_valuable"
    assert at.selectbox(key=f"survey_q_{SID}").value == "nps"
    at.toggle(key=f"survey_w_on_{SID}").set_value(True).run()
    _assert_clean(at, lang)
    text = _texts(at)
    assert t("survey.weights.on", lang) in text
    assert t("survey.tests_weighted", lang) in text
    assert t("survey.row.n_eff", lang) in set(_banner_frame(at).iloc[:, 0])
    assert t("survey.rank.mw_weighted", lang) in _texts(at) or any(
        t("survey.rank.mw_weighted", lang) in str(v)
        for df in at.dataframe
        for v in df.value.to_numpy().ravel()
    )
    # Trimming and a second weighting variable (a question of the survey)
    at.checkbox(key=f"survey_w_trim_{SID}").check().run()
    at.multiselect(key=f"survey_w_vars_{SID}").set_value(["pipeline", "q:most_valuable"]).run()
    _assert_clean(at, lang)
    assert not at.error


def test_weights_from_the_applications_and_impossible_bounds():
    at = _open("en")
    at.toggle(key=f"survey_w_on_{SID}").set_value(True).run()
    at.radio(key=f"survey_w_src_{SID}_pipeline").set_value("applications").run()
    _assert_clean(at, "en")
    assert t("survey.weights.on", "en") in _texts(at)
    # Bounds that cannot hold the targets: a clear message, the page stays unweighted
    at.multiselect(key=f"survey_w_vars_{SID}").set_value(["pipeline", "region"]).run()
    at.checkbox(key=f"survey_w_trim_{SID}").check().run()
    at.number_input(key=f"survey_w_lo_{SID}").set_value(0.95).run()
    at.number_input(key=f"survey_w_hi_{SID}").set_value(1.0).run()
    _assert_clean(at, "en")
    assert any("cannot be made" in e.value for e in at.error)
    assert t("survey.weights.off_because", "en") in _texts(at)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_free_text_search_and_download(lang):
    at = _open(lang)
    open_tab(at, "survey_tab", t("survey.tab.text", lang))
    at.text_input(key=f"survey_search_{SID}").input("video").run()
    _assert_clean(at, lang)
    answers = [
        df.value
        for df in at.dataframe
        if t("survey.text.col.answer", lang) in df.value.columns
        and t("survey.text.col.group", lang) in df.value.columns
    ]
    assert answers and len(answers[0]) > 0
    assert all("video" in a.lower() for a in answers[0][t("survey.text.col.answer", lang)])
    # the answers' download (the banner's is on its own tab, not run while this one is open)
    assert [b.key for b in at.get("download_button")] == ["survey_dl_text"]


def test_sidebar_filters_keep_linked_respondents_only():
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params["role_family"] = "data"
    at.run()
    at.switch_page(SURVEY).run()
    _assert_clean(at, "en")
    filtered = [c.value for c in at.caption if c.value.startswith("Sidebar filters are active")]
    assert filtered
    table = _banner_frame(at)
    n_row = table[table.iloc[:, 0] == t("survey.row.n", "en")].iloc[0]
    total = int(str(n_row.iloc[1]).replace(",", ""))
    assert 0 < total < 300  # of 300 demo respondents, only those linked to a data application


def test_real_size_qualtrics_export_in_the_page(tmp_path, monkeypatch):
    """A generated 10,000 x 40 Qualtrics export is stored, then picked on the page and its
    banner drawn (by a single-choice question of the survey)."""
    path = tmp_path / "big.duckdb"
    con = store.connect(path)
    demo.build(con, 400, seed=4)
    buf = io.StringIO()
    csv.writer(buf).writerows(samples.qualtrics_rows(10_000, n_likert=37))
    started = time.perf_counter()
    sf = si.read_survey(buf.getvalue().encode(), "qualtrics_big.csv")
    tables = si.build_tables(sf, si.questions_frame(sf), "Big Qualtrics", con)
    si.save(con, tables)
    load_seconds = time.perf_counter() - started
    con.close()
    big = str(tables["surveys"].survey_id.iloc[0])
    monkeypatch.setenv(store.DB_ENV_VAR, str(path))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    at.switch_page(SURVEY).run()
    started = time.perf_counter()
    at.selectbox(key="survey_pick").set_value(big).run()
    _assert_clean(at, "en")
    qids = list(at.selectbox(key=f"survey_banner_{big}").options)
    assert len(qids) > 30
    page_seconds = time.perf_counter() - started
    print(f"10k x 40 Qualtrics: load {load_seconds:.1f} s, page with banner {page_seconds:.1f} s")
    table = _banner_frame(at)
    assert t("survey.row.n", "en") in set(table.iloc[:, 0])


def test_small_groups_are_suppressed_on_the_page(tmp_path, monkeypatch):
    """A grouping answer given by 3 respondents: not a banner column, not in the tests, its
    free-text answers neither listed nor exported (the download is built from the listed
    frame)."""
    path = tmp_path / "small.duckdb"
    con = store.connect(path)
    demo.build(con, 400, seed=4)
    lines = ["id,pipeline,Your role,The process respected my time.,Comments"]
    answers = ["Agree", "Disagree", "Strongly agree", "Neutral"]
    for i in range(40):
        pipe = "human_first" if i % 2 else "automation_first"
        role = "Engineer" if i % 3 else "Analyst"
        lines.append(f"r{i},{pipe},{role},{answers[i % 4]},Fine process {i}")
    for i in range(3):
        lines.append(f"h{i},human_first,Designer,Agree,Secret designer remark {i}")
    csv_path = tmp_path / "small.csv"
    csv_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tables, _, _ = si.import_file(con, csv_path, name="Small groups")
    con.close()
    sid = str(tables["surveys"].survey_id.iloc[0])
    questions = tables["survey_questions"]
    role = str(questions[questions.text == "Your role"].question_id.iloc[0])
    scale = str(questions[questions.kind == "likert"].question_id.iloc[0])
    monkeypatch.setenv(store.DB_ENV_VAR, str(path))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    at.switch_page(SURVEY).run()
    at.selectbox(key="survey_pick").set_value(sid).run()
    at.selectbox(key=f"survey_q_{sid}").set_value(scale).run()
    at.selectbox(key=f"survey_banner_{sid}").set_value(f"q:{role}").run()
    _assert_clean(at, "en")
    table = _banner_frame(at)
    assert [c for c in table.columns if "Engineer" in c]
    assert not [c for c in table.columns if "Designer" in c]
    assert any("fewer than 5 respondents" in c.value and "Designer" in c.value for c in at.caption)
    # the free-text tab (only the open tab runs, issue 21)
    open_tab(at, "survey_tab", t("survey.tab.text", "en"))
    at.selectbox(key=f"survey_tb_{sid}").set_value(f"q:{role}").run()
    _assert_clean(at, "en")
    texts = [
        df.value
        for df in at.dataframe
        if t("survey.text.col.answer", "en") in df.value.columns
        and t("survey.text.col.group", "en") in df.value.columns
    ]
    assert texts and len(texts[0]) == 40
    assert not texts[0][t("survey.text.col.answer", "en")].str.contains("Secret").any()
    # answers show only for groups big enough under every grouping (issue 18): the page says so
    assert any("under every grouping" in c.value for c in at.caption)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_all_questions_tab(lang):
    at = _open(lang)
    open_tab(at, "survey_tab", t("survey.tab.overview", lang))
    at.selectbox(key=f"survey_ov_banner_{SID}").set_value("q:spoke_first").run()
    _assert_clean(at, lang)
    frames = [
        df.value for df in at.dataframe if t("survey.overview.finding", lang) in df.value.columns
    ]
    assert frames
    overview = frames[0]
    # 4 scales + NPS (yes/no question is the banner itself)
    assert len(overview) == 5
    assert set(overview[t("survey.overview.finding", lang)]) <= {
        t(f"survey.overview.verdict.{v}", lang) for v in ("clear", "none", "too_few")
    }
