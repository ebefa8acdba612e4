"""ingest.survey: review -> tables -> storage; pipelines from applications, rename and delete,
failures that store nothing, the CLI, the committed samples."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from analytics import demo, store
from analytics.ingest import survey as si

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "data" / "samples"))
import make_survey_samples as samples  # noqa: E402

SURVEY_TABLES = ("surveys", "survey_questions", "survey_respondents", "survey_answers")


LIKERT = list(samples.LIKERT)


def _csv(rows, delimiter=","):
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def _snapshot(con):
    return {
        name: con.execute(f"SELECT * FROM {name} ORDER BY ALL").df()
        for name in (*SURVEY_TABLES, "meta", "load_log")
    }


def _same(before, after):
    for name in before:
        pd.testing.assert_frame_equal(before[name], after[name], check_dtype=False)


def _store(sf, name="s", con=None, reviewed=None):
    con = con or store.connect()
    tables = si.build_tables(
        sf, si.questions_frame(sf) if reviewed is None else reviewed, name, con
    )
    si.save(con, tables)
    return con, tables


def _review_errors():
    base = samples.dutch_rows(12)
    bad_pipe = [r[:] for r in base]
    bad_pipe[5][1] = "robots first"
    dup = [r[:] for r in base]
    dup[4][0] = dup[3][0]
    return [
        (bad_pipe, None, "bad_pipeline", 6, "Proces"),
        (dup, None, "duplicate_id", 5, "Respondent"),
        (base, ("de_procedure_was_eerlijk", "labels", "Mee oneens | Mee eens"), "not_in_labels"),
        (base, ("opmerking", "kind", "numeric"), "not_a_number"),
        (base, ("opmerking", "kind", "bogus"), "bad_kind"),
    ]


def test_pipeline_from_applications(tmp_path):
    con = store.connect()
    demo.build(con, 300, seed=3)
    apps = con.execute(
        "SELECT application_id, pipeline FROM applications ORDER BY application_id LIMIT 6"
    ).df()
    rows = [["application_id", "The hiring process respected my time."]]
    rows += [[a, LIKERT[i % 5]] for i, a in enumerate(apps.application_id)]
    rows.append(["NOPE", "Agree"])  # not an application: pipeline unknown
    sf = si.read_survey(_csv(rows).encode(), "link.csv")
    _, tables = _store(sf, con=con)
    resp = tables["survey_respondents"]
    assert list(resp.pipeline[:6]) == list(apps.pipeline) and resp.pipeline.iloc[6] is None


def test_rename_and_delete_bump_the_version_and_touch_one_survey():
    con = store.connect()
    sf = si.read_survey(_csv(samples.dutch_rows(10), ";").encode(), "a.csv")
    _store(sf, "A", con)
    _store(sf, "B", con)
    ids = si.list_surveys(con).survey_id.tolist()
    v0 = store.dataset_info(con).data_version
    assert si.rename_survey(con, ids[0], "Renamed") == v0 + 1
    assert si.list_surveys(con).name.tolist() == ["Renamed", "B"]
    assert si.delete_survey(con, ids[0]) == v0 + 2
    for table in SURVEY_TABLES:
        left = con.execute(f"SELECT DISTINCT survey_id FROM {table}").fetchall()
        assert left == [(ids[1],)]


@pytest.mark.parametrize("case", _review_errors())
def test_failed_save_leaves_the_database_unchanged(case):
    con = store.connect()
    demo.build(con, 200, seed=2)
    before = _snapshot(con)
    rows, edit, code = case[0], case[1], case[2]
    sf = si.read_survey(_csv(rows, ";").encode("cp1252"), "nl.csv")
    reviewed = si.questions_frame(sf)
    if edit:
        qid, col, value = edit
        qid = next(q.question_id for q in sf.questions if q.question_id.lower() == qid)
        reviewed.loc[reviewed.question_id == qid, col] = value
    with pytest.raises(si.SurveyError) as info:
        _store(sf, "x", con, reviewed)
    assert info.value.code == code
    if len(case) == 5:
        assert (info.value.row, info.value.column) == (case[3], case[4])
    else:
        assert info.value.row is not None and info.value.column is not None
    _same(before, _snapshot(con))


def test_failing_insert_rolls_back_everything():
    con = store.connect()
    sf = si.read_survey(_csv(samples.dutch_rows(8), ";").encode(), "nl.csv")
    tables = si.build_tables(sf, si.questions_frame(sf), "x", con)
    before = _snapshot(con)
    tables["survey_answers"].loc[0, "question_id"] = None  # NOT NULL violated in the last table
    with pytest.raises(store.StoreError):
        si.save(con, tables)
    _same(before, _snapshot(con))


def test_cli_round_trip(tmp_path):
    db = tmp_path / "cli.duckdb"
    sample = REPO / "data" / "samples" / "survey_qualtrics.csv"
    run = subprocess.run(
        [sys.executable, "-m", "analytics", "import", str(sample), "--kind", "survey"]
        + ["--name", "Pilot", "--db", str(db)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "RecipientEmail" in run.stdout
    con = store.connect(db)
    try:
        assert con.execute("SELECT name, n_respondents FROM surveys").fetchall() == [("Pilot", 60)]
        assert con.execute("SELECT count(*) FROM survey_questions").fetchone()[0] == 6
    finally:
        con.close()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "analytics",
            "import",
            str(bad),
            "--kind",
            "survey",
            "--db",
            str(db),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2 and "bad.csv" in run.stderr and "Traceback" not in run.stderr


@pytest.mark.parametrize("name", ["survey_qualtrics.csv", "survey_spss.sav", "survey_nl.csv"])
def test_committed_samples_import(name):
    con = store.connect()
    tables, sf, _ = si.import_file(con, REPO / "data" / "samples" / name)
    assert len(tables["survey_respondents"]) == 60
    assert "likert" in set(tables["survey_questions"].kind)


def test_ten_thousand_by_forty_loads():
    rows = samples.qualtrics_rows(10_000, n_likert=37)  # 37 Likert + NPS + single + text = 40
    data = _csv(rows).encode()
    con = store.connect()
    started = time.perf_counter()
    sf = si.read_survey(data, "big.csv")
    _store(sf, "big", con)
    seconds = time.perf_counter() - started
    assert len(sf.questions) == 40
    assert con.execute("SELECT count(*) FROM survey_respondents").fetchone()[0] == 10_000
    print(f"10k x 40 survey: read and stored in {seconds:.1f} s")  # measured, not asserted
