"""The load-time month cube ``fairness_counts`` (``analytics.store.fairness_counts``, issue 21 at
10M applications) gives ``fairness.step_counts`` exactly what the row-level join gives, for every
group column (the four counted ones and the filter dimensions summed from the pipeline's rows),
and ``step_counts_by_column`` (one query for every column) gives each column's counts: on the
demo, on edge-case databases (tiny groups, missing values and touchpoints, re-entries, one
pipeline, no events at all), and under hypothesis-drawn filters in whole months. A stale cube and
dates in part months are never answered from it."""

from __future__ import annotations

import datetime as dt
import shutil

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics import store
from analytics.domain import DIMENSIONS, Filters
from analytics.metrics import fairness
from analytics.metrics.fairness.groups import _cube_usable
from analytics.store.fairness_counts import COUNTED_COLUMNS, TABLE
from tests.analytics.metrics.test_fairness_events import _edge_con

WHOLE_MONTHS = (
    Filters(),
    Filters(role_family=("engineering",)),
    Filters(source=("referral",), seniority=("senior",)),
    Filters(date_from=dt.date(2024, 3, 1), date_to=dt.date(2025, 6, 30)),
    Filters(region=("north", "NL"), date_to=dt.date(2024, 2, 29)),
    Filters(date_from=dt.date(2030, 1, 1)),  # nobody
)


def _assert_cube_equals_rows(cur: duckdb.DuckDBPyConnection, filters: Filters) -> None:
    assert _cube_usable(cur, filters)
    every = fairness.step_counts_by_column(cur, filters, fairness.GROUP_COLUMNS)
    assert tuple(every) == fairness.GROUP_COLUMNS
    for col in fairness.GROUP_COLUMNS:
        rows = fairness.step_counts(cur, filters, (col,), use_derived=False)
        cube = fairness.step_counts(cur, filters, (col,))
        pd.testing.assert_frame_equal(cube, rows, check_dtype=False)
        pd.testing.assert_frame_equal(every[col], rows, check_dtype=False)


def test_the_cube_covers_every_group_column():
    assert set(COUNTED_COLUMNS) <= set(fairness.GROUP_COLUMNS)
    assert set(fairness.GROUP_COLUMNS) - set(COUNTED_COLUMNS) == set(DIMENSIONS)


@pytest.fixture(scope="module")
def demo_cur(demo_db):
    con = store.connect(demo_db(3000, 7), read_only=True)
    yield con.cursor()
    con.close()


@pytest.mark.parametrize("filters", WHOLE_MONTHS)
def test_the_demo_gives_the_same_counts_from_the_cube(demo_cur, filters):
    _assert_cube_equals_rows(demo_cur, filters)


def test_edge_databases_give_the_same_counts_from_the_cube():
    both = ("human_first", "automation_first")
    for seed, n, pipelines in ((1, 300, both), (2, 40, both), (3, 150, ("human_first",))):
        con = _edge_con(seed, n, pipelines)
        cur = con.cursor()
        for filters in WHOLE_MONTHS:
            _assert_cube_equals_rows(cur, filters)
        con.close()


def test_no_events_gives_empty_counts(con):
    apps = pd.DataFrame(
        {
            "application_id": ["a1", "a2"],
            "applied_on": [dt.date(2024, 1, 5)] * 2,
            "pipeline": ["human_first", "automation_first"],
            "status": ["open", "open"],
            "gender": ["woman", "man"],
        }
    )
    store.load_tables(con, {"applications": apps})
    cur = con.cursor()
    assert _cube_usable(cur, Filters())
    for col, frame in fairness.step_counts_by_column(cur, Filters(), ("gender", "region")).items():
        assert frame.empty
        assert frame.equals(fairness.step_counts(cur, Filters(), (col,), use_derived=False))


def _months(draw_from: int, draw_to: int) -> tuple[dt.date | None, dt.date | None]:
    start = dt.date(2023 + draw_from // 12, 1 + draw_from % 12, 1) if draw_from >= 0 else None
    if draw_to < 0:
        return start, None
    nxt = dt.date(2023 + (draw_to + 1) // 12, 1 + (draw_to + 1) % 12, 1)
    return start, nxt - dt.timedelta(days=1)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    first=st.integers(-1, 54),
    last=st.integers(-1, 54),
    role=st.sets(st.sampled_from(["engineering", "sales", "data", "operations"]), max_size=2),
    region=st.sets(st.sampled_from(["NL", "DE", "north", "UK"]), max_size=2),
    column=st.sampled_from(fairness.GROUP_COLUMNS),
)
def test_drawn_whole_month_filters_agree(demo_cur, first, last, role, region, column):
    date_from, date_to = _months(first, last)
    filters = Filters(
        date_from=date_from,
        date_to=date_to,
        role_family=tuple(sorted(role)),
        region=tuple(sorted(region)),
    )
    rows = fairness.step_counts(demo_cur, filters, (column,), use_derived=False)
    pd.testing.assert_frame_equal(
        fairness.step_counts(demo_cur, filters, (column,)), rows, check_dtype=False
    )
    pd.testing.assert_frame_equal(
        fairness.step_counts_by_column(demo_cur, filters, (column, "gender"))[column],
        rows,
        check_dtype=False,
    )


def test_part_months_and_a_stale_cube_are_not_read(demo_db, tmp_path):
    path = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_db(3000, 7), path)
    con = store.connect(path)
    cur = con.cursor()
    part = Filters(date_from=dt.date(2024, 3, 2))
    assert not _cube_usable(cur, part)
    before = fairness.step_counts(cur, Filters(), ("gender",))
    # Emptying the cube would change the answer if it were read; bumping the version without a
    # rebuild makes it stale, and the events answer.
    cur.execute(f"DELETE FROM {TABLE}")
    assert fairness.step_counts(cur, Filters(), ("gender",)).empty  # fresh: read (and empty)
    store.set_meta(cur, "data_version", str(store.current_version(cur) + 1))
    assert not fairness.counts_fresh(cur)
    pd.testing.assert_frame_equal(fairness.step_counts(cur, Filters(), ("gender",)), before)
    pd.testing.assert_frame_equal(
        fairness.step_counts_by_column(cur, Filters(), ("gender",))["gender"], before
    )
    con.close()


@pytest.mark.parametrize("filters", WHOLE_MONTHS[:4])
def test_switcher_quality_reads_app_outcomes_with_the_same_answer(demo_db, tmp_path, filters):
    """Career switchers' quality counts from ``app_outcomes`` equal the join of hires to every
    application (a copy whose load-time tables are stale)."""
    stale = tmp_path / "stale.duckdb"
    shutil.copyfile(demo_db(3000, 7), stale)
    con = store.connect(stale)
    con.execute(f"DROP TABLE {store.DERIVED_INFO_TABLE}")
    fresh = store.connect(demo_db(3000, 7), read_only=True)
    as_of = store.dataset_info(fresh).as_of
    a = fairness.switcher_quality_counts(fresh.cursor(), filters, as_of)
    b = fairness.switcher_quality_counts(con.cursor(), filters, as_of)
    assert not a.empty
    pd.testing.assert_frame_equal(a, b, check_dtype=False, rtol=1e-12)
    pd.testing.assert_frame_equal(
        fairness.switcher_quality(a), fairness.switcher_quality(b), check_dtype=False, rtol=1e-9
    )
    fresh.close()
    con.close()


def _reference_by_sorting(shown: pd.DataFrame) -> object:
    """The reference group as ``reference_group`` chose it before issue 21 (a sorted frame)."""
    frame = pd.DataFrame(
        {
            "rate": shown.selected / shown.applicants,
            "n": shown.applicants,
            "name": [str(g) for g in shown["group"]],
        },
        index=shown.index,
    )
    big = frame[frame.n >= fairness.REFERENCE_MIN_APPLICANTS]
    if big.empty:
        order = frame.sort_values(["n", "name"], ascending=[False, True], kind="stable")
    else:
        order = big.sort_values(
            ["rate", "n", "name"], ascending=[False, False, True], kind="stable"
        )
    return order.index[0]


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.sampled_from("abcdef"), st.integers(5, 60), st.integers(0, 60)),
        min_size=1,
        max_size=6,
    )
)
def test_reference_group_is_the_sorted_rule(rows):
    shown = pd.DataFrame(
        {
            "group": [g for g, _, _ in rows],
            "applicants": [n for _, n, _ in rows],
            "selected": [min(k, n) for _, n, k in rows],
        }
    )
    assert fairness.reference_group(shown).name == _reference_by_sorting(shown)
