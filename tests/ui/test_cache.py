"""ui.cache.cached: one cache per analytics function, keyed by the data version and the
arguments; each call opens its own cursor on the root connection and closes it."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from analytics.domain import DatasetInfo, Filters
from ui import cache, data

CALLS: list[tuple[str, duckdb.DuckDBPyConnection, tuple]] = []


def count_applications(cur: duckdb.DuckDBPyConnection, filters: Filters) -> int:
    CALLS.append(("count", cur, (filters,)))
    return cur.execute("SELECT count(*) FROM applications").fetchall()[0][0]


def count_hires(cur: duckdb.DuckDBPyConnection, filters: Filters) -> int:
    CALLS.append(("hires", cur, (filters,)))
    return cur.execute("SELECT count(*) FROM hires").fetchall()[0][0]


def failing(cur: duckdb.DuckDBPyConnection) -> None:
    CALLS.append(("fail", cur, ()))
    raise ValueError("boom")


@pytest.fixture(autouse=True)
def _db(app_db):
    CALLS.clear()
    yield


def _closed(cur: duckdb.DuckDBPyConnection) -> bool:
    try:
        cur.execute("SELECT 1").fetchall()
    except duckdb.ConnectionException:
        return True
    return False


def test_cached_by_version_and_arguments():
    counted = cache.cached(count_applications)
    everyone = Filters()
    engineers = Filters(role_family=("engineering",))
    first = counted(1, everyone)
    assert first > 0
    assert counted(1, everyone) == first
    assert len(CALLS) == 1, "same version, same filters: from the cache"
    counted(1, engineers)
    assert len(CALLS) == 2, "other filters: computed"
    counted(2, everyone)
    assert len(CALLS) == 3, "a new data version: computed again"
    counted(2, everyone)
    assert len(CALLS) == 3


def test_each_call_opens_and_closes_its_own_cursor():
    counted = cache.cached(count_applications)
    counted(1, Filters())
    counted(2, Filters())
    (_, first, _), (_, second, _) = CALLS
    assert first is not second
    assert _closed(first) and _closed(second)
    # the root connection stays usable for the next caller
    assert data.data_version() >= 0


def test_cursor_closed_when_the_function_raises():
    broken = cache.cached(failing)
    with pytest.raises(ValueError, match="boom"):
        broken(1)
    assert _closed(CALLS[0][1])


def test_functions_have_their_own_caches():
    apps = cache.cached(count_applications)
    hires = cache.cached(count_hires)
    n_apps, n_hires = apps(1, Filters()), hires(1, Filters())
    assert [name for name, _, _ in CALLS] == ["count", "hires"]
    assert n_hires < n_apps


def test_keyword_arguments_are_part_of_the_key():
    seen = []

    def rows(cur: duckdb.DuckDBPyConnection, *, limit: int) -> int:
        seen.append(limit)
        return len(cur.execute("SELECT 1 FROM applications LIMIT ?", [limit]).fetchall())

    limited = cache.cached(rows)
    assert limited(1, limit=3) == 3
    assert limited(1, limit=5) == 5
    assert limited(1, limit=3) == 3
    assert seen == [3, 5]


def test_the_app_accessors_read_the_real_database():
    version = data.data_version()
    info = cache.dataset_info(version)
    assert isinstance(info, DatasetInfo) and info.is_demo and info.applications == 2000
    assert info.data_version == version
    options = cache.options(version)
    assert options.first_date is not None and isinstance(options.first_date, dt.date)
    result = cache.headline(version, Filters(), as_of=info.as_of, adjust_by=None)
    assert sum(result.totals.values()) == 2000
    assert not cache.surveys(version).empty
