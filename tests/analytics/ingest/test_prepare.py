"""ingest.prepare: validation names the file, row and column; foreign keys; ambiguous dates;
identifiers dropped and candidate ids hashed; nothing stored before load."""

from __future__ import annotations

import datetime as dt

import pytest

from analytics import demo, ingest, store
from tests.analytics.ingest.helpers import SAMPLES


def _raw(text: str, name: str = "apps.csv", encoding: str = "utf-8") -> ingest.RawFile:
    return ingest.read_upload(text.encode(encoding), name)


def _snapshot(con) -> dict[str, list]:
    out = {}
    for name in (*store.DATA_TABLES, "meta"):
        out[name] = sorted(map(str, con.execute(f'SELECT * FROM "{name}"').fetchall()))
    return out


def test_ambiguous_dates_are_reported_until_the_user_confirms():
    text = "id,applied on,pipeline,status\nA1,03-04-2025,human_first,open\n"
    prepared = ingest.prepare(_raw(text), "applications")
    assert not prepared.ok
    assert "date_order_ambiguous" in prepared.report.problem_counts
    confirmed = ingest.prepare(_raw(text), "applications", date_order="mdy")
    assert confirmed.ok
    assert confirmed.tables["applications"]["applied_on"][0].date() == dt.date(2025, 3, 4)


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


def test_identifiers_dropped_and_candidate_id_hashed(con):
    prepared, _ = ingest.import_file(con, SAMPLES / "greenhouse_applications.csv", "applications")
    assert {"Candidate Name", "Email"} <= set(prepared.report.dropped_identifiers)
    assert prepared.report.candidate_hashed
    assert "hashes" in prepared.report.to_text()
    stored = con.execute("SELECT * FROM applications").fetchdf()
    flat = " ".join(map(str, stored.to_numpy().ravel()))
    assert "@example.com" not in flat and "Test Person" not in flat and "C-5000" not in flat
    meta = store.get_meta(con)
    assert "candidate_salt" not in meta  # the key lives outside the database (store.idkey)
    assert meta[store.KEY_CHECK_META] == store.id_key(con).check
    # The same candidate hashes to the same value on a later import (the same key).
    again = ingest.prepare(
        ingest.read_path(SAMPLES / "greenhouse_applications.csv"), "applications", con=con
    )
    assert list(again.tables["applications"]["candidate_id"]) == list(stored["candidate_id"])
