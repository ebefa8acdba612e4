"""Numbers a column cannot hold, non-finite numbers and files that are not clean UTF-8, through the
library and the command line (issues 18 and 24).

- A number beyond int64 used to end ``python -m analytics import`` with a pandas traceback; one
  beyond SMALLINT with "Current transaction is aborted" naming nothing; ``1e309``, ``-1e309`` and
  ``inf`` loaded as salaries. Each is now refused with its row, column and value, exit code 2,
  and the database unchanged.
- One invalid byte after thousands of clean UTF-8 rows used to switch the whole file silently to
  cp1252 (every accent above it became mojibake). Now the file stays UTF-8 and a warning names
  the first bad byte's row and column; a file that is not UTF-8 at all is read as cp1252 with
  the same warning.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analytics import ingest, store
from analytics.cli import main
from analytics.ingest import survey as si
from analytics.ingest.values import INT_FIELD_TYPES, int_range, out_of_range, parse_number

from .conftest import file_hash

ROOT = Path(__file__).resolve().parents[2]


def _first_apps(db: Path, n: int = 2) -> list[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "SELECT application_id FROM applications ORDER BY application_id LIMIT ?", [n]
        ).fetchall()
    finally:
        con.close()
    return [r[0] for r in rows]


# --------------------------------------------------------------------------------------------
# Numbers


def test_integer_field_types_agree_with_the_schema():
    con = duckdb.connect(":memory:")
    store.ensure_schema(con)
    sql = (
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_name IN ('applications', 'offers', 'hires')"
    )
    types = dict(con.execute(sql).fetchall())
    con.close()
    for field, declared in INT_FIELD_TYPES.items():
        assert types[field] == declared, field


@pytest.mark.parametrize("text", ["inf", "-inf", "Infinity", "1e309", "-1e309", "nan", "1e400"])
def test_non_finite_numbers_are_not_numbers(text):
    assert parse_number(text, decimal_comma=False) is None
    assert parse_number(text, decimal_comma=True) is None


@given(st.integers(min_value=-(2**70), max_value=2**70))
def test_out_of_range_matches_integer_bounds(n):
    for field in (*INT_FIELD_TYPES, "some_bigint_field"):
        lo, hi = int_range(field)
        x = np.array([float(n), np.nan])
        # float(n) rounds: compare against what the float is, exactly (Python int arithmetic)
        exact = int(float(n))
        assert (0 in out_of_range(x, field)) == (not lo <= exact <= hi)
        assert 1 not in out_of_range(x, field)  # missing is never out of range


# (file content builder, the column named, the value named)
OFFER_HEADER = "Application ID,Offered On,Accepted,Base Salary,Competing Offers"
NUMBER_CASES = {
    "beyond_int64": ("Competing Offers", "99999999999999999999999"),
    "beyond_smallint": ("Competing Offers", "40000"),
    "below_smallint": ("Competing Offers", "-40000"),
    "salary_1e309": ("Base Salary", "1e309"),
    "salary_minus_1e309": ("Base Salary", "-1e309"),
    "salary_inf": ("Base Salary", "inf"),
    "salary_infinity": ("Base Salary", "-Infinity"),
}


def _offers(app_ids: list[str], column: str, value: str) -> bytes:
    rows = [OFFER_HEADER]
    for i, app in enumerate(app_ids):
        salary, competing = "52000", "1"
        if i == 1:  # the second data row (spreadsheet row 3) carries the hostile value
            salary, competing = (value, "1") if column == "Base Salary" else ("52000", value)
        rows.append(f"{app},2025-03-01,yes,{salary},{competing}")
    return ("\n".join(rows) + "\n").encode()


@pytest.mark.parametrize("case", sorted(NUMBER_CASES))
def test_numbers_a_column_cannot_hold_are_refused_with_row_column_value(
    db_copy, tmp_path, capsys, case
):
    column, value = NUMBER_CASES[case]
    path = tmp_path / f"{case}.csv"
    path.write_bytes(_offers(_first_apps(db_copy), column, value))
    before = file_hash(db_copy)

    # library: a problem with the row, column and value; nothing loaded
    con = store.connect(db_copy)
    try:
        prepared, version = ingest.import_file(con, path, "offers", mode="replace")
    finally:
        con.close()
    assert version is None
    problems = [p for p in prepared.report.problems if p.value == value]
    assert problems, prepared.report.to_text()
    assert (problems[0].row, problems[0].column) == (3, column)
    for lang in ("en", "nl"):
        text = problems[0].text(lang)
        assert f"{case}.csv" in text and column in text and value in text

    # command line, in process: exit 2, the same place named, no traceback
    assert main(["import", str(path), "--kind", "offers", "--db", str(db_copy)]) == 2
    err = capsys.readouterr().err
    assert "row 3" in err and column in err and f"'{value}'" in err
    assert "Traceback" not in err
    assert file_hash(db_copy) == before


def test_beyond_int64_from_a_real_process_exits_2_without_a_traceback(db_copy, tmp_path):
    path = tmp_path / "offers.csv"
    path.write_bytes(_offers(_first_apps(db_copy), "Competing Offers", "9" * 25))
    before = file_hash(db_copy)
    done = subprocess.run(
        [sys.executable, "-m", "analytics", "import", str(path), "--kind", "offers"],
        cwd=ROOT,
        env={**os.environ, store.DB_ENV_VAR: str(db_copy)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert "row 3" in done.stderr and "Competing Offers" in done.stderr and "9" * 25 in done.stderr
    assert file_hash(db_copy) == before


def test_the_load_refuses_what_prepare_let_through_naming_column_and_value(db_copy, tmp_path):
    """The net under ``prepare``: a frame whose integers exceed the column's type never reaches
    DuckDB's "transaction is aborted"; the message names the column and the value."""
    path = tmp_path / "offers.csv"
    path.write_bytes(_offers(_first_apps(db_copy), "Competing Offers", "2"))
    before = file_hash(db_copy)
    con = store.connect(db_copy)
    try:
        raw = ingest.read_path(path)
        prepared = ingest.prepare(raw, "offers", None, con=con, mode="replace")
        assert prepared.ok, prepared.report.to_text()
        offers = prepared.tables["offers"].copy()
        offers["competing_offers"] = pd.array([1, 70_000], dtype="Int64")
        bad = dataclasses.replace(prepared, tables={**prepared.tables, "offers": offers})
        with pytest.raises(store.StoreError) as refused:
            ingest.load(con, bad, mode="replace")
        assert "competing_offers" in str(refused.value) and "70000" in str(refused.value)
        # the connection is usable afterwards, and the good upload still loads
        ingest.load(con, prepared, mode="replace")
        assert con.execute("SELECT count(*) FROM offers").fetchall() == [(2,)]
    finally:
        con.close()
    assert file_hash(db_copy) != before  # the good load did change it (sanity of the hash)


def test_survey_numeric_answers_beyond_double_are_refused(tmp_path):
    rows = ["Respondent,Pipeline,Years of experience"]
    rows += [f"R{i},human first,{i % 30}" for i in range(1, 40)]
    rows.append("R40,human first,1e309")
    sf = si.read_survey(("\n".join(rows) + "\n").encode(), "s.csv")
    q = si.questions_frame(sf)
    q.loc[q.question_id == "Years of experience", "kind"] = "numeric"
    with pytest.raises(si.SurveyError) as refused:
        si.build_tables(sf, q, "s")
    e = refused.value
    assert (e.code, e.row, e.column, e.detail) == (
        "not_a_number",
        41,
        "Years of experience",
        "1e309",
    )


# --------------------------------------------------------------------------------------------
# Encoding

CLEAN_ROWS = 4000


def _applications_with_one_bad_byte() -> bytes:
    rows = ["Application ID,Applied On,Pipeline,Status,Source"]
    rows += [f"H-{i},2025-01-06,human_first,hired,café Zoë" for i in range(CLEAN_ROWS)]
    data = ("\n".join(rows) + "\n").encode()
    return data + b"H-bad,2025-01-07,automation_first,rejected,caf\xe9\n"


def test_one_bad_byte_after_thousands_of_clean_rows_keeps_utf8_and_warns_with_its_row():
    raw = ingest.read_upload(_applications_with_one_bad_byte(), "apps.csv")
    assert raw.encoding == "utf-8"
    # the clean rows keep their accents (the old fallback turned them into 'cafÃ©')
    assert (raw.frame["Source"].iloc[:CLEAN_ROWS] == "café Zoë").all()
    assert raw.frame["Source"].iloc[-1] == "caf\ufffd"
    [warning] = raw.warnings
    assert (warning.code, warning.row, warning.column, warning.value) == (
        "encoding_replaced",
        CLEAN_ROWS + 2,
        "Source",
        "0xE9",
    )
    for lang in ("en", "nl"):
        assert f"{CLEAN_ROWS + 2}" in warning.text(lang) and "Source" in warning.text(lang)
    report = ingest.prepare(raw, "applications", None).report
    assert report.ok and [w.code for w in report.warnings] == ["encoding_replaced"]


def test_a_file_that_is_not_utf8_is_read_as_cp1252_with_the_first_bad_row_named():
    rows = ["Application ID,Applied On,Pipeline,Status,Source"]
    rows += [f"H-{i},2025-01-06,human_first,hired,job board" for i in range(50)]
    rows.append("H-euro,2025-01-06,human_first,hired,€ fair")
    raw = ingest.read_upload(("\n".join(rows) + "\n").encode("cp1252"), "apps.csv")
    assert raw.encoding == "cp1252" and raw.frame["Source"].iloc[-1] == "€ fair"
    [warning] = raw.warnings
    assert (warning.code, warning.row, warning.column, warning.value) == (
        "encoding_fallback",
        52,
        "Source",
        "0x80",
    )


def test_a_clean_utf8_file_has_no_warning():
    data = (
        "Application ID,Applied On,Pipeline,Status,Source\nH-1,2025-01-06,human_first,hired,Zoë\n"
    )
    assert ingest.read_upload(data.encode(), "ok.csv").warnings == []


def test_the_command_line_prints_the_decoding_warning_and_loads(db_copy, tmp_path, capsys):
    path = tmp_path / "apps.csv"
    path.write_bytes(_applications_with_one_bad_byte())
    assert main(["import", str(path), "--kind", "applications", "--db", str(db_copy)]) == 0
    out = capsys.readouterr().out
    assert f"row {CLEAN_ROWS + 2}, column Source" in out and "0xE9" in out
    con = duckdb.connect(str(db_copy), read_only=True)
    try:
        sources = dict(
            con.execute("SELECT source, count(*) FROM applications GROUP BY 1").fetchall()
        )
    finally:
        con.close()
    assert sources["café Zoë"] == CLEAN_ROWS


def test_survey_decoding_fallback_warns_with_row_and_column():
    rows = ["Respondent,Pipeline,Comment"]
    rows += [f"R{i},human first,één goed gesprek" for i in range(1, 3001)]
    data = ("\n".join(rows) + "\n").encode() + b"R3001,human first,caf\xe9\n"
    sf = si.read_survey(data, "survey.csv")
    assert sf.encoding == "utf-8"
    w = sf.encoding_warning
    assert w is not None and (w.code, w.row, w.column) == ("encoding_replaced", 3002, "Comment")
    tables = si.build_tables(sf, si.questions_frame(sf), "s")
    for lang in ("en", "nl"):
        assert "3002" in si.summary(sf, tables, lang)
