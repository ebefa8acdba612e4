"""The shared vocabulary of the engine: pipelines, dimensions, the privacy threshold, the filters
every view applies, the loaded data's facts, and one exception root.

Every module may import this one; it imports nothing of the project. Every page filters
applications the same way, so the WHERE clause is built here once: values are always bound as
named parameters; the column names come from ``DIMENSIONS`` only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

PIPELINES = ("human_first", "automation_first")
"""The two kinds of pipeline, in the order every chart, table and sentence uses."""

DIMENSIONS = ("role_family", "seniority", "region", "source")
"""The application columns every view can filter and break down by."""

PRIVACY_THRESHOLD = 5
"""Groups smaller than this are suppressed (not shown) everywhere: cards, sentences, hover text,
tables, downloads, slides."""


class AivshiError(Exception):
    """The root of every domain error: the message is written for a person (what went wrong, where,
    what to do), so the UI catches this one type and shows it."""


@dataclass(frozen=True)
class DatasetInfo:
    """What the pages need to know about the loaded data (cheap to read, cached by version)."""

    data_version: int
    as_of: dt.date
    is_demo: bool
    applications: int
    # How the pipeline of the loaded applications was decided when rules tagged it (a short
    # summary of the rules, e.g. "default rules, 28 patterns"); None when an explicit column was
    # loaded. Named in every page footnote.
    pipeline_rules: str | None = None
    undo_available: bool = False


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


def ordered_pipelines(values: Any) -> tuple[str, ...]:
    """Pipelines present, in the fixed order (human-first, automation-first, then others)."""
    present = {str(v) for v in values if v is not None and not (isinstance(v, float) and v != v)}
    known = [p for p in PIPELINES if p in present]
    return tuple(known + sorted(present - set(known)))
