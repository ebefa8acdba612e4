"""Survey imports get the ATS import's limits and a cap on questions (issue 18).

A survey with 8,192 or more questions killed the whole server process; now the import refuses a
survey over ``MAX_QUESTIONS`` with a message (what, where, what to do), from the library, the
command line and the app, and the database is unchanged. Rows and decompressed size are limited
as for ATS exports. Uploads are read once per content (``read_upload``, ``read_survey``).
"""

from __future__ import annotations

import io

import pandas as pd
import pytest

from analytics import ingest
from analytics.cli import main
from analytics.ingest import reading, survey_read
from analytics.ingest import survey as si

from .conftest import file_hash

WIDE_QUESTIONS = 9_000


def wide_survey_csv(questions: int = WIDE_QUESTIONS, respondents: int = 3) -> bytes:
    header = ["Respondent", "Pipeline"] + [f"Q{i}" for i in range(1, questions + 1)]
    rows = [",".join(header)]
    for r in range(1, respondents + 1):
        rows.append(
            ",".join([f"R{r}", "human first"] + [str((r + i) % 5 + 1) for i in range(questions)])
        )
    return ("\n".join(rows) + "\n").encode()


def test_a_9000_question_survey_is_refused_with_what_where_and_what_to_do():
    with pytest.raises(si.SurveyError) as refused:
        si.read_survey(wide_survey_csv(), "wide.csv")
    e = refused.value
    assert e.code == "too_many_questions" and e.row == 1
    assert "9,002" in e.detail and "2,000" in e.detail
    en, nl = e.text("en"), e.text("nl")
    assert "wide.csv" in en and "too many questions" in en and "Export only" in en
    assert "wide.csv" in nl and "te veel vragen" in nl and "Exporteer alleen" in nl


def test_a_9000_question_survey_from_the_command_line_changes_nothing(db_copy, tmp_path, capsys):
    path = tmp_path / "wide.csv"
    path.write_bytes(wide_survey_csv())
    before = file_hash(db_copy)
    assert main(["import", str(path), "--kind", "survey", "--db", str(db_copy)]) == 2
    err = capsys.readouterr().err
    assert "wide.csv" in err and "too many questions" in err and "Traceback" not in err
    assert file_hash(db_copy) == before


def test_the_question_cap_holds_for_excel_and_for_the_review(monkeypatch):
    monkeypatch.setattr(survey_read, "MAX_COLUMNS", 40)
    frame = pd.read_csv(io.BytesIO(wide_survey_csv(60, 4)), dtype=str)
    buf = io.BytesIO()
    frame.to_excel(buf, index=False)
    with pytest.raises(si.SurveyError) as refused:
        si.read_survey(buf.getvalue(), "wide.xlsx")
    assert refused.value.code == "too_many_questions"

    # under the column cap, over the question cap: refused when the tables are built
    monkeypatch.setattr(survey_read, "MAX_COLUMNS", 2_200)
    monkeypatch.setattr(si, "MAX_QUESTIONS", 30)
    sf = si.read_survey(wide_survey_csv(31, 4), "thirty_one.csv")
    with pytest.raises(si.SurveyError) as refused:
        si.build_tables(sf, si.questions_frame(sf), "s")
    assert refused.value.code == "too_many_questions" and "31" in refused.value.detail
    review = si.questions_frame(sf)
    review.loc[review.index[-1], "include"] = False  # excluding one is enough
    tables = si.build_tables(sf, review, "s")
    assert len(tables["survey_questions"]) == 30


def test_survey_rows_have_the_ats_row_limit(monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 50)
    with pytest.raises(si.SurveyError) as refused:
        si.read_survey(wide_survey_csv(3, 80), "long.csv")
    assert refused.value.code == "too_many_rows" and "50" in refused.value.detail
    assert "long.csv" in refused.value.text("nl")


def test_survey_xlsx_rows_are_counted_before_reading(monkeypatch):
    monkeypatch.setattr(reading, "MAX_XLSX_ROWS", 30)
    frame = pd.read_csv(io.BytesIO(wide_survey_csv(3, 60)), dtype=str)
    buf = io.BytesIO()
    frame.to_excel(buf, index=False)
    with pytest.raises(si.SurveyError) as refused:
        si.read_survey(buf.getvalue(), "long.xlsx")
    assert refused.value.code == "too_many_rows"


def test_spss_rows_and_columns_come_from_the_header(monkeypatch, tmp_path):
    import pyreadstat

    frame = pd.DataFrame({f"Q{i}": [1.0, 2.0, 3.0, 4.0] for i in range(12)})
    path = tmp_path / "s.sav"
    pyreadstat.write_sav(frame, str(path))
    data = path.read_bytes()
    monkeypatch.setattr(survey_read, "MAX_COLUMNS", 10)
    with pytest.raises(si.SurveyError) as refused:
        si.read_survey(data, "s.sav")
    assert refused.value.code == "too_many_questions"
    monkeypatch.setattr(survey_read, "MAX_COLUMNS", 100)
    monkeypatch.setattr(reading, "MAX_ROWS", 3)
    with pytest.raises(si.SurveyError) as refused:
        si.read_survey(data, "s2.sav")
    assert refused.value.code == "too_many_rows"


def test_an_upload_is_read_once_per_content():
    data = b"Application ID,Applied On,Pipeline,Status\nH-1,2025-01-06,human_first,hired\n"
    first = ingest.read_upload(data, "a.csv")
    assert ingest.read_upload(data, "a.csv") is first
    assert ingest.read_upload(data, "b.csv") is not first  # the name is in every message
    assert ingest.read_upload(data + b"H-2,2025-01-07,human_first,open\n", "a.csv") is not first
    survey = wide_survey_csv(5, 6)
    sf = si.read_survey(survey, "s.csv")
    assert si.read_survey(survey, "s.csv") is sf
