"""ATS import, second part: every sample shape round-tripped through the funnel metrics, bad input
that leaves the database unchanged, mapping profiles, undo, stored pipeline rules, the added
data-quality checks and the CLI. Expected counts are computed from the sample files with the csv
module (independently of the import code)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from analytics import demo, ingest, store
from analytics.cli import main
from analytics.domain import PIPELINES, Filters
from analytics.metrics import funnel

SAMPLES = Path(__file__).resolve().parents[3] / "data" / "samples"
TODAY = dt.date(2026, 1, 1)


def _rows(name: str) -> list[dict[str, str]]:
    with open(SAMPLES / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _snapshot(con) -> dict[str, list]:
    """Every data table, meta and the settings tables, sorted (version included)."""
    out = {}
    for name in (*store.DATA_TABLES, *store.SETTINGS_TABLES, "meta"):
        out[name] = sorted(map(str, con.execute(f'SELECT * FROM "{name}"').fetchall()))
    return out


def _without_version(snap: dict[str, list]) -> dict[str, list]:
    out = dict(snap)
    out["meta"] = [
        r for r in snap["meta"] if "'data_version'" not in r and "'undo_version'" not in r
    ]
    return out


def _import(con, name: str, kind: str, mode: str = "replace", **kw) -> ingest.Prepared:
    prepared, version = ingest.import_file(con, SAMPLES / name, kind, mode=mode, **kw)
    assert version is not None, prepared.report.to_text()
    return prepared


def _reached(con) -> dict[tuple[str, str], int]:
    counts = funnel.stage_counts(con.cursor(), Filters())
    return {(r.pipeline, r.stage): int(r.reached) for r in counts.itertuples()}


@pytest.fixture
def con():
    c = store.connect(":memory:")
    yield c
    c.close()


@pytest.fixture
def gh(con):
    """The Greenhouse applications sample loaded (real data, 50 applications)."""
    _import(con, "greenhouse_applications.csv", "applications")
    return con


# --- every shape, round-tripped through the funnel --------------------------------------------


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


def _expected_reached(apps: list[dict], events: list[dict], app_key, ev_key, stage_key, order):
    status = {r[app_key]: r for r in apps}
    best: dict[str, int] = {}
    for e in events:
        best[e[ev_key]] = max(best.get(e[ev_key], 0), order[e[stage_key]])
    return best, status


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


# --- bad input leaves the database unchanged --------------------------------------------------

HEAD = b"Application ID,Applied On,Pipeline,Status\n"
BAD_INPUTS = {
    "bad_date": (
        "applications",
        b"Application ID,Applied On,Pipeline,Status\nA1,2025-13-45,human_first,hired\n",
    ),
    "ragged_long": (
        "applications",
        HEAD + b"A1,2025-01-01,human_first,hired\nA2,2025-01-02,human_first,open,extra\n",
    ),
    "ragged_short": (
        "applications",
        HEAD + b"A1,2025-01-01,human_first,hired\nA2,2025-01-02\n",
    ),
    "missing_column": ("applications", b"Application ID,Pipeline,Status\nA1,human_first,hired\n"),
    "duplicate_id": (
        "applications",
        HEAD + b"A1,2025-01-01,human_first,hired\nA1,2025-01-02,human_first,open\n",
    ),
    "wrong_kind": ("hires", (SAMPLES / "lever_stage_changes.csv").read_bytes()),
    "empty_file": ("applications", b""),
    "header_only": ("applications", b"Application ID,Applied On,Pipeline,Status\n"),
    "binary_file": ("applications", bytes(range(256)) * 20),
    "negative_offer": (
        "offers",
        b"Application ID,Offer Date,Decision Date\nGH-10001,2025-06-27,2025-06-20\n",
    ),
    "unknown_application": ("offers", b"Application ID,Offer Date\nNOPE-1,2025-06-27\n"),
    "duplicate_existing": ("offers", b"Application ID,Offer Date\nGH-10001,2025-06-27\n"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_leaves_every_table_unchanged(gh, tmp_path, case):
    _import(gh, "offers.csv", "offers", mode="append")
    kind, content = BAD_INPUTS[case]
    path = tmp_path / f"{case}.csv"
    path.write_bytes(content)
    before = _snapshot(gh)
    try:
        prepared, version = ingest.import_file(gh, path, kind, mode="append")
    except ingest.IngestError as e:
        assert e.problem.text("en") and e.problem.text("nl")
    else:
        assert version is None
        assert not prepared.ok
        assert prepared.tables == {}
        for problem in prepared.report.problems:
            assert problem.file == path.name
            assert problem.text("nl")
    assert _snapshot(gh) == before
    # and the command line refuses it too, with exit code 2
    assert main(["import", str(path), "--kind", kind, "--mode", "append", "--db", ":memory:"]) == 2


def test_ragged_rows_name_the_line(con):
    raw = ingest.read_upload(BAD_INPUTS["ragged_long"][1] + b"A3,2025-01-03\n", "r.csv")
    report = ingest.prepare(raw, "applications").report
    ragged = [(p.row, p.value, p.detail) for p in report.problems if p.code == "ragged_row"]
    assert ragged == [(3, "5", "4"), (4, "2", "4")]
    assert "r.csv, row 3: this line has 5 fields where the header has 4" in report.to_text()
    quoted = b'Application ID,Applied On,Pipeline,Status\n"A1","2025-01-01","human, first"\n'
    report = ingest.prepare(ingest.read_upload(quoted, "q.csv"), "applications").report
    assert [(p.row, p.value) for p in report.problems if p.code == "ragged_row"] == [(2, "3")]


def test_duplicates_against_loaded_data_in_append_mode(gh):
    text = HEAD + b"GH-10001,2025-01-01,human_first,hired\nNEW-1,2025-01-01,human_first,hired\n"
    report = ingest.prepare(
        ingest.read_upload(text, "a.csv"), "applications", con=gh, mode="append"
    ).report
    assert [(p.code, p.row, p.value) for p in report.problems] == [
        ("duplicate_existing", 2, "GH-10001")
    ]
    # replacing everything is fine
    assert ingest.prepare(ingest.read_upload(text, "a.csv"), "applications", con=gh).ok


# --- data-quality warnings (loaded anyway) -----------------------------------------------------


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


# --- mapping profiles ---------------------------------------------------------------------------

ODD = (
    "Ref,When,Track,Outcome\n"
    "X1,2025-02-01,human_first,hired\nX2,2025-02-02,automation_first,rejected\n"
)
ODD_MAPPING = {
    "Ref": "application_id",
    "When": "applied_on",
    "Track": "pipeline",
    "Outcome": "status",
}


def test_profiles_save_pick_and_apply(con, tmp_path):
    raw = ingest.read_upload(ODD.encode(), "odd.csv")
    assert not ingest.prepare(raw, "applications", con=con).ok  # names not recognised
    assert ingest.best_profile(con, raw.columns, "applications") is None
    ingest.save_profile(con, "Our ATS", "applications", ODD_MAPPING, "dmy")
    ingest.save_profile(con, "Smaller", "applications", {"Ref": "application_id"})
    ingest.save_profile(con, "Other kind", "offers", {"Ref": "application_id"})
    best = ingest.best_profile(con, raw.columns, "applications")
    assert best is not None and best.name == "Our ATS" and best.date_order == "dmy"
    assert ingest.best_profile(con, ["Ref", "Something"], "applications").name == "Smaller"
    prepared = ingest.prepare(raw, "applications", best.apply(raw.columns), con=con)
    assert prepared.ok, prepared.report.to_text()
    # overwrite under the same name; JSON round trip
    ingest.save_profile(con, "Our ATS", "applications", ODD_MAPPING, None)
    assert [
        p.date_order for p in ingest.list_profiles(con, "applications") if p.name == "Our ATS"
    ] == [None]
    path = tmp_path / "our_ats.json"
    path.write_text(best.to_json(), encoding="utf-8")
    assert ingest.find_profile(con, str(path)) == best
    with pytest.raises(ValueError, match="no mapping profile 'nope'"):
        ingest.find_profile(con, "nope")
    with pytest.raises(ValueError, match="not a field"):
        ingest.save_profile(con, "x", "offers", {"Ref": "status"})


def test_profiles_are_settings_kept_across_loads_and_undo(gh):
    ingest.save_profile(gh, "Kept", "applications", ODD_MAPPING)
    _import(gh, "nl_sollicitaties.csv", "applications")
    ingest.undo(gh)
    assert [p.name for p in ingest.list_profiles(gh)] == ["Kept"]


def test_cli_import_with_a_profile_by_name_and_by_file(tmp_path, capsys):
    db = tmp_path / "cli.duckdb"
    src = tmp_path / "odd.csv"
    src.write_text(ODD, encoding="utf-8")
    assert main(["import", str(src), "--kind", "applications", "--db", str(db)]) == 2
    c = store.connect(db)
    ingest.save_profile(c, "Our ATS", "applications", ODD_MAPPING)
    c.close()
    assert (
        main(
            ["import", str(src), "--kind", "applications", "--mapping", "Our ATS", "--db", str(db)]
        )
        == 0
    )
    assert "Loaded into" in capsys.readouterr().out
    profile = tmp_path / "p.json"
    profile.write_text(
        json.dumps({"kind": "applications", "mapping": ODD_MAPPING}), encoding="utf-8"
    )
    assert (
        main(
            [
                "import",
                str(src),
                "--kind",
                "applications",
                "--mapping",
                str(profile),
                "--db",
                str(db),
            ]
        )
        == 0
    )
    assert (
        main(["import", str(src), "--kind", "offers", "--mapping", "Our ATS", "--db", str(db)]) == 2
    )
    assert "is for applications files" in capsys.readouterr().err
    assert (
        main(
            ["import", str(src), "--kind", "applications", "--mapping", "missing", "--db", str(db)]
        )
        == 2
    )
    c = store.connect(db)
    assert c.execute("SELECT count(*) FROM applications").fetchone()[0] == 2
    c.close()


# --- undo --------------------------------------------------------------------------------------


def test_undo_restores_the_demo_exactly_and_bumps_the_version(con):
    demo.build(con, 300, seed=5)
    before = _snapshot(con)
    assert not store.can_undo(con.cursor())  # the demo build is not an undoable load
    v1 = (
        _import(con, "greenhouse_applications.csv", "applications")
        and store.dataset_info(con).data_version
    )
    assert store.dataset_info(con).undo_available and not store.dataset_info(con).is_demo
    v2 = ingest.undo(con)
    assert v2 == v1 + 1
    assert _without_version(_snapshot(con)) == _without_version(before)
    info = store.dataset_info(con)
    assert info.is_demo and info.data_version == v2 and not info.undo_available
    with pytest.raises(store.StoreError, match="no load to undo"):
        ingest.undo(con)
    assert (
        con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'prev_%'"
        ).fetchone()[0]
        == 0
    )


def test_undo_of_an_append_keeps_the_earlier_load(gh):
    before = _snapshot(gh)
    _import(gh, "offers.csv", "offers", mode="append")
    assert gh.execute("SELECT count(*) FROM offers").fetchone()[0] == 22
    ingest.undo(gh)
    assert _without_version(_snapshot(gh)) == _without_version(before)


def test_only_the_last_load_can_be_undone(gh):
    _import(gh, "offers.csv", "offers", mode="append")
    store.load_tables(
        gh,
        {
            "hires": pd.DataFrame(
                {"application_id": ["GH-10002"], "start_on": [dt.date(2025, 9, 1)]}
            )
        },
        mode="append",
    )
    assert not store.dataset_info(gh).undo_available  # a later load without a copy


def test_cli_undo(tmp_path, capsys):
    db = tmp_path / "u.duckdb"
    assert main(["undo", "--db", str(db)]) == 2
    assert "no load to undo" in capsys.readouterr().err
    assert (
        main(
            [
                "import",
                str(SAMPLES / "greenhouse_applications.csv"),
                "--kind",
                "applications",
                "--db",
                str(db),
            ]
        )
        == 0
    )
    assert main(["undo", "--db", str(db)]) == 0
    c = store.connect(db)
    assert c.execute("SELECT count(*) FROM applications").fetchone()[0] == 0
    c.close()


# --- pipeline rules ----------------------------------------------------------------------------


def test_stored_rules_are_used_and_named(con):
    rules, label = ingest.pipeline_rules(con)
    assert label == f"default:{len(ingest.rules_frame(rules))}"
    edited = pd.DataFrame(
        {
            "pattern": [
                "phone screen",
                "",
                "chatbot",
                "recruiter call",
                "one way video",
                "intro call",
                "engineer chat",
                "coding test",
                "ai screen",
            ],
            "pipeline": [
                "automation_first",
                None,
                "automation_first",
                "human_first",
                "automation_first",
                "human_first",
                "human_first",
                "automation_first",
                "automation_first",
            ],
        }
    )
    assert ingest.save_pipeline_rules(con, edited) == 8  # the blank row is ignored
    rules, label = ingest.pipeline_rules(con)
    assert label == "custom:8"
    _import(con, "greenhouse_applications.csv", "applications")
    phone = con.execute(
        "SELECT DISTINCT pipeline FROM applications "
        "WHERE application_id IN ('GH-10001', 'GH-10012')"
    ).fetchall()
    assert phone == [("automation_first",)]  # 'Phone screen' tagged by the edited rule
    assert store.dataset_info(con).pipeline_rules == "custom:8"
    # an explicit pipeline column: no rules named
    _import(con, "nl_sollicitaties.csv", "applications")
    assert store.dataset_info(con).pipeline_rules is None
    with pytest.raises(ValueError, match="row 1: pipeline must be"):
        ingest.save_pipeline_rules(con, pd.DataFrame({"pattern": ["x"], "pipeline": ["robots"]}))
    ingest.reset_pipeline_rules(con)
    assert ingest.pipeline_rules(con)[1].startswith("default:")


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_footnote_names_the_rules(gh, lang):
    from ui.components.widgets import footnote
    from ui.context import PageContext

    info = store.dataset_info(gh)
    text = footnote(PageContext(lang, Filters(), info))
    n = len(ingest.rules_frame(ingest.PIPELINE_RULES))
    expected = {
        "en": f"Pipeline tagged from the first step by default rules ({n} patterns).",
        "nl": f"Proces afgeleid uit de eerste stap met de standaardregels ({n} patronen).",
    }[lang]
    assert expected in text
    _import(gh, "nl_sollicitaties.csv", "applications")  # explicit pipeline column
    assert expected not in footnote(PageContext(lang, Filters(), store.dataset_info(gh)))


# --- speed (small version of the 1M-row measurement) ---------------------------------------------


def test_conversion_is_per_distinct_value(con):
    n = 20_000
    text = "Application ID,Applied On,First Stage,Status\n" + "".join(
        f"A{i},{1 + i % 28:02d}-03-2025,{'Phone screen' if i % 2 else 'HireVue video'},"
        f"{'Hired' if i % 3 else 'Rejected'}\n"
        for i in range(n)
    )
    prepared = ingest.prepare(ingest.read_upload(text.encode(), "big.csv"), "applications", con=con)
    assert prepared.ok, prepared.report.to_text()
    table = prepared.tables["applications"]
    assert (table["pipeline"] == "human_first").sum() == n // 2
    assert (table["status"] == "hired").sum() == sum(1 for i in range(n) if i % 3)
    assert table["applied_on"].min() == pd.Timestamp("2025-03-01")
    assert table["applied_on"].max() == pd.Timestamp("2025-03-28")
