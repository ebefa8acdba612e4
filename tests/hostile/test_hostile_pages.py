"""The app (AppTest) with hostile text in the data and with what older versions could store.

- Hostile text (Markdown links and images, ``<a href>``, ``<b style>``, ``=HYPERLINK``, bare
  ``www.`` and e-mail addresses) as a survey question and as group values (a source, a role
  family) is SHOWN on the pages (a URL filter selects the hostile group), and every Markdown
  element that shows it shows it escaped: the characters, never a link, image or style.
- A survey of 9,000 questions stored by an older version (the import now refuses it) no longer
  takes the server down: the Survey page renders, and its Manage tab deletes it.
- The import UI refuses a 9,000-question upload with the message, stores nothing, and the Data
  page reads an upload once however often it reruns.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from analytics import demo, store
from analytics.ingest import reading
from analytics.text_safety import markdown as md

from .conftest import app_content_hash
from .test_survey_limits import wide_survey_csv

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
SURVEY_PAGE = str(ROOT / "pages" / "survey.py")
OVERVIEW_PAGE = str(ROOT / "pages" / "overview.py")
DATA_PAGE = str(ROOT / "pages" / "data.py")
IMPORT_PAGE = str(ROOT / "tests" / "pages" / "survey_import_page.py")

# No comma: the URL keeps several values of one filter separated by commas.
HOSTILE = (
    "![b](http://host.example/x.png) [Please sign in again](http://host.example/p) "
    '<a href="http://host.example/q">A</a> <b style="font-size:90px">B</b> '
    '=HYPERLINK("http://host.example/h") www.host.example a@b.com'
)
# What must never reach a Markdown renderer unescaped.
RAW_MARKUP = ("](http", "![b]", "<a href", "<b style", "www.host", "a@b.com", "http://")


def _markdown_texts(at: AppTest) -> list[str]:
    """Every string the app handed to a Markdown renderer."""
    out: list[str] = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "info",
        "warning",
        "error",
        "success",
    ):
        out += [str(e.value) for e in getattr(at, kind)]
    out += [str(e.label) for e in at.expander]
    out += [str(e.label) for e in at.tabs]
    out += [str(m.label) for m in at.metric]
    return out


def _plain_texts(at: AppTest) -> list[str]:
    """Strings shown as plain text (widget options, table cells): never Markdown."""
    out: list[str] = []
    for box in (*at.selectbox, *at.multiselect):
        out += [str(o) for o in box.options]
    for table in at.dataframe:
        out += table.value.astype(str).to_numpy().ravel().tolist()
    return out


def _assert_escaped_everywhere(at: AppTest) -> None:
    """Wherever the hostile text reaches Markdown, it is there only in its escaped form
    (``md`` escapes character by character, so the escaped value is a substring of any escaped
    sentence holding it): with those removed, no markup from the data is left."""
    for text in _markdown_texts(at):
        rest = text.replace(md(HOSTILE), "")
        for bad in RAW_MARKUP:
            assert bad not in rest, (bad, text[:300])


@pytest.fixture
def hostile_db(tmp_path, monkeypatch):
    path = tmp_path / "aivshi.duckdb"
    con = store.connect(path)
    demo.build(con, 400, seed=11)
    # Big groups (never suppressed) get the hostile names in every table that carries them.
    source = con.execute(
        "SELECT source FROM applications GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
    ).fetchall()[0][0]
    role = con.execute(
        "SELECT role_family FROM applications GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
    ).fetchall()[0][0]
    tables = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.columns "
            "WHERE column_name = 'source' AND table_schema = 'main' "
            "AND table_name NOT LIKE 'prev_%'"
        ).fetchall()
    ]
    for table in tables:
        con.execute(f'UPDATE "{table}" SET source = ? WHERE source = ?', [HOSTILE, source])
    tables = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.columns "
            "WHERE column_name = 'role_family' AND table_schema = 'main' "
            "AND table_name NOT LIKE 'prev_%'"
        ).fetchall()
    ]
    for table in tables:
        con.execute(
            f'UPDATE "{table}" SET role_family = ? WHERE role_family = ?', ["Role " + HOSTILE, role]
        )
    # every question of the demo survey carries the hostile text (whichever is shown first)
    con.execute("UPDATE survey_questions SET text = ? || ' ' || question_id", [HOSTILE])
    con.close()
    monkeypatch.setenv(store.DB_ENV_VAR, str(path))
    st.cache_data.clear()
    st.cache_resource.clear()
    yield path
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_hostile_question_text_is_shown_as_text_on_the_survey_page(hostile_db, lang):
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page(SURVEY_PAGE).run()
    assert not at.exception, at.exception
    shown = _markdown_texts(at)
    # the question is shown (escaped where Markdown renders it, as is in plain-text widgets)
    assert any(md(HOSTILE) in s for s in shown) or any(HOSTILE in s for s in _plain_texts(at))
    _assert_escaped_everywhere(at)


@pytest.mark.parametrize("page", [OVERVIEW_PAGE, SURVEY_PAGE])
def test_hostile_group_values_selected_by_url_are_shown_as_text(hostile_db, page):
    at = AppTest.from_file(APP, default_timeout=180)
    # one filter only: two filters on different axes may be withheld by the differencing rule
    # (analytics/metrics/disclosure.py), which would hide the names this test looks for
    at.query_params["source"] = HOSTILE
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    # the URL selected the hostile groups, so the filter widgets hold them ...
    chosen = [v for box in at.multiselect for v in box.value]
    assert HOSTILE in chosen
    # ... and the page names them (a footnote or caption with the filters), escaped
    assert any(md(HOSTILE) in s for s in _markdown_texts(at)), _markdown_texts(at)[:20]
    _assert_escaped_everywhere(at)


def _store_wide_survey(path: Path, questions: int = 9_000, respondents: int = 12) -> str:
    """A survey as an older version (without the question cap) could store it."""
    sid = "wide_old"
    qids = [f"Q{i}" for i in range(1, questions + 1)]
    rids = [f"R{r}" for r in range(1, respondents + 1)]
    labels = ["1", "2", "3", "4", "5"]
    con = store.connect(path)
    try:
        tables = {
            "surveys": pd.DataFrame(
                {
                    "survey_id": [sid],
                    "name": ["Wide old survey"],
                    "source_file": ["wide.csv"],
                    "created_at": [dt.datetime(2000, 1, 1)],  # listed first, picked by default
                    "n_respondents": [respondents],
                }
            ),
            "survey_questions": pd.DataFrame(
                {
                    "survey_id": sid,
                    "question_id": qids,
                    "position": range(1, questions + 1),
                    "text": [f"Question {q}" for q in qids],
                    "kind": "single",
                    "scale": None,
                    "labels": [labels] * questions,
                }
            ),
            "survey_respondents": pd.DataFrame(
                {
                    "survey_id": sid,
                    "respondent_id": rids,
                    "application_id": None,
                    "pipeline": ["human_first", "automation_first"] * (respondents // 2),
                    "weight": float("nan"),
                }
            ),
            "survey_answers": pd.DataFrame(
                {
                    "survey_id": sid,
                    "respondent_id": [r for r in rids for _ in qids],
                    "question_id": qids * respondents,
                    "value_num": float("nan"),
                    "value_text": [
                        labels[(i + j) % 5] for i in range(respondents) for j in range(questions)
                    ],
                }
            ),
        }
        store.load_tables(con, tables, mode="append", source="older version")
    finally:
        con.close()
    return sid


@pytest.fixture
def plain_db(app_database):
    return app_database(300, seed=11)


def test_a_stored_9000_question_survey_renders_and_can_be_deleted(plain_db):
    sid = _store_wide_survey(plain_db)
    at = AppTest.from_file(APP, default_timeout=300)
    at.run()
    at.switch_page(SURVEY_PAGE).run()
    assert not at.exception, at.exception
    assert at.selectbox(key="survey_pick").value == sid
    # the Manage tab offers delete; ticking "sure" and pressing it removes the survey
    at.selectbox(key="survey_import_choose").set_value(sid).run()
    at.checkbox(key=f"survey_import_sure_{sid}").check().run()
    at.button(key="survey_import_delete").click().run()
    assert not at.exception, at.exception
    from ui import data

    cur = data.cursor()
    try:
        left = cur.execute("SELECT count(*) FROM survey_questions WHERE survey_id = ?", [sid])
        assert left.fetchall() == [(0,)]
    finally:
        cur.close()


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_import_ui_refuses_a_9000_question_upload(plain_db, lang):
    at = AppTest.from_file(IMPORT_PAGE, default_timeout=180)
    at.query_params["lang"] = lang
    at.run()
    before = app_content_hash()
    at.file_uploader(key="survey_import_file_0").set_value(
        ("wide.csv", wide_survey_csv(), "text/csv")
    )
    at.run()
    assert not at.exception, at.exception
    assert at.error and md("wide.csv") in at.error[0].value
    assert ("too many questions" if lang == "en" else "te veel vragen") in at.error[0].value
    assert not [b for b in at.button if b.key == "survey_import_save"]
    assert app_content_hash() == before


def test_the_data_page_reads_an_upload_once_across_reruns(plain_db, monkeypatch):
    reads: list[str] = []
    real = reading._read_upload

    def counting(data: bytes, filename: str):  # a spy: the real reader, counted
        reads.append(filename)
        return real(data, filename)

    monkeypatch.setattr(reading, "_read_upload", counting)
    reading.clear_read_cache()
    rows = ["Application ID,Applied On,Pipeline,Status,Source"]
    rows += [f"H-{i},2025-01-06,human_first,hired,referral" for i in range(500)]
    content = ("\n".join(rows) + "\n").encode()
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    at.switch_page(DATA_PAGE).run()
    at.file_uploader(key="ingest_file").set_value(("once.csv", content, "text/csv"))
    at.run()
    for _ in range(3):  # reruns (any click) do not read the file again
        at.run()
    assert not at.exception, at.exception
    assert reads == ["once.csv"]
