"""The shared filters (date range and the four dimensions) and their SQL.

Every page filters applications the same way, so the WHERE clause is built here once. Values are
always bound as named parameters; the column names come from ``DIMENSIONS`` only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

import duckdb

DIMENSIONS = ("role_family", "seniority", "region", "source")


@dataclass(frozen=True)
class Filters:
    """Which applications a view looks at. Empty tuples mean "all"."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    role_family: tuple[str, ...] = ()
    seniority: tuple[str, ...] = ()
    region: tuple[str, ...] = ()
    source: tuple[str, ...] = ()

    def where(self, alias: str = "a") -> tuple[str, dict[str, Any]]:
        """A SQL boolean expression over ``alias`` (the applications table) and its parameters."""
        clauses = ["TRUE"]
        params: dict[str, Any] = {}
        if self.date_from is not None:
            clauses.append(f"{alias}.applied_on >= $f_date_from")
            params["f_date_from"] = self.date_from
        if self.date_to is not None:
            clauses.append(f"{alias}.applied_on <= $f_date_to")
            params["f_date_to"] = self.date_to
        for dim in DIMENSIONS:
            values = getattr(self, dim)
            if values:
                clauses.append(f"{alias}.{dim} = ANY($f_{dim})")
                params[f"f_{dim}"] = list(values)
        return " AND ".join(clauses), params

    def is_default(self) -> bool:
        return all(not getattr(self, f.name) for f in fields(self))

    def describe(self) -> dict[str, str]:
        """The active filters as plain text, for footnotes."""
        out: dict[str, str] = {}
        if self.date_from or self.date_to:
            out["dates"] = f"{self.date_from or '…'} – {self.date_to or '…'}"
        for dim in DIMENSIONS:
            values = getattr(self, dim)
            if values:
                out[dim] = ", ".join(values)
        return out


@dataclass(frozen=True)
class FilterOptions:
    """What the filter widgets can offer: the date span and the values of each dimension."""

    first_date: dt.date | None
    last_date: dt.date | None
    values: dict[str, tuple[str, ...]]


def filter_options(cur: duckdb.DuckDBPyConnection) -> FilterOptions:
    first, last = cur.execute(
        "SELECT min(applied_on), max(applied_on) FROM applications"
    ).fetchall()[0]
    values: dict[str, tuple[str, ...]] = {}
    for dim in DIMENSIONS:
        rows = cur.execute(
            f"SELECT DISTINCT {dim} FROM applications WHERE {dim} IS NOT NULL ORDER BY 1"
        ).fetchall()
        values[dim] = tuple(str(r[0]) for r in rows)
    return FilterOptions(first_date=first, last_date=last, values=values)
