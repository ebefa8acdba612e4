"""The data-quality report of one upload, as a structured object, and its rendering in English and
Dutch.

Why it exists: every problem must name the file, the row and the column and say what to do
(DESIGN.md, reliability rules). A ``Problem`` keeps those as fields, so the import screen draws a
table from them and the command line prints text from the same objects; nothing formats a report
as text and parses it back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from analytics.domain import AivshiError
from analytics.i18n import t
from analytics.ingest.identifiers import DroppedColumn, dropped_text

MAX_LISTED = 25  # problems listed per kind of problem; all are counted


@dataclass(frozen=True)
class Problem:
    """One problem in an upload. ``code`` selects the text ``ingest.problem.<code>``."""

    code: str
    file: str
    row: int | None = None  # 1-based spreadsheet row, header = row 1
    column: str | None = None
    value: str | None = None
    detail: str = ""

    def where(self, lang: str = "en") -> str:
        """File, row and column as the reader sees them ("bad.csv, row 2, column Status")."""
        where = t("ingest.where.file", lang, file=self.file)
        if self.row is not None:
            where += ", " + t("ingest.where.row", lang, row=self.row)
        if self.column is not None:
            where += ", " + t("ingest.where.column", lang, column=self.column)
        return where

    def message(self, lang: str = "en") -> str:
        """What is wrong and what to do, without the place."""
        return t(
            f"ingest.problem.{self.code}",
            lang,
            value=self.value if self.value is not None else "",
            detail=self.detail,
        )

    def text(self, lang: str = "en") -> str:
        return f"{self.where(lang)}: {self.message(lang)}"


class IngestError(AivshiError):
    """A file that cannot be read at all; the message says what to do."""

    def __init__(self, problem: Problem):
        super().__init__(problem.text("en"))
        self.problem = problem


@dataclass
class QualityReport:
    file: str
    kind: str
    rows_read: int = 0
    rows_loaded: int = 0
    problems: list[Problem] = field(default_factory=list)
    problem_counts: dict[str, int] = field(default_factory=dict)
    missing: dict[str, int] = field(default_factory=dict)  # field -> missing values
    dropped_identifiers: list[str] = field(default_factory=list)  # column names, file order
    identifiers: list[DroppedColumn] = field(default_factory=list)  # the same, with the reason
    ignored_columns: list[str] = field(default_factory=list)
    candidate_hashed: bool = False
    date_order: str | None = None
    ambiguous_dates: list[str] = field(default_factory=list)
    decimal_comma: bool = False
    pipeline_from_rules: int = 0
    rules_label: str | None = None  # "default:28" / "custom:12" when rules tagged pipelines
    file_format: str = ""
    encoding: str | None = None
    delimiter: str | None = None
    # Warnings do not block the load (the data are plausible but worth a look): stage-order
    # violations, dates in the future, unresolved offers, missing sources, skipped empty rows.
    warnings: list[Problem] = field(default_factory=list)
    warning_counts: dict[str, int] = field(default_factory=dict)
    rows_skipped: int = 0
    stage_events: int = 0  # stage events made from a sheet's stage-date columns

    @property
    def ok(self) -> bool:
        return not self.problem_counts

    @property
    def hidden_problems(self) -> int:
        """Problems counted but not listed (over ``MAX_LISTED`` of one kind)."""
        return sum(self.problem_counts.values()) - len(self.problems)

    @property
    def hidden_warnings(self) -> int:
        return sum(self.warning_counts.values()) - len(self.warnings)

    def add(self, problem: Problem) -> None:
        self.problem_counts[problem.code] = self.problem_counts.get(problem.code, 0) + 1
        if self.problem_counts[problem.code] <= MAX_LISTED:
            self.problems.append(problem)

    def drop_identifier(self, dropped: DroppedColumn) -> None:
        """Record a column dropped as a direct identifier (shown before anything is saved)."""
        self.dropped_identifiers.append(dropped.column)
        self.identifiers.append(dropped)

    def warn(self, problem: Problem) -> None:
        self.warning_counts[problem.code] = self.warning_counts.get(problem.code, 0) + 1
        if self.warning_counts[problem.code] <= MAX_LISTED:
            self.warnings.append(problem)

    def add_rows(
        self,
        code: str,
        file: str,
        rows: Sequence[int],
        column: str | None = None,
        values: Sequence[object] | None = None,
        *,
        warning: bool = False,
        detail: str = "",
    ) -> None:
        """One problem (or warning) per row; counts all, lists the first ``MAX_LISTED``."""
        counts = self.warning_counts if warning else self.problem_counts
        listed = self.warnings if warning else self.problems
        n = len(rows)
        if not n:
            return
        already = counts.get(code, 0)
        counts[code] = already + n
        for i in range(max(0, min(n, MAX_LISTED - already))):
            value = None if values is None or values[i] is None else str(values[i])
            listed.append(Problem(code, file, int(rows[i]), column, value, detail))

    def notes(self, lang: str = "en") -> list[str]:
        """The facts about the import (format, date order, dropped and ignored columns, rules,
        stage events, skipped rows), one sentence each, without counts, missing values,
        problems or warnings."""
        fmt = self.file_format + (f", {self.encoding}" if self.encoding else "")
        if self.delimiter:
            fmt += f", {self.delimiter!r}"
        lines = [t("ingest.report.format", lang, format=fmt)]
        if self.date_order:
            lines.append(t("ingest.report.date_order", lang, order=self.date_order))
        if self.decimal_comma:
            lines.append(t("ingest.report.decimal_comma", lang))
        if self.identifiers:
            columns = dropped_text(self.identifiers, lang)
            lines.append(t("identifiers.dropped", lang, columns=columns))
        elif self.dropped_identifiers:
            columns = ", ".join(self.dropped_identifiers)
            lines.append(t("ingest.report.dropped", lang, columns=columns))
        if self.candidate_hashed:
            lines.append(t("identifiers.hashed", lang))
        if self.ignored_columns:
            lines.append(t("ingest.report.ignored", lang, columns=", ".join(self.ignored_columns)))
        if self.pipeline_from_rules:
            lines.append(t("ingest.report.rules", lang, n=self.pipeline_from_rules))
        return lines

    def to_text(self, lang: str = "en") -> str:
        """The report as plain text (the command line prints it)."""
        lines = [
            t("ingest.report.header", lang, file=self.file, kind=self.kind),
            t("ingest.report.read", lang, read=self.rows_read, loaded=self.rows_loaded),
            *self.notes(lang),
        ]
        missing = {k: v for k, v in self.missing.items() if v}
        if missing:
            counts = ", ".join(f"{k}: {v}" for k, v in missing.items())
            lines.append(t("ingest.report.missing", lang) + " " + counts)
        lines.extend(self.counts_notes(lang))
        for title, counts, listed in (
            ("ingest.report.problems", self.problem_counts, self.problems),
            ("ingest.report.warnings", self.warning_counts, self.warnings),
        ):
            if counts:
                lines.append(
                    t(title, lang) + " " + ", ".join(f"{k}: {v}" for k, v in counts.items())
                )
                lines.extend("  - " + p.text(lang) for p in listed)
        return "\n".join(lines)

    def counts_notes(self, lang: str = "en") -> list[str]:
        """Stage events made and empty rows skipped, as sentences (shown beside ``notes``)."""
        lines = []
        if self.stage_events:
            lines.append(t("ingest.report.stage_events", lang, n=self.stage_events))
        if self.rows_skipped:
            lines.append(t("ingest.report.skipped", lang, n=self.rows_skipped))
        return lines


def problem_table(problems: Sequence[Problem], lang: str = "en") -> pd.DataFrame:
    """Problems (or warnings) as a table for the import screen: file, row, column and what to do,
    with headers in ``lang``. Rows and columns a problem does not have are empty."""
    return pd.DataFrame(
        {
            t("ingest.table.file", lang): [p.file for p in problems],
            t("ingest.table.row", lang): ["" if p.row is None else str(p.row) for p in problems],
            t("ingest.table.column", lang): [p.column or "" for p in problems],
            t("ingest.table.what", lang): [p.message(lang) for p in problems],
        },
        dtype=object,
    )
