"""Small-group suppression with complementary suppression, so a hidden count cannot be recovered.

Counts below ``PRIVACY_THRESHOLD`` (1 to 4 people) are hidden everywhere. Hiding them is not
enough when a total is shown beside them: with one hidden cell in a row whose total is shown, the
hidden number is the total minus the shown cells. So whenever a line (a row or column with a
shown total) has exactly one hidden cell, the next smallest cell of that line is hidden as well,
and this repeats until no line has exactly one hidden cell (hiding a cell in a row can leave its
column with one). This is the standard "secondary (complementary) suppression" of statistical
disclosure control (Hundepool et al., *Statistical Disclosure Control*, Wiley 2012, ch. 4.2; the
UK ONS and Eurostat guidance use the same rule). When a line has nothing left to hide alongside
its only hidden cell, its total is hidden instead.

Zeros are not hidden (a zero discloses no one) and never chosen as the complement: with counts
known to be >= 0, a hidden zero can be solved for (a property test found a table where a chain
of hidden zeros gave the hidden count away); the line's total is hidden instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.domain import PRIVACY_THRESHOLD
from analytics.i18n import fmt_num, t


@dataclass(frozen=True)
class Suppression:
    """Which cells to hide (``cells``) and which row / column totals to hide."""

    cells: np.ndarray  # bool, same shape as the counts
    row_totals: np.ndarray  # bool per row: hide that row's total
    col_totals: np.ndarray  # bool per column: hide that column's total

    @property
    def primary_only(self) -> bool:  # pragma: no cover - convenience for callers
        return not self.row_totals.any() and not self.col_totals.any()


def primary(counts: np.ndarray, threshold: int = PRIVACY_THRESHOLD) -> np.ndarray:
    """Cells with 1 to ``threshold - 1`` people (missing counts are not cells)."""
    values = np.asarray(counts, dtype=float)
    return (values > 0) & (values < threshold)


def _complement(values: np.ndarray, hidden: np.ndarray) -> int | None:
    """The index of the cell to hide next in one line: the smallest non-zero shown cell; None
    when there is none (then the line's total is hidden instead). A hidden zero protects
    nothing: with counts known to be >= 0 and a zero total elsewhere it can be solved for."""
    shown = np.flatnonzero(~hidden & ~np.isnan(values) & (values > 0))
    if not len(shown):
        return None
    return int(shown[np.argmin(values[shown])])  # the first of equal smallest


def complementary(
    counts: np.ndarray | Sequence[Sequence[float]],
    *,
    row_totals: bool = True,
    col_totals: bool = True,
    threshold: int = PRIVACY_THRESHOLD,
) -> Suppression:
    """Primary plus complementary suppression for a table of counts.

    ``row_totals`` / ``col_totals``: whether the table shows a total per row / per column (those
    are the lines a hidden cell could be recovered from). Returns what to hide.
    """
    values = np.atleast_2d(np.asarray(counts, dtype=float))
    hidden = primary(values, threshold)
    hide_row = np.zeros(values.shape[0], dtype=bool)
    hide_col = np.zeros(values.shape[1], dtype=bool)
    changed = True
    while changed:
        changed = False
        lines = []
        if row_totals:
            lines += [(hidden[i, :], values[i, :], ("row", i)) for i in range(values.shape[0])]
        if col_totals:
            lines += [(hidden[:, j], values[:, j], ("col", j)) for j in range(values.shape[1])]
        for line_hidden, line_values, (kind, k) in lines:
            if line_hidden.sum() != 1:
                continue
            pick = _complement(line_values, line_hidden)
            if pick is None:  # the only cell: hide the total instead
                (hide_row if kind == "row" else hide_col)[k] = True
                continue
            if kind == "row":
                hidden[k, pick] = True
            else:
                hidden[pick, k] = True
            changed = True
            break  # re-scan every line: this cell sits in a column (or row) too
    if row_totals and col_totals:
        _audit(values, hidden, hide_row, hide_col)
    # A hidden total is itself a cell of the totals line (the grand total): protect it the same way
    if row_totals and col_totals:
        for flags in (hide_row, hide_col):
            if flags.sum() == 1 and len(flags) > 1:
                totals = values.sum(axis=1) if flags is hide_row else values.sum(axis=0)
                pick = _complement(totals, flags)
                if pick is not None:
                    flags[pick] = True
    return Suppression(cells=hidden, row_totals=hide_row, col_totals=hide_col)


def _interval(values, hidden, hide_row, hide_col, cell) -> float:
    """Width of the range a hidden cell can take over every table with the shown cells and the
    shown row / column totals, counts >= 0 (the attacker's linear program)."""
    from scipy.optimize import linprog

    cells = list(zip(*np.nonzero(hidden), strict=True))
    pos = {c: k for k, c in enumerate(cells)}
    rows = []
    rhs = []
    for i in range(values.shape[0]):
        if not hide_row[i] and hidden[i].any():
            rows.append([1.0 if c[0] == i else 0.0 for c in cells])
            rhs.append(values[i][hidden[i]].sum())
    for j in range(values.shape[1]):
        if not hide_col[j] and hidden[:, j].any():
            rows.append([1.0 if c[1] == j else 0.0 for c in cells])
            rhs.append(values[:, j][hidden[:, j]].sum())
    target = np.zeros(len(cells))
    target[pos[cell]] = 1.0
    kwargs = {"A_eq": np.array(rows), "b_eq": np.array(rhs)} if rows else {}
    low = linprog(target, bounds=(0, None), **kwargs)
    high = linprog(-target, bounds=(0, None), **kwargs)
    if high.status == 3:  # unbounded above
        return np.inf
    return -high.fun - low.fun


def _audit(values, hidden, hide_row, hide_col) -> None:
    """The single-line rule is not always enough when rows and columns both have totals (a table
    of tiny counts can be solved as a whole, with counts >= 0). Check every hidden cell with the
    attacker's linear program and hide the totals of any cell that could still be recovered."""
    if not hidden.any() or values.size > 400:  # big tables: the rule alone (and cost bounded)
        return
    changed = True
    while changed:
        changed = False
        for cell in zip(*np.nonzero(hidden), strict=True):
            if _interval(values, hidden, hide_row, hide_col, cell) < 0.5:
                hide_row[cell[0]] = hide_col[cell[1]] = True
                changed = True
                break


def suppress_in_groups(
    counts: pd.Series,
    groups: pd.Series | Sequence[pd.Series],
    *,
    threshold: int = PRIVACY_THRESHOLD,
) -> pd.Series:
    """For a long table (one row per group and category) whose group totals are shown: True for
    every row to hide (primary and complementary). A group whose only hidden row has no partner
    is marked whole (its total must be hidden too)."""
    keys = groups if isinstance(groups, pd.Series) else pd.Series(list(zip(*groups, strict=True)))
    keys = pd.Series(keys.to_numpy(), index=counts.index)
    out = pd.Series(False, index=counts.index)
    for _, idx in keys.groupby(keys, sort=False).groups.items():
        line = counts.loc[idx].to_numpy(dtype=float)
        s = complementary(
            line[np.newaxis, :], row_totals=True, col_totals=False, threshold=threshold
        )
        hide = s.cells[0] | (s.row_totals[0])
        out.loc[idx] = hide
    return out


def hide_small_groups(
    frame: pd.DataFrame,
    count: str,
    *,
    line: str | None = None,
    columns: Sequence[str] | None = None,
    threshold: int = PRIVACY_THRESHOLD,
) -> pd.DataFrame:
    """A copy of a long table ready for ``st.dataframe`` and downloads: rows whose ``count`` is
    below the threshold, plus their complements (``suppress_in_groups``; ``line`` names the column
    whose groups have a shown total, None = one total for the whole table), get missing values in
    ``columns`` (default: every numeric column). A boolean ``suppressed`` column says which."""
    out = frame.copy()
    if out.empty:
        out["suppressed"] = pd.Series(dtype=bool)
        return out
    groups = out[line] if line is not None else pd.Series(0, index=out.index)
    hide = suppress_in_groups(out[count], groups, threshold=threshold)
    targets = (
        list(columns)
        if columns is not None
        else [c for c in out.columns if pd.api.types.is_numeric_dtype(out[c]) and c != line]
    )
    for col in targets:
        out[col] = out[col].astype("Float64").mask(hide.to_numpy())
    previous = out["suppressed"].astype(bool) if "suppressed" in out else False
    out["suppressed"] = hide | previous
    return out


def suppress_frame(
    frame: pd.DataFrame,
    count_columns: Sequence[str],
    *,
    row_total: str | None = None,
    total_row: object | None = None,
    threshold: int = PRIVACY_THRESHOLD,
) -> pd.DataFrame:
    """A copy of a wide table with hidden cells set to missing (``Int64``/float NA).

    ``row_total``: the column holding each row's total (shown); ``total_row``: the index label of
    a row of column totals (shown). Both totals are recomputed-free: the ones that would disclose
    a hidden cell on their own are hidden too.
    """
    body = frame.drop(index=[total_row]) if total_row is not None else frame
    values = body[list(count_columns)].to_numpy(dtype=float)
    s = complementary(
        values,
        row_totals=row_total is not None,
        col_totals=total_row is not None,
        threshold=threshold,
    )
    out = frame.copy()
    for j, col in enumerate(count_columns):
        out[col] = out[col].astype("Float64")
        out.loc[body.index[s.cells[:, j]], col] = pd.NA
        if total_row is not None and s.col_totals[j]:
            out.loc[total_row, col] = pd.NA
    if row_total is not None:
        out[row_total] = out[row_total].astype("Float64")
        out.loc[body.index[s.row_totals], row_total] = pd.NA
    return out


def is_small(n: float | None, threshold: int = PRIVACY_THRESHOLD) -> bool:
    """A count of 1 to ``threshold - 1`` people (zero and missing are not small)."""
    return n is not None and n == n and 0 < n < threshold


def count_text(n: float | None, lang: str = "en", threshold: int = PRIVACY_THRESHOLD) -> str:
    """A count for a sentence, footnote or hover text: the number, or "fewer than 5" for a small
    group (so no text ever carries a number the cards hide); "–" when missing."""
    if n is None or n != n:
        return "–"
    if is_small(n, threshold):
        return t("privacy.fewer_than", lang, k=threshold)
    return fmt_num(n, lang)


def km_shown(curve: pd.DataFrame, threshold: int = PRIVACY_THRESHOLD) -> pd.DataFrame:
    """A Kaplan-Meier curve (one group, sorted by time, with ``at_risk``) cut where fewer than
    ``threshold`` are still at risk: each later step would be one of those few people's event."""
    if "at_risk" not in curve.columns:
        return curve
    return curve[curve["at_risk"] >= threshold]


__all__ = [
    "PRIVACY_THRESHOLD",
    "count_text",
    "km_shown",
    "is_small",
    "Suppression",
    "complementary",
    "hide_small_groups",
    "primary",
    "suppress_frame",
    "suppress_in_groups",
]
