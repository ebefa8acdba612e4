"""Which filtered views may be shown at all: the rule that makes differencing impossible.

Hiding groups under ``PRIVACY_THRESHOLD`` on a card is not enough when filters can be changed
freely: "all sources" minus "all sources but one" is that one source, outcomes included. The
filters are a multi-select per dimension plus a date range, so a view is a box in the grid of
cells (role family x seniority x region x source x month) and an attacker can add and subtract
the counts of any views that are shown. What can be recovered exactly is every set of cells
whose indicator lies in the linear span of the shown views' indicators.

Why not the usual "complement within the parent" rule (or the per-slice rule "every included and
excluded value's slice within the view's other filters is 0 or >= threshold"): both still leak
through inclusion-exclusion across two dimensions. With two values per dimension and cells
(a1,b1)=(a1,b2)=(a2,b1)=10, (a2,b2)=3, every slice rule passes, yet
``all - [A=a1] - [B=b1] + [A=a1, B=b1] = 3`` (``tests/analytics/test_disclosure.py`` shows it).

The rule used here is sound against every such linear combination (Lemma and proof below), and
``tests/analytics/test_disclosure.py`` checks it by brute force: on small random grids it
enumerates every filter setting, every pair of shown views, and every set of cells that any
combination of shown views determines, and finds none with 1 to threshold - 1 applications in a
pipeline.

Rule. Axes are ``DIMENSIONS`` plus the application month (dates count in whole months; a range
that does not start on the first or end on the last day of a month is snapped by the caller, and
refused here otherwise). A table over a set of axes is *safe* when each of its cells holds 0 or at
least ``threshold`` applications in every pipeline. ``G`` is built greedily in the fixed axis
order: an axis joins when the table over ``G`` plus that axis stays safe. A view restricting the
axes ``R`` is shown when ``R`` is a subset of ``G``, or when ``R`` is one axis whose own table is
safe. Everything else is withheld.

Lemma (additive 0/1 functions on disjoint blocks). If ``f = g_1(x_B1) + ... + g_k(x_Bk)`` takes
only the values 0 and 1 on a product grid and the blocks ``B_i`` are disjoint, ``f`` depends on
one block only. Proof for two blocks: fix ``x_B2``; if ``g_1`` is not constant, it takes two
values ``v`` and ``v + 1`` and ``g_2`` must equal ``-v`` everywhere, so ``f = g_1 + const``;
otherwise ``f`` depends on ``x_B2`` only. More blocks by induction (treat blocks 2..k as one).

Soundness. Every shown view is a union of cells of ``G`` or of one safe axis ``d`` outside ``G``, so
its indicator lies in the sum of the function spaces over the disjoint blocks ``G``, ``{d1}``,
``{d2}``, ... . A set recovered exactly has a 0/1 indicator in that sum, so by the lemma it is a
union of cells of one safe table: 0 or at least ``threshold`` applications in every pipeline.

Limits: bounds from counts being non-negative (Frechet bounds on a two-way table from its
margins) are not part of this rule; breakdowns inside a page (a chart by region inside a view)
keep their own small-cell suppression.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import duckdb
import pandas as pd

from analytics.domain import DIMENSIONS, PRIVACY_THRESHOLD, Filters

MONTH = "month"
AXES: tuple[str, ...] = (*DIMENSIONS, MONTH)
"""The axes of the grid, in the order the greedy rule considers them (month last: it has the most
values, so joining it first would crowd out the dimensions people filter on most)."""

_NULL = "\x00null"  # a missing value is a value of its axis (a filter excludes it)


@dataclass(frozen=True)
class ViewCheck:
    """Whether a filtered view may be shown. ``reason``: None when shown; "dates" (a date range
    not in whole months), "axis" (one axis with a value of 1 to threshold - 1 applications) or
    "combination" (axes that cannot be combined). ``axes``: the restricted axes concerned;
    ``combinable``: the axes that can be combined freely on this data."""

    shown: bool
    reason: str | None = None
    axes: tuple[str, ...] = ()
    combinable: tuple[str, ...] = ()


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def snap_to_months(filters: Filters) -> Filters:
    """The same filters with the date range widened to whole months (months act as values)."""
    return Filters(
        date_from=None if filters.date_from is None else month_start(filters.date_from),
        date_to=None if filters.date_to is None else month_end(filters.date_to),
        **{dim: getattr(filters, dim) for dim in DIMENSIONS},
    )


def cell_counts(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Applications per cell of the grid and pipeline: one row per non-empty cell (a few hundred
    to a few thousand rows). Missing values become their own value."""
    dims = ", ".join(f"COALESCE(CAST({d} AS VARCHAR), $null) AS {d}" for d in DIMENSIONS)
    return cur.execute(
        f"""
        SELECT {dims},
               COALESCE(strftime(date_trunc('month', applied_on), '%Y-%m'), $null) AS month,
               COALESCE(CAST(pipeline AS VARCHAR), $null) AS pipeline,
               count(*) AS n
        FROM applications
        GROUP BY ALL
        """,
        {"null": _NULL},
    ).df()


def _safe(cells: pd.DataFrame, axes: Sequence[str], threshold: int) -> bool:
    """Every cell of the table over ``axes`` (summed over the other axes) holds 0 or at least
    ``threshold`` applications in every pipeline."""
    if cells.empty:
        return True
    counts = cells.groupby([*axes, "pipeline"], sort=False, dropna=False)["n"].sum()
    return not ((counts > 0) & (counts < threshold)).any()


def combinable_axes(
    cells: pd.DataFrame, axes: Sequence[str] = AXES, *, threshold: int = PRIVACY_THRESHOLD
) -> tuple[str, ...]:
    """``G``: the axes that can be combined freely (greedy in the given order; see the module
    docstring). Depends on the data only, never on the view asked for."""
    chosen: list[str] = []
    for axis in axes:
        if _safe(cells, [*chosen, axis], threshold):
            chosen.append(axis)
    return tuple(chosen)


def check_selection(
    cells: pd.DataFrame,
    selection: Mapping[str, object],
    axes: Sequence[str] = AXES,
    *,
    threshold: int = PRIVACY_THRESHOLD,
    combinable: tuple[str, ...] | None = None,
) -> ViewCheck:
    """The rule on the grid: ``selection`` maps an axis to the collection of values kept (a
    missing axis, None or every present value: not restricted). ``combinable``: the result of
    ``combinable_axes`` on the same cells, when the caller checks many views."""
    restricted = []
    for axis in axes:
        kept = selection.get(axis)
        if kept is None:
            continue
        present = set(cells[axis].unique()) if not cells.empty else set()
        if present <= set(kept):  # keeps every value there is: not a restriction
            continue
        restricted.append(axis)
    if combinable is None:
        combinable = combinable_axes(cells, axes, threshold=threshold)
    if set(restricted) <= set(combinable):
        return ViewCheck(True, combinable=combinable)
    if len(restricted) == 1:
        if _safe(cells, restricted, threshold):
            return ViewCheck(True, combinable=combinable)
        return ViewCheck(False, "axis", tuple(restricted), combinable)
    return ViewCheck(False, "combination", tuple(restricted), combinable)


def _months(first: dt.date, last: dt.date) -> list[str]:
    out = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def check_filters(
    cells: pd.DataFrame, filters: Filters, *, threshold: int = PRIVACY_THRESHOLD
) -> ViewCheck:
    """The rule for the app's filters (dates must already be whole months: ``snap_to_months``)."""
    if snap_to_months(filters) != filters:
        return ViewCheck(False, "dates", (MONTH,))
    selection: dict[str, object] = {d: getattr(filters, d) or None for d in DIMENSIONS}
    if (filters.date_from is not None or filters.date_to is not None) and not cells.empty:
        present = sorted(m for m in cells[MONTH].unique() if m != _NULL)
        if present:
            first = filters.date_from or dt.date.fromisoformat(present[0] + "-01")
            last = filters.date_to or dt.date.fromisoformat(present[-1] + "-01")
            selection[MONTH] = set(_months(first, last)) if first <= last else set()
    return check_selection(cells, selection, threshold=threshold)


def view_check(cur: duckdb.DuckDBPyConnection, filters: Filters) -> ViewCheck:
    """Whether the app may show the view ``filters`` selects (one query over the applications)."""
    return check_filters(cell_counts(cur), filters)


__all__ = [
    "AXES",
    "MONTH",
    "ViewCheck",
    "cell_counts",
    "check_filters",
    "check_selection",
    "combinable_axes",
    "month_end",
    "month_start",
    "snap_to_months",
    "view_check",
]
