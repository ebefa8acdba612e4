"""Tests for analytics.weighting: raking checked against an independent IPF implementation.

The reference below works on the aggregated contingency table (Deming & Stephan 1940 iterative
proportional fitting of cell totals to margins) instead of on respondents, then divides the fitted
cell totals back over the respondents in each cell. It shares no code with ``rake``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from analytics.stats import design_effect, kish_effective_n
from analytics.stats.weights import RakingError, margin_shares, rake, trim_weights

FAST = settings(max_examples=40, deadline=None)

TARGETS = {
    "region": {"north": 0.5, "south": 0.3, "west": 0.2},
    "seniority": {"junior": 0.4, "senior": 0.6},
    "hired": {True: 0.25, False: 0.75},
}


def _survey(n: int = 300, seed: int = 11) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "region": rng.choice(["north", "south", "west"], size=n, p=[0.2, 0.5, 0.3]),
            "seniority": rng.choice(["junior", "senior"], size=n, p=[0.7, 0.3]),
            "hired": rng.random(n) < 0.5,
        },
        index=pd.RangeIndex(1000, 1000 + n),
    )


def _ipf_reference(
    frame: pd.DataFrame,
    targets: dict,
    base: np.ndarray | None = None,
    iterations: int = 2000,
) -> np.ndarray:
    """Respondent weights from IPF on the aggregated table (numpy only)."""
    columns = list(targets)
    level_lists = [list(targets[c]) for c in columns]
    codes = [
        np.array([levels.index(v) for v in frame[c]])
        for c, levels in zip(columns, level_lists, strict=True)
    ]
    shape = tuple(len(levels) for levels in level_lists)
    base = np.ones(len(frame)) if base is None else base
    seed = np.zeros(shape)
    np.add.at(seed, tuple(codes), base)
    fitted = seed.copy()
    total = seed.sum()
    for _ in range(iterations):
        for axis, (column, levels) in enumerate(zip(columns, level_lists, strict=True)):
            shares = np.array([targets[column][lv] for lv in levels], dtype=float)
            shares /= shares.sum()
            other = tuple(a for a in range(len(shape)) if a != axis)
            current = fitted.sum(axis=other)
            factor = np.divide(
                shares * total, current, out=np.zeros_like(current), where=current > 0
            )
            fitted *= factor.reshape([-1 if a == axis else 1 for a in range(len(shape))])
    cell_ratio = np.divide(fitted, seed, out=np.zeros_like(fitted), where=seed > 0)
    weights = base * cell_ratio[tuple(codes)]
    return weights / weights.mean()


def _assert_margins(frame: pd.DataFrame, weights: pd.Series, targets: dict, tol: float) -> None:
    for column, shares in targets.items():
        total = sum(shares.values())
        observed = margin_shares(frame, weights.to_numpy(), column)
        for level, share in shares.items():
            assert observed[level] == pytest.approx(share / total, abs=tol), (column, level)


def test_rake_matches_independent_ipf() -> None:
    frame = _survey()
    weights = rake(frame, TARGETS, tol=1e-10, max_iter=500)
    assert weights.index.equals(frame.index)
    assert weights.mean() == pytest.approx(1.0)
    np.testing.assert_allclose(weights.to_numpy(), _ipf_reference(frame, TARGETS), atol=1e-6)
    _assert_margins(frame, weights, TARGETS, 1e-6)


def test_rake_with_base_weights_matches_ipf() -> None:
    frame = _survey(seed=5)
    base = np.random.default_rng(1).uniform(0.5, 2.0, len(frame))
    weights = rake(
        frame, TARGETS, base_weights=pd.Series(base, index=frame.index), tol=1e-10, max_iter=500
    )
    np.testing.assert_allclose(
        weights.to_numpy(), _ipf_reference(frame, TARGETS, base=base), atol=1e-6
    )


def test_rake_normalises_shares_and_single_margin_is_closed_form() -> None:
    # One margin: weight = target share / sample share, e.g. 60% target / 80% sample = 0.75.
    frame = pd.DataFrame({"pipeline": ["human"] * 8 + ["auto"] * 2})
    weights = rake(frame, {"pipeline": {"human": 60, "auto": 40}})
    assert weights.iloc[0] == pytest.approx(0.6 / 0.8)
    assert weights.iloc[-1] == pytest.approx(0.4 / 0.2)
    # Kish: n_eff = (sum w)^2 / sum w^2 = 100 / (8 * .5625 + 2 * 4) = 8.0
    assert kish_effective_n(weights) == pytest.approx(100 / (8 * 0.5625 + 2 * 4))
    assert design_effect(weights) == pytest.approx(10 / 8.0)


def _bounds_feasible(frame: pd.DataFrame, targets: dict, bounds: tuple[float, float]) -> bool:
    """Independent check by linear programming: do weights with mean 1 inside ``bounds`` that
    reproduce every margin exist at all?"""
    n = len(frame)
    rows, totals = [], []
    for column, shares in targets.items():
        total = sum(shares.values())
        for level, share in shares.items():
            rows.append((frame[column] == level).to_numpy(dtype=float))
            totals.append(share / total * n)
    result = linprog(np.zeros(n), A_eq=np.array(rows), b_eq=totals, bounds=[bounds] * n)
    return result.status == 0


def test_rake_with_bounds_keeps_weights_within_bounds() -> None:
    frame = _survey(seed=8)
    untrimmed = rake(frame, TARGETS)
    assert untrimmed.min() < 0.2 and untrimmed.max() > 6.0  # the bounds below will bind
    assert _bounds_feasible(frame, TARGETS, (0.2, 6.0))
    weights = rake(frame, TARGETS, bounds=(0.2, 6.0), max_iter=1000, tol=1e-7)
    assert weights.min() >= 0.2 - 1e-9 and weights.max() <= 6.0 + 1e-9
    assert weights.mean() == pytest.approx(1.0)
    _assert_margins(frame, weights, TARGETS, 1e-6)
    assert design_effect(weights) < design_effect(untrimmed)


def test_rake_infeasible_bounds_raise() -> None:
    frame = _survey(seed=8)
    assert not _bounds_feasible(frame, TARGETS, (0.3, 4.0))
    with pytest.raises(RakingError, match=r"did not converge .* bounds \(0.3, 4.0\)"):
        rake(frame, TARGETS, bounds=(0.3, 4.0), max_iter=200)
    small = pd.DataFrame({"pipeline": ["human"] * 9 + ["auto"]})
    with pytest.raises(RakingError, match="did not converge.*'pipeline'"):
        rake(small, {"pipeline": {"human": 0.5, "auto": 0.5}}, bounds=(0.8, 1.25))


@pytest.mark.parametrize(
    ("frame", "targets", "message"),
    [
        (
            pd.DataFrame({"region": ["north", "south"]}),
            {"region": {"north": 0.5, "south": 0.3, "west": 0.2}},
            "target level 'west' of column 'region' has no respondents",
        ),
        (
            pd.DataFrame({"region": ["north", "south", "mars"]}),
            {"region": {"north": 0.5, "south": 0.5}},
            "column 'region' has level 'mars' that is not in the targets",
        ),
        (
            pd.DataFrame({"region": ["north", "south"]}),
            {"area": {"north": 0.5, "south": 0.5}},
            "target column 'area' is not in the data",
        ),
        (
            pd.DataFrame({"region": ["north", None, "south"]}),
            {"region": {"north": 0.5, "south": 0.5}},
            "column 'region' has 1 missing value",
        ),
        (
            pd.DataFrame({"region": ["north", "south"]}),
            {"region": {"north": -0.5, "south": 0.5}},
            "non-negative",
        ),
        (
            pd.DataFrame({"region": ["north", "south"]}),
            {"region": {"north": 1.0, "south": 0.0}},
            "share 0 but has respondents",
        ),
        (pd.DataFrame({"region": ["north"]}), {}, "no targets"),
    ],
)
def test_rake_errors_name_column_and_level(
    frame: pd.DataFrame, targets: dict, message: str
) -> None:
    with pytest.raises(RakingError, match=message):
        rake(frame, targets)


def test_raking_error_is_value_error_and_arguments_validated() -> None:
    assert issubclass(RakingError, ValueError)
    frame = pd.DataFrame({"region": ["north", "south"]})
    targets = {"region": {"north": 0.5, "south": 0.5}}
    with pytest.raises(ValueError, match="bounds"):
        rake(frame, targets, bounds=(1.5, 3.0))
    with pytest.raises(ValueError, match="max_iter"):
        rake(frame, targets, max_iter=0)
    with pytest.raises(RakingError, match="base_weights"):
        rake(frame, targets, base_weights=[1.0, -1.0])


def test_trim_weights_by_hand() -> None:
    # Weights 1, 1, 1, 5 (mean 2), bounds (0.5, 1.5) x mean = [1, 3]. Solution clip(c w, 1, 3)
    # with total 8: 5c -> 3 and 3 * max(c, 1) = 5 -> c = 5/3, so weights 5/3, 5/3, 5/3, 3.
    trimmed = trim_weights(pd.Series([1.0, 1.0, 1.0, 5.0], index=list("abcd")), (0.5, 1.5))
    assert isinstance(trimmed, pd.Series) and list(trimmed.index) == list("abcd")
    assert trimmed.to_numpy() == pytest.approx([5 / 3, 5 / 3, 5 / 3, 3.0])
    untouched = trim_weights(np.array([1.0, 1.2, 0.8]), (0.5, 2.0))
    assert untouched == pytest.approx([1.0, 1.2, 0.8])
    with pytest.raises(ValueError, match="positive"):
        trim_weights([1.0, 0.0], (0.5, 2.0))


@FAST
@given(
    n=st.integers(min_value=40, max_value=300),
    seed=st.integers(min_value=0, max_value=10_000),
    north=st.floats(min_value=0.1, max_value=0.8),
    junior=st.floats(min_value=0.1, max_value=0.9),
)
def test_property_rake_reproduces_margins(n: int, seed: int, north: float, junior: float) -> None:
    frame = _survey(n=n, seed=seed)
    rest = 1 - north
    targets = {
        "region": {"north": north, "south": rest * 0.6, "west": rest * 0.4},
        "seniority": {"junior": junior, "senior": 1 - junior},
    }
    present = {c: set(frame[c]) for c in targets}
    if any(set(targets[c]) - present[c] for c in targets):
        with pytest.raises(RakingError, match="no respondents"):
            rake(frame, targets)
        return
    # With every cell of the cross-table populated the margins are always reachable.
    assume(len(frame.groupby(["region", "seniority"])) == 6)
    weights = rake(frame, targets, max_iter=1000)
    assert (weights > 0).all() and weights.mean() == pytest.approx(1.0)
    _assert_margins(frame, weights, targets, 1e-6)


@FAST
@given(
    weights=st.lists(st.floats(min_value=0.01, max_value=100), min_size=1, max_size=50),
    low=st.floats(min_value=0.0, max_value=1.0),
    high=st.floats(min_value=1.0, max_value=10.0),
)
def test_property_trim_keeps_total_and_bounds(
    weights: list[float], low: float, high: float
) -> None:
    if math.isclose(low, high):
        return
    w = np.array(weights)
    trimmed = np.asarray(trim_weights(w, (low, high)))
    mean = w.mean()
    assert trimmed.sum() == pytest.approx(w.sum(), rel=1e-9)
    assert trimmed.min() >= low * mean * (1 - 1e-9)
    assert trimmed.max() <= high * mean * (1 + 1e-9)
