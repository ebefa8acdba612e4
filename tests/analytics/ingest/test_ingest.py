"""ATS import: reading, mapping, dates, numbers, validation, privacy, loading and the CLI."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analytics import demo, ingest, store
from analytics.cli import main

HOLD_LOCK = (
    "import sys, time, duckdb; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); "
    "time.sleep(60)"
)
SAMPLES = Path(__file__).resolve().parents[3] / "data" / "samples"

APPS_CSV = (
    "Application ID,Candidate Name,E-mail,Candidate ID,Department,Applied On,First Stage,Status\n"
    "A1,Ann Smith,ann@example.com,C1,Engineering,2025-03-14,Recruiter call,Hired\n"
    "A2,Bob Jones,bob@example.com,C2,Sales,2025-03-15,One-way video (HireVue),Rejected\n"
    "A3,Cy Twain,cy@example.com,C3,Sales,2025-04-01,CodeSignal coding test,Withdrew\n"
    "A4,Di Long,di@example.com,C4,Data,2025-04-02,Phone screen,Active\n"
)


def _raw(text: str, name: str = "apps.csv", encoding: str = "utf-8") -> ingest.RawFile:
    return ingest.read_upload(text.encode(encoding), name)


def _snapshot(con) -> dict[str, list]:
    out = {}
    for name in (*store.DATA_TABLES, "meta"):
        out[name] = sorted(map(str, con.execute(f'SELECT * FROM "{name}"').fetchall()))
    return out


# --- mapping ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "field"),
    [
        ("Application ID", "application_id"),
        ("application_id", "application_id"),
        ("application id", "application_id"),
        ("id", "application_id"),
        ("Sollicitatie ID", "application_id"),
        ("Applied On", "applied_on"),
        ("applied_at", "applied_on"),
        ("createdAt", "applied_on"),
        ("Sollicitatiedatum", "applied_on"),
        ("application date", "applied_on"),
        ("Department", "role_family"),
        ("Job Family", "role_family"),
        ("Functiegroep", "role_family"),
        ("Pipeline", "pipeline"),
        ("Process", "pipeline"),
        ("Proces", "pipeline"),
        ("Status", "status"),
        ("Outcome", "status"),
    ],
)
def test_header_aliases_in_english_and_dutch(column, field):
    assert ingest.suggest_mapping([column], "applications")[column] == field


def test_mapping_uses_each_field_once_and_prefers_exact_names():
    mapping = ingest.suggest_mapping(["id", "application_id", "Candidate Name"], "applications")
    assert mapping == {"id": None, "application_id": "application_id", "Candidate Name": None}


# --- dates and numbers -----------------------------------------------------------------------


def test_date_order_detection():
    assert ingest.detect_date_order(["03-04-2025", "14-03-2025"]) == "dmy"
    assert ingest.detect_date_order(["03/04/2025", "03/14/2025"]) == "mdy"
    assert ingest.detect_date_order(["03-04-2025", "01-02-2025"]) == "ambiguous"
    assert ingest.detect_date_order(["2025-03-04", None]) is None


def test_ambiguous_dates_are_reported_until_the_user_confirms():
    text = "id,applied on,pipeline,status\nA1,03-04-2025,human_first,open\n"
    prepared = ingest.prepare(_raw(text), "applications")
    assert not prepared.ok
    assert "date_order_ambiguous" in prepared.report.problem_counts
    confirmed = ingest.prepare(_raw(text), "applications", date_order="mdy")
    assert confirmed.ok
    assert confirmed.tables["applications"]["applied_on"][0].date() == dt.date(2025, 3, 4)


EPOCH_MS = int(dt.datetime(2025, 3, 14, 12, tzinfo=dt.UTC).timestamp() * 1000)


def test_dates_in_every_format():
    text = (
        "id,applied on,pipeline,status\n"
        "A1,2025-03-14,human_first,open\n"
        "A2,14-03-2025,human_first,open\n"
        f"A3,{EPOCH_MS},human_first,open\n"
        "A4,2025-03-14T08:00:00Z,human_first,open\n"
    )
    prepared = ingest.prepare(_raw(text), "applications")
    assert prepared.ok, prepared.report.to_text()
    days = {d.date() for d in prepared.tables["applications"]["applied_on"]}
    assert days == {dt.date(2025, 3, 14)}
    assert prepared.report.date_order == "dmy"


def test_decimal_comma_and_thousands():
    assert ingest.parse_number("1.234,50", decimal_comma=True) == 1234.5
    assert ingest.parse_number("1,234.50", decimal_comma=False) == 1234.5
    assert ingest.parse_number("0,95", decimal_comma=True) == 0.95
    assert ingest.parse_number("€ 55.000", decimal_comma=True) == 55000


# --- encodings -------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16", "utf-8-sig"])
def test_encodings(tmp_path, encoding):
    text = "Sollicitatie ID;Functiegroep;Sollicitatiedatum;Proces;Status;Salaris\n"
    text += "NL-1;Financiën €;14-03-2025;Mens-eerst;Aangenomen;1,05\n"
    path = tmp_path / "nl.csv"
    path.write_bytes(text.encode(encoding))
    raw = ingest.read_path(path)
    assert raw.delimiter == ";"
    assert raw.columns[0] == "Sollicitatie ID"  # no BOM left in the header
    prepared = ingest.prepare(raw, "applications")
    assert prepared.ok, prepared.report.to_text()
    row = prepared.tables["applications"].iloc[0]
    assert row["role_family"] == "Financiën €"
    assert row["pipeline"] == "human_first"
    assert row["status"] == "hired"
    assert row["applied_on"].date() == dt.date(2025, 3, 14)


def test_decimal_comma_in_a_semicolon_offers_file(con):
    ingest.import_file(con, SAMPLES / "greenhouse_applications.csv", "applications")
    text = (
        "Application ID;Offer Date;Base Salary;Comp Ratio;Accepted\n"
        "GH-10001;14-03-2025;55.000;0,97;ja\n"
    )
    prepared = ingest.prepare(_raw(text, "offers.csv"), "offers", con=con)
    assert prepared.ok, prepared.report.to_text()
    offer = prepared.tables["offers"].iloc[0]
    assert offer["base_salary"] == 55000 and offer["comp_ratio"] == 0.97 and offer["accepted"]


def test_excel_and_parquet(tmp_path):
    frame = pd.DataFrame(
        {
            "Application ID": ["X1", "X2"],
            "Applied On": [dt.datetime(2025, 1, 2), dt.datetime(2025, 1, 3)],
            "Pipeline": ["human_first", "automation_first"],
            "Status": ["open", "None"],
        }
    )
    frame.to_excel(tmp_path / "a.xlsx", index=False)
    frame.to_parquet(tmp_path / "a.parquet")
    for name in ("a.xlsx", "a.parquet"):
        prepared = ingest.prepare(ingest.read_path(tmp_path / name), "applications")
        # "None" is a value, not a missing marker: it is reported as an unknown status.
        assert prepared.report.problem_counts == {"bad_status": 1}
        assert prepared.report.problems[0].row == 3


def test_unreadable_and_empty_files():
    with pytest.raises(ingest.IngestError) as e:
        ingest.read_upload(b"", "x.csv")
    assert e.value.problem.code == "empty_file"
    with pytest.raises(ingest.IngestError):
        ingest.read_upload(b"PK\x03\x04 not really excel", "x.xlsx")
    with pytest.raises(ingest.IngestError):
        ingest.read_upload(b"a,b\n1,2\n", "x.sav")


# --- validation and atomicity ----------------------------------------------------------------


def test_missing_required_column_names_the_field():
    prepared = ingest.prepare(_raw("id,status,pipeline\nA1,open,human_first\n"), "applications")
    assert not prepared.ok and prepared.tables == {}
    problem = prepared.report.problems[0]
    assert problem.code == "missing_column" and problem.column == "applied_on"
    assert "applied_on" in problem.text("en") and "apps.csv" in problem.text("en")


def test_bad_rows_give_row_and_column_and_leave_the_database_unchanged(con):
    demo.build(con, 300, seed=1)
    before = _snapshot(con)
    text = (
        "Application ID,Applied On,Pipeline,Status\n"
        "B1,2025-01-01,human_first,open\n"
        "B1,2025-01-02,human_first,open\n"
        "B3,2025-13-45,human_first,open\n"
        "B4,2025-01-04,human_first,maybe\n"
    )
    prepared = ingest.prepare(_raw(text, "bad.csv"), "applications", con=con)
    assert not prepared.ok
    found = {(p.code, p.row, p.column) for p in prepared.report.problems}
    assert ("duplicate_id", 3, "Application ID") in found
    assert ("bad_date", 4, "Applied On") in found
    assert ("bad_status", 5, "Status") in found
    text_nl = next(p for p in prepared.report.problems if p.code == "bad_date").text("nl")
    assert "rij 4" in text_nl and "kolom Applied On" in text_nl
    with pytest.raises(ValueError):
        ingest.load(con, prepared)
    assert _snapshot(con) == before


def test_stage_rows_must_reference_loaded_applications(con):
    ingest.import_file(con, SAMPLES / "greenhouse_applications.csv", "applications")
    before = _snapshot(con)
    text = (
        "Opportunity ID,Stage,Changed At\n"
        "GH-10001,Phone screen,2025-06-13\n"
        "NOPE,Interview,2025-06-20\n"
    )
    prepared = ingest.prepare(_raw(text, "stages.csv"), "stages", con=con)
    assert [(p.code, p.row, p.value) for p in prepared.report.problems] == [
        ("unknown_application", 3, "NOPE")
    ]
    assert _snapshot(con) == before


def test_status_synonyms():
    prepared = ingest.prepare(_raw(APPS_CSV), "applications")
    assert list(prepared.tables["applications"]["status"]) == [
        "hired",
        "rejected",
        "withdrawn",
        "open",
    ]


# --- privacy and pipeline rules --------------------------------------------------------------


def test_identifiers_dropped_and_candidate_id_hashed(con):
    prepared, _ = ingest.import_file(con, SAMPLES / "greenhouse_applications.csv", "applications")
    assert {"Candidate Name", "Email"} <= set(prepared.report.dropped_identifiers)
    assert prepared.report.candidate_hashed
    assert "hashes" in prepared.report.to_text()
    stored = con.execute("SELECT * FROM applications").fetchdf()
    flat = " ".join(map(str, stored.to_numpy().ravel()))
    assert "@example.com" not in flat and "Test Person" not in flat and "C-5000" not in flat
    salt = store.get_meta(con)["candidate_salt"]
    assert len(salt) == 32
    # The same candidate hashes to the same value on a later import (salt kept per database).
    again = ingest.prepare(
        ingest.read_path(SAMPLES / "greenhouse_applications.csv"), "applications", con=con
    )
    assert list(again.tables["applications"]["candidate_id"]) == list(stored["candidate_id"])


def test_pipeline_rules_tag_by_first_step_and_are_stored(con):
    prepared = ingest.prepare(_raw(APPS_CSV), "applications", con=con)
    assert list(prepared.tables["applications"]["pipeline"]) == [
        "human_first",
        "automation_first",
        "automation_first",
        "human_first",
    ]
    assert list(prepared.tables["applications"]["first_human_step"]) == [1, pd.NA, pd.NA, 1]
    assert prepared.report.pipeline_from_rules == 4
    ingest.load(con, prepared)
    rules = json.loads(store.get_meta(con)["pipeline_rules"])
    assert rules[0]["pipeline"] == "automation_first" and "hirevue" in rules[0]["keywords"]


def test_match_rule_uses_word_starts():
    assert ingest.match_rule("Intro call with recruiter")["pipeline"] == "human_first"
    assert ingest.match_rule("HackerRank challenge")["pipeline"] == "automation_first"
    assert ingest.match_rule("Onsite") is None
    custom = [{"pipeline": "human_first", "keywords": ["koffie"]}]
    assert ingest.match_rule("Koffie met het team", custom)["pipeline"] == "human_first"


# --- loading ---------------------------------------------------------------------------------


def test_real_data_replaces_the_demo_and_clears_its_banner(con):
    demo.build(con, 300, seed=1)
    assert store.dataset_info(con).is_demo
    ingest.import_file(con, SAMPLES / "greenhouse_applications.csv", "applications")
    info = store.dataset_info(con)
    assert not info.is_demo and info.applications == 50
    latest = con.execute("SELECT max(applied_on) FROM applications").fetchall()[0][0]
    assert info.as_of == latest
    for name in ("stage_events", "offers", "hires", "survey_answers"):
        assert con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0] == 0


def test_full_sample_set_loads(con):
    for name, kind in (
        ("greenhouse_applications.csv", "applications"),
        ("lever_stage_changes.csv", "stages"),
        ("offers.csv", "offers"),
    ):
        prepared, version = ingest.import_file(con, SAMPLES / name, kind)
        assert version is not None, prepared.report.to_text()
    stages = con.execute("SELECT stage, stage_order FROM stages ORDER BY stage_order").fetchall()
    order = dict(stages)
    assert order["screen"] < order["interview"] < order["final_round"] < order["offer"]
    events = con.execute(
        "SELECT stage, result, touchpoint, format, exited_on FROM stage_events "
        "WHERE application_id = 'GH-10001' ORDER BY stage_order"
    ).fetchall()
    # Lever's 'Phone screen' opens the application: the first screen, as a recruiter call.
    assert events[0][:4] == ("screen", "advanced", "human", "recruiter_call")
    assert events[0][4] is not None
    n_offers = con.execute("SELECT count(*) FROM offers").fetchall()[0][0]
    assert n_offers > 0


def test_dutch_sample_loads():
    prepared = ingest.prepare(ingest.read_path(SAMPLES / "nl_sollicitaties.csv"), "applications")
    assert prepared.ok, prepared.report.to_text()
    assert prepared.report.date_order == "dmy"
    assert prepared.report.encoding == "cp1252"
    assert {"Naam", "E-mailadres"} <= set(prepared.report.dropped_identifiers)
    assert set(prepared.tables["applications"]["pipeline"]) == {"human_first", "automation_first"}


# --- command line ----------------------------------------------------------------------------


def test_cli_import_success_and_bad_input(tmp_path, capsys):
    db = tmp_path / "cli.duckdb"
    args = ["import", str(SAMPLES / "greenhouse_applications.csv"), "--kind", "applications"]
    assert main([*args, "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "Rows read: 50" in out and "data version 1" in out

    bad = tmp_path / "bad.csv"
    bad.write_text("Application ID,Status\nA1,open\n", encoding="utf-8")
    assert main(["import", str(bad), "--kind", "applications", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "applied_on" in err and "Traceback" not in err and "nothing was loaded" in err

    assert main(["import", str(tmp_path / "missing.csv"), "--kind", "offers", "--db", str(db)]) == 2
    con = store.connect(db)
    try:
        assert store.dataset_info(con).applications == 50
    finally:
        con.close()


def test_cli_reports_a_locked_database(tmp_path, capsys):
    """Another process (the app) holds the file: a clear message and exit code 2."""
    db = tmp_path / "locked.duckdb"
    store.connect(db).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(db)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        code = main(["import", str(SAMPLES / "offers.csv"), "--kind", "offers", "--db", str(db)])
    finally:
        holder.kill()
        holder.wait()
    assert code == 2
    err = capsys.readouterr().err
    assert "in use" in err and "stop the app" in err and "Traceback" not in err


def test_cli_demo_still_works(tmp_path):
    assert main(["demo", "--applications", "200", "--db", str(tmp_path / "d.duckdb")]) == 0


def test_dutch_email_header_is_an_identifier():
    from analytics import ingest

    for column in ("E-mailadres", "emailadres", "Mailadres kandidaat"):
        assert ingest.is_identifier(column), column
