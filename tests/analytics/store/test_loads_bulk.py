"""store.loads for big replace loads (issue 21): the primary key added after the insert and the
Arrow scan give the same table, the same key and the same refusals as the row-by-row path."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from analytics import store
from analytics.store import loads


def _apps(n: int, *, start: int = 0) -> pd.DataFrame:
    """Applications with the column types ``prepare`` produces (Arrow text with NaN, object,
    Int64, boolean, datetime64[s]) and missing values in each."""
    ids = [f"A{i:06d}" for i in range(start, start + n)]
    return pd.DataFrame(
        {
            "application_id": pd.Series(ids, dtype="str"),
            "candidate_id": pd.Series(
                [None if i % 7 == 0 else f"h{i % 50}" for i in range(n)], dtype="str"
            ),  # fmt: skip
            "applied_on": pd.Series(
                pd.to_datetime([dt.date(2025, 1, 1 + i % 28) for i in range(n)])
            ).astype("datetime64[s]"),
            "role_family": pd.Series(
                [None if i % 5 == 0 else "sales" for i in range(n)], dtype="str"
            ),  # fmt: skip
            "pipeline": pd.Series(
                ["human_first", "automation_first"] * (n // 2) + ["human_first"] * (n % 2),
                dtype=object,
            ),  # fmt: skip
            "first_human_step": pd.array(
                [None if i % 3 else i % 4 for i in range(n)], dtype="Int64"
            ),  # fmt: skip
            "career_switcher": pd.array(
                [None if i % 4 == 0 else i % 2 == 0 for i in range(n)], dtype="boolean"
            ),  # fmt: skip
            "status": pd.Series(
                ["open", "hired", "rejected"] * (n // 3) + ["open"] * (n % 3), dtype=object
            ),  # fmt: skip
        }
    )


def _rows(con, table: str = "applications") -> list[tuple]:
    return con.execute(f"SELECT * FROM {table} ORDER BY application_id").fetchall()


def _constraints(con, table: str = "applications") -> list[tuple]:
    return sorted(
        con.execute(
            "SELECT constraint_type, constraint_column_names FROM duckdb_constraints() "
            "WHERE table_name = ?",
            [table],
        ).fetchall()
    )


@pytest.fixture
def bulk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every load takes the big-load path."""
    monkeypatch.setattr(loads, "KEY_AFTER_INSERT_ROWS", 1)


def test_big_path_gives_the_same_table_and_key(bulk: None) -> None:
    frame = _apps(301)
    small = store.connect(":memory:")
    big = store.connect(":memory:")
    with pytest.MonkeyPatch.context() as m:
        m.setattr(loads, "KEY_AFTER_INSERT_ROWS", 10**9)
        store.load_tables(small, {"applications": frame}, keep_previous=True)
    store.load_tables(big, {"applications": frame}, keep_previous=True)
    assert _rows(big) == _rows(small)
    assert _constraints(big) == _constraints(small)
    assert ("PRIMARY KEY", ["application_id"]) in _constraints(big)
    # The derived tables describe the same rows, too.
    for name in ("funnel_ends", "funnel_contact", "causal_patterns"):
        query = f"SELECT * FROM {name} ORDER BY ALL"
        assert big.execute(query).fetchall() == small.execute(query).fetchall()


def test_the_key_still_refuses_duplicates_and_missing_ids(bulk: None, con) -> None:
    store.load_tables(con, {"applications": _apps(10)})
    before = _rows(con)
    twice = pd.concat([_apps(5), _apps(5)], ignore_index=True)
    with pytest.raises(store.StoreError, match="nothing was changed"):
        store.load_tables(con, {"applications": twice})
    missing = _apps(5)
    missing.loc[2, "application_id"] = None
    with pytest.raises(store.StoreError, match="nothing was changed"):
        store.load_tables(con, {"applications": missing})
    assert _rows(con) == before
    assert ("PRIMARY KEY", ["application_id"]) in _constraints(con)
    # Appending an id already loaded is refused by the key added after the first load.
    with pytest.raises(store.StoreError):
        store.load_tables(con, {"applications": _apps(1, start=3)}, mode="append")
    store.load_tables(con, {"applications": _apps(2, start=10)}, mode="append")
    assert len(_rows(con)) == 12


def test_batches_append_before_the_key_is_added(bulk: None, con) -> None:
    store.load_table_batches(con, [{"applications": _apps(4)}, {"applications": _apps(3, start=4)}])
    assert len(_rows(con)) == 7
    with pytest.raises(store.StoreError, match="nothing was changed"):
        store.load_table_batches(
            con, [{"applications": _apps(4)}, {"applications": _apps(3, start=2)}]
        )
    assert len(_rows(con)) == 7


def test_undo_after_a_big_load(bulk: None, con) -> None:
    store.load_tables(con, {"applications": _apps(6)}, keep_previous=True)
    store.load_tables(con, {"applications": _apps(3, start=100)}, keep_previous=True)
    store.undo_last_load(con)
    assert [r[0] for r in _rows(con)] == [f"A{i:06d}" for i in range(6)]


def test_a_frame_arrow_cannot_convert_is_loaded_as_before(bulk: None, con) -> None:
    frame = _apps(4)
    frame["requisition_id"] = pd.Series([1, "R2", None, 3.5], dtype=object)  # mixed objects
    reference = store.connect(":memory:")
    with pytest.MonkeyPatch.context() as m:
        m.setattr(loads, "KEY_AFTER_INSERT_ROWS", 10**9)
        store.load_tables(reference, {"applications": frame})
    store.load_tables(con, {"applications": frame})
    assert _rows(con) == _rows(reference)


def test_float_nan_is_null_on_both_paths(bulk: None, con) -> None:
    apps = _apps(4)
    store.load_tables(con, {"applications": apps})
    offers = pd.DataFrame(
        {
            "application_id": apps["application_id"],
            "offered_on": pd.Series(pd.to_datetime(["2025-02-01"] * 4)).astype("datetime64[s]"),
            "base_salary": [50000.0, np.nan, 61000.5, np.nan],
        }
    )
    reference = store.connect(":memory:")
    with pytest.MonkeyPatch.context() as m:
        m.setattr(loads, "KEY_AFTER_INSERT_ROWS", 10**9)
        store.load_tables(reference, {"applications": apps})
        store.load_tables(reference, {"offers": offers}, mode="replace")
    store.load_tables(con, {"offers": offers}, mode="replace")
    assert _rows(con, "offers") == _rows(reference, "offers")
    assert _constraints(con, "offers") == _constraints(reference, "offers")
