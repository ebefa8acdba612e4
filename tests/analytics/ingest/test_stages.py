"""ingest.stages: every sample shape of stage history round-tripped through the funnel metrics
(expected counts computed from the sample files with the csv module, independently of the import
code), stage-order warnings, negative durations."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter

import pytest

from analytics import ingest
from analytics.domain import PIPELINES, Filters
from analytics.metrics import funnel
from tests.analytics.ingest.helpers import SAMPLES
from tests.analytics.ingest.helpers import import_sample as _import

TODAY = dt.date(2026, 1, 1)


def _rows(name: str) -> list[dict[str, str]]:
    with open(SAMPLES / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _reached(con) -> dict[tuple[str, str], int]:
    counts = funnel.stage_counts(con.cursor(), Filters())
    return {(r.pipeline, r.stage): int(r.reached) for r in counts.itertuples()}


def test_homemade_sheet_with_a_date_column_per_stage_round_trips(con):
    prepared = _import(con, "homemade_stage_dates.csv", "applications")
    mapping = ingest.suggest_mapping(
        ingest.read_path(SAMPLES / "homemade_stage_dates.csv").columns,
        "applications",
        ingest.read_path(SAMPLES / "homemade_stage_dates.csv").frame,
    )
    stage_cols = ["Phone screen", "HackerRank test", "Onsite", "Offer"]
    assert [c for c, f in mapping.items() if f == "stage_date"] == stage_cols
    rows = _rows("homemade_stage_dates.csv")

    # By hand: pipeline from the first dated stage (phone screen = human, HackerRank = automated).
    # The two never occur together and only open an application: alternatives for one position,
    # loaded as the first screen with their names as the format. An application reaches every
    # stage up to its last dated column (the funnel's ever-reached rule on the sheet's column
    # order); open (Active) applications are left out.
    def pipe(r: dict) -> str:
        return "human_first" if r["Phone screen"] else "automation_first"

    assert not any(r["Phone screen"] and r["HackerRank test"] for r in rows)
    keys = ["screen", "screen", "onsite", "offer"]
    expected: Counter = Counter()
    for r in rows:
        if r["Status"] == "Active":
            continue
        last = max(i for i, c in enumerate(stage_cols) if r[c])
        for key in dict.fromkeys(keys[: last + 1]):
            expected[(pipe(r), key)] += 1
    reached = _reached(con)
    assert {k: v for k, v in reached.items() if v} == dict(expected)
    events = sum(1 for r in rows for c in stage_cols if r[c])
    assert prepared.report.stage_events == events == con.sql("FROM stage_events").shape[0]
    order = con.execute("SELECT stage, label_nl FROM stages ORDER BY stage_order").fetchall()
    assert order == [
        ("screen", "Eerste selectie"), ("onsite", "Onsite"), ("offer", "Offer")
    ]  # fmt: skip
    formats = dict(
        con.execute(
            "SELECT a.pipeline, any_value(e.format) FROM stage_events e "
            "JOIN applications a USING (application_id) WHERE e.stage = 'screen' GROUP BY 1"
        ).fetchall()
    )
    assert formats == {"human_first": "recruiter_call", "automation_first": "auto_coding_test"}
    assert prepared.report.warning_counts == {"missing_source": 1}
    assert prepared.report.warnings[0].row == 8  # row 8 of the sheet (header = row 1)


@pytest.mark.parametrize(
    ("file", "id_col", "stage_col"),
    [
        ("greenhouse_application_stages.csv", "application_id", "stage_name"),
        ("lever_stage_changes.csv", "Opportunity ID", "Stage"),
        ("event_log.csv", "case_id", "activity"),
    ],
)
def test_stage_history_shapes_round_trip(gh, file, id_col, stage_col):
    prepared = _import(gh, file, "stages")
    events = _rows(file)
    assert prepared.report.rows_loaded == len(events)
    assert gh.sql("FROM stage_events").shape[0] == len(events)
    # By hand: the last stage each application reached (in the loaded stage order) decides the
    # stages it counts as reached; offers are the last stage of every journey in these samples.
    # The different first steps (phone screen, HireVue video, ...) load as one first screen.
    labels = dict(gh.execute("SELECT label_en, stage_order FROM stages").fetchall())
    firsts = {}
    for e in events:
        firsts.setdefault(e[id_col], e[stage_col])
    assert len(set(firsts.values())) > 2 and not set(firsts.values()) & set(labels)
    labels.update(dict.fromkeys(firsts.values(), labels["First screen"]))
    apps = {r["Application ID"]: r["Status"] for r in _rows("greenhouse_applications.csv")}
    last: dict[str, int] = {}
    for e in events:
        last[e[id_col]] = max(last.get(e[id_col], 0), labels[e[stage_col]])
    offer = labels["Offer"]
    reached_offer = sum(1 for a, o in last.items() if o >= offer and apps[a] != "Active")
    counts = funnel.stage_counts(gh.cursor(), Filters())
    assert int(counts.loc[counts.stage == "offer", "reached"].sum()) == reached_offer
    assert labels["Offer"] == max(labels.values())
    assert labels["Interview"] < labels["Final round"] < labels["Offer"]


def test_ashby_applications_and_history_round_trip(con):
    prepared = _import(con, "ashby_applications.csv", "applications")
    assert prepared.report.dropped_identifiers == ["Candidate Name", "Candidate Email"]
    _import(con, "ashby_application_history.csv", "stages")
    apps = {r["Application Id"]: r for r in _rows("ashby_applications.csv")}
    pipelines = Counter(
        "automation_first" if r["First Interview Stage"] == "AI Interview" else "human_first"
        for r in apps.values()
    )
    assert dict(
        con.execute("SELECT pipeline, count(*) FROM applications GROUP BY 1").fetchall()
    ) == dict(pipelines)
    hist = _rows("ashby_application_history.csv")
    with_offer = {h["Application Id"] for h in hist if h["Stage"] == "Offer"}
    expected = Counter(
        con.execute("SELECT pipeline FROM applications WHERE application_id = ?", [a]).fetchone()[0]
        for a in with_offer
        if apps[a]["Status"] != "Active"
    )
    reached = _reached(con)
    assert {p: reached.get((p, "offer"), 0) for p in PIPELINES} == {
        p: expected.get(p, 0) for p in PIPELINES
    }


def test_offers_and_hires_samples_round_trip(gh):
    _import(gh, "offers.csv", "offers", mode="append")
    prepared = _import(gh, "hires.csv", "hires", mode="append")
    offers = _rows("offers.csv")
    hires = _rows("hires.csv")
    got = gh.execute("SELECT count(*), count(*) FILTER (WHERE accepted) FROM offers").fetchone()
    assert got == (len(offers), sum(r["Accepted"] == "yes" for r in offers))
    got = gh.execute(
        "SELECT count(*), count(left_on), round(avg(perf_6m), 4), count(perf_12m) FROM hires"
    ).fetchone()
    perf = [float(r["Performance 6m"]) for r in hires]
    assert got == (
        len(hires),
        sum(bool(r["Exit Date"]) for r in hires),
        round(sum(perf) / len(perf), 4),
        sum(bool(r["Performance 12m"]) for r in hires),
    )
    assert prepared.report.ok


def test_warnings_with_row_numbers(gh):
    apps = (
        b"Application ID,Applied On,Pipeline,Status,Source\n"
        b"A1,2025-01-01,human_first,hired,LinkedIn\n"
        b",,,,\n"
        b"A2,2026-02-01,human_first,open,\n"
    )
    report = ingest.prepare(ingest.read_upload(apps, "w.csv"), "applications", today=TODAY).report
    assert report.ok
    assert report.rows_read == 3 and report.rows_loaded == 2 and report.rows_skipped == 1
    got = sorted((p.code, p.row) for p in report.warnings)
    assert got == [("future_date", 4), ("missing_source", 4), ("skipped_empty", 3)]
    offers = (
        b"Application ID,Offer Date,Decision Date,Accepted\n"
        b"GH-10001,2025-06-27,,\nGH-10002,2025-06-27,2025-06-28,yes\n"
    )
    report = ingest.prepare(ingest.read_upload(offers, "o.csv"), "offers", con=gh).report
    assert [(p.code, p.row) for p in report.warnings] == [("unresolved_offer", 2)]
    stages = (
        b"Application ID,Stage,Entered On\n"
        b"GH-10001,Screen,2025-06-13\nGH-10001,Interview,2025-06-20\nGH-10001,Offer,2025-06-27\n"
        b"GH-10002,Screen,2025-07-01\nGH-10002,Interview,2025-07-08\nGH-10002,Offer,2025-07-09\n"
        b"GH-10003,Screen,2025-07-10\nGH-10003,Offer,2025-07-11\nGH-10003,Interview,2025-07-12\n"
    )
    report = ingest.prepare(ingest.read_upload(stages, "s.csv"), "stages", con=gh).report
    assert report.ok
    assert [(p.code, p.row, p.value) for p in report.warnings] == [("stage_order", 10, "Interview")]


def test_negative_stage_duration_is_an_error(gh):
    stages = b"Application ID,Stage,Entered On,Exited On\nGH-10001,Screen,2025-06-13,2025-06-01\n"
    report = ingest.prepare(ingest.read_upload(stages, "s.csv"), "stages", con=gh).report
    assert [(p.code, p.row, p.column) for p in report.problems] == [
        ("negative_duration", 2, "Exited On")
    ]
