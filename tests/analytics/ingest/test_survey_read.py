"""ingest.survey_read (with detection): every format read from files written here, SPSS value
labels and user-missing codes, the three export shapes, bad files named, never another
exception.

Expected values come from the fixtures themselves (counted cell by cell in the test), never from
what the code printed."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics import store
from analytics.ingest import survey as si

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "data" / "samples"))
import make_survey_samples as samples  # noqa: E402

LIKERT = list(samples.LIKERT)


def _csv(rows, delimiter=","):
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def _store(sf, name="s", con=None, reviewed=None):
    con = con or store.connect()
    tables = si.build_tables(
        sf, si.questions_frame(sf) if reviewed is None else reviewed, name, con
    )
    si.save(con, tables)
    return con, tables


def _kinds(sf):
    return {q.question_id: q.kind for q in sf.questions}


def _broken_sav(tmp_path):
    path = tmp_path / "ok.sav"
    samples.write_sav(path, n=30)
    return path.read_bytes()[:700]


cell = st.one_of(
    st.sampled_from(["Agree", "ja", "nee", "None", "N/A", "7", "3,5", "", '"', "a, b", "Ü"]),
    st.text(max_size=8),
)


def test_qualtrics_three_header_rows(tmp_path):
    rows = samples.qualtrics_rows(40)
    path = tmp_path / "q.csv"
    path.write_text(_csv(rows), encoding="utf-8")
    sf = si.read_survey(path.read_bytes(), path.name)
    assert sf.layout == "qualtrics"
    assert len(sf.frame) == 40 and sf.row_numbers[0] == 4
    assert set(sf.dropped_identifiers) == {
        "RecipientEmail",
        "IPAddress",
        "LocationLatitude",
        "LocationLongitude",
    }
    assert sf.respondent_column == "ResponseId" and sf.application_column == "application_id"
    assert _kinds(sf) == {
        "Q1": "likert",
        "Q2": "likert",
        "Q3": "likert",
        "NPS": "nps",
        "Q_valuable": "single",
        "Q_comment": "text",
    }
    q1 = next(q for q in sf.questions if q.question_id == "Q1")
    assert q1.text == rows[1][rows[0].index("Q1")] and q1.labels == LIKERT
    con, tables = _store(sf)
    ans = con.execute("SELECT * FROM survey_answers WHERE question_id = 'Q1'").df()
    col = rows[0].index("Q1")
    expected = [r[col] for r in rows[3:] if r[col]]
    assert len(ans) == len(expected)
    assert sorted(ans.value_num) == sorted(LIKERT.index(v) + 1 for v in expected)
    stored_cols = " ".join(
        con.execute("SELECT string_agg(value_text, ' ') FROM survey_answers").fetchone()[0]
    )
    assert "@example.com" not in stored_cols
    # "None" is an answer to Q_valuable unless marked missing
    col = rows[0].index("Q_valuable")
    n_none = sum(r[col] == "None" for r in rows[3:])
    assert n_none > 0
    got = con.execute(
        "SELECT count(*) FROM survey_answers "
        "WHERE question_id = 'Q_valuable' AND value_text = 'None'"
    ).fetchone()[0]
    assert got == n_none
    reviewed = si.questions_frame(sf)
    reviewed.loc[reviewed.question_id == "Q_valuable", "missing"] = "None"
    _, t2 = _store(sf, "second", con, reviewed)
    answers = t2["survey_answers"]
    assert (answers[answers.question_id == "Q_valuable"].value_text == "None").sum() == 0
    assert con.execute("SELECT count(*) FROM surveys").fetchone()[0] == 2  # side by side


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "latin-1", "cp1252", "utf-16"])
def test_dutch_semicolon_decimal_comma_each_encoding(tmp_path, encoding):
    rows = samples.dutch_rows(30)
    rows[1][5] = "Één ding: de reactie duurde te lang."  # accents that differ by encoding
    path = tmp_path / f"nl_{encoding}.csv"
    path.write_bytes(_csv(rows, ";").encode(encoding))
    sf = si.read_survey(path.read_bytes(), path.name)
    assert sf.delimiter == ";"
    assert sf.pipeline_column == "Proces"
    assert {q.text: q.kind for q in sf.questions} == {
        "De procedure was eerlijk": "likert",
        "Reistijd (uur)": "numeric",
        "Aanbevelen (0-10)": "nps",
        "Opmerking": "text",
    }
    _, tables = _store(sf)
    ans = tables["survey_answers"]
    travel = ans[ans.question_id == "reistijd_uur"].value_num.to_numpy()
    expected = [float(r[3].replace(",", ".")) for r in rows[1:]]
    np.testing.assert_allclose(travel, expected)
    assert rows[1][5] in set(ans.value_text)
    resp = tables["survey_respondents"]
    assert list(resp.pipeline[:2]) == ["human_first", "automation_first"]


def test_xlsx(tmp_path):
    rows = samples.dutch_rows(20)
    path = tmp_path / "s.xlsx"
    pd.DataFrame(rows[1:], columns=rows[0]).to_excel(path, index=False)
    sf = si.read_survey(path.read_bytes(), path.name)
    assert sf.layout == "xlsx" and len(sf.frame) == 20
    assert _kinds(sf)["de_procedure_was_eerlijk"] == "likert"


def test_spss_value_labels_and_user_missing(tmp_path):
    path = tmp_path / "s.sav"
    samples.write_sav(path, n=60)
    frame, _ = samples.spss_frame(60)
    sf = si.read_survey(path.read_bytes(), path.name)
    assert sf.layout == "sav" and sf.respondent_column == "resp_id"
    assert _kinds(sf) == {"q1": "likert", "q2": "binary", "age": "numeric"}
    q1 = next(q for q in sf.questions if q.question_id == "q1")
    assert q1.labels == LIKERT and "No answer" not in q1.labels
    assert q1.text == "The process was fair."
    _, tables = _store(sf)
    ans = tables["survey_answers"]
    a1 = ans[ans.question_id == "q1"]
    assert len(a1) == int((frame.q1 != 9).sum())  # 9 = user-missing code
    codes = frame.q1[frame.q1 != 9].to_numpy()
    np.testing.assert_array_equal(a1.value_num.to_numpy(), codes)  # codes 1..5 = positions
    assert len(ans[ans.question_id == "age"]) == int((frame.age != 99).sum())
    a2 = ans[ans.question_id == "q2"]
    assert list(a2.value_num) == [1.0 if c == 1 else 0.0 for c in frame.q2]  # 1 = Yes
    q2 = tables["survey_questions"].set_index("question_id").loc["q2"]
    assert list(q2["labels"]) == ["No", "Yes"]


def test_surveymonkey_checkbox_columns_make_one_multi(tmp_path):
    rows = [
        ["Respondent ID", "Email Address", "Which parts felt impersonal?", "", "", "Comments"],
        ["", "", "Chatbot", "One-way video", "Coding test", "Open-Ended Response"],
        ["1", "a@x.nl", "Chatbot", "", "Coding test", "fine"],
        ["2", "b@x.nl", "", "One-way video", "", ""],
        ["3", "c@x.nl", "", "", "", "meh"],
    ]
    path = tmp_path / "sm.csv"
    path.write_text(_csv(rows), encoding="utf-8")
    sf = si.read_survey(path.read_bytes(), path.name)
    assert sf.layout == "surveymonkey"
    assert sf.dropped_identifiers == ["Email Address"]
    multi = [q for q in sf.questions if q.kind == "multi"]
    assert len(multi) == 1 and multi[0].labels == ["Chatbot", "One-way video", "Coding test"]
    _, tables = _store(sf)
    ans = tables["survey_answers"]
    mine = ans[ans.question_id == multi[0].question_id]
    got = dict(zip(mine.respondent_id, mine.value_text, strict=True))
    assert got == {"1": "Chatbot; Coding test", "2": "One-way video"}


def test_google_forms_checkboxes_and_grid(tmp_path):
    rows = [["Timestamp", "Email address", "Which parts felt impersonal?"]]
    rows[0] += ["Rate the process [Speed]", "Rate the process [Clarity]"]
    answers = [
        ("Chatbot, Coding test", "Agree", "Disagree"),
        ("Chatbot", "Strongly agree", "Neutral"),
        ("Coding test", "Agree", "Agree"),
        ("Chatbot, Coding test", "Disagree", "Agree"),
    ]
    for i, (multi, speed, clarity) in enumerate(answers):
        rows.append([f"2026/03/0{i + 1} 10:00", f"p{i}@x.nl", multi, speed, clarity])
    path = tmp_path / "gf.csv"
    path.write_text(_csv(rows), encoding="utf-8")
    sf = si.read_survey(path.read_bytes(), path.name)
    assert sf.layout == "google_forms"
    assert sf.dropped_identifiers == ["Email address"] and sf.dropped_metadata == ["Timestamp"]
    kinds = {q.text: q.kind for q in sf.questions}
    assert kinds == {
        "Which parts felt impersonal?": "multi",
        "Rate the process [Speed]": "likert",
        "Rate the process [Clarity]": "likert",
    }
    _, tables = _store(sf)
    ans = tables["survey_answers"]
    multi = ans[ans.question_id == sf.questions[0].question_id].value_text.tolist()
    assert multi == ["Chatbot; Coding test", "Chatbot", "Coding test", "Chatbot; Coding test"]


@pytest.mark.parametrize(
    ("name", "make", "code", "row", "column"),
    [
        ("empty.csv", lambda _: b"", "empty_file", None, None),
        ("blank.csv", lambda _: b"\n\n  \n", "empty_file", None, None),
        ("renamed.csv", lambda _: b"PK\x03\x04\x00\x00binary", "binary_file", None, None),
        ("ragged.csv", lambda _: b"id,q1\n1,Agree\n2,Agree,extra\n", "ragged", 3, None),
        ("header_only.csv", lambda _: b"id,q1\n", "no_rows", None, None),
        ("trunc.sav", _broken_sav, "bad_sav", None, None),
        ("notsav.sav", lambda _: b"hello", "bad_sav", None, None),
        ("broken.xlsx", lambda _: b"PK\x03\x04 not a zip", "unreadable", None, None),
        ("x.pdf", lambda _: b"%PDF", "unsupported_format", None, None),
        (
            "qualtrics_bad.csv",
            lambda _: _csv([["a", "b"], ["A", "B", "C"], ['{"ImportId":"1"}', "x"]]).encode(),
            "bad_header_rows",
            2,
            None,
        ),
        ("dup.csv", lambda _: b"q,q\n1,2\n", "duplicate_header", None, "q"),
    ],
)
def test_bad_files_name_the_problem(tmp_path, name, make, code, row, column):
    with pytest.raises(si.SurveyError) as info:
        si.read_survey(make(tmp_path), name)
    err = info.value
    assert (err.code, err.row, err.column) == (code, row, column)
    for lang in ("en", "nl"):
        text = err.text(lang)
        assert name in text and "survey_import." not in text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(st.lists(cell, min_size=1, max_size=5), min_size=0, max_size=8),
    delimiter=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-16", "cp1252"]),
)
def test_reader_and_detection_never_raise_anything_else(rows, delimiter, encoding):
    text = _csv(rows, delimiter)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    try:
        sf = si.read_survey(data, "h.csv")
        tables = si.build_tables(sf, si.questions_frame(sf), "h")
    except si.SurveyError as e:
        assert e.text("en") and e.text("nl")
        return
    assert set(tables["survey_questions"].kind) <= set(si.KINDS)
    assert len(tables["survey_respondents"]) == len(sf.frame)
