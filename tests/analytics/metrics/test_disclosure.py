"""The differencing rule (analytics/metrics/disclosure.py), proved by brute force on small grids.

Each grid has three axes (A with 3 values, B with 2, three months), two pipelines and random small
counts, so cells of 1 to 4 are common. Every filter setting is enumerated (each non-empty subset
of A and B values, "all" included, and every contiguous month range: 7 x 3 x 6 = 126 views).
Two attacks on the views the rule shows:

- pairs: for every pair of shown views where one is contained in the other, the difference is 0
  or at least the threshold in every pipeline (the brief's test);
- every linear combination: every set of cells whose indicator lies in the span of the shown
  views' indicators (all 2^18 subsets of the 18 cells are tested) holds 0 or at least the
  threshold in every pipeline. This is strictly stronger, and it is what the usual
  "slice within the parent" rule fails (the last tests show the counterexample).
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools

import numpy as np
import pandas as pd
import pytest

from analytics import store
from analytics.domain import PRIVACY_THRESHOLD, Filters
from analytics.metrics import disclosure as dc

T = PRIVACY_THRESHOLD
AXES = ("A", "B", "month")
VALUES = {"A": ("a1", "a2", "a3"), "B": ("b1", "b2"), "month": ("m1", "m2", "m3")}
PIPES = ("human_first", "automation_first")
CELLS = list(itertools.product(*(VALUES[a] for a in AXES)))


def _subsets(values):
    return [set(c) for r in range(1, len(values) + 1) for c in itertools.combinations(values, r)]


def _month_ranges():
    m = VALUES["month"]
    return [set(m[i : j + 1]) for i in range(len(m)) for j in range(i, len(m))]


SETTINGS = [
    {"A": a, "B": b, "month": m}
    for a in _subsets(VALUES["A"])
    for b in _subsets(VALUES["B"])
    for m in _month_ranges()
]


def _grid(rng: np.random.Generator) -> pd.DataFrame:
    """Counts per cell and pipeline: mostly zeros and small numbers, some big ones."""
    rows = []
    choices = np.array([0, 0, 1, 2, 3, 4, 5, 6, 8, 12, 20])
    for cell in CELLS:
        for pipe in PIPES:
            n = int(rng.choice(choices))
            if n:
                rows.append({**dict(zip(AXES, cell, strict=True)), "pipeline": pipe, "n": n})
    return pd.DataFrame(rows, columns=[*AXES, "pipeline", "n"])


def _counts(grid: pd.DataFrame) -> np.ndarray:
    """cells x pipelines matrix of counts."""
    out = np.zeros((len(CELLS), len(PIPES)))
    index = {c: i for i, c in enumerate(CELLS)}
    for row in grid.itertuples(index=False):
        out[index[(row.A, row.B, row.month)], PIPES.index(row.pipeline)] += row.n
    return out


def _indicator(setting) -> np.ndarray:
    return np.array(
        [all(cell[k] in setting[a] for k, a in enumerate(AXES)) for cell in CELLS], dtype=float
    )


INDICATORS = np.array([_indicator(s) for s in SETTINGS])


def _shown(grid: pd.DataFrame, rule) -> np.ndarray:
    if rule is _app_rule:
        free = dc.combinable_axes(grid, AXES)
        keep = [dc.check_selection(grid, s, AXES, combinable=free).shown for s in SETTINGS]
    else:
        keep = [rule(grid, s) for s in SETTINGS]
    return INDICATORS[np.array(keep, dtype=bool)]


def _app_rule(grid, setting) -> bool:
    return dc.check_selection(grid, setting, AXES).shown


@functools.cache
def _case(seed: int, rule_name: str) -> tuple[np.ndarray, np.ndarray]:
    """(shown views, counts) for one random grid and rule, computed once per test session."""
    grid = _grid(np.random.default_rng(seed))
    rule = _app_rule if rule_name == "app" else _slice_rule
    return _shown(grid, rule), _counts(grid)


def _slice_rule(grid, setting) -> bool:
    """The per-slice rule: for every restricted axis, every value's slice within the view's
    other filters is 0 or >= T per pipeline (the usual minimum-difference rule)."""
    counts = _counts(grid).reshape(*(len(VALUES[a]) for a in AXES), len(PIPES))
    keep = [np.isin(VALUES[a], list(setting[a])) for a in AXES]
    for k, axis in enumerate(AXES):
        if setting[axis] == set(VALUES[axis]):
            continue
        part = counts
        for j in range(len(AXES)):
            if j != k:
                part = np.compress(keep[j], part, axis=j)
        slices = part.sum(axis=tuple(j for j in range(len(AXES)) if j != k))
        if ((slices > 0) & (slices < T)).any():
            return False
    return True


# Every subset of the 18 cells as a 0/1 row (262,144 x 18), built once.
ALL_SETS = ((np.arange(2 ** len(CELLS))[:, None] >> np.arange(len(CELLS))) & 1).astype(float)


def _recoverable_small_sets(views: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Sets of cells determined exactly by the shown views (indicator in their row space) that
    hold 1 to T-1 applications in some pipeline."""
    if not len(views):
        return np.zeros((0, len(CELLS)))
    basis = np.linalg.svd(views, full_matrices=False)
    rank = int((basis.S > 1e-9).sum())
    vt = basis.Vh[:rank]
    projected = ALL_SETS @ vt.T @ vt
    in_span = np.abs(projected - ALL_SETS).max(axis=1) < 1e-6
    totals = ALL_SETS[in_span] @ counts
    small = ((totals > 0) & (totals < T)).any(axis=1)
    return ALL_SETS[in_span][small]


def _small_pair_differences(views: np.ndarray, counts: np.ndarray) -> list[tuple[int, int]]:
    bad = []
    for i, j in itertools.permutations(range(len(views)), 2):
        if np.all(views[i] <= views[j]):  # view i inside view j: j - i is a set of cells
            diff = (views[j] - views[i]) @ counts
            if ((diff > 0) & (diff < T)).any():
                bad.append((i, j))
    return bad


SEEDS = range(30)


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
def test_no_pair_of_shown_views_differs_by_a_small_group(seed):
    views, counts = _case(seed, "app")
    assert _small_pair_differences(views, counts) == []


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
def test_no_combination_of_shown_views_recovers_a_small_group(seed):
    views, counts = _case(seed, "app")
    assert len(_recoverable_small_sets(views, counts)) == 0


@pytest.mark.slow
def test_the_rule_is_not_vacuous():
    """Over the random grids the rule shows filtered views, combined ones too, and withholds
    others."""
    restricted = np.array([sum(s[a] != set(VALUES[a]) for a in AXES) for s in SETTINGS])
    shown = combined = withheld = 0
    for seed in SEEDS:
        views, _ = _case(seed, "app")
        picked = np.array([any((v == row).all() for v in views) for row in INDICATORS])
        shown += int((picked & (restricted >= 1)).sum())
        combined += int((picked & (restricted >= 2)).sum())
        withheld += int((~picked).sum())
    assert shown > 0 and combined > 0 and withheld > 0


def test_a_safe_grid_shows_every_view():
    grid = _grid(np.random.default_rng(0))
    grid["n"] = np.where(grid.n < T, T, grid.n)
    assert all(_app_rule(grid, s) for s in SETTINGS)


# The counterexample of the module docstring: every slice rule passes, four views recover 3.
COUNTER = pd.DataFrame(
    [
        {"A": a, "B": b, "month": "m1", "pipeline": "human_first", "n": n}
        for (a, b), n in {
            ("a1", "b1"): 10,
            ("a1", "b2"): 10,
            ("a2", "b1"): 10,
            ("a2", "b2"): 3,
        }.items()
    ]
)


def _view_count(grid, a, b):
    keep = grid.A.isin(a) & grid.B.isin(b)
    return int(grid[keep].n.sum())


def test_the_slice_rule_leaks_through_inclusion_exclusion():
    full = {"A": {"a1", "a2", "a3"}, "B": {"b1", "b2"}, "month": {"m1", "m2", "m3"}}
    views = [
        full,
        {**full, "A": {"a1"}},
        {**full, "B": {"b1"}},
        {**full, "A": {"a1"}, "B": {"b1"}},
    ]
    assert all(_slice_rule(COUNTER, v) for v in views)
    everything, a1, b1, both = (_view_count(COUNTER, v["A"], v["B"]) for v in views)
    assert everything - a1 - b1 + both == 3  # the hidden cell (a2, b2)


def test_the_app_rule_withholds_the_combination():
    full = {"A": {"a1", "a2", "a3"}, "B": {"b1", "b2"}, "month": {"m1", "m2", "m3"}}
    assert _app_rule(COUNTER, {**full, "A": {"a1"}})
    assert _app_rule(COUNTER, {**full, "B": {"b1"}})
    check = dc.check_selection(COUNTER, {**full, "A": {"a1"}, "B": {"b1"}}, AXES)
    assert not check.shown and check.reason == "combination" and check.axes == ("A", "B")


def test_the_slice_rule_fails_the_brute_force_somewhere():
    """The brute force is strong enough to catch the weaker rule on random grids."""
    assert any(len(_recoverable_small_sets(*_case(seed, "slice"))) > 0 for seed in SEEDS)


# --- the app's filters on a real database ------------------------------------------------------


@pytest.fixture
def con():
    con = store.connect(":memory:")
    rows = []
    app_id = 0
    # role family x region, one month each; (data, NL) has 3 human-first applications
    plan = {("eng", "NL"): 20, ("eng", "DE"): 20, ("data", "NL"): 3, ("data", "DE"): 20}
    for (role, region), n in plan.items():
        for k in range(n):
            app_id += 1
            rows.append((f"A{app_id}", role, region, "human_first", dt.date(2025, 1 + k % 2, 10)))
    for k in range(40):
        app_id += 1
        rows.append((f"A{app_id}", "eng", "NL", "automation_first", dt.date(2025, 1 + k % 2, 12)))
    frame = pd.DataFrame(
        rows, columns=["application_id", "role_family", "region", "pipeline", "applied_on"]
    )
    con.register("rows_df", frame)
    con.execute(
        """
        INSERT INTO applications (application_id, candidate_id, requisition_id, applied_on,
            role_family, seniority, region, source, pipeline, status)
        SELECT application_id, application_id, 'R1', applied_on, role_family, 'mid', region,
            'referral', pipeline, 'open'
        FROM rows_df
        """
    )
    con.unregister("rows_df")
    yield con
    con.close()


def test_view_check_on_the_database(con):
    cur = con.cursor()
    assert dc.view_check(cur, Filters()).shown
    # role family alone: data has 23 human-first applications; region alone: NL has 23
    assert dc.view_check(cur, Filters(role_family=("eng",))).shown
    # all regions but DE = NL: inside role family "data" that is the group of 3
    check = dc.view_check(cur, Filters(role_family=("data",), region=("NL",)))
    assert not check.shown and check.reason == "combination"
    assert not dc.view_check(cur, Filters(role_family=("data",), region=("DE",))).shown
    # months: January alone is a whole-month range; a mid-month date is refused
    assert not dc.view_check(cur, Filters(date_from=dt.date(2025, 1, 15))).shown
    jan = dc.snap_to_months(Filters(date_to=dt.date(2025, 1, 15)))
    assert jan.date_to == dt.date(2025, 1, 31)
    assert dc.check_filters(dc.cell_counts(cur), jan).reason != "dates"
    cur.close()
