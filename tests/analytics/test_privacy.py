"""Complementary suppression: no hidden count can be recovered from the shown cells and totals.

Checked the way an attacker would: for every hidden cell, linear programming over all tables
that agree with what is shown (cells, row and column totals, counts >= 0) gives the range the
hidden value could take; a range of width zero would disclose it (the "protection interval" of
statistical disclosure control, Hundepool et al. 2012, sec. 4.2.2).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from analytics import privacy


def _feasible_range(values, hidden, row_totals, col_totals, cell):
    """Min and max of one hidden cell over every table consistent with what is shown."""
    r, c = values.shape
    unknown = [(i, j) for i in range(r) for j in range(c) if hidden[i, j]]
    pos = {ij: k for k, ij in enumerate(unknown)}
    a_eq, b_eq = [], []
    if row_totals is not None:
        for i in range(r):
            if row_totals[i] is None:
                continue
            row = np.zeros(len(unknown))
            known = 0.0
            for j in range(c):
                if hidden[i, j]:
                    row[pos[(i, j)]] = 1
                else:
                    known += values[i, j]
            a_eq.append(row)
            b_eq.append(row_totals[i] - known)
    if col_totals is not None:
        for j in range(c):
            if col_totals[j] is None:
                continue
            col = np.zeros(len(unknown))
            known = 0.0
            for i in range(r):
                if hidden[i, j]:
                    col[pos[(i, j)]] = 1
                else:
                    known += values[i, j]
            a_eq.append(col)
            b_eq.append(col_totals[j] - known)
    target = np.zeros(len(unknown))
    target[pos[cell]] = 1
    kwargs = {"A_eq": np.array(a_eq), "b_eq": np.array(b_eq)} if a_eq else {}
    lo = linprog(target, bounds=(0, None), **kwargs)
    hi = linprog(-target, bounds=(0, None), **kwargs)
    return lo.fun, -hi.fun if hi.status == 0 else np.inf


def _assert_protected(values, s, rows=True, cols=True):
    values = np.asarray(values, dtype=float)
    row_totals = (
        [None if s.row_totals[i] else values[i].sum() for i in range(values.shape[0])]
        if rows
        else None
    )
    col_totals = (
        [None if s.col_totals[j] else values[:, j].sum() for j in range(values.shape[1])]
        if cols
        else None
    )
    for i, j in zip(*np.nonzero(s.cells), strict=True):
        lo, hi = _feasible_range(values, s.cells, row_totals, col_totals, (i, j))
        assert hi - lo > 0.5, f"cell {(i, j)} = {values[i, j]} recoverable: [{lo}, {hi}]"
    assert s.cells[privacy.primary(values)].all()


def test_worked_example_rows_and_columns():
    # 3 (row 0) is primary. Row 0 -> also 10; column 0 then has one -> 8; row 1 -> 9;
    # column 1 now has 3 and 9 hidden: done. A 2x2 rectangle of hidden cells.
    table = [[10, 3, 20], [8, 9, 30], [12, 15, 7]]
    s = privacy.complementary(table)
    assert s.cells.astype(int).tolist() == [[1, 1, 0], [1, 1, 0], [0, 0, 0]]
    assert not s.row_totals.any() and not s.col_totals.any()
    _assert_protected(table, s)


def test_row_totals_only():
    table = [[10, 3, 20], [8, 9, 30]]
    s = privacy.complementary(table, col_totals=False)
    assert s.cells.astype(int).tolist() == [[1, 1, 0], [0, 0, 0]]
    _assert_protected(table, s, cols=False)


def test_without_complement_a_hidden_cell_is_recoverable():
    # The check itself works: primary suppression alone discloses the cell.
    table = np.array([[10, 3, 20], [8, 9, 30]], dtype=float)
    only_primary = privacy.Suppression(
        cells=privacy.primary(table), row_totals=np.zeros(2, bool), col_totals=np.zeros(3, bool)
    )
    with pytest.raises(AssertionError, match="recoverable"):
        _assert_protected(table, only_primary, cols=False)


def test_zeros_are_never_hidden_nor_complements():
    s = privacy.complementary([[0, 3, 40, 12]], col_totals=False)
    assert s.cells.astype(int).tolist() == [[0, 1, 0, 1]]
    # nothing non-zero to hide with the 3: its total is hidden instead
    s = privacy.complementary([[0, 3]], col_totals=False)
    assert s.cells.astype(int).tolist() == [[0, 1]] and s.row_totals.tolist() == [True]
    # the table hypothesis found: hidden zeros next to a zero total gave the 1 away
    s = privacy.complementary([[0, 0], [0, 1]])
    assert not s.cells[0].any() and s.row_totals[1] and s.col_totals[1]


def test_a_single_hidden_cell_alone_in_its_line_hides_the_total():
    s = privacy.complementary([[3]], col_totals=False)
    assert s.cells.all() and s.row_totals.all()


def test_a_table_of_tiny_counts_solvable_as_a_whole_gets_its_totals_hidden():
    # found by the property test: every line has two hidden cells, yet with counts >= 0 the
    # whole system gives the bottom-right 1 away; the audit hides the totals that allow it
    table = [[0, 1, 0, 1], [0, 1, 0, 1], [1, 0, 1, 0], [1, 0, 1, 1]]
    s = privacy.complementary(table)
    assert s.row_totals.any() or s.col_totals.any()
    _assert_protected(table, s)


def test_two_primary_cells_need_no_complement():
    s = privacy.complementary([[2, 3, 50]], col_totals=False)
    assert s.cells.astype(int).tolist() == [[1, 1, 0]]


@settings(max_examples=150, deadline=None)
@given(
    st.integers(2, 4).flatmap(
        lambda c: st.lists(
            st.lists(st.integers(0, 30), min_size=c, max_size=c), min_size=2, max_size=4
        )
    ),
    st.booleans(),
)
def test_no_hidden_cell_is_ever_recoverable(table, cols):
    values = np.array(table, dtype=float)
    s = privacy.complementary(values, col_totals=cols)
    _assert_protected(values, s, cols=cols)  # hidden totals give the attacker no equation


def test_suppress_in_groups_long_format():
    frame = pd.DataFrame(
        {
            "pipeline": ["h"] * 3 + ["a"] * 3,
            "reason": ["pay", "other", "speed"] * 2,
            "n": [20, 9, 3, 30, 12, 11],
        }
    )
    hide = privacy.suppress_in_groups(frame.n, frame.pipeline)
    assert hide.tolist() == [False, True, True, False, False, False]


def test_suppress_frame_with_totals():
    frame = pd.DataFrame(
        {"group": ["x", "y", "total"], "yes": [10, 8, 18], "no": [3, 9, 12]}
    ).set_index("group")
    frame["total"] = frame.yes + frame.no
    out = privacy.suppress_frame(frame, ["yes", "no"], row_total="total", total_row="total")
    assert out.loc["x"].isna().tolist() == [True, True, False]
    assert out.loc["y"].isna().tolist() == [True, True, False]
    assert out.loc["total"].notna().all()


def test_hide_small_groups_for_a_table_with_a_total_per_pipeline():
    frame = pd.DataFrame(
        {
            "pipeline": ["h", "h", "h", "a", "a"],
            "reason": ["pay", "speed", "other", "pay", "speed"],
            "n": [20, 9, 3, 30, 12],
            "share": [0.625, 0.28, 0.09, 0.71, 0.29],
        }
    )
    out = privacy.hide_small_groups(frame, "n", line="pipeline")
    assert out.suppressed.tolist() == [False, True, True, False, False]
    assert out.n.isna().tolist() == [False, True, True, False, False]
    assert out.share.isna().tolist() == [False, True, True, False, False]
    assert out.reason.tolist() == frame.reason.tolist()  # labels stay
    # one total for the whole table (e.g. applications per step before the first human contact)
    steps = pd.DataFrame({"step": [1, 2, 3], "applications": [400, 2, 30]})
    hidden = privacy.hide_small_groups(steps, "applications", columns=["applications"])
    assert hidden.applications.isna().tolist() == [False, True, True]
    assert privacy.hide_small_groups(frame.iloc[:0], "n").empty
