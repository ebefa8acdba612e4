"""The load-time ``fairness_events`` table (``analytics.store.fairness_events``) gives the fairness
counts and the business case's touchpoint counts exactly what the join of ``stage_events`` and
``applications`` gives, and ``step_counts`` gives what its previous query (kept verbatim below)
gave: on the demo and on edge-case databases (tiny groups, missing group values and touchpoints,
re-entered stages, one pipeline), under filters. A stale table is never read."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Sequence

import duckdb
import numpy as np
import pandas as pd
import pytest

from analytics import store
from analytics.domain import Filters
from analytics.metrics import business_case as bc
from analytics.metrics import fairness
from analytics.metrics.fairness.groups import SEPARATOR, _check_columns, group_sort_key


def _old_step_counts(
    cur: duckdb.DuckDBPyConnection, filters: Filters, columns: Sequence[str]
) -> pd.DataFrame:
    """``fairness.step_counts`` as it was before issue 21 (the join, counted after the steps
    test), the reference for the restructured query."""
    cols = _check_columns(columns)
    where, params = filters.where("a")
    parts = [f'CAST(a."{c}" AS VARCHAR)' for c in cols]
    if len(parts) == 1:
        group_sql = parts[0]
    else:
        group_sql = (
            f"CASE WHEN {parts[0]} IS NULL OR {parts[1]} IS NULL THEN NULL "
            f"ELSE {parts[0]} || '{SEPARATOR}' || {parts[1]} END"
        )
    frame = cur.execute(
        f"""
        WITH decided AS (
            SELECT e.stage, e.stage_order, coalesce(e.touchpoint, 'unknown') AS touchpoint,
                   {group_sql} AS grp, e.result
            FROM stage_events AS e
            JOIN applications AS a ON a.application_id = e.application_id
            WHERE {where} AND e.result IN ('advanced', 'rejected')
        ),
        steps AS (
            SELECT stage, touchpoint FROM decided GROUP BY ALL
            HAVING count(*) FILTER (WHERE result = 'rejected') > 0
        )
        SELECT d.stage, min(d.stage_order) AS stage_order, d.touchpoint,
               coalesce(any_value(s.label_en), d.stage) AS label_en,
               coalesce(any_value(s.label_nl), d.stage) AS label_nl,
               d.grp AS "group", count(*) AS applicants,
               count(*) FILTER (WHERE d.result = 'advanced') AS selected
        FROM decided AS d
        JOIN steps USING (stage, touchpoint)
        LEFT JOIN stages AS s ON s.stage = d.stage
        GROUP BY d.stage, d.touchpoint, d.grp
        ORDER BY stage_order, d.touchpoint, d.grp NULLS LAST
        """,
        params,
    ).df()
    frame["applicants"] = frame["applicants"].astype(int)
    frame["selected"] = frame["selected"].astype(int)
    frame["group"] = frame["group"].astype(object).where(frame["group"].notna(), None)
    frame["_key"] = [group_sort_key(g) for g in frame["group"]]
    frame = frame.sort_values(["stage_order", "touchpoint", "_key"], kind="stable")
    return frame.drop(columns="_key").reset_index(drop=True)


FILTERS = (
    Filters(),
    Filters(role_family=("engineering",)),
    Filters(source=("referral",), seniority=("senior",)),
    Filters(date_from=dt.date(2024, 3, 2), date_to=dt.date(2025, 6, 30)),
    Filters(region=("north",), date_to=dt.date(2024, 2, 1)),
)
COLUMN_SETS = (
    *[(c,) for c in fairness.GROUP_COLUMNS],
    ("gender", "age_band"),
    ("region", "source"),
)


def _assert_same(cur: duckdb.DuckDBPyConnection, filters: Filters) -> None:
    assert fairness.events_fresh(cur)
    for cols in COLUMN_SETS:
        new = fairness.step_counts(cur, filters, cols)
        joined = fairness.step_counts(cur, filters, cols, use_derived=False)
        old = _old_step_counts(cur, filters, cols)
        pd.testing.assert_frame_equal(new, old, check_dtype=False)
        pd.testing.assert_frame_equal(joined, old, check_dtype=False)
        # ... and so every result built on the counts is the same.
        pd.testing.assert_frame_equal(
            fairness.adverse_impact(new), fairness.adverse_impact(old), check_dtype=False
        )
    pd.testing.assert_frame_equal(
        bc.touchpoint_counts(cur, filters),
        bc.touchpoint_counts(cur, filters, use_derived=False),
    )


def _edge_con(seed: int, n: int, pipelines: tuple[str, ...]) -> duckdb.DuckDBPyConnection:
    """Tiny groups, missing group values, missing touchpoints and formats, re-entered stages."""
    rng = np.random.default_rng(seed)
    ids = [f"a{i}" for i in range(n)]

    def pick(values: list, size: int = n) -> np.ndarray:
        return rng.choice(np.array(values, dtype=object), size)

    apps = pd.DataFrame(
        {
            "application_id": ids,
            "candidate_id": ids,
            "applied_on": [
                dt.date(2024, 1, 1) + dt.timedelta(days=int(d)) for d in rng.integers(0, 600, n)
            ],
            "role_family": pick(["engineering", "sales", None]),
            "seniority": pick(["junior", "senior"]),
            "region": pick(["north", "south", None]),
            "source": pick(["referral", "job_board"]),
            "pipeline": pick(list(pipelines)),
            "status": pick(["hired", "rejected", "withdrawn"]),
            # A rare gender value (a tiny group), missing values, an empty string.
            "gender": pick(["woman", "man", "woman", "man", "x", None, ""]),
            "age_band": pick(["<30", "30-39", "50+", None]),
            "career_switcher": pick([True, False, None]),
        }
    )
    stages = [
        ("cv", 1, "automated"),
        ("call", 2, "human"),
        ("onsite", 3, None),
        ("offer", 4, "human"),
    ]
    rows = []
    for app, applied in zip(ids, apps.applied_on, strict=True):
        for stage, order, tp in stages[: int(rng.integers(1, 5))]:
            for _ in range(1 + int(rng.random() < 0.1)):  # re-entries
                result = (
                    "advanced"
                    if stage == "offer"
                    else pick(["advanced", "rejected", "withdrawn", "pending"], 1)[0]
                )
                rows.append(
                    {
                        "application_id": app,
                        "stage": stage,
                        "stage_order": order,
                        "entered_on": applied,
                        "result": result,
                        "touchpoint": tp if rng.random() > 0.05 else None,
                        "format": pick(["recruiter_call", "ai_cv_screen", None], 1)[0],
                    }
                )
    con = store.connect(":memory:")
    store.load_tables(con, {"applications": apps, "stage_events": pd.DataFrame(rows)})
    return con


def test_edge_databases_give_the_same_counts_on_both_paths():
    both = ("human_first", "automation_first")
    for seed, n, pipelines in ((1, 300, both), (2, 40, both), (3, 150, ("human_first",))):
        con = _edge_con(seed, n, pipelines)
        cur = con.cursor()
        for filters in FILTERS:
            _assert_same(cur, filters)
        con.close()


@pytest.mark.slow
def test_the_demo_gives_the_same_counts_on_both_paths(demo_db):
    con = store.connect(demo_db(4000, 5), read_only=True)
    cur = con.cursor()
    for filters in FILTERS:
        _assert_same(cur, filters)
    con.close()


def test_a_stale_table_is_not_read(demo_db, tmp_path):
    path = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_db(4000, 5), path)
    con = store.connect(path)
    cur = con.cursor()
    before = fairness.step_counts(cur, Filters(), ("gender",))
    # Emptying the derived table would change the answer if it were read; bumping the version
    # without a rebuild makes it stale, and the join answers.
    cur.execute("DELETE FROM fairness_events")
    store.set_meta(cur, "data_version", str(store.current_version(cur) + 1))
    assert not fairness.events_fresh(cur)
    pd.testing.assert_frame_equal(fairness.step_counts(cur, Filters(), ("gender",)), before)
    assert not bc.touchpoint_counts(cur, Filters()).empty
    con.close()
