"""ingest.report: the quality report is structured (file, row, column, value per problem), its
table and text name the same places in English and Dutch."""

from __future__ import annotations

import io

from analytics import ingest
from analytics.i18n import t

BAD = (
    b"Application ID,Applied On,Pipeline,Status\n"
    b"A1,2025-01-01,human_first,hired\n"
    b"A2,2025-13-45,human_first,maybe\n"
)


def _prepared() -> ingest.Prepared:
    raw = ingest.read_upload(BAD, "bad.csv")
    return ingest.prepare(raw, "applications", con=None)


def test_a_bad_value_carries_its_row_and_column():
    report = _prepared().report
    assert not report.ok
    by_code = {p.code: p for p in report.problems}
    date, status = by_code["bad_date"], by_code["bad_status"]
    assert (date.file, date.row, date.column, date.value) == (
        "bad.csv",
        3,
        "Applied On",
        "2025-13-45",
    )
    assert (status.file, status.row, status.column, status.value) == (
        "bad.csv",
        3,
        "Status",
        "maybe",
    )


def test_problem_table_has_one_row_per_problem_in_both_languages():
    report = _prepared().report
    for lang in ("en", "nl"):
        table = ingest.problem_table(report.problems, lang)
        row, column, what = (t(f"ingest.table.{k}", lang) for k in ("row", "column", "what"))
        assert len(table) == len(report.problems)
        assert list(table[row]) == [str(p.row) for p in report.problems]
        assert list(table[column]) == [p.column for p in report.problems]
        assert list(table[what]) == [p.message(lang) for p in report.problems]


def test_text_and_structure_say_the_same():
    report = _prepared().report
    text = report.to_text("nl")
    for p in report.problems:
        assert f"  - {p.where('nl')}: {p.message('nl')}" in text
    assert "bad.csv, rij 3, kolom Status" in text
    assert (
        io.StringIO(text)
        .readline()
        .startswith(t("ingest.report.header", "nl", file="bad.csv", kind="applications"))
    )
