"""The funnel's touchpoint formats, days in stage and time to offer at 10M applications (issue 21)
give exactly the row-level answer.

``funnel_formats`` and ``funnel_stage_days`` (``analytics.store.funnel_timing``) hold counts by
application month and filter dimension; ``time_to_offer_counts`` counts the censored per
application day instead of joining every application to the offers. Each reader is compared on
three copies of one demo with awkward rows added (applications without events, missing
dimensions, re-entries, an undecided offer, open ones): with every load-time table, without the
two cubes (the per-application tables answer), and with stale load-time tables (the raw events
and the join answer), under fixed edge-case filters and hypothesis-drawn ones.
"""

from __future__ import annotations

import datetime as dt
import shutil
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics import store
from analytics.domain import DIMENSIONS, Filters
from analytics.metrics import funnel
from analytics.store.funnel_timing import FORMATS_TABLE, STAGE_DAYS_TABLE
from tests.analytics.metrics.test_funnel_cubes import EDGE_ROWS

D = dt.date
AS_OF = D(2026, 1, 15)


@pytest.fixture(scope="module")
def three(demo_db, tmp_path_factory) -> Any:
    """(with the cubes, without them, stale) cursors on the same data, and the filter options."""
    folder = tmp_path_factory.mktemp("timing")
    paths = {name: folder / f"{name}.duckdb" for name in ("with", "without", "stale")}
    shutil.copyfile(demo_db(3000, 7), paths["with"])
    con = store.connect(paths["with"])
    con.execute(EDGE_ROWS)
    store.rebuild_derived(con)  # edited in place, not loaded: refresh the summary tables
    con.execute("CHECKPOINT")
    con.close()
    shutil.copyfile(paths["with"], paths["without"])
    shutil.copyfile(paths["with"], paths["stale"])
    con = store.connect(paths["without"])
    for name in (FORMATS_TABLE, STAGE_DAYS_TABLE):
        con.execute(f"DROP TABLE {name}")
    con.close()
    con = store.connect(paths["stale"])
    con.execute(f"DROP TABLE {store.DERIVED_INFO_TABLE}")
    con.close()
    cons = [store.connect(paths[n], read_only=True) for n in ("with", "without", "stale")]
    assert store.derived_fresh(cons[0], FORMATS_TABLE, STAGE_DAYS_TABLE, "app_outcomes")
    assert not store.derived_fresh(cons[1], FORMATS_TABLE)
    assert not store.derived_fresh(cons[2])
    options = {
        dim: sorted(
            r[0]
            for r in cons[0]
            .execute(f"SELECT DISTINCT {dim} FROM applications WHERE {dim} IS NOT NULL")
            .fetchall()
        )
        for dim in DIMENSIONS
    }
    yield [c.cursor() for c in cons], options
    for c in cons:
        c.close()


def _check(curs: list, f: Filters) -> None:
    for include_open in (False, True):
        results = [funnel.touchpoint_formats(c, f, include_open=include_open) for c in curs]
        for other in results[1:]:
            pd.testing.assert_frame_equal(results[0], other, check_dtype=False)
        results = [funnel.stage_duration_counts(c, f, include_open=include_open) for c in curs]
        for other in results[1:]:
            pd.testing.assert_frame_equal(results[0], other, check_dtype=False)
        results = [funnel.stage_times(c, f, include_open=include_open) for c in curs]
        for other in results[1:]:
            pd.testing.assert_frame_equal(results[0], other, check_dtype=False)
    counts = [funnel.time_to_offer_counts(c, f, AS_OF) for c in curs]
    for other in counts[1:]:
        pd.testing.assert_frame_equal(counts[0], other, check_dtype=False)
    offers = [funnel.time_to_offer(c, f, AS_OF) for c in curs]
    for other in offers[1:]:
        pd.testing.assert_frame_equal(offers[0].curves, other.curves, check_dtype=False)
        assert (offers[0].n, offers[0].offers) == (other.n, other.offers)
        assert offers[0].median_days == other.median_days
        assert offers[0].logrank_p == pytest.approx(other.logrank_p, rel=1e-12, nan_ok=True)


@pytest.mark.parametrize(
    "f",
    [
        Filters(),
        Filters(date_from=D(2024, 3, 1), date_to=D(2024, 5, 31)),
        Filters(date_to=D(2024, 2, 29)),
        Filters(region=("NL",), seniority=("senior",)),
        Filters(date_from=D(2024, 3, 15), date_to=D(2024, 5, 20)),  # not whole months
        Filters(date_from=D(2030, 1, 1)),  # nobody
    ],
)
def test_every_path_gives_the_same_answer(three, f: Filters) -> None:
    _check(three[0], f)


def test_the_cubes_are_read_and_not_empty(three) -> None:
    curs, _ = three
    frame = funnel.touchpoint_formats(curs[0], Filters())
    assert not frame.empty and (frame.entering >= 5).all()
    assert int(funnel.time_to_offer_counts(curs[0], Filters(), AS_OF).events.sum()) == int(
        curs[0].execute("SELECT count(*) FROM offers").fetchall()[0][0]
    )


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_every_path_agrees_for_any_filter(three, data) -> None:
    curs, options = three
    month = data.draw(st.integers(0, 40))
    start = D(2023 + month // 12, 1 + month % 12, 1)
    picks = {
        dim: tuple(data.draw(st.lists(st.sampled_from(values), max_size=2, unique=True)))
        for dim, values in options.items()
        if values
    }
    f = Filters(date_from=data.draw(st.sampled_from([None, start])), **picks)
    _check(curs, f)
