"""Quality, offers and the process change read the load-time ``app_outcomes`` (issue 21): every
result equals the row-level path that joins hires/offers to every application, on the same data
with the derived tables made stale. Also the one-query freshness check, ``store.derived_tables``.
"""

from __future__ import annotations

import datetime as dt
import shutil

import pandas as pd
import pytest

from analytics import store
from analytics.domain import Filters
from analytics.metrics import change, offers, quality

FILTERS = [
    Filters(),
    Filters(role_family=("engineering",), date_from=dt.date(2025, 3, 1)),
    Filters(region=("NL", "DE"), source=("referral", "job_board")),
    Filters(seniority=("senior",), date_to=dt.date(2025, 9, 30)),
]


@pytest.fixture(scope="module")
def two_paths(demo_db, tmp_path_factory):
    """(derived connection, row-level connection) on copies of the same demo database."""
    src = demo_db(3000, 11)
    folder = tmp_path_factory.mktemp("paths")
    fresh, stale = folder / "fresh.duckdb", folder / "stale.duckdb"
    shutil.copyfile(src, fresh)
    shutil.copyfile(src, stale)
    a, b = store.connect(fresh, read_only=True), store.connect(stale)
    b.execute(f"DROP TABLE {store.DERIVED_INFO_TABLE}")
    assert store.derived_fresh(a, "app_outcomes") and not store.derived_fresh(b, "app_outcomes")
    yield a, b
    a.close()
    b.close()


def _same(x: pd.DataFrame, y: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(
        x.reset_index(drop=True), y.reset_index(drop=True), check_dtype=False, rtol=1e-9
    )


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(list(frame.columns), ignore_index=True)


@pytest.mark.parametrize("filters", FILTERS)
def test_quality_same_on_both_paths(two_paths, filters):
    fresh, stale = two_paths
    as_of = store.dataset_info(fresh).as_of
    a, b = quality.quality(fresh, filters, as_of), quality.quality(stale, filters, as_of)
    for name in ("components", "differences", "early_exits", "ramp_times"):
        _same(getattr(a, name), getattr(b, name))
    assert (a.pipelines, a.hires) == (b.pipelines, b.hires)
    for column in ("perf_12m", "perf_6m", "manager_satisfaction"):
        _same(
            quality.rating_counts(fresh, filters, as_of, column),
            quality.rating_counts(stale, filters, as_of, column),
        )
    ra, rb = quality.retention(fresh, filters, as_of), quality.retention(stale, filters, as_of)
    _same(ra.curves, rb.curves)
    assert ra.n == rb.n and ra.points == rb.points
    assert ra.logrank == rb.logrank


@pytest.mark.parametrize("filters", FILTERS)
def test_offers_same_on_both_paths(two_paths, filters):
    fresh, stale = two_paths
    a, b = offers.acceptance(fresh, filters), offers.acceptance(stale, filters)
    _same(a.table, b.table)
    assert a.comparison == b.comparison
    for fn in (
        offers.decision_times,
        offers.decline_reasons,
        offers.acceptance_by_comp_ratio,
        offers.acceptance_by_competing,
    ):
        x, y = fn(fresh, filters), fn(stale, filters)
        if isinstance(x, pd.DataFrame):
            _same(x, y)
        else:
            assert x == y
    rows = [_sorted(offers.premium_rows(c, filters)) for c in (fresh, stale)]
    _same(*rows)
    patterns = [offers.premium_patterns(c, filters) for c in (fresh, stale)]
    _same(*patterns)
    # The SQL pattern counts are the Python counts of the rows (issue 21).
    _same(patterns[0], offers.rows_to_patterns(rows[0]))


@pytest.mark.parametrize("filters", FILTERS)
def test_process_change_same_on_both_paths(two_paths, filters):
    fresh, stale = two_paths
    as_of = store.dataset_info(fresh).as_of
    setting = store.get_meta(fresh).get("process_change")
    assert setting
    a = change.process_change(fresh, filters, as_of, setting)
    b = change.process_change(stale, filters, as_of, setting)
    assert a is not None and b is not None
    _same(a.cells, b.cells)
    _same(a.did, b.did)


def test_process_change_cells_when_a_group_has_no_offers(two_paths):
    """A (group, period) cell with applications but no offers: zero offers on both paths."""
    fresh, stale = two_paths
    as_of = store.dataset_info(fresh).as_of
    role = store.get_meta(fresh)["process_change"].split(":")[0]
    # A change date after every application: no "after" cell at all; before everything: no
    # "before" cell. Both paths agree on which cells exist and what they hold.
    for date in ("1990-01-01", "2100-01-01"):
        setting = f"{role}:{date}"
        a = change.process_change(fresh, Filters(), as_of, setting)
        b = change.process_change(stale, Filters(), as_of, setting)
        assert a is not None and b is not None
        _same(a.cells, b.cells)


def test_derived_tables_in_one_query_and_the_old_mark(demo_db, tmp_path):
    path = tmp_path / "db.duckdb"
    shutil.copyfile(demo_db(3000, 11), path)
    con = store.connect(path)
    current = store.derived_tables(con)
    assert current is not None and set(store.DERIVED_SQL) <= current
    # A database marked before the version became the table's comment: read the table.
    version = store.current_version(con)
    con.execute(
        f"CREATE OR REPLACE TABLE {store.DERIVED_INFO_TABLE} AS SELECT {version}::BIGINT AS version"
    )
    assert store.derived_fresh(con, "app_outcomes")
    # Stale as soon as the data version moves on, with or without the comment.
    con.execute(
        "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) "
        "WHERE key = 'data_version'"
    )
    assert store.derived_tables(con) is None and not store.derived_fresh(con)
    store.rebuild_derived(con)
    assert store.derived_fresh(con, "app_outcomes", "funnel_ends")
    # A table asked for that is not there: not fresh for it, fresh for the rest.
    assert not store.derived_fresh(con, "no_such_table") and store.derived_fresh(con)
    con.close()


def test_a_failed_mark_keeps_the_old_comment(demo_db, tmp_path):
    """The comment is catalogue state inside the load's transaction: a rollback restores it."""
    path = tmp_path / "db.duckdb"
    shutil.copyfile(demo_db(3000, 11), path)
    con = store.connect(path)
    con.execute("BEGIN")
    store.mark_derived(con, 999)
    con.execute("ROLLBACK")
    assert store.derived_fresh(con, "app_outcomes")
    con.close()
