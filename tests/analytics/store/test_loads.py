"""store.loads: replace and append bump the version, a failed load changes nothing, unknown tables
and modes are refused, the as-of date."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analytics import store


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


def test_as_of_defaults_to_latest_date_for_real_data(con):
    store.load_tables(con, {"applications": _apps(["a"])})
    assert store.dataset_info(con).as_of == dt.date(2025, 1, 1)
    assert not store.dataset_info(con).is_demo
