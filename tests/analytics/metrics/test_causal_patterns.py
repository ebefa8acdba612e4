"""The load-time covariate-pattern table (``analytics.store.causal_patterns``) gives the adjusted
effects exactly what the scan of the applications gives: the same pattern rows and every number
of every estimate equal to the last digit, on the demo and on edge-case databases (one pipeline,
tiny groups, missing covariates, a literal "(missing)" beside a NULL, dates on the follow-up
boundaries, ratings whose sums are not exact in binary), under filters; and the page falls back
to the scan whenever the table cannot answer exactly (stale, a mid-month date, another as-of
date or ramp-up target)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import shutil
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics import store
from analytics.domain import Filters
from analytics.metrics import causal
from analytics.metrics.common import DEFAULT_RAMP_TARGET, RETENTION_DAYS
from analytics.store import causal_patterns as cp

AS_OF = dt.date(2026, 6, 30)


def _plain(value: Any) -> Any:
    """Every number of a result as plain Python values (NaN as a marker, so equal results
    compare equal), for an exact comparison of two whole result objects."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, pd.DataFrame):
        return _plain(value.to_dict(orient="list"))
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (float, np.floating)):
        return "nan" if math.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


def _both(
    cur: duckdb.DuckDBPyConnection,
    filters: Filters,
    as_of: dt.date,
    ramp_target: int = DEFAULT_RAMP_TARGET,
) -> causal.PatternSource:
    """Assert that the table path and the scan path agree exactly; return the table path's
    source (which frames it read from the table)."""
    derived, source = causal.pattern_frames(cur, filters, as_of, ramp_target)
    scanned, _ = causal.pattern_frames(cur, filters, as_of, ramp_target, use_derived=False)
    keys = [*causal.COVARIATES, "pipeline"]
    for name in ("applications", "outcomes"):
        pd.testing.assert_frame_equal(
            derived[name].sort_values(keys).reset_index(drop=True),
            scanned[name].sort_values(keys).reset_index(drop=True),
            check_dtype=False,
            check_exact=True,
        )
    weights = {"performance": 0.4, "ramp": 0.2, "retention_12m": 0.3, "manager": 0.1}
    kwargs = {"ramp_target": ramp_target, "weights": weights}
    a = causal.adjusted_effects(cur, filters, as_of, **kwargs)
    b = causal.adjusted_effects(cur, filters, as_of, use_derived=False, **kwargs)
    assert _plain(a) == _plain(b)
    return source


# --- the demo ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_cur(demo_db):
    con = store.connect(demo_db(4000, 5), read_only=True)
    yield con.cursor()
    con.close()


@pytest.mark.slow
def test_the_table_gives_the_scans_results_on_the_demo(demo_cur):
    as_of = store.dataset_info(demo_cur).as_of
    families = [
        r[0] for r in demo_cur.execute("SELECT DISTINCT role_family FROM applications").fetchall()
    ]
    first = demo_cur.execute("SELECT min(applied_on) FROM applications").fetchall()[0][0]
    year_on = first.replace(day=1).replace(year=first.year + 1)
    whole = Filters(date_from=year_on, date_to=dt.date(year_on.year, 12, 31))
    cases = [
        (Filters(), True, True),
        (Filters(role_family=(sorted(families)[0],)), True, True),
        (Filters(seniority=("senior",), region=("north", "south")), True, True),
        (whole, True, True),
        (dataclasses.replace(whole, role_family=tuple(sorted(families)[:2])), True, True),
    ]
    for filters, apps_from_table, outs_from_table in cases:
        source = _both(demo_cur, filters, as_of)
        assert source == causal.PatternSource(apps_from_table, outs_from_table), filters
    # A mid-month date is not a whole number of months: the scan answers (and agrees).
    mid = dataclasses.replace(whole, date_from=year_on.replace(day=15))
    assert _both(demo_cur, mid, as_of) == causal.PatternSource(False, False)
    # Another as-of date or ramp-up target: the counts up to the offer still come from the
    # table, those after it (they depend on the date) from the scan.
    assert _both(demo_cur, Filters(), as_of - dt.timedelta(days=40)) == causal.PatternSource(
        True, False
    )
    assert _both(demo_cur, Filters(), as_of, ramp_target=60) == causal.PatternSource(True, False)


def test_the_demo_table_is_small_and_counts_every_application(demo_cur):
    rows, decided = demo_cur.execute(f"SELECT count(*), sum(decided) FROM {cp.TABLE}").fetchall()[0]
    apps = demo_cur.execute(
        "SELECT count(*), count(*) FILTER (WHERE status <> 'open') FROM applications"
    ).fetchall()[0]
    assert decided == apps[1]
    assert rows < apps[0]


def test_the_store_counts_with_the_metrics_constants():
    # The table records them and the reader checks them; equal constants mean the table is used.
    assert cp.RETENTION_DAYS == RETENTION_DAYS
    assert cp.RAMP_TARGET == DEFAULT_RAMP_TARGET


# --- edge cases -------------------------------------------------------------------------------

_FAMILIES = ("engineering", "sales", None, "(missing)")
_SENIORITY = ("junior", "senior", None)
_REGIONS = ("north", "south")
_SOURCES = ("referral", "job_board", None)
_STATUSES = ("hired", "rejected", "withdrawn", "offer_declined", "open")
# Start dates on the follow-up boundaries of AS_OF (365 days, the ramp-up target, the as-of date).
_STARTS = (-400, -366, -365, -364, -200, -91, -90, -89, -10, 0, 5)
_RATINGS = (None, 1.0, 2.3, 3.7, 4.1, 5.0)  # 2.3, 3.7 and 4.1 are not exact in binary


def _edge_tables(seed: int, n: int, pipelines: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    ids = [f"a{i}" for i in range(n)]
    # Dates on the first and last days of months, and in between.
    days = rng.choice([0, 14, 27, 30], n) + 31 * rng.integers(0, 30, n)
    applied = [dt.date(2024, 1, 1) + dt.timedelta(days=int(d)) for d in days]
    apps = pd.DataFrame(
        {
            "application_id": ids,
            "candidate_id": ids,
            "applied_on": applied,
            "role_family": rng.choice(np.array(_FAMILIES, dtype=object), n),
            "seniority": rng.choice(np.array(_SENIORITY, dtype=object), n),
            "region": rng.choice(np.array(_REGIONS, dtype=object), n),
            "source": rng.choice(np.array(_SOURCES, dtype=object), n),
            "pipeline": rng.choice(np.array(pipelines, dtype=object), n),
            "status": rng.choice(np.array(_STATUSES, dtype=object), n),
        }
    )
    has_offer = rng.random(n) < 0.5
    offers = pd.DataFrame(
        {
            "application_id": [i for i, h in zip(ids, has_offer, strict=True) if h],
            "offered_on": [a for a, h in zip(applied, has_offer, strict=True) if h],
            "accepted": rng.choice(np.array([True, False, None], dtype=object), has_offer.sum()),
        }
    )
    hired = (apps.status == "hired").to_numpy() & (rng.random(n) < 0.9)
    k = int(hired.sum())
    starts = [AS_OF + dt.timedelta(days=int(d)) for d in rng.choice(_STARTS, k)]
    stays = rng.choice(np.array([None, 100, 365, 366, 700], dtype=object), k)
    hires = pd.DataFrame(
        {
            "application_id": apps.application_id[hired].to_list(),
            "start_on": starts,
            "perf_12m": rng.choice(np.array(_RATINGS, dtype=object), k),
            "manager_satisfaction": rng.choice(np.array(_RATINGS, dtype=object), k),
            "ramp_days": rng.choice(np.array([None, 30, 89, 90, 91, 200], dtype=object), k),
            "left_on": [
                None if s is None else st_ + dt.timedelta(days=int(s))
                for st_, s in zip(starts, stays, strict=True)
            ],
        }
    )
    return {"applications": apps, "offers": offers, "hires": hires}


def _edge_db(seed: int, n: int, pipelines: tuple[str, ...], *, as_of_meta: bool = True):
    con = store.connect(":memory:")
    meta = {"as_of": AS_OF.isoformat()} if as_of_meta else None
    store.load_tables(con, _edge_tables(seed, n, pipelines), meta=meta)
    return con


@pytest.mark.slow
def test_the_table_gives_the_scans_results_on_edge_cases():
    both = ("human_first", "automation_first")
    for seed, n, pipelines in ((1, 400, both), (2, 60, both), (3, 200, ("human_first",))):
        con = _edge_db(seed, n, pipelines)
        cur = con.cursor()
        as_of = store.dataset_info(cur).as_of
        assert as_of == AS_OF
        for filters in (
            Filters(),
            Filters(role_family=("engineering", "(missing)")),
            Filters(source=("referral",), seniority=("senior",)),
            Filters(date_from=dt.date(2024, 3, 1), date_to=dt.date(2025, 6, 30)),
            Filters(date_to=dt.date(2025, 2, 28), region=("north",)),
        ):
            assert _both(cur, filters, as_of) == causal.PatternSource(True, True), filters
        assert _both(cur, Filters(date_from=dt.date(2024, 3, 2)), as_of).applications is False
        assert _both(cur, Filters(date_to=dt.date(2025, 2, 27)), as_of).applications is False
        con.close()


def test_a_null_and_a_literal_missing_fall_into_one_pattern():
    con = _edge_db(4, 300, ("human_first", "automation_first"))
    cur = con.cursor()
    frames, source = causal.pattern_frames(cur, Filters(), AS_OF)
    assert source.applications
    keys = [*causal.COVARIATES, "pipeline"]
    assert not frames["applications"].duplicated(keys).any()
    assert "(missing)" in set(frames["applications"].role_family)
    con.close()


def test_without_an_as_of_setting_the_table_uses_the_latest_date_as_the_app_does():
    con = _edge_db(5, 300, ("human_first", "automation_first"), as_of_meta=False)
    cur = con.cursor()
    as_of = store.dataset_info(cur).as_of
    assert as_of != AS_OF  # the latest date in the data
    assert _both(cur, Filters(), as_of) == causal.PatternSource(True, True)
    con.close()


def test_a_stale_or_missing_table_falls_back_to_the_scan(tmp_path, demo_db):
    path = tmp_path / "copy.duckdb"
    shutil.copyfile(demo_db(4000, 5), path)
    con = store.connect(path)
    cur = con.cursor()
    as_of = store.dataset_info(cur).as_of
    before = causal.adjusted_effects(cur, Filters(), as_of)
    assert causal.pattern_source(cur, Filters(), as_of, DEFAULT_RAMP_TARGET).outcomes
    # A database from before this table: no table, the scan answers the same.
    cur.execute(f"DROP TABLE {cp.TABLE}")
    assert causal.pattern_source(cur, Filters(), as_of, DEFAULT_RAMP_TARGET) == (
        causal.PatternSource(False, False)
    )
    assert _plain(causal.adjusted_effects(cur, Filters(), as_of)) == _plain(before)
    # Rebuilt, then made stale by a load that skips the derived tables: never read.
    store.rebuild_derived(con)
    assert causal.pattern_source(cur, Filters(), as_of, DEFAULT_RAMP_TARGET).applications
    store.load_tables(con, {}, mode="append", derived=False)
    assert not store.derived_fresh(cur, cp.TABLE)
    assert not causal.pattern_source(cur, Filters(), as_of, DEFAULT_RAMP_TARGET).applications
    con.close()


_VALUES = {
    "role_family": ("engineering", "sales", "(missing)"),
    "seniority": ("junior", "senior"),
    "region": ("north", "south"),
    "source": ("referral", "job_board"),
}


@pytest.mark.slow
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(20, 300),
    one_pipeline=st.booleans(),
    picks=st.fixed_dictionaries(
        {d: st.lists(st.sampled_from(v), max_size=2, unique=True) for d, v in _VALUES.items()}
    ),
    start=st.one_of(st.none(), st.integers(0, 700)),
    length=st.integers(0, 500),
)
def test_the_table_equals_the_scan_for_random_databases_and_filters(
    seed, n, one_pipeline, picks, start, length
):
    pipelines = ("human_first",) if one_pipeline else ("human_first", "automation_first")
    con = _edge_db(seed, n, pipelines)
    try:
        date_from = None if start is None else dt.date(2024, 1, 1) + dt.timedelta(days=start)
        date_to = None if date_from is None else date_from + dt.timedelta(days=length)
        filters = Filters(
            date_from=date_from, date_to=date_to, **{d: tuple(v) for d, v in picks.items()}
        )
        source = _both(con.cursor(), filters, AS_OF)
        assert source.applications == causal.whole_months(filters)
    finally:
        con.close()


def test_the_order_of_the_pattern_rows_changes_no_digit(demo_cur):
    # Neither path sorts its rows; every estimate must be the same in any order.
    as_of = store.dataset_info(demo_cur).as_of
    frames, _ = causal.pattern_frames(demo_cur, Filters(), as_of)
    coded = {k: causal._coded(v) for k, v in frames.items()}
    for outcome in ("hire_rate", "offer_acceptance", "performance", "manager"):
        frame = coded[causal._SPEC[outcome][0]]
        shuffled = frame.sample(frac=1.0, random_state=7).reset_index(drop=True)
        a = causal.effect_from_patterns(frame, outcome)
        b = causal.effect_from_patterns(shuffled, outcome)
        # On this 4,000-application demo the offers are too few for every factor at once (33
        # refusals for 37 parameters): the refusal must not depend on the order either.
        assert a.estimated or outcome in ("offer_acceptance", "performance", "manager"), outcome
        assert a.estimated or a.reason in ("too_sparse", "not_identified"), outcome
        assert a.crude is not None, outcome
        assert _plain(a) == _plain(b), outcome


def test_sharing_the_propensity_model_within_a_run_changes_no_digit(demo_cur):
    as_of = store.dataset_info(demo_cur).as_of
    frames, _ = causal.pattern_frames(demo_cur, Filters(), as_of)
    apps = causal._coded(frames["applications"])
    memo: dict[bytes, object] = {}
    shared = [causal.effect_from_patterns(apps, o, memo) for o in ("hire_rate", "withdrawal")]
    # Hire rate and withdrawal have the same target population: one propensity fit.
    assert len(memo) == 1
    alone = [causal.effect_from_patterns(apps, o) for o in ("hire_rate", "withdrawal")]
    assert _plain(shared) == _plain(alone)
    a, b = (e.analysis for e in shared)
    np.testing.assert_array_equal(a.overlap.propensity.e, b.overlap.propensity.e)


def test_both_paths_count_with_one_set_of_expressions():
    # The load-time table and the scan take their counting expressions from one function each
    # (issue 22: the SQL was written twice and could drift); the items are named in the order of
    # the column tuples both readers use.
    def names(items: str) -> list[str]:
        return [item.rsplit(" AS ", 1)[1].strip() for item in items.split(",\n")]

    scan = cp.outcome_counts_sql(as_of="$as_of", ret_days="$ret_days", ramp_target="$target")
    assert names(scan) == list(cp.OUTCOME_COUNTS)
    assert names(cp.application_counts_sql()) == list(cp.APPLICATION_COUNTS)
    assert set(cp.SUMS) <= set(cp.OUTCOME_COUNTS)
    table = cp.outcome_counts_sql(
        as_of="p.as_of", ret_days=str(cp.RETENTION_DAYS), ramp_target=str(cp.RAMP_TARGET)
    )
    assert table in cp.CAUSAL_PATTERNS_SQL
    assert cp.application_counts_sql("a") in cp.CAUSAL_PATTERNS_SQL
    # Only the as-of date and the two constants differ between the paths.
    assert (
        table.replace("p.as_of", "$as_of")
        .replace(str(cp.RETENTION_DAYS), "$ret_days")
        .replace(str(cp.RAMP_TARGET), "$target")
        == scan
    )
