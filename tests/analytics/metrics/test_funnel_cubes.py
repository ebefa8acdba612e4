"""The funnel's count cubes (issue 21) give exactly what the row-level tables give.

``funnel_ends``, ``funnel_contact`` and ``funnel_withdrawals`` (``store.DERIVED_SQL``) hold counts
by application month and filter dimension; the funnel reads them for filters in whole months.
Every result must be identical to the one computed from the per-application tables, which is what
the functions fall back to when the cubes are missing: so each test compares a database with the
cubes to a copy without them, on a demo with awkward rows added (applications without events,
missing dimensions, the same withdrawal reason at two stages, an undecided offer, open ones).
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from typing import Any

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics import store
from analytics.domain import DIMENSIONS, Filters
from analytics.metrics import funnel
from analytics.metrics.funnel.cohort import FUNNEL_CUBES, whole_months

D = dt.date

EDGE_ROWS = """
    INSERT INTO applications (application_id, candidate_id, applied_on, role_family, seniority,
                              region, source, pipeline, first_human_step, status)
    VALUES
        ('X-no-events', NULL, DATE '2024-03-31', NULL, NULL, NULL, NULL, 'human_first', NULL,
         'open'),
        ('X-no-events-2', NULL, DATE '2024-04-01', 'sales', 'junior', NULL, NULL,
         'automation_first', 2, 'withdrawn'),
        ('X-twice', NULL, DATE '2024-05-15', NULL, 'senior', 'NL', NULL, 'human_first', 1,
         'withdrawn'),
        ('X-pending-offer', NULL, DATE '2024-05-16', 'sales', NULL, 'NL', 'referral',
         'automation_first', NULL, 'open');
    INSERT INTO stage_events (application_id, stage, stage_order, entered_on, exited_on, result,
                              touchpoint, format, withdrawal_reason)
    VALUES
        ('X-twice', 'screen', 1, DATE '2024-05-16', DATE '2024-05-18', 'withdrawn', 'human',
         'recruiter_call', 'process_too_long'),
        ('X-twice', 'interview', 3, DATE '2024-05-20', DATE '2024-05-22', 'withdrawn', 'human',
         'onsite', 'process_too_long'),
        ('X-pending-offer', 'screen', 1, DATE '2024-05-17', NULL, 'pending', NULL, NULL, NULL);
    INSERT INTO offers (application_id, offered_on, decided_on, accepted)
    VALUES ('X-pending-offer', DATE '2024-06-01', NULL, NULL);
"""


@pytest.fixture(scope="module")
def pair(demo_db, tmp_path_factory) -> Any:
    """(cursor with the cubes, cursor without them) on the same data."""
    folder = tmp_path_factory.mktemp("cubes")
    with_cubes = folder / "with.duckdb"
    shutil.copyfile(demo_db(3000, 7), with_cubes)
    con = store.connect(with_cubes)
    con.execute(EDGE_ROWS)
    store.rebuild_derived(con)  # edited in place, not loaded: refresh the summary tables
    con.execute("CHECKPOINT")
    con.close()
    without = folder / "without.duckdb"
    shutil.copyfile(with_cubes, without)
    con = store.connect(without)
    for name in FUNNEL_CUBES:
        con.execute(f"DROP TABLE {name}")
    con.execute("CHECKPOINT")
    con.close()
    a = store.connect(with_cubes, read_only=True)
    b = store.connect(without, read_only=True)
    yield a.cursor(), b.cursor(), _options(a)
    a.close()
    b.close()


def _options(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    out = {}
    for dim in DIMENSIONS:
        rows = con.execute(f"SELECT DISTINCT {dim} FROM applications WHERE {dim} IS NOT NULL")
        out[dim] = sorted(r[0] for r in rows.fetchall())
    return out


def _calls(f: Filters, include_open: bool) -> list[Callable[[Any], Any]]:
    return [
        lambda c: funnel.stage_counts(c, f, include_open=include_open),
        lambda c: funnel.stage_counts(c, f, include_open=include_open, stratum="region"),
        lambda c: funnel.withdrawal_reasons(c, f, include_open=include_open),
        lambda c: funnel.first_human_contact(c, f, include_open=include_open),
        lambda c: funnel.open_count(c, f),
        lambda c: funnel.breakdown(c, f, "role_family", target="offer"),
        lambda c: funnel.funnel(c, f, include_open=include_open, adjust_by="seniority"),
    ]


def _same(x: Any, y: Any) -> None:
    if isinstance(x, pd.DataFrame):
        pd.testing.assert_frame_equal(x, y)
    elif isinstance(x, funnel.FunnelResult):
        pd.testing.assert_frame_equal(x.stages, y.stages)
        pd.testing.assert_frame_equal(x.comparison, y.comparison)
        assert (x.open_applications, x.withdrawal) == (y.open_applications, y.withdrawal)
    else:
        assert x == y


def _check(pair: Any, f: Filters) -> None:
    with_cubes, without, _ = pair
    for include_open in (False, True):
        for call in _calls(f, include_open):
            _same(call(with_cubes), call(without))


@pytest.mark.parametrize(
    "f",
    [
        Filters(),
        Filters(date_from=D(2024, 3, 1), date_to=D(2024, 5, 31)),
        Filters(date_from=D(2024, 4, 1)),
        Filters(date_to=D(2024, 2, 29)),
        Filters(region=("NL",), seniority=("senior",)),
        Filters(date_from=D(2024, 3, 15), date_to=D(2024, 5, 20)),  # not whole months
        Filters(date_from=D(2030, 1, 1)),  # nobody
    ],
)
def test_cubes_give_the_row_level_answer(pair, f: Filters) -> None:
    _check(pair, f)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_cubes_give_the_row_level_answer_for_any_filter(pair, data) -> None:
    options = pair[2]
    month = data.draw(st.integers(0, 30))
    start = D(2023 + month // 12, 1 + month % 12, 1)
    picks = {
        dim: tuple(data.draw(st.lists(st.sampled_from(values), max_size=2, unique=True)))
        for dim, values in options.items()
        if values
    }
    f = Filters(date_from=data.draw(st.sampled_from([None, start])), **picks)
    _check(pair, f)


def test_the_edge_rows_reach_the_cubes(pair) -> None:
    """The awkward rows are there to be counted: the twice-withdrawn application counts once
    for its reason, the application without events is open and has no funnel stage."""
    with_cubes, without, _ = pair
    reasons = funnel.withdrawal_reasons(with_cubes, Filters(region=("NL",), seniority=("senior",)))
    assert "process_too_long" in set(reasons.reason)
    assert funnel.open_count(with_cubes, Filters(date_to=D(2024, 3, 31))) == funnel.open_count(
        without, Filters(date_to=D(2024, 3, 31))
    )


@pytest.mark.parametrize(
    ("start", "end", "whole"),
    [
        (None, None, True),
        (D(2024, 3, 1), D(2024, 3, 31), True),
        (D(2024, 2, 1), D(2024, 2, 29), True),
        (D(2024, 3, 2), None, False),
        (None, D(2024, 3, 30), False),
    ],
)
def test_whole_months(start: dt.date | None, end: dt.date | None, whole: bool) -> None:
    assert whole_months(Filters(date_from=start, date_to=end)) is whole
