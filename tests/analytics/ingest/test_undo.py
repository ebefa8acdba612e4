"""ingest.load undo: the previous data back exactly, once, with a new version; the command line's
undo."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analytics import demo, ingest, store
from analytics.cli import main
from tests.analytics.ingest.helpers import SAMPLES
from tests.analytics.ingest.helpers import import_sample as _import
from tests.analytics.ingest.helpers import snapshot as _snapshot


def _without_version(snap: dict[str, list]) -> dict[str, list]:
    out = dict(snap)
    out["meta"] = [
        r for r in snap["meta"] if "'data_version'" not in r and "'undo_version'" not in r
    ]
    return out


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
