"""Warehouse syncs against real storage: a real PostgreSQL cluster (conftest) and real Parquet/CSV
files, loaded into real DuckDB databases. The same synced data must give the same tables and the
same page numbers whatever the source; a broken source changes nothing; an unchanged source loads
nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from analytics import demo, store
from analytics.cli import main
from analytics.domain import Filters
from analytics.ingest import sync
from analytics.metrics import funnel, offers, overview
from tests.analytics.sources import synthetic

# Every test here syncs whole generated schemas (seconds each on the shared 2-core machine).
pytestmark = pytest.mark.slow

GENERATORS = {"greenhouse-fivetran": synthetic.greenhouse, "lever-fivetran": synthetic.lever}


def _snapshot(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    """Every data table, meta and the load log, sorted: equal snapshots = nothing changed."""
    cur = con.cursor()
    try:
        out = {}
        for name in (*store.DATA_TABLES, "meta", "load_log"):
            rows = cur.execute(f'SELECT * FROM "{name}"').fetchall()
            out[name] = sorted(rows, key=repr)
        return out
    finally:
        cur.close()


def _comparable(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """The synced tables without candidate ids (hashed with each database's own salt)."""
    cur = con.cursor()
    try:
        return {
            "applications": cur.execute(
                "SELECT * EXCLUDE (candidate_id) FROM applications ORDER BY application_id"
            ).df(),
            "stages": cur.execute("SELECT * FROM stages ORDER BY stage").df(),
            "stage_events": cur.execute(
                "SELECT * FROM stage_events ORDER BY application_id, stage_order, entered_on"
            ).df(),
            "offers": cur.execute("SELECT * FROM offers ORDER BY application_id").df(),
        }
    finally:
        cur.close()


def _page_numbers(con: duckdb.DuckDBPyConnection) -> dict[str, object]:
    cur = con.cursor()
    try:
        info = store.dataset_info(cur)
        head = overview.headline(cur, Filters(), as_of=info.as_of)
        return {
            "as_of": info.as_of,
            # repr: NaN cells compare equal as text, not as floats
            "overview": overview.to_table(head).to_string(),
            "funnel": funnel.stage_counts(cur, Filters()).to_string(),
            "offers": repr(offers.acceptance(cur, Filters())),
        }
    finally:
        cur.close()


@pytest.fixture(params=sorted(GENERATORS))
def synced(request) -> synthetic.Synced:
    return GENERATORS[request.param]()


def _pg_source(pg_url: str, data: synthetic.Synced, schema: str) -> str:
    synthetic.write_postgres(data, pg_url, schema)
    return pg_url


def test_files_and_postgres_give_the_same_tables_and_page_numbers(
    synced: synthetic.Synced, tmp_path: Path, pg_url: str
) -> None:
    schema = synced.shape.split("-")[0] + "_same"
    sources = {
        "parquet": synthetic.write_folder(synced, tmp_path / "parquet", "parquet"),
        "csv": synthetic.write_folder(synced, tmp_path / "csv", "csv"),
        "postgres": _pg_source(pg_url, synced, schema),
    }
    tables, pages = {}, {}
    for name, source in sources.items():
        con = store.connect(":memory:")
        try:
            result = sync.sync(con, source, synced.shape, schema=schema)
            assert result.ok and result.changed, result.to_text()
            tables[name] = _comparable(con)
            pages[name] = _page_numbers(con)
        finally:
            con.close()
    for name in ("csv", "postgres"):
        for table, frame in tables["parquet"].items():
            pd.testing.assert_frame_equal(tables[name][table], frame, obj=f"{name} {table}")
        assert pages[name] == pages["parquet"], name
    assert len(tables["parquet"]["applications"]) > 200
    assert set(tables["parquet"]["applications"]["pipeline"]) == {"human_first", "automation_first"}


def test_greenhouse_rules(tmp_path: Path, con: duckdb.DuckDBPyConnection) -> None:
    data = synthetic.greenhouse()
    result = sync.sync(con, synthetic.write_folder(data, tmp_path), data.shape)
    app = data.tables["application"]
    live = app[~app["_fivetran_deleted"].astype(bool) & ~app["prospect"].astype(bool)]
    loaded = con.sql("SELECT application_id, status FROM applications").df()
    # soft deletes and prospects left out, everything else in
    assert set(loaded["application_id"]) == {str(i) for i in live["id"]}
    assert result.left_out["deleted_applications"] == int(app["_fivetran_deleted"].sum())
    assert result.left_out["prospects"] == 4
    # history rows without a stage are skipped and counted (only those of loaded applications)
    hist = data.tables["application_history"]
    no_stage = hist[hist["new_stage_id"].isna() & hist["application_id"].isin(live["id"])]
    assert result.left_out["history_without_stage"] == len(no_stage) > 0
    # the stage renamed over time carries its current name; the old one is nowhere
    labels = set(con.sql("SELECT label_en FROM stages").df()["label_en"])
    assert "Intro chat" not in labels and "First screen" in labels
    formats = set(
        con.sql("SELECT DISTINCT format FROM stage_events WHERE stage = 'screen'").df()["format"]
    )
    assert formats == {"recruiter_call", "one_way_video"}
    # "They rejected us" is the candidate's withdrawal; a declined latest offer is offer_declined
    status = dict(zip(loaded["application_id"], loaded["status"], strict=True))
    theirs = live[live["rejected_reason_id"].eq(2) & live["status"].eq("rejected")]
    assert {status[str(i)] for i in theirs["id"]} == {"withdrawn"}
    off = data.tables["offer"]
    declined = off[(off["status"] == "rejected") & ~off["_fivetran_deleted"].astype(bool)]
    assert {status[str(i)] for i in declined["application_id"] if str(i) in status} == {
        "offer_declined"
    }
    # latest version wins; deprecated and deleted offers are ignored
    stored = con.sql("SELECT application_id, accepted FROM offers").df()
    assert stored["application_id"].is_unique
    live_offers = off[~off["_fivetran_deleted"].astype(bool) & (off["status"] != "deprecated")]
    expected = live_offers[live_offers["application_id"].astype(str).isin(status)]
    assert len(stored) == expected["application_id"].nunique()
    # application 5000000's deleted "accepted" version 9 is ignored: its live offer decides
    accepted = dict(zip(stored["application_id"], stored["accepted"], strict=True))
    own = live_offers[live_offers["application_id"] == 5_000_000]
    if own.empty:
        assert "5000000" not in accepted
    else:
        latest = own.sort_values("version").iloc[-1]["status"]
        want = {"accepted": True, "rejected": False}.get(latest)
        assert (accepted["5000000"] if want is not None else None) is want or pd.isna(
            accepted["5000000"]
        ) == (want is None)
    # identifiers in the synced tables are never read, and say so
    assert "application.location_address" in result.identifiers_not_read
    assert not con.sql(
        "SELECT * FROM applications WHERE candidate_id LIKE '7%' AND length(candidate_id) = 7"
    ).fetchall()


def test_lever_rules(tmp_path: Path, con: duckdb.DuckDBPyConnection) -> None:
    data = synthetic.lever()
    result = sync.sync(con, synthetic.write_folder(data, tmp_path, "csv"), data.shape)
    opp = data.tables["opportunity"]
    live = opp[~opp["_fivetran_deleted"].astype(bool)]
    status = dict(con.sql("SELECT application_id, status FROM applications").fetchall())
    assert set(status) == set(live["id"])
    expected = {"r-hired": "hired", "r-decl": "offer_declined", "r-withdrew": "withdrawn",
                "r-unresp": "withdrawn", "r-under": "rejected"}  # fmt: skip
    for row in live.itertuples():
        want = "open" if pd.isna(row.archived_at) else expected[row.archived_reason_id]
        assert status[row.id] == want, row.id
    labels = set(con.sql("SELECT label_en FROM stages").df()["label_en"])
    assert "Phone chat" not in labels
    # drafts never reached the candidate: the latest sent offer counts
    offers_frame = data.tables["offer"]
    assert not con.sql("SELECT * FROM offers WHERE application_id NOT IN "
                       "(SELECT application_id FROM applications)").fetchall()  # fmt: skip
    sent = offers_frame[offers_frame["status"] != "draft"]
    assert (
        len(con.sql("SELECT * FROM offers").fetchall())
        == sent[sent["opportunity_id"].isin(set(live["id"]))]["opportunity_id"].nunique()
    )
    assert "opportunity.name" in result.identifiers_not_read
    assert result.left_out["history_without_stage"] > 0


def test_a_second_sync_of_unchanged_data_is_a_no_op(tmp_path: Path, pg_url: str) -> None:
    data = synthetic.greenhouse(n=80)
    _pg_source(pg_url, data, "gh_noop")
    con = store.connect(tmp_path / "db.duckdb")
    try:
        first = sync.sync(con, pg_url, data.shape, schema="gh_noop")
        before = _snapshot(con)
        again = sync.sync(con, pg_url, data.shape, schema="gh_noop")
        assert first.changed and not again.changed
        assert again.version == first.version
        assert _snapshot(con) == before
        assert "not changed" in again.to_text()
    finally:
        con.close()


def test_a_changed_source_loads_again_and_undo_puts_the_previous_sync_back(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    data = synthetic.lever(n=80)
    folder = synthetic.write_folder(data, tmp_path / "a")
    first = sync.sync(con, folder, data.shape)
    before = _snapshot(con)
    data.tables["opportunity"].loc[0, "archived_at"] = None  # reopened in the ATS
    second = sync.sync(con, synthetic.write_folder(data, tmp_path / "b"), data.shape)
    assert second.changed and second.version == first.version + 1
    assert con.sql(
        "SELECT status FROM applications WHERE application_id = 'opp-0000'"
    ).fetchall() == [("open",)]
    store.undo_last_load(con)
    after = _snapshot(con)
    for name in (*store.DATA_TABLES, "meta"):
        if name == "meta":
            drop = {"data_version", "undo_version"}
            assert {k: v for k, v in after[name] if k not in drop} == {
                k: v for k, v in before[name] if k not in drop
            }
        else:
            assert after[name] == before[name], name


def test_failed_syncs_change_nothing(tmp_path: Path, pg_url: str) -> None:
    import psycopg

    data = synthetic.greenhouse(n=60)
    con = store.connect(tmp_path / "db.duckdb")
    try:
        assert sync.sync(con, synthetic.write_folder(data, tmp_path / "ok"), data.shape).changed
        before = _snapshot(con)
        # a partial source: a needed table missing, a needed column missing
        _pg_source(pg_url, data, "gh_partial")
        with psycopg.connect(pg_url, autocommit=True) as pg:
            pg.execute('DROP TABLE gh_partial."job_stage"')
        with pytest.raises(sync.SyncError) as e:
            sync.sync(con, pg_url, data.shape, schema="gh_partial")
        assert e.value.code == "no_table" and "job_stage" in e.value.text("nl")
        _pg_source(pg_url, data, "gh_column")
        with psycopg.connect(pg_url, autocommit=True) as pg:
            pg.execute('ALTER TABLE gh_column."application_history" DROP COLUMN updated_at')
        with pytest.raises(sync.SyncError) as e:
            sync.sync(con, pg_url, data.shape, schema="gh_column")
        assert e.value.code == "no_column" and "updated_at" in str(e.value)
        # bad values: applications without an application date -> problems, nothing loaded
        broken = synthetic.greenhouse(n=60)
        broken.tables["application"].loc[[1, 2], "applied_at"] = None
        result = sync.sync(con, synthetic.write_folder(broken, tmp_path / "bad"), data.shape)
        assert not result.ok and result.version is None
        assert result.report.problem_counts.get("missing_value") == 2
        # an unreachable server, an unknown schema, a missing folder, a corrupt file
        bad_port = pg_url.replace("port=", "port=1")
        with pytest.raises(sync.SyncError) as e:
            sync.sync(con, bad_port, data.shape)
        assert e.value.code == "connect_failed"
        with pytest.raises(sync.SyncError) as e:
            sync.sync(con, pg_url, data.shape, schema="no_such_schema")
        assert e.value.code == "no_schema"
        with pytest.raises(sync.SyncError) as e:
            sync.sync(con, tmp_path / "nowhere", data.shape)
        assert e.value.code == "no_folder"
        corrupt = synthetic.write_folder(data, tmp_path / "corrupt")
        (corrupt / "application.parquet").write_bytes(b"PAR1 not really")
        with pytest.raises(sync.SyncError) as e:
            sync.sync(con, corrupt, data.shape)
        assert e.value.code == "read_failed" and "application.parquet" in str(e.value)
        assert _snapshot(con) == before
    finally:
        con.close()


def test_a_password_in_the_url_is_refused_and_never_stored(
    tmp_path: Path, pg_url: str, con: duckdb.DuckDBPyConnection
) -> None:
    with pytest.raises(sync.SyncError) as e:
        sync.sync(con, "postgresql://analyst:s3cret@localhost/ats", "lever-fivetran")
    assert e.value.code == "password_in_url" and "s3cret" not in str(e.value)
    data = synthetic.lever(n=40)
    _pg_source(pg_url, data, "lever")  # the shape's default schema name
    result = sync.sync(con, pg_url, data.shape, password="not-stored")
    assert result.changed
    dump = repr(_snapshot(con))
    assert "not-stored" not in dump and "postgres@" not in dump
    assert "schema lever" in dump  # the load log names the source, without credentials


def test_hires_are_kept_and_the_demo_is_replaced(tmp_path: Path) -> None:
    con = store.connect(":memory:")
    try:
        demo.build(con, 300, 1)
        data = synthetic.greenhouse(n=80)
        sync.sync(con, synthetic.write_folder(data, tmp_path / "a"), data.shape)
        assert con.sql("SELECT count(*) FROM hires").fetchall() == [(0,)]
        assert con.sql("SELECT count(*) FROM surveys").fetchall() == [(0,)]
        assert store.dataset_info(con.cursor()).is_demo is False
        hired = [
            r[0]
            for r in con.sql(
                "SELECT application_id FROM applications WHERE status = 'hired'"
            ).fetchall()
        ]
        hires = pd.DataFrame(
            {"application_id": hired, "start_on": [dt.date(2025, 1, 6)] * len(hired)}
        )
        store.load_tables(con, {"hires": hires}, mode="replace")
        data.tables["application"].loc[0, "status"] = "rejected"
        result = sync.sync(con, synthetic.write_folder(data, tmp_path / "b"), data.shape)
        assert result.changed and result.hires_kept == len(hired)
        assert con.sql("SELECT count(*) FROM hires").fetchall() == [(len(hired),)]
    finally:
        con.close()


def test_command_line(tmp_path: Path, capsys, monkeypatch) -> None:
    data = synthetic.lever(n=60)
    folder = synthetic.write_folder(data, tmp_path / "lever")
    db = tmp_path / "cli.duckdb"
    args = ["sync", "--shape", data.shape, "--db", str(db)]
    assert main([*args, "--from", str(folder)]) == 0
    assert "data version 1" in capsys.readouterr().out
    assert main([*args, "--from", str(folder), "--lang", "nl"]) == 0
    assert "niets geladen" in capsys.readouterr().out
    assert main([*args, "--from", str(tmp_path / "missing")]) == 2
    assert "is not a folder" in capsys.readouterr().err
    assert main([*args, "--from", "postgresql://a:pw@localhost/x"]) == 2
    err = capsys.readouterr().err
    assert "PGPASSWORD" in err and "pw@" not in err
    assert main(args) == 2  # no source at all
    monkeypatch.setenv(sync.URL_ENV_VAR, str(folder))
    assert main(args) == 0
    (folder / "opportunity.parquet").unlink()
    assert main([*args, "--from", str(folder)]) == 2
    assert "opportunity" in capsys.readouterr().err
