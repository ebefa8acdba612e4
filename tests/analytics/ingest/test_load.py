"""ingest.load: real data replace the demo, the sample sets load, the command line's import."""

from __future__ import annotations

import subprocess
import sys

from analytics import demo, ingest, store
from analytics.cli import main
from tests.analytics.ingest.helpers import SAMPLES

HOLD_LOCK = (
    "import sys, time, duckdb; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); "
    "time.sleep(60)"
)


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
