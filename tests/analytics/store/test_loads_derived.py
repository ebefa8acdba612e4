"""store.loads rebuilds only the derived tables a load can change (issue 21); every derived table
then holds exactly what a full rebuild gives, for each kind of load."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import pandas as pd
import pytest

from analytics import store
from analytics.store.loads import derived_to_rebuild


def _derived(con) -> dict[str, list[tuple]]:
    return {
        name: con.execute(f"SELECT * FROM {name} ORDER BY ALL").fetchall()
        for name in store.DERIVED_SQL
    }


@pytest.fixture
def demo_copy(demo_db, tmp_path):
    path = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_db(600, 3), path)
    con = store.connect(path)
    yield con
    con.close()


def _some(con, table: str, n: int) -> pd.DataFrame:
    return con.execute(f"SELECT * FROM {table} ORDER BY application_id LIMIT {n}").df()


def _loads(con) -> dict[str, tuple[dict[str, pd.DataFrame], str]]:
    offers = _some(con, "offers", 40)
    offers["base_salary"] = offers["base_salary"] * 1.1
    hires = _some(con, "hires", 30)
    hires["left_on"] = pd.Timestamp(dt.date(2026, 12, 31))  # a later date: the as-of date moves
    events = _some(con, "stage_events", 500)
    apps = _some(con, "applications", 300)
    return {
        "offers replace": ({"offers": offers}, "replace"),
        "hires append": (
            {"hires": hires.assign(application_id="X" + hires["application_id"])},
            "append",
        ),  # fmt: skip
        "stage events replace": ({"stage_events": events}, "replace"),
        "applications replace": ({"applications": apps}, "replace"),
        "survey only": (
            {"surveys": pd.DataFrame({"survey_id": ["s1"], "name": ["x"]})},
            "replace",
        ),  # fmt: skip
    }


@pytest.mark.parametrize(
    "case",
    ["offers replace", "hires append", "stage events replace", "applications replace",
     "survey only"],
)  # fmt: skip
def test_a_load_leaves_every_derived_table_as_a_full_rebuild_would(demo_copy, case):
    con = demo_copy
    assert store.derived_fresh(con)
    tables, mode = _loads(con)[case]
    if case == "hires append":  # hires for applications that exist
        apps = tables["hires"][["application_id"]].assign(
            applied_on=dt.date(2025, 1, 1), pipeline="human_first", status="hired"
        )
        store.load_tables(con, {"applications": apps}, mode="append")
    store.load_tables(con, tables, mode=mode, keep_previous=True)
    assert store.derived_fresh(con)
    after_load = _derived(con)
    store.rebuild_derived(con)
    assert _derived(con) == after_load


def test_an_offers_load_leaves_the_stage_tables_alone():
    rebuilt = derived_to_rebuild({"offers"})
    assert "app_outcomes" in rebuilt and "funnel_contact" in rebuilt
    assert not {"app_stage", "app_summary", "fairness_events"} & set(rebuilt)
    # Whatever a table reads, a load of it rebuilds it: every data table named in a derived
    # table's SQL makes that table (and those built from it) rebuilt.
    for source in store.DERIVED_SOURCES:
        for name, sql in store.DERIVED_SQL.items():
            if re.search(rf"\b{source}\b", sql):  # the table's name, not a longer word
                assert name in derived_to_rebuild({source}), (source, name)


def test_a_missing_derived_table_is_built_by_the_next_load(demo_copy):
    con = demo_copy
    con.execute("DROP TABLE app_stage")  # a database from before the table existed
    store.load_tables(con, {"offers": _some(con, "offers", 10)}, mode="replace")
    assert store.derived_fresh(con, "app_stage")
    after_load = _derived(con)
    store.rebuild_derived(con)
    assert _derived(con) == after_load
