"""Hostile input through the ATS and survey import paths, in the library and from the CLI.

Every item of ``corpus.py`` either loads with the right values (awkward but valid files) or is
refused with a message that names the file (and the row or column when there is one) in English
and Dutch, with the database content unchanged (a hash of every table) and exit code 2 from the
command line. The Data page and the survey import UI get the same corpus in ``test_hostile_app``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics import ingest, store
from analytics.cli import main
from analytics.ingest import survey as si

from .conftest import content_hash, file_hash
from .corpus import INJECTION, QUOTE_INJECTION, ats_corpus, survey_corpus

ROOT = Path(__file__).resolve().parents[2]

ATS = ats_corpus()
SURVEY = survey_corpus()

# What each item must do: "load" (with the values checked below) or "refuse".
ATS_LOADS = {
    "semicolon",
    "tab",
    "latin1",
    "cp1252",
    "utf16",
    "formula_cells",
    "sql_values",
    "sql_column_names",
    "sql_application_id",
}
SURVEY_LOADS = {
    "semicolon",
    "latin1",
    "cp1252",
    "utf16",
    "formula_cells",
    "sql_values",
    "sql_column_names",
    "mixed_dates",
}
ATS_SOURCES = {  # the Source column as stored
    "latin1": {"H-3": "café"},
    "cp1252": {"H-3": "€ fair"},
    "formula_cells": {"H-1": '=HYPERLINK("http://x")', "H-4": "@SUM(A1)"},
    "sql_values": {"H-1": INJECTION, "H-2": QUOTE_INJECTION},
}


def test_the_corpus_covers_the_issue_list():
    issue_items = {
        "semicolon",  # wrong delimiter
        "latin1",
        "cp1252",
        "utf16",
        "ragged",
        "duplicate_header",
        "empty_header",
        "empty",
        "header_only",
        "big_field",
        "nul_bytes",
        "formula_cells",
        "sql_values",
        "sql_column_names",
        "mixed_dates",
        "merged_header_xlsx",
        "png_as_csv",
    }
    assert issue_items <= set(ATS) and issue_items <= set(SURVEY)
    # decimal comma: tests/analytics/test_ingest.py (offers) and test_survey_ingest.py (answers);
    # the 200 MB file: test_files_over_the_limit_are_refused_before_reading below.


def _write(tmp_path: Path, filename: str, content: bytes) -> Path:
    path = tmp_path / filename
    path.write_bytes(content)
    return path


def _assert_message(text_en: str, text_nl: str, filename: str) -> None:
    for text in (text_en, text_nl):
        assert filename in text, text
        assert "ingest.problem" not in text and "survey_import.problem" not in text
        assert "Traceback" not in text
    assert text_en != text_nl


@pytest.mark.parametrize("case", sorted(ATS))
def test_ats_item_loads_right_or_is_refused_and_changes_nothing(db_copy, tmp_path, case, capsys):
    filename, content = ATS[case]
    path = _write(tmp_path, filename, content)
    con = store.connect(db_copy)
    try:
        before = content_hash(con)
        try:
            prepared, version = ingest.import_file(con, path, "applications")
        except ingest.IngestError as e:
            assert case not in ATS_LOADS, e
            _assert_message(e.problem.text("en"), e.problem.text("nl"), filename)
            version = None
        else:
            if case in ATS_LOADS:
                assert version is not None, prepared.report.to_text()
            else:
                assert version is None
                assert prepared.report.problems
                for p in prepared.report.problems:
                    _assert_message(p.text("en"), p.text("nl"), filename)
        after = content_hash(con)
        if case in ATS_LOADS:
            sources = dict(
                con.execute("SELECT application_id, source FROM applications").fetchall()
            )
            assert set(sources) >= {"H-1"} or case == "sql_application_id"
            for app_id, source in ATS_SOURCES.get(case, {}).items():
                assert sources[app_id] == source
            if case == "sql_application_id":
                assert sources == {QUOTE_INJECTION: "x"}
            if case == "sql_column_names":
                cols = [r[0] for r in con.execute("DESCRIBE applications").fetchall()]
                assert not any("DROP" in c for c in cols)
            tables = {r[0] for r in con.execute("SHOW TABLES").fetchall()}
            assert {"applications", "stage_events", "offers", "hires", "meta"} <= tables
        else:
            assert after == before
    finally:
        con.close()
    if case not in ATS_LOADS:
        # the command line refuses it too: exit code 2, a message naming the file, no traceback
        before = file_hash(db_copy)
        capsys.readouterr()
        assert main(["import", str(path), "--kind", "applications", "--db", str(db_copy)]) == 2
        err = capsys.readouterr().err
        assert filename in err and "Traceback" not in err
        assert file_hash(db_copy) == before


@pytest.mark.parametrize("case", sorted(SURVEY))
def test_survey_item_loads_right_or_is_refused_and_changes_nothing(db_copy, tmp_path, case, capsys):
    filename, content = SURVEY[case]
    path = _write(tmp_path, filename, content)
    con = store.connect(db_copy)
    try:
        before = content_hash(con)
        try:
            tables, _sf, version = si.import_file(con, path, "hostile")
        except si.SurveyError as e:
            assert case not in SURVEY_LOADS, e
            _assert_message(e.text("en"), e.text("nl"), filename)
            assert content_hash(con) == before
        else:
            assert case in SURVEY_LOADS
            assert version > 0
            texts = {
                r[0]
                for r in con.execute(
                    "SELECT value_text FROM survey_answers WHERE value_text IS NOT NULL"
                ).fetchall()
            }
            if case == "formula_cells":
                assert {"=1+1", "@SUM(A1)"} <= texts  # stored as typed; exports escape them
            if case == "sql_values":
                assert {INJECTION, QUOTE_INJECTION} <= texts
            if case in ("cp1252", "latin1"):
                assert any("café" in t for t in texts)
            qids = [
                r[0] for r in con.execute("SELECT question_id FROM survey_questions").fetchall()
            ]
            assert all(q.replace("_", "").isalnum() for q in qids), qids
            assert con.execute("SELECT count(*) FROM applications").fetchall()[0][0] == 300
    finally:
        con.close()
    if case not in SURVEY_LOADS:
        before = file_hash(db_copy)
        capsys.readouterr()
        assert main(["import", str(path), "--kind", "survey", "--db", str(db_copy)]) == 2
        err = capsys.readouterr().err
        assert filename in err and "Traceback" not in err
        assert file_hash(db_copy) == before


@pytest.mark.parametrize("kind", ["applications", "survey"])
def test_files_over_the_limit_are_refused_before_reading(db_copy, tmp_path, capsys, kind):
    # A sparse 201 MB file: refused from its size, so the test costs no memory or disk.
    path = tmp_path / "huge.csv"
    with path.open("wb") as f:
        f.truncate(ingest.MAX_FILE_BYTES + 1024 * 1024)
    before = file_hash(db_copy)
    assert main(["import", str(path), "--kind", kind, "--db", str(db_copy)]) == 2
    err = capsys.readouterr().err
    assert "huge.csv" in err and "200 MB" in err
    assert file_hash(db_copy) == before
    # the same limit as the upload widget
    config = (ROOT / ".streamlit" / "config.toml").read_text()
    assert "maxUploadSize = 200" in config
    assert si.MAX_FILE_BYTES == ingest.MAX_FILE_BYTES == 200 * 1024 * 1024


def test_decimal_comma_offers_load_with_the_right_amounts(db_copy, tmp_path):
    con = store.connect(db_copy)
    try:
        app_id = con.execute(
            "SELECT application_id FROM applications ORDER BY application_id LIMIT 1"
        ).fetchall()[0][0]
        content = (
            "Application ID;Offer Date;Decision Date;Accepted;Base Salary\n"
            f"{app_id};2025-03-01;2025-03-05;yes;52.500,50\n"
        ).encode("cp1252")
        path = _write(tmp_path, "offers_nl.csv", content)
        prepared, version = ingest.import_file(con, path, "offers")
        assert version is not None, prepared.report.to_text()
        assert prepared.report.decimal_comma
        assert con.execute("SELECT base_salary FROM offers").fetchall() == [(52500.5,)]
    finally:
        con.close()


@pytest.mark.parametrize("case", ["ragged", "png_as_csv", "big_field"])
@pytest.mark.parametrize("kind", ["applications", "survey"])
def test_real_cli_process_exits_2_without_a_traceback(db_copy, tmp_path, case, kind):
    filename, content = (ATS if kind == "applications" else SURVEY)[case]
    path = _write(tmp_path, filename, content)
    before = file_hash(db_copy)
    done = subprocess.run(
        [sys.executable, "-m", "analytics", "import", str(path), "--kind", kind],
        cwd=ROOT,
        env={**os.environ, store.DB_ENV_VAR: str(db_copy)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert filename in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert file_hash(db_copy) == before


# --------------------------------------------------------------------------------------------
# Property tests: arbitrary bytes and CSV-ish text never raise anything but the module's error


def _ats_never_raises_else(data: bytes, filename: str) -> None:
    try:
        raw = ingest.read_upload(data, filename)
    except ingest.IngestError as e:
        assert e.problem.text("en") and e.problem.text("nl")
        return
    con = store.connect()
    try:
        prepared = ingest.prepare(raw, "applications", None, con=con)
        if prepared.ok:
            ingest.load(con, prepared)
    finally:
        con.close()


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.binary(max_size=600),
    filename=st.sampled_from(["a.csv", "a.txt", "a.xlsx", "a.parquet", "a.tsv", "a"]),
)
def test_ats_reader_on_arbitrary_bytes(data, filename):
    _ats_never_raises_else(data, filename)


_cell = st.one_of(
    st.sampled_from(
        [
            "H-1",
            "2025-01-06",
            "06-01-2025",
            "human_first",
            "automation_first",
            "hired",
            "open",
            '"',
            "a,b",
            ";",
            "=1+1",
            INJECTION,
            "",
            "\r",
            "\x00",
            "€",
        ]
    ),
    st.text(max_size=6),
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    header=st.lists(
        st.sampled_from(["Application ID", "Applied On", "Pipeline", "Status", "Source", "", "x"]),
        min_size=1,
        max_size=6,
    ),
    rows=st.lists(st.lists(_cell, min_size=0, max_size=7), max_size=6),
    sep=st.sampled_from([",", ";", "\t", "|"]),
    encoding=st.sampled_from(["utf-8", "utf-16", "cp1252", "latin-1"]),
)
def test_ats_reader_on_csv_ish_text(header, rows, sep, encoding):
    text = "\n".join(sep.join(r) for r in [header, *rows])
    data = text.encode(encoding, errors="replace")
    _ats_never_raises_else(data, "h.csv")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.binary(max_size=600),
    filename=st.sampled_from(["s.csv", "s.xlsx", "s.sav", "s.tsv"]),
)
def test_survey_reader_on_arbitrary_bytes(data, filename):
    try:
        sf = si.read_survey(data, filename)
        tables = si.build_tables(sf, si.questions_frame(sf), "p")
    except si.SurveyError as e:
        assert e.text("en") and e.text("nl")
        return
    con = store.connect()
    try:
        si.save(con, tables)
    finally:
        con.close()


def test_a_connection_is_never_left_busy_after_a_refusal(db_copy, tmp_path):
    # After every refused item the same connection still works (no half-open transaction).
    con = store.connect(db_copy)
    try:
        for case in ("ragged", "duplicate_header", "png_as_csv"):
            path = _write(tmp_path, ATS[case][0], ATS[case][1])
            try:
                ingest.import_file(con, path, "applications")
            except ingest.IngestError:
                pass
        con.execute("BEGIN TRANSACTION")
        con.execute("ROLLBACK")
    except duckdb.Error as e:  # pragma: no cover - the assertion below explains
        pytest.fail(f"connection left unusable: {e}")
    finally:
        con.close()
