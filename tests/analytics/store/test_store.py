from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analytics import demo, store


def _apps(ids: list[str], status: str = "rejected") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "application_id": ids,
            "applied_on": [dt.date(2025, 1, 1)] * len(ids),
            "pipeline": ["human_first"] * len(ids),
            "status": [status] * len(ids),
        }
    )


def _count(con, table: str) -> int:
    return con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]


def test_schema_is_idempotent(con):
    store.ensure_schema(con)
    store.ensure_schema(con)
    tables = {
        r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    assert set(store.SCHEMA) <= tables
    assert store.dataset_info(con).data_version == 0


def test_replace_and_append_bump_the_version(con):
    v1 = store.load_tables(con, {"applications": _apps(["a", "b"])}, source="t")
    v2 = store.load_tables(con, {"applications": _apps(["c"])}, mode="append")
    assert (v1, v2) == (1, 2)
    assert _count(con, "applications") == 3
    v3 = store.load_tables(con, {"applications": _apps(["d"])}, mode="replace")
    assert v3 == 3
    assert _count(con, "applications") == 1
    log = con.execute("SELECT data_version, mode, row_count FROM load_log ORDER BY 1").fetchall()
    assert log == [(1, "replace", 2), (2, "append", 1), (3, "replace", 1)]


def test_failed_load_changes_nothing(con):
    store.load_tables(con, {"applications": _apps(["a", "b"])})
    before = con.execute("SELECT * FROM applications ORDER BY 1").fetchall()
    # The second table breaks a primary key: the first table's replacement must be undone too.
    bad_offers = pd.DataFrame(
        {"application_id": ["a", "a"], "offered_on": [dt.date(2025, 2, 1)] * 2}
    )
    with pytest.raises(store.StoreError, match="nothing was changed"):
        store.load_tables(
            con, {"applications": _apps(["x", "y", "z"]), "offers": bad_offers}, mode="replace"
        )
    assert con.execute("SELECT * FROM applications ORDER BY 1").fetchall() == before
    assert _count(con, "offers") == 0
    assert store.dataset_info(con).data_version == 1


def test_unknown_table_and_mode_are_refused(con):
    with pytest.raises(ValueError, match="Unknown table"):
        store.load_tables(con, {"meta": pd.DataFrame()})
    with pytest.raises(ValueError, match="mode"):
        store.load_tables(con, {"applications": _apps(["a"])}, mode="merge")  # type: ignore[arg-type]


def test_open_database_builds_the_demo_once(tmp_path, monkeypatch):
    path = tmp_path / "sub" / "app.duckdb"
    monkeypatch.setenv(store.DB_ENV_VAR, str(path))
    assert store.db_path_from_env() == path
    con = store.open_database(build_demo=lambda c: demo.build(c, 500, seed=3))
    info = store.dataset_info(con)
    assert info.is_demo and info.applications == 500 and info.as_of == demo.AS_OF
    con.close()
    assert path.exists()
    assert not list(tmp_path.glob("sub/*.tmp*"))
    # A second open finds the file and does not rebuild.
    con = store.open_database(path, build_demo=lambda _c: pytest.fail("rebuilt"))
    assert store.dataset_info(con).applications == 500
    con.close()


def test_failed_first_build_leaves_no_database(tmp_path):
    path = tmp_path / "app.duckdb"

    def broken(c):
        demo.build(c, 200)
        raise RuntimeError("killed half-way")

    with pytest.raises(RuntimeError):
        store.open_database(path, build_demo=broken)
    assert not path.exists()


def test_as_of_defaults_to_latest_date_for_real_data(con):
    store.load_tables(con, {"applications": _apps(["a"])})
    assert store.dataset_info(con).as_of == dt.date(2025, 1, 1)
    assert not store.dataset_info(con).is_demo
