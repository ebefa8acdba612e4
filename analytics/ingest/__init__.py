"""Reading ATS exports: file -> text table -> column mapping -> validated tables -> atomic load.

Why it works like this (see PITFALLS.md): DuckDB's CSV sniffer guesses silently (decimal comma,
encodings, ambiguous dates, ragged rows), so user files are decoded in Python, the delimiter is
sniffed from a bounded sample, and every cell is read as text (``keep_default_na=False`` with an
explicit list of missing-value markers). Conversion to dates, numbers and categories happens here,
value by value, so every failure can name the file, the row (1-based, as a spreadsheet shows it,
header included) and the column, and say what to do.

The public flow::

    raw = read_upload(data, "export.csv")                  # or read_path(path)
    mapping = suggest_mapping(raw.columns, "applications")  # {source column: field or None}
    prepared = prepare(raw, "applications", mapping, con=cur)
    if prepared.ok:
        version = load(con, prepared, mode="replace")

Nothing is stored until ``load``, and ``load`` uses ``store.load_tables`` (all or nothing).
Direct identifiers (names, e-mail addresses, phone numbers, ...) are dropped at import, and
``candidate_id`` is replaced by a salted SHA-256 hash (the salt lives in ``meta``).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import secrets
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import duckdb
import numpy as np
import pandas as pd

from analytics import store
from analytics.domain import PIPELINES, AivshiError
from analytics.i18n import t

Kind = Literal["applications", "stages", "offers", "hires"]
KINDS: tuple[Kind, ...] = ("applications", "stages", "offers", "hires")
DateOrder = Literal["dmy", "mdy"]

NA_MARKERS = ("", "NA", "N/A", "n/a", "NULL", "null", "#N/A", "nan", "NaN", "-")
SNIFF_BYTES = 64 * 1024
MAX_LISTED = 25  # problems listed per kind of problem; all are counted
# The largest file the import reads: the same limit as the upload widget (server.maxUploadSize in
# .streamlit/config.toml), so the command line refuses what the app would refuse.
MAX_FILE_BYTES = 200 * 1024 * 1024
# No ATS field needs more than this; a longer cell is a broken export (an unclosed quote that
# swallowed the rest of the file, a pasted document), refused rather than stored.
MAX_CELL_CHARS = 100_000
SALT_KEY = "candidate_salt"
RULES_KEY = "pipeline_rules"

# Target fields per kind, with aliases (compared after ``normalise_name``). The first field of
# every kind is its key. Pseudo-fields (not stored): ``first_step`` (the first step's name or
# format, used to tag the pipeline) and ``candidate_email`` (hashed into candidate_id when no
# candidate id is given).
FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "applications": {
        "application_id": (
            "application id",
            "application",
            "id",
            "sollicitatie id",
            "sollicitatienummer",
            "sollicitatie",
            "opportunity id",
            "application number",
        ),
        "candidate_id": (
            "candidate id",
            "candidate",
            "kandidaat id",
            "kandidaatnummer",
            "person id",
            "contact id",
        ),
        "requisition_id": (
            "requisition id",
            "requisition",
            "job id",
            "vacature id",
            "vacature",
            "vacaturenummer",
            "posting id",
            "job",
        ),
        "applied_on": (
            "applied on",
            "applied at",
            "applied",
            "created at",
            "createdat",
            "sollicitatiedatum",
            "application date",
            "date applied",
            "datum",
        ),
        "role_family": (
            "role family",
            "department",
            "job family",
            "functiegroep",
            "afdeling",
            "function",
            "team",
        ),
        "seniority": ("seniority", "level", "niveau", "senioriteit"),
        "region": ("region", "location", "country", "regio", "locatie", "land", "office"),
        "source": ("source", "bron", "channel", "kanaal", "origin"),
        "pipeline": ("pipeline", "process", "proces", "process type", "procestype"),
        "first_step": (
            "first step",
            "first stage",
            "first step format",
            "eerste stap",
            "eerste ronde",
            "first touchpoint",
            "screening type",
            "first interview stage",
        ),
        "first_human_step": ("first human step", "eerste menselijke stap"),
        "career_switcher": ("career switcher", "zij instromer", "zijinstromer", "career change"),
        "status": ("status", "outcome", "uitkomst", "result", "resultaat", "application status"),
        "furthest_stage": (
            "furthest stage",
            "current stage",
            "stage",
            "fase",
            "huidige fase",
            "last stage",
            "current interview stage",
        ),
        "gender": ("gender", "geslacht", "sex"),
        "age_band": ("age band", "age group", "leeftijdsgroep", "leeftijdscategorie"),
        "candidate_email": ("email", "e mail", "email address", "e mailadres", "emailadres"),
        # A homemade sheet's date column per stage ("Phone screen", "Onsite", "Offer"): every such
        # column becomes stage events named after the column. May be mapped to many columns.
        "stage_date": (),
    },
    "stages": {
        "application_id": (
            "application id",
            "application",
            "id",
            "sollicitatie id",
            "opportunity id",
            "opportunity",
            "sollicitatie",
            "case id",
            "case",
            "zaak id",
        ),
        "stage": (
            "stage",
            "to stage",
            "new stage",
            "stage name",
            "interview stage",
            "fase",
            "stap",
            "naar fase",
            "step",
            "activity",
            "activiteit",
            "event",
        ),
        "entered_on": (
            "entered on",
            "changed at",
            "date",
            "timestamp",
            "entered at",
            "entered stage at",
            "entered stage",
            "datum",
            "stage date",
            "moved at",
            "updated at",
            "start time",
            "tijdstip",
        ),
        "exited_on": (
            "exited on",
            "exited at",
            "left stage at",
            "left at",
            "exited stage at",
            "end time",
            "einddatum",
        ),
        "result": ("result", "outcome", "resultaat", "uitkomst"),
        "touchpoint": ("touchpoint", "contact", "contactmoment"),
        "format": ("format", "type", "stage type", "vorm", "interview type"),
        "withdrawal_reason": ("withdrawal reason", "reason", "reden"),
    },
    "offers": {
        "application_id": (
            "application id",
            "application",
            "id",
            "sollicitatie id",
            "opportunity id",
        ),
        "offered_on": ("offered on", "offer date", "offered at", "datum aanbod", "aanboddatum"),
        "decided_on": ("decided on", "decision date", "responded at", "beslisdatum"),
        "accepted": ("accepted", "offer accepted", "geaccepteerd", "aanbod geaccepteerd"),
        "base_salary": ("base salary", "salary", "salaris", "basissalaris"),
        "comp_ratio": ("comp ratio", "compa ratio", "compratio"),
        "competing_offers": ("competing offers", "other offers", "andere aanbiedingen"),
        "decline_reason": ("decline reason", "reason", "reden afwijzing", "reden"),
    },
    "hires": {
        "application_id": (
            "application id",
            "application",
            "id",
            "sollicitatie id",
            "opportunity id",
        ),
        "start_on": ("start on", "start date", "startdatum", "hire date", "in dienst"),
        "perf_6m": (
            "perf 6m",
            "performance 6m",
            "performance 6 months",
            "rating 6m",
            "beoordeling 6m",
        ),
        "perf_12m": (
            "perf 12m",
            "performance 12m",
            "performance 12 months",
            "rating 12m",
            "beoordeling 12m",
        ),
        "manager_satisfaction": ("manager satisfaction", "tevredenheid manager"),
        "ramp_days": ("ramp days", "days to productivity", "inwerkdagen"),
        "left_on": (
            "left on",
            "termination date",
            "exit date",
            "end date",
            "uit dienst",
            "einddatum",
            "uitdienstdatum",
        ),
        "exit_type": ("exit type", "termination type", "vertrektype"),
    },
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "applications": ("application_id", "applied_on", "status"),
    "stages": ("application_id", "stage", "entered_on"),
    "offers": ("application_id", "offered_on"),
    "hires": ("application_id", "start_on"),
}
DATE_FIELDS = {
    "applied_on",
    "entered_on",
    "exited_on",
    "offered_on",
    "decided_on",
    "start_on",
    "left_on",
}
NUMBER_FIELDS = {"base_salary", "comp_ratio", "perf_6m", "perf_12m", "manager_satisfaction"}
INT_FIELDS = {"first_human_step", "competing_offers", "ramp_days"}
BOOL_FIELDS = {"career_switcher", "accepted"}
PSEUDO_FIELDS = {"first_step", "candidate_email", "stage_date"}
MULTI_FIELDS = {"stage_date"}  # fields that may be mapped to more than one column

# Columns holding direct identifiers: dropped at import, whatever the mapping says.
IDENTIFIER_WORDS = (
    "name",
    "naam",
    "voornaam",
    "achternaam",
    "email",
    "e mail",
    "mail",
    "emailadres",
    "e mailadres",
    "mailadres",
    "phone",
    "telephone",
    "telefoon",
    "mobile",
    "mobiel",
    "address",
    "adres",
    "linkedin",
    "postcode",
    "zip",
    "birth",
    "geboorte",
    "bsn",
    "ssn",
    "cv",
    "resume",
)

STATUS_SYNONYMS: dict[str, str] = {
    **dict.fromkeys(("hired", "hire", "aangenomen", "in dienst", "accepted offer"), "hired"),
    **dict.fromkeys(
        (
            "rejected",
            "reject",
            "afgewezen",
            "niet geschikt",
            "archived",
            "disqualified",
            "not selected",
        ),
        "rejected",
    ),
    **dict.fromkeys(
        (
            "withdrawn",
            "withdrew",
            "withdraw",
            "candidate withdrew",
            "teruggetrokken",
            "ingetrokken",
            "dropped out",
            "ghosted",
        ),
        "withdrawn",
    ),
    **dict.fromkeys(
        (
            "offer declined",
            "declined offer",
            "declined",
            "offer rejected",
            "rejected offer",
            "aanbod afgewezen",
            "aanbod geweigerd",
        ),
        "offer_declined",
    ),
    **dict.fromkeys(
        ("open", "active", "in progress", "in behandeling", "lopend", "actief", "pending", "new"),
        "open",
    ),
}
RESULT_SYNONYMS: dict[str, str] = {
    **dict.fromkeys(("advanced", "passed", "pass", "door", "doorgegaan", "geslaagd"), "advanced"),
    **dict.fromkeys(("rejected", "failed", "fail", "afgewezen", "niet door"), "rejected"),
    **dict.fromkeys(("withdrawn", "withdrew", "teruggetrokken"), "withdrawn"),
    **dict.fromkeys(("pending", "open", "active", "lopend"), "pending"),
}
PIPELINE_SYNONYMS: dict[str, str] = {
    **dict.fromkeys(("human first", "human", "mens eerst", "mens", "humanfirst"), "human_first"),
    **dict.fromkeys(
        (
            "automation first",
            "automated",
            "automation",
            "ai",
            "ai first",
            "automatisering eerst",
            "automationfirst",
        ),
        "automation_first",
    ),
}
TRUE_WORDS = {"true", "yes", "y", "1", "ja", "j", "waar", "accepted", "geaccepteerd"}
FALSE_WORDS = {"false", "no", "n", "0", "nee", "onwaar", "declined", "afgewezen"}

# Pipeline tagging by the first step's name or format. Data, not code: the rules used are stored
# in ``meta`` (key ``pipeline_rules``) with every load that applied them. First match wins;
# keywords match at the start of a word, case-insensitively, after ``normalise_text``.
PIPELINE_RULES: tuple[dict[str, object], ...] = (
    {
        "pipeline": "automation_first",
        "touchpoint": "automated",
        "keywords": [
            "one way video",
            "hirevue",
            "coding test",
            "codesignal",
            "hackerrank",
            "codility",
            "chatbot",
            "ai screen",
            "ai cv",
            "ai interview",
            "auto graded",
            "online test",
            "video interview",
            "automated",
            "game based",
        ],
    },
    {
        "pipeline": "human_first",
        "touchpoint": "human",
        "keywords": [
            "recruiter call",
            "recruiter screen",
            "phone screen",
            "intro call",
            "engineer chat",
            "engineer call",
            "hiring manager call",
            "screening call",
            "kennismakingsgesprek",
            "kennismaking",
            "telefonisch gesprek",
            "belafspraak",
            "recruiter gesprek",
            "human",
        ],
    },
)


# Touchpoint formats (DESIGN.md's names) recognised in step names when the file has no format
# column, so the funnel's format table and the business case's recruiter hours work on imports.
# First match wins; keywords match like the pipeline rules.
STEP_FORMATS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("one_way_video", ("one way video", "hirevue", "video interview", "async video")),
    (
        "auto_coding_test",
        ("coding test", "codesignal", "hackerrank", "codility", "online test", "auto graded"),
    ),
    ("chatbot", ("chatbot", "chat bot")),
    ("ai_cv_screen", ("ai screen", "ai cv", "ai interview", "automated screen")),
    ("engineer_call", ("engineer chat", "engineer call", "technical call")),
    (
        "recruiter_call",
        (
            "recruiter call",
            "recruiter screen",
            "phone screen",
            "intro call",
            "screening call",
            "hiring manager call",
            "kennismakingsgesprek",
            "kennismaking",
            "telefonisch gesprek",
            "belafspraak",
            "recruiter gesprek",
        ),
    ),
    ("onsite", ("onsite", "on site")),
    ("panel", ("panel",)),
)
_FORMAT_RULES = tuple({"format": f, "keywords": list(kws)} for f, kws in STEP_FORMATS)

# Different first steps of different pipelines (a recruiter call here, a HireVue video there) are
# alternatives for one position, not a sequence: they load as this one stage, their names kept as
# the format (and the tagging rules' touchpoint).
FIRST_STEP = ("screen", "First screen", "Eerste selectie")


class IngestError(AivshiError):
    """A file that cannot be read at all; the message says what to do."""

    def __init__(self, problem: Problem):
        super().__init__(problem.text("en"))
        self.problem = problem


@dataclass(frozen=True)
class Problem:
    """One problem in an upload. ``code`` selects the text ``ingest.problem.<code>``."""

    code: str
    file: str
    row: int | None = None  # 1-based spreadsheet row, header = row 1
    column: str | None = None
    value: str | None = None
    detail: str = ""

    def text(self, lang: str = "en") -> str:
        where = t("ingest.where.file", lang, file=self.file)
        if self.row is not None:
            where += ", " + t("ingest.where.row", lang, row=self.row)
        if self.column is not None:
            where += ", " + t("ingest.where.column", lang, column=self.column)
        body = t(
            f"ingest.problem.{self.code}",
            lang,
            value=self.value if self.value is not None else "",
            detail=self.detail,
        )
        return f"{where}: {body}"


@dataclass
class RawFile:
    """A file read as text: every cell a ``str`` or ``None``."""

    name: str
    frame: pd.DataFrame
    file_format: str  # csv | xlsx | parquet
    encoding: str | None = None
    delimiter: str | None = None
    # CSV lines whose number of fields differs from the header's: (line number, fields found).
    ragged: list[tuple[int, int]] = field(default_factory=list)
    # Rows with no value at all: (spreadsheet row). Left out of ``frame``; ``row_numbers`` keeps
    # the spreadsheet row of every row that remains.
    skipped_empty: list[int] = field(default_factory=list)
    row_numbers: np.ndarray | None = None

    @property
    def columns(self) -> list[str]:
        return [str(c) for c in self.frame.columns]


@dataclass
class QualityReport:
    file: str
    kind: str
    rows_read: int = 0
    rows_loaded: int = 0
    problems: list[Problem] = field(default_factory=list)
    problem_counts: dict[str, int] = field(default_factory=dict)
    missing: dict[str, int] = field(default_factory=dict)  # field -> missing values
    dropped_identifiers: list[str] = field(default_factory=list)
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

    def add(self, problem: Problem) -> None:
        self.problem_counts[problem.code] = self.problem_counts.get(problem.code, 0) + 1
        if self.problem_counts[problem.code] <= MAX_LISTED:
            self.problems.append(problem)

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

    def to_text(self, lang: str = "en") -> str:
        """The report as plain text (the command line prints it)."""
        lines = [
            t("ingest.report.header", lang, file=self.file, kind=self.kind),
            t("ingest.report.read", lang, read=self.rows_read, loaded=self.rows_loaded),
        ]
        fmt = self.file_format + (f", {self.encoding}" if self.encoding else "")
        if self.delimiter:
            fmt += f", {self.delimiter!r}"
        lines.append(t("ingest.report.format", lang, format=fmt))
        if self.date_order:
            lines.append(t("ingest.report.date_order", lang, order=self.date_order))
        if self.decimal_comma:
            lines.append(t("ingest.report.decimal_comma", lang))
        if self.dropped_identifiers:
            lines.append(
                t("ingest.report.dropped", lang, columns=", ".join(self.dropped_identifiers))
            )
        if self.candidate_hashed:
            lines.append(t("ingest.report.hashed", lang))
        if self.ignored_columns:
            lines.append(t("ingest.report.ignored", lang, columns=", ".join(self.ignored_columns)))
        if self.pipeline_from_rules:
            lines.append(t("ingest.report.rules", lang, n=self.pipeline_from_rules))
        missing = {k: v for k, v in self.missing.items() if v}
        if missing:
            lines.append(
                t("ingest.report.missing", lang)
                + " "
                + ", ".join(f"{k}: {v}" for k, v in missing.items())
            )
        if self.stage_events:
            lines.append(t("ingest.report.stage_events", lang, n=self.stage_events))
        if self.rows_skipped:
            lines.append(t("ingest.report.skipped", lang, n=self.rows_skipped))
        if self.problem_counts:
            lines.append(
                t("ingest.report.problems", lang)
                + " "
                + ", ".join(f"{k}: {v}" for k, v in self.problem_counts.items())
            )
            lines.extend("  - " + p.text(lang) for p in self.problems)
        if self.warning_counts:
            lines.append(
                t("ingest.report.warnings", lang)
                + " "
                + ", ".join(f"{k}: {v}" for k, v in self.warning_counts.items())
            )
            lines.extend("  - " + p.text(lang) for p in self.warnings)
        return "\n".join(lines)


@dataclass
class Prepared:
    """Validated tables ready for ``load`` (empty when there are problems)."""

    kind: str
    tables: dict[str, pd.DataFrame]
    report: QualityReport
    meta: dict[str, str]

    @property
    def ok(self) -> bool:
        return self.report.ok


# --------------------------------------------------------------------------------------------
# Reading


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def sniff_delimiter(sample: str) -> str:
    """The delimiter of a CSV sample: csv.Sniffer, else the most frequent candidate in line 1."""
    candidates = ",;\t|"
    try:
        return csv.Sniffer().sniff(sample, delimiters=candidates).delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        counts = {c: first.count(c) for c in candidates}
        best = max(counts, key=lambda c: counts[c])
        return best if counts[best] else ","


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Every cell a stripped ``str`` or missing; NA markers become missing.

    Text read from CSV and Excel stays in pandas' (Arrow-backed) string dtype, missing = NaN:
    converting a million rows to Python objects would cost seconds. Other columns (Parquet) become
    ``object`` with ``None``. Code reading cells checks with ``pd.isna``/``notna``."""
    out = {}
    for col in frame.columns:
        column = frame[col]
        if isinstance(column.dtype, pd.StringDtype):  # CSV and Excel read as text: vectorised
            stripped = column.str.strip()
            out[str(col).strip()] = stripped.where(~stripped.isin(NA_MARKERS))
            continue
        values = []
        for v in frame[col].tolist():
            if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT:
                values.append(None)
                continue
            if isinstance(v, pd.Timestamp | dt.datetime):
                s = v.isoformat()
            else:
                s = str(v).strip()
            values.append(None if s in NA_MARKERS else s)
        out[str(col).strip()] = pd.Series(values, dtype=object)
    return pd.DataFrame(out)


def read_upload(data: bytes, filename: str) -> RawFile:
    """Read CSV/TSV/TXT, Excel .xlsx or Parquet bytes as text. Raises ``IngestError``."""
    name = Path(filename).name
    suffix = Path(filename).suffix.lower()
    if not data:
        raise IngestError(Problem("empty_file", name))
    if len(data) > MAX_FILE_BYTES:
        raise IngestError(_too_large(name, len(data)))
    header: list[str] | None = None  # the header row as written (pandas renames duplicates)
    try:
        if suffix in (".xlsx", ".xlsm"):
            sheet = pd.read_excel(
                io.BytesIO(data),
                dtype=str,
                header=None,
                keep_default_na=False,
                na_values=list(NA_MARKERS),
            )
            if sheet.empty:
                raise IngestError(Problem("empty_file", name))
            header = ["" if pd.isna(h) else str(h).strip() for h in sheet.iloc[0]]
            frame = sheet.iloc[1:].reset_index(drop=True)
            frame.columns = [str(i) for i in range(len(header))]
            raw = RawFile(name, _as_text(frame), "xlsx")
        elif suffix == ".parquet":
            raw = RawFile(name, _as_text(pd.read_parquet(io.BytesIO(data))), "parquet")
        elif suffix in (".csv", ".txt", ".tsv", ""):
            if b"\x00" in data[:SNIFF_BYTES] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
                raise IngestError(Problem("binary_file", name))
            text, encoding = _decode(data)
            if "\x00" in text:  # NUL after the sniffed start: not a text export either
                raise IngestError(Problem("binary_file", name))
            if not text.strip():
                raise IngestError(Problem("empty_file", name))
            delimiter = sniff_delimiter(text[:SNIFF_BYTES])
            header = [h.strip() for h in next(csv.reader(io.StringIO(text), delimiter=delimiter))]
            ragged, rows = _ragged_lines(text, delimiter)
            if rows is not None:  # some lines have too many or too few fields
                body = rows[1:]
                width = len(header)
                frame = pd.DataFrame([(r + [""] * width)[:width] for r in body], dtype="str")
                frame.columns = [str(i) for i in range(frame.shape[1])]
            else:
                frame = pd.read_csv(
                    io.StringIO(text),
                    sep=delimiter,
                    dtype=str,
                    keep_default_na=False,
                    na_values=list(NA_MARKERS),
                    skip_blank_lines=True,
                )
            if frame.shape[1] == len(header):
                frame.columns = [str(i) for i in range(len(header))]
            else:  # pandas saw another header (quoted newlines): keep its names
                header = None
            raw = RawFile(name, _as_text(frame), "csv", encoding, delimiter, ragged)
        else:
            raise IngestError(Problem("unsupported_format", name, value=suffix))
    except IngestError:
        raise
    except csv.Error as e:
        if "field larger than field limit" in str(e):
            raise IngestError(Problem("cell_too_large", name, detail=str(MAX_CELL_CHARS))) from e
        raise IngestError(Problem("unreadable", name, detail=str(e).splitlines()[0][:200])) from e
    except Exception as e:  # pandas/openpyxl/pyarrow errors: one message, no traceback
        detail = (str(e).splitlines() or [type(e).__name__])[0][:200]
        raise IngestError(Problem("unreadable", name, detail=detail)) from e
    if header is not None:
        raw.frame = _named_columns(raw.frame, header, name)
    if raw.frame.empty:
        raise IngestError(Problem("empty_file", name))
    dupes = [c for c, n in Counter(raw.columns).items() if n > 1]
    if dupes:
        raise IngestError(Problem("duplicate_header", name, column=dupes[0]))
    empty = raw.frame.isna().all(axis=1).to_numpy()
    rows = np.arange(len(raw.frame)) + 2  # spreadsheet rows, header = row 1
    if empty.any():
        raw.skipped_empty = rows[empty].tolist()
        raw.frame = raw.frame[~empty].reset_index(drop=True)
        rows = rows[~empty]
        if raw.frame.empty:
            raise IngestError(Problem("empty_file", name))
    raw.row_numbers = rows
    _check_cell_sizes(raw)
    return raw


def _too_large(name: str, size: int) -> Problem:
    mb = 1024 * 1024
    return Problem("too_large", name, value=f"{size / mb:.0f} MB", detail=f"{MAX_FILE_BYTES // mb}")


def _named_columns(frame: pd.DataFrame, header: list[str], name: str) -> pd.DataFrame:
    """Give the columns the header's names as written, refusing duplicates and unnamed data.

    pandas would rename a second 'Status' to 'Status.1' and an empty name to 'Unnamed: 4', so a
    duplicated column would be silently ignored; here both get a message instead. A column without
    a name and without values (a trailing delimiter) is dropped.
    """
    dupes = [h for h, n in Counter(header).items() if n > 1 and h]
    if dupes:
        raise IngestError(Problem("duplicate_header", name, column=dupes[0]))
    keep = []
    for i, h in enumerate(header):
        if h:
            keep.append(i)
        elif frame[str(i)].notna().any():
            named = [x for x in header if x]
            if len(named) == 1 and len(header) > 1:  # a title above the header (merged cells)
                raise IngestError(Problem("title_row", name, row=1, value=named[0]))
            raise IngestError(Problem("empty_header", name, row=1, value=str(i + 1)))
    out = frame[[str(i) for i in keep]]
    out.columns = [header[i] for i in keep]
    return out


def _check_cell_sizes(raw: RawFile) -> None:
    for col in raw.columns:
        values = raw.frame[col]
        lengths = values.astype("str").str.len().where(values.notna(), 0)
        if len(lengths) and int(lengths.max()) > MAX_CELL_CHARS:
            i = int(lengths.to_numpy().argmax())
            row = int(raw.row_numbers[i]) if raw.row_numbers is not None else None
            raise IngestError(
                Problem("cell_too_large", raw.name, row=row, column=col, detail=str(MAX_CELL_CHARS))
            )


def _ragged_lines(
    text: str, delimiter: str
) -> tuple[list[tuple[int, int]], list[list[str]] | None]:
    """Lines whose number of fields differs from the header's, as (line, fields found).

    Without quotes in the file, fields are counted with ``str.count`` (fast); with quotes, with
    the C csv reader (about 1.5 s per million lines). When there are ragged lines, the parsed rows
    are returned too (pandas cannot read lines with too many fields), else None.
    """
    if '"' not in text:
        lines = text.split("\n")
        width = lines[0].count(delimiter) + 1
        counts = [line.count(delimiter) + 1 for line in lines]
        ragged = [(i + 1, n) for i, n in enumerate(counts) if n != width and lines[i].strip("\r")]
    else:
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        header = next(reader, None)
        if header is None:
            return [], None
        width = len(header)
        ragged = [(reader.line_num, len(row)) for row in reader if row and len(row) != width]
    if not ragged:
        return [], None
    rows = [row for row in csv.reader(io.StringIO(text), delimiter=delimiter) if row]
    return ragged, rows


def read_path(path: str | Path) -> RawFile:
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:  # refuse before reading it all into memory
            raise IngestError(_too_large(p.name, size))
        data = p.read_bytes()
    except OSError as e:
        raise IngestError(Problem("unreadable", p.name, detail=e.strerror or str(e))) from e
    return read_upload(data, p.name)


# --------------------------------------------------------------------------------------------
# Mapping


def normalise_name(name: str) -> str:
    """'Application ID', 'application_id', 'applicationId' -> 'application id'."""
    s = re.sub(r"([a-z])([A-Z])", r"\1 \2", str(name))
    s = re.sub(r"[^0-9a-zA-Z\u00c0-\u024f]+", " ", s.lower())
    return s.strip()


# Words that make a column a process step or a date, not a person's details: "Phone screen",
# "stage_name", "Phone screen date" are steps; "Phone", "Candidate Name" are identifiers.
NOT_IDENTIFIER_WORDS = (
    "stage",
    "step",
    "screen",
    "screening",
    "interview",
    "call",
    "test",
    "date",
    "at",
    "on",
    "fase",
    "stap",
    "gesprek",
    "datum",
    "type",
)


# Identifiers whatever other words the name has ("Date of birth" has "date", a step word) and
# Dutch compounds that whole-word matching misses ("Telefoonnummer", "Geboortedatum").
STRONG_IDENTIFIER_WORDS = (
    "date of birth",
    "birth date",
    "birthdate",
    "birthday",
    "dob",
    "geboortedatum",
    "geboortedag",
    "telefoonnummer",
    "telefoon nummer",
    "mobielnummer",
    "mobiel nummer",
    "mobiele nummer",
    "gsm",
    "linked in",
    "linkedin",
    "woonadres",
    "huisadres",
    "straatnaam",
    "bsn",
    "ssn",
    "social security",
    "burgerservicenummer",
    "paspoort",
    "passport",
)


def is_identifier(column: str) -> bool:
    """True for direct identifiers (names, e-mail, phone, address ...), which are never stored."""
    norm = normalise_name(column)
    words = f" {norm} "
    if norm.endswith(" id") or norm in ("id",):
        return False
    if any(f" {w} " in words for w in STRONG_IDENTIFIER_WORDS):
        return True
    if any(f" {w} " in words for w in NOT_IDENTIFIER_WORDS):
        return False
    return any(f" {w} " in words for w in IDENTIFIER_WORDS)


def suggest_mapping(
    columns: Sequence[str], kind: str, frame: pd.DataFrame | None = None
) -> dict[str, str | None]:
    """Source column -> target field (or None), matched by name and English/Dutch aliases.

    Exact field names win over aliases; every field is used at most once. Identifier columns map
    to nothing, except an e-mail column, which maps to ``candidate_email`` (hashed, never stored).
    With the data (``frame``), other columns of an applications file that hold only dates are
    taken as a homemade sheet's date column per stage (``stage_date``).
    """
    fields = FIELDS[kind]
    mapping: dict[str, str | None] = dict.fromkeys(columns)
    taken: set[str] = set()
    for exact in (True, False):
        for col in columns:
            if mapping[col] is not None:
                continue
            norm = normalise_name(col)
            for target, aliases in fields.items():
                if target in taken:
                    continue
                names = (normalise_name(target),) if exact else aliases
                if norm in names:
                    mapping[col] = target
                    taken.add(target)
                    break
    for col, target in mapping.items():
        if target is not None and target != "candidate_email" and is_identifier(col):
            mapping[col] = None
    if frame is not None and kind == "applications":
        for col, target in mapping.items():
            if target is None and not is_identifier(col) and _is_date_column(frame[col]):
                mapping[col] = "stage_date"
    return mapping


# --------------------------------------------------------------------------------------------
# Values

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})(?:[T ].*)?$")
_EPOCH = re.compile(r"^\d{9,13}$")


def detect_date_order(values: Sequence[str | None]) -> str | None:
    """'dmy', 'mdy', 'ambiguous' (no value decides) or None (no dd-mm / mm-dd values at all).

    A first part above 12 means day first; a second part above 12 means month first.
    """
    day_first = month_first = seen = False
    for v in values:
        if not v:
            continue
        m = _DMY.match(v)
        if not m:
            continue
        seen = True
        a, b = int(m.group(1)), int(m.group(2))
        day_first |= a > 12
        month_first |= b > 12
    if not seen:
        return None
    if day_first and not month_first:
        return "dmy"
    if month_first and not day_first:
        return "mdy"
    return "ambiguous"


def _parse_date(value: str, order: str) -> dt.date | None:
    m = _ISO.match(value)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    elif m := _DMY.match(value):
        a, b, y = (int(g) for g in m.groups())
        y = y + 2000 if y < 100 else y
        d, mo = (a, b) if order == "dmy" else (b, a)
    elif _EPOCH.match(value):
        n = int(value)
        seconds = n / 1000 if len(value) >= 12 else n
        try:
            return dt.datetime.fromtimestamp(seconds, dt.UTC).date()
        except (OverflowError, OSError, ValueError):
            return None
    else:
        return None
    try:
        return dt.date(y, mo, d)
    except ValueError:
        return None


def _norm_value(v: str) -> str:
    return re.sub(r"[\s_\-]+", " ", v.strip().lower())


def parse_number(value: str, decimal_comma: bool) -> float | None:
    s = re.sub(r"[\s€$£%]", "", value)
    if "," in s and "." in s:
        decimal_comma = s.rfind(",") > s.rfind(".")
    s = s.replace(".", "").replace(",", ".") if decimal_comma else s.replace(",", "")
    try:
        return float(s)
    except ValueError:
        return None


def _looks_decimal_comma(values: Sequence[str]) -> bool:
    return any(re.fullmatch(r"-?\d+,(\d{1,2}|\d{4,})", v.strip()) for v in values)


def _norm_text(text: str) -> str:
    return re.sub(r"[^0-9a-z\u00c0-\u024f]+", " ", text.lower()).strip()


def match_rule(text: str | None, rules: Sequence[Mapping[str, object]] = PIPELINE_RULES):
    """The first rule whose keyword starts a word in ``text`` (None when none matches)."""
    if not text:
        return None
    norm = _norm_text(text)
    for rule in rules:
        for kw in rule["keywords"]:  # type: ignore[union-attr]
            if re.search(r"(?:^|\s)" + re.escape(_norm_text(str(kw))), norm):
                return rule
    return None


def _stage_key(name: str) -> str:
    """'One-way video (HireVue)' -> 'one_way_video_hirevue'."""
    return re.sub(r"[^0-9a-z\u00c0-\u024f]+", "_", name.lower()).strip("_") or "stage"


def _hash(value: str, salt: str) -> str:
    return hashlib.sha256(f"{salt}:{value}".encode()).hexdigest()[:20]


# --------------------------------------------------------------------------------------------
# Preparing (validation and conversion)


def _existing_meta(con: duckdb.DuckDBPyConnection | None) -> dict[str, str]:
    if con is None:
        return {}
    cur = con.cursor()
    try:
        return store.get_meta(cur)
    finally:
        cur.close()


def _known_applications(con: duckdb.DuckDBPyConnection | None, ids: pd.Series) -> pd.DataFrame:
    """application_id and status of the given ids that exist in the database."""
    if con is None:
        return pd.DataFrame({"application_id": [], "status": []})
    cur = con.cursor()
    try:
        rows = cur.execute(
            "SELECT application_id, status FROM applications WHERE application_id = ANY(?)",
            [sorted({str(i) for i in ids.dropna()})],
        ).fetchall()
    finally:
        cur.close()
    return pd.DataFrame(rows, columns=["application_id", "status"])


def _existing_ids(con: duckdb.DuckDBPyConnection, table: str, ids: pd.Series) -> set[str]:
    """The given application ids that ``table`` already holds (append mode duplicates)."""
    if table not in ("applications", "offers", "hires"):
        raise ValueError(table)
    cur = con.cursor()
    try:
        cur.register("_incoming_ids", pd.DataFrame({"id": pd.unique(ids.dropna()).astype(str)}))
        try:
            found = cur.execute(
                f'SELECT t.application_id FROM "{table}" AS t '
                "JOIN _incoming_ids AS i ON i.id = t.application_id"
            ).fetchall()
        finally:
            cur.unregister("_incoming_ids")
    finally:
        cur.close()
    return {r[0] for r in found}


# --------------------------------------------------------------------------------------------
# Pipeline rules (stored in the ``pipeline_rules`` table; the defaults when it is empty)

_RULE_TOUCHPOINT = {"automation_first": "automated", "human_first": "human"}


def _n_patterns(rules: Sequence[Mapping[str, object]]) -> int:
    return sum(len(r["keywords"]) for r in rules)  # type: ignore[arg-type]


def pipeline_rules(
    con: duckdb.DuckDBPyConnection | None,
) -> tuple[list[dict[str, object]], str]:
    """The tagging rules in use and their label: ``default:N`` or ``custom:N`` (N patterns).

    Stored rules are one pattern per row, tried in order (first match wins)."""
    rows: list[tuple[str, str]] = []
    if con is not None:
        cur = con.cursor()
        try:
            rows = cur.execute(
                "SELECT pattern, pipeline FROM pipeline_rules ORDER BY position"
            ).fetchall()
        finally:
            cur.close()
    if not rows:
        rules = [dict(r) for r in PIPELINE_RULES]
        return rules, f"default:{_n_patterns(rules)}"
    rules = [
        {"pipeline": p, "touchpoint": _RULE_TOUCHPOINT[p], "keywords": [pattern]}
        for pattern, p in rows
    ]
    return rules, f"custom:{len(rules)}"


def rules_frame(rules: Sequence[Mapping[str, object]]) -> pd.DataFrame:
    """Rules as an editable table: one row per pattern (pattern, pipeline), in match order."""
    pairs = [(str(kw), str(r["pipeline"])) for r in rules for kw in r["keywords"]]  # type: ignore[union-attr]
    return pd.DataFrame(pairs, columns=["pattern", "pipeline"])


def save_pipeline_rules(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> int:
    """Store edited rules (columns pattern, pipeline; blank rows ignored). Returns the number
    stored. Raises ``ValueError`` naming the row when a pipeline is not human_first or
    automation_first or a pattern is empty. Settings, not data: the data version is unchanged and
    the rules apply to the next import."""
    clean = []
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        pattern = "" if pd.isna(row.pattern) else str(row.pattern).strip()
        pipeline = "" if pd.isna(row.pipeline) else str(row.pipeline).strip()
        if not pattern and not pipeline:
            continue
        if not pattern:
            raise ValueError(f"row {i}: the pattern is empty")
        if pipeline not in PIPELINES:
            raise ValueError(f"row {i}: pipeline must be one of {', '.join(PIPELINES)}")
        clean.append((len(clean) + 1, pattern, pipeline))
    if not clean:
        raise ValueError("no rules: keep at least one row, or reset to the defaults")
    cur = con.cursor()
    try:
        with store.transaction(cur):
            cur.execute("DELETE FROM pipeline_rules")
            cur.executemany("INSERT INTO pipeline_rules VALUES (?, ?, ?)", clean)
    finally:
        cur.close()
    return len(clean)


def reset_pipeline_rules(con: duckdb.DuckDBPyConnection) -> None:
    cur = con.cursor()
    try:
        cur.execute("DELETE FROM pipeline_rules")
    finally:
        cur.close()


# --------------------------------------------------------------------------------------------
# Mapping profiles (stored in the ``mapping_profiles`` table, or a JSON file)


@dataclass(frozen=True)
class Profile:
    name: str
    kind: str
    mapping: dict[str, str | None]
    date_order: str | None = None

    def apply(self, columns: Sequence[str]) -> dict[str, str | None]:
        """The saved mapping for these columns (columns the profile does not know: ignored)."""
        return {c: self.mapping.get(c) for c in columns}

    def to_json(self) -> str:
        return json.dumps(
            {
                "name": self.name,
                "kind": self.kind,
                "mapping": self.mapping,
                "date_order": self.date_order,
            },
            ensure_ascii=False,
            indent=2,
        )


def _check_profile(name: str, kind: str, mapping: Mapping, date_order: str | None) -> None:
    if not name.strip():
        raise ValueError("a profile needs a name")
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    if date_order not in (None, "dmy", "mdy"):
        raise ValueError("date order must be dmy or mdy")
    wrong = [f for f in mapping.values() if f and f not in FIELDS[kind]]
    if wrong:
        raise ValueError(f"'{wrong[0]}' is not a field of {kind} files")


def save_profile(
    con: duckdb.DuckDBPyConnection,
    name: str,
    kind: str,
    mapping: Mapping[str, str | None],
    date_order: str | None = None,
) -> Profile:
    """Save (or overwrite) a named mapping for the next upload of the same export."""
    _check_profile(name, kind, mapping, date_order)
    profile = Profile(name.strip(), kind, dict(mapping), date_order)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    cur = con.cursor()
    try:
        cur.execute(
            "INSERT OR REPLACE INTO mapping_profiles VALUES (?, ?, ?, ?, ?)",
            [profile.name, kind, json.dumps(profile.mapping, ensure_ascii=False), date_order, now],
        )
    finally:
        cur.close()
    return profile


def list_profiles(con: duckdb.DuckDBPyConnection | None, kind: str | None = None) -> list[Profile]:
    if con is None:
        return []
    cur = con.cursor()
    try:
        rows = cur.execute(
            "SELECT name, kind, mapping, date_order FROM mapping_profiles "
            "WHERE ? IS NULL OR kind = ? ORDER BY name",
            [kind, kind],
        ).fetchall()
    finally:
        cur.close()
    return [Profile(n, k, json.loads(m), d) for n, k, m, d in rows]


def delete_profile(con: duckdb.DuckDBPyConnection, name: str) -> None:
    cur = con.cursor()
    try:
        cur.execute("DELETE FROM mapping_profiles WHERE name = ?", [name])
    finally:
        cur.close()


def find_profile(con: duckdb.DuckDBPyConnection | None, name_or_path: str) -> Profile:
    """A profile by name in the database, else from a JSON file (``Profile.to_json`` format).
    Raises ``ValueError`` saying which names exist when neither is found."""
    for profile in list_profiles(con):
        if profile.name == name_or_path:
            return profile
    path = Path(name_or_path)
    if path.suffix.lower() == ".json" and path.is_file():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            profile = Profile(
                str(data.get("name") or path.stem),
                str(data["kind"]),
                {str(k): (v or None) for k, v in dict(data["mapping"]).items()},
                data.get("date_order"),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            raise ValueError(
                f"{path.name} is not a mapping profile (JSON with kind and mapping): {e}"
            ) from e
        _check_profile(profile.name, profile.kind, profile.mapping, profile.date_order)
        return profile
    names = ", ".join(p.name for p in list_profiles(con)) or "none saved yet"
    raise ValueError(
        f"no mapping profile '{name_or_path}' in the database (saved: {names}) "
        "and no such JSON file"
    )


def best_profile(
    con: duckdb.DuckDBPyConnection | None, columns: Sequence[str], kind: str
) -> Profile | None:
    """The saved profile of this kind whose mapped columns are all in the file, the one mapping
    the most columns (None when no profile fits)."""
    present = set(columns)
    best, best_n = None, 0
    for profile in list_profiles(con, kind):
        used = {c for c, f in profile.mapping.items() if f}
        if used and used <= present and len(used) > best_n:
            best, best_n = profile, len(used)
    return best


def _convert(
    values: pd.Series, func, na: object = None, dtype: object = object
) -> tuple[np.ndarray, np.ndarray]:
    """Apply ``func`` once per distinct value (exports repeat values a lot: a million rows hold a
    few thousand dates). Returns the converted values (``na`` where missing or not convertible)
    and the positions where a value was present but ``func`` returned None."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    parsed = [func(u) for u in uniques]
    bad_unique = np.array([p is None for p in parsed] + [False], dtype=bool)
    filled = np.array([na if p is None else p for p in parsed] + [na], dtype=dtype)
    return filled[codes], np.flatnonzero(bad_unique[codes])


def _distinct(values: pd.Series) -> list[str]:
    return [v for v in pd.unique(values.dropna()) if v is not None]


def _is_date_column(values: pd.Series) -> bool:
    """True when every (sampled distinct) value is a calendar date (ISO or dd-mm / mm-dd)."""
    sample = _distinct(values)[:500]
    return bool(sample) and all(
        (_ISO.match(v) or _DMY.match(v))
        and (_parse_date(v, "dmy") is not None or _parse_date(v, "mdy") is not None)
        for v in sample
    )


def prepare(
    raw: RawFile,
    kind: str,
    mapping: Mapping[str, str | None] | None = None,
    *,
    date_order: DateOrder | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    mode: store.LoadMode = "replace",
    rules: Sequence[Mapping[str, object]] | None = None,
    today: dt.date | None = None,
) -> Prepared:
    """Validate and convert ``raw`` into store tables. Reads (never writes) ``con``.

    ``con`` is needed for foreign keys (stage, offer and hire rows must reference loaded
    applications), ids already loaded (append mode), the stage catalogue, the hashing salt and the
    stored pipeline rules (``rules`` overrides them). Problems are collected in the report; when
    there are any, ``tables`` is empty and nothing may be loaded. Warnings do not block.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    if rules is None:
        rules, rules_label = pipeline_rules(con)
    else:
        rules_label = f"custom:{_n_patterns(rules)}"
    today = today or dt.date.today()
    if mapping is None:
        mapping = suggest_mapping(raw.columns, kind, raw.frame)
    mapping = dict(mapping)
    report = QualityReport(
        file=raw.name,
        kind=kind,
        rows_read=len(raw.frame) + len(raw.skipped_empty),
        file_format=raw.file_format,
        encoding=raw.encoding,
        delimiter=raw.delimiter,
    )
    rows = np.asarray(
        raw.row_numbers if raw.row_numbers is not None else np.arange(len(raw.frame)) + 2
    )
    if raw.skipped_empty:
        report.rows_skipped = len(raw.skipped_empty)
        report.add_rows("skipped_empty", raw.name, raw.skipped_empty, warning=True)
    width = len(raw.columns)
    for line, n in raw.ragged:
        report.add(Problem("ragged_row", raw.name, line, value=str(n), detail=str(width)))

    fields = FIELDS[kind]
    by_field: dict[str, str] = {}
    stage_date_cols: list[str] = []
    mapping_problems = 0
    for col in raw.columns:
        target = mapping.get(col)
        if is_identifier(col) and target != "candidate_email":
            report.dropped_identifiers.append(col)
            continue
        if target == "candidate_email":
            report.dropped_identifiers.append(col)
        if not target:
            report.ignored_columns.append(col)
            continue
        if target not in fields:
            report.add(Problem("unknown_field", raw.name, column=col, value=target))
            mapping_problems += 1
            continue
        if target in MULTI_FIELDS:
            stage_date_cols.append(col)
            continue
        if target in by_field:
            report.add(Problem("field_twice", raw.name, column=col, value=target))
            mapping_problems += 1
            continue
        by_field[target] = col
    required = list(REQUIRED[kind])
    if kind == "applications" and "first_step" not in by_field and not stage_date_cols:
        required.append("pipeline")
    for target in required:
        if target not in by_field:
            code = "missing_pipeline" if target == "pipeline" else "missing_column"
            report.add(Problem(code, raw.name, column=target, value=target))
            mapping_problems += 1
    if mapping_problems:
        return Prepared(kind, {}, report, {})

    frame = raw.frame
    out: dict[str, pd.Series] = {}

    # Dates: one order for the whole file, decided by the data (or by the caller).
    date_cols = [by_field[f] for f in by_field if f in DATE_FIELDS] + stage_date_cols
    orders = {detect_date_order(_distinct(frame[c])) for c in date_cols} - {None}
    if date_order is None:
        if "dmy" in orders and "mdy" in orders:
            report.add(Problem("date_order_conflict", raw.name))
        elif orders == {"ambiguous"}:
            report.ambiguous_dates = date_cols
            report.add(Problem("date_order_ambiguous", raw.name, column=", ".join(date_cols)))
        order = "mdy" if "mdy" in orders else "dmy"
    else:
        order = date_order
    if orders:
        report.date_order = order

    def to_date(v: str) -> np.datetime64 | None:
        d = _parse_date(v, order)
        return None if d is None else np.datetime64(d, "D")

    def parse_dates(col: str) -> pd.Series:
        values = frame[col]
        converted, bad = _convert(values, to_date, np.datetime64("NaT"), "datetime64[D]")
        report.add_rows("bad_date", raw.name, rows[bad], col, values.to_numpy()[bad])
        series = pd.Series(converted.astype("datetime64[s]"), name=col)
        future = np.flatnonzero((series > pd.Timestamp(today)).to_numpy())
        report.add_rows(
            "future_date", raw.name, rows[future], col, values.to_numpy()[future], warning=True
        )
        return series

    number_values = [
        v for f in by_field if f in NUMBER_FIELDS for v in _distinct(frame[by_field[f]])
    ]
    decimal_comma = raw.delimiter == ";" or _looks_decimal_comma(number_values)
    report.decimal_comma = decimal_comma and bool(number_values)

    def to_number(v: str, integer: bool) -> float | None:
        p = parse_number(v, decimal_comma)
        return None if p is None or (integer and not float(p).is_integer()) else p

    def to_bool(v: str) -> bool | None:
        n = _norm_value(v)
        return True if n in TRUE_WORDS else False if n in FALSE_WORDS else None

    for target, col in by_field.items():
        values = frame[col]
        missing = values.isna().to_numpy()
        report.missing[target] = int(missing.sum())
        if target in required and target != "pipeline":
            report.add_rows("missing_value", raw.name, rows[np.flatnonzero(missing)], col)
        if target in DATE_FIELDS:
            out[target] = parse_dates(col).rename(target)
        elif target in NUMBER_FIELDS or target in INT_FIELDS:
            integer = target in INT_FIELDS
            converted, bad = _convert(
                values, lambda v, i=integer: to_number(v, i), np.nan, "float64"
            )
            report.add_rows("bad_number", raw.name, rows[bad], col, values.to_numpy()[bad])
            series = pd.Series(converted, dtype="float64")
            out[target] = series.round().astype("Int64") if integer else series
        elif target in BOOL_FIELDS:
            converted, bad = _convert(values, to_bool)
            report.add_rows("bad_boolean", raw.name, rows[bad], col, values.to_numpy()[bad])
            out[target] = pd.Series(converted, dtype="boolean")
        elif target in ("status", "result"):
            synonyms = STATUS_SYNONYMS if target == "status" else RESULT_SYNONYMS
            code = "bad_status" if target == "status" else "bad_result"
            converted, bad = _convert(values, lambda v, s=synonyms: s.get(_norm_value(v)))
            report.add_rows(code, raw.name, rows[bad], col, values.to_numpy()[bad])
            out[target] = pd.Series(converted, dtype=object)
        elif target == "pipeline":
            converted, _ = _convert(
                values, lambda v: PIPELINE_SYNONYMS.get(_norm_value(v), _stage_key(v))
            )
            out[target] = pd.Series(converted, dtype=object)
        else:
            out[target] = values.reset_index(drop=True)

    # Durations that end before they start are errors; open offers and missing sources are not.
    span = {"stages": ("entered_on", "exited_on"), "offers": ("offered_on", "decided_on")}
    span["hires"] = ("start_on", "left_on")
    if kind in span and all(f in out for f in span[kind]):
        first, last = span[kind]
        neg = np.flatnonzero((out[last] < out[first]).to_numpy())
        report.add_rows(
            "negative_duration",
            raw.name,
            rows[neg],
            by_field[last],
            frame[by_field[last]].to_numpy()[neg],
            detail=by_field[first],
        )
    if kind == "offers":
        open_offer = pd.Series(True, index=range(len(frame)))
        for f in ("accepted", "decided_on"):
            if f in out:
                open_offer &= out[f].isna().to_numpy()
        idx = np.flatnonzero(open_offer.to_numpy())
        report.add_rows(
            "unresolved_offer", raw.name, rows[idx], by_field["application_id"], warning=True
        )
    if kind == "applications":
        if "source" in by_field:
            idx = np.flatnonzero(out["source"].isna().to_numpy())
            report.add_rows("missing_source", raw.name, rows[idx], by_field["source"], warning=True)
        else:
            report.warn(Problem("no_source_column", raw.name))

    key = out["application_id"]
    id_col = by_field["application_id"]
    if kind != "stages":
        dup = np.flatnonzero((key.duplicated(keep="first") & key.notna()).to_numpy())
        report.add_rows("duplicate_id", raw.name, rows[dup], id_col, key.to_numpy()[dup])
        if mode == "append" and con is not None:
            table_name = kind
            loaded = _existing_ids(con, table_name, key)
            idx = np.flatnonzero(key.isin(loaded).to_numpy())
            report.add_rows("duplicate_existing", raw.name, rows[idx], id_col, key.to_numpy()[idx])

    meta: dict[str, str] = {}
    existing_meta = _existing_meta(con)
    table = pd.DataFrame({k: v for k, v in out.items() if k not in PSEUDO_FIELDS})

    if kind == "applications":
        stage_dates = {c: parse_dates(c) for c in stage_date_cols}
        events = _wide_events(key, stage_dates, rows)
        if stage_date_cols and "first_step" not in out:
            first = events.sort_values(["entered_on", "_seq"], kind="stable").drop_duplicates(
                "application_id"
            )
            out["first_step"] = key.map(
                dict(zip(first["application_id"], first["stage"], strict=True))
            )
            out["first_step"] = (
                out["first_step"].astype(object).where(out["first_step"].notna(), None)
            )
            by_field["first_step"] = ", ".join(stage_date_cols)
        table = _finish_applications(
            raw, out, table, by_field, rows, report, rules, existing_meta, meta
        )
        if report.pipeline_from_rules:
            report.rules_label = rules_label
        if mode == "replace" or report.pipeline_from_rules:
            meta[store.RULES_SUMMARY_KEY] = report.rules_label or ""
        tables = {"applications": table}
        if stage_date_cols and report.ok and len(events):
            known = table[["application_id", "status"]]
            ev_rows = events.pop("_srcrow").to_numpy()
            stages, ev = _finish_stages(
                events,
                ev_rows,
                known,
                report,
                rules,
                con,
                mode,
                raw.name,
                order_hint=[_stage_key(c) for c in stage_date_cols],
            )
            tables.update({"stages": stages, "stage_events": ev})
            report.stage_events = len(ev)
        if not report.ok:
            return Prepared(kind, {}, report, {})
        report.rows_loaded = len(table)
        _set_as_of(meta, existing_meta, table, replace=(mode == "replace"))
        return Prepared(kind, tables, report, meta)

    known = _known_applications(con, key)
    unknown = np.flatnonzero((key.notna() & ~key.isin(set(known["application_id"]))).to_numpy())
    report.add_rows("unknown_application", raw.name, rows[unknown], id_col, key.to_numpy()[unknown])
    if not report.ok:
        return Prepared(kind, {}, report, {})
    if kind == "stages":
        table["_seq"] = np.arange(len(table))
        stages, events = _finish_stages(table, rows, known, report, rules, con, mode, raw.name)
        if not report.ok:
            return Prepared(kind, {}, report, {})
        report.rows_loaded = len(events)
        _set_as_of(meta, existing_meta, events, replace=False)
        return Prepared("stages", {"stages": stages, "stage_events": events}, report, meta)
    report.rows_loaded = len(table)
    _set_as_of(meta, existing_meta, table, replace=False)
    return Prepared(kind, {kind: table}, report, meta)


def _wide_events(
    key: pd.Series, stage_dates: Mapping[str, pd.Series], rows: np.ndarray
) -> pd.DataFrame:
    """A sheet's date column per stage -> one event per application and dated stage."""
    parts = []
    for seq, (col, dates) in enumerate(stage_dates.items()):
        has = (dates.notna() & key.notna()).to_numpy()
        parts.append(
            pd.DataFrame(
                {
                    "application_id": key.to_numpy()[has],
                    "stage": col,
                    "entered_on": dates.to_numpy()[has],
                    "_seq": seq,
                    "_srcrow": rows[has],
                }
            )
        )
    if not parts:
        return pd.DataFrame(columns=["application_id", "stage", "entered_on", "_seq", "_srcrow"])
    return pd.concat(parts, ignore_index=True)


def _set_as_of(
    meta: dict[str, str], existing: Mapping[str, str], table: pd.DataFrame, *, replace: bool
) -> None:
    dates = [table[c].max() for c in table.columns if c in DATE_FIELDS]
    dates = [d for d in dates if pd.notna(d)]
    if not dates:
        return
    latest = max(dates).date()
    if not replace and existing.get("is_demo") != "true" and "as_of" in existing:
        latest = max(latest, dt.date.fromisoformat(existing["as_of"]))
    if replace or existing.get("is_demo") != "true":
        meta["as_of"] = latest.isoformat()


def _finish_applications(raw, out, table, by_field, rows, report, rules, existing_meta, meta):
    salt = existing_meta.get(SALT_KEY) or secrets.token_hex(16)
    if "candidate_id" in table:
        table["candidate_id"] = _convert(table["candidate_id"], lambda v: _hash(v, salt))[0]
        report.candidate_hashed = True
    elif "candidate_email" in out:
        table["candidate_id"] = _convert(
            out["candidate_email"], lambda v: _hash(v.strip().lower(), salt)
        )[0]
        report.candidate_hashed = True
    if report.candidate_hashed:
        meta[SALT_KEY] = salt
    n = len(table)
    pipeline = table["pipeline"] if "pipeline" in table else pd.Series([None] * n, dtype=object)
    if "first_step" in out:
        step = out["first_step"]
        matched, _ = _convert(step, lambda v: match_rule(v, rules) or None)
        by_rule = np.array([None if r is None else r["pipeline"] for r in matched], dtype=object)
        human = np.array(
            [1 if r is not None and r.get("touchpoint") == "human" else None for r in matched],
            dtype=object,
        )
        need = pipeline.isna().to_numpy()
        tagged = need & pd.notna(by_rule)
        filled = np.where(need, by_rule, pipeline.to_numpy(dtype=object))
        nope = np.flatnonzero(pd.isna(filled))
        report.add_rows(
            "no_pipeline",
            raw.name,
            rows[nope],
            by_field["first_step"],
            ["" if pd.isna(v) else v for v in step.to_numpy()[nope]],
        )
        table["pipeline"] = pd.Series(filled, dtype=object)
        if "first_human_step" not in table:
            table["first_human_step"] = pd.array(human, dtype="Int16")
        report.pipeline_from_rules = int(tagged.sum())
        if report.pipeline_from_rules:
            meta[RULES_KEY] = json.dumps(list(rules), ensure_ascii=False)
    else:
        idx = np.flatnonzero(pipeline.isna().to_numpy())
        report.add_rows("missing_value", raw.name, rows[idx], by_field["pipeline"])
    if "furthest_stage" in table:
        table["furthest_stage"] = _convert(table["furthest_stage"], _stage_key)[0]
    return table


_FINAL_RESULT = {
    "hired": "advanced",
    "rejected": "rejected",
    "withdrawn": "withdrawn",
    "offer_declined": "withdrawn",
    "open": "pending",
}


def _alternative_first_steps(table: pd.DataFrame) -> list[str]:
    """Stages that only ever open an application (sorted by entry), when there are two or more:
    e.g. 'Phone screen' in one pipeline and 'One-way video (HireVue)' in the other."""
    if FIRST_STEP[0] in set(table["stage"]):
        return []
    app = table["application_id"]
    opener = app.map(table.drop_duplicates("application_id").set_index("application_id")["stage"])
    only_first = (table["stage"] == opener).groupby(table["stage"]).all()
    alternatives = sorted(only_first[only_first].index)
    return alternatives if len(alternatives) >= 2 else []


def _finish_stages(
    table: pd.DataFrame,
    rows: np.ndarray,
    known: pd.DataFrame,
    report: QualityReport,
    rules: Sequence[Mapping[str, object]],
    con: duckdb.DuckDBPyConnection | None,
    mode: str,
    file: str,
    *,
    order_hint: Sequence[str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Stage events -> (stage catalogue rows to load, events). ``table`` needs application_id,
    stage (a label), entered_on and ``_seq`` (tie-break within a day: file or column order)."""
    table = table.copy()
    table["_srcrow"] = rows
    table["label"] = table["stage"]
    table["stage"] = _convert(table["stage"], _stage_key)[0]
    table = table.sort_values(["application_id", "entered_on", "_seq"], kind="stable")
    # Touchpoint and format from the step's own name, before alternative first steps merge.
    if "touchpoint" not in table:
        source = table["format"] if "format" in table else table["label"]
        matched, _ = _convert(source, lambda v: match_rule(v, rules) or None)
        table["touchpoint"] = [None if r is None else r.get("touchpoint") for r in matched]
    if "format" in table:
        table["format"] = _convert(table["format"], _stage_key)[0]
    else:
        matched, _ = _convert(table["label"], lambda v: match_rule(v, _FORMAT_RULES) or None)
        table["format"] = [None if r is None else r["format"] for r in matched]
    merged = _alternative_first_steps(table)
    if merged:
        alt = table["stage"].isin(merged)
        table["format"] = table["format"].where(~alt | table["format"].notna(), table["stage"])
        table.loc[alt, "stage"] = FIRST_STEP[0]
        table.loc[alt, "label"] = FIRST_STEP[1]
    # Stage order: the catalogue's when the stage is known; else the sheet's column order (stage
    # date columns); else the median position of the stage within applications (robust to files
    # sorted any way), after the known stages.
    catalogue: dict[str, int] = {}
    if con is not None and mode == "append":
        cur = con.cursor()
        try:
            catalogue = dict(cur.execute("SELECT stage, stage_order FROM stages").fetchall())
        finally:
            cur.close()
    if order_hint is not None:
        ranked = list(dict.fromkeys(FIRST_STEP[0] if h in merged else h for h in order_hint))
    else:
        position = table.groupby("application_id").cumcount()
        ranked = list(position.groupby(table["stage"]).median().sort_values(kind="stable").index)
    new = [s for s in ranked if s not in catalogue]
    start = max(catalogue.values(), default=0)
    order = {**catalogue, **{s: start + i + 1 for i, s in enumerate(new)}}
    table["stage_order"] = table["stage"].map(order).astype("int16")
    # Stage-order violations: within an application, a stage entered after a later stage.
    app = table["application_id"]
    previous = table.groupby("application_id")["stage_order"].shift(1)
    back = np.flatnonzero((table["stage_order"] < previous).to_numpy())
    report.add_rows(
        "stage_order",
        file,
        table["_srcrow"].to_numpy()[back],
        None,
        table["label"].to_numpy()[back],
        warning=True,
    )
    # Exit date: the next stage's entry, when not given.
    nxt = table.groupby("application_id")["entered_on"].shift(-1)
    if "exited_on" in table:
        table["exited_on"] = table["exited_on"].fillna(nxt)
    else:
        table["exited_on"] = nxt
    last = ~app.duplicated(keep="last")
    if "result" not in table:
        final = app.map(dict(zip(known["application_id"], known["status"], strict=True)))
        final_result = final.map(_FINAL_RESULT).fillna("pending")
        table["result"] = np.where(last, final_result, "advanced")
        table.loc[last & table["result"].eq("pending"), "exited_on"] = pd.NaT
    labels = table.drop_duplicates("stage").set_index("stage")["label"]
    keys = list(order) if mode == "replace" else new
    stages = pd.DataFrame(
        {
            "stage": keys,
            "stage_order": [order[s] for s in keys],
            "label_en": [labels.get(s, s) for s in keys],
            "label_nl": [FIRST_STEP[2] if s == FIRST_STEP[0] and merged else labels.get(s, s)
                         for s in keys],
        }
    )  # fmt: skip
    stages["stage_order"] = stages["stage_order"].astype("int16")
    events = table.drop(columns=["label", "_seq", "_srcrow"]).reset_index(drop=True)
    return stages, events


# --------------------------------------------------------------------------------------------
# Loading

# Replacing applications replaces everything that hangs off them (stale rows would otherwise
# reference applications that no longer exist, e.g. the demo's).
_DEPENDENT = (
    "stages",
    "stage_events",
    "offers",
    "hires",
    "surveys",
    "survey_questions",
    "survey_respondents",
    "survey_answers",
)


def load(
    con: duckdb.DuckDBPyConnection,
    prepared: Prepared,
    *,
    mode: store.LoadMode = "replace",
) -> int:
    """Load a prepared upload in one transaction (``store.load_tables``). Returns the version.

    ``mode="replace"`` for applications also empties the tables that depend on them and marks the
    database as real data (``is_demo = false``, ``as_of`` = the latest date in the data).
    Raises ``ValueError`` when the upload has problems, ``store.StoreError`` when the load fails.
    """
    if not prepared.ok:
        raise ValueError("This upload has problems; fix them before loading.")
    tables = dict(prepared.tables)
    meta = dict(prepared.meta)
    table_modes = mode
    if prepared.kind == "applications" and mode == "replace":
        for name in _DEPENDENT:
            tables.setdefault(name, _empty(con, name))
        meta["is_demo"] = "false"
    if prepared.kind == "stages" and mode == "append":
        # new stages are appended to the catalogue; events too
        table_modes = "append"
    return store.load_tables(
        con,
        tables,
        mode=table_modes,
        source=f"{prepared.report.file} ({prepared.kind})",
        meta=meta,
        keep_previous=True,
    )


def undo(con: duckdb.DuckDBPyConnection) -> int:
    """Undo the last load (``store.undo_last_load``): the previous data back, a new version."""
    return store.undo_last_load(con)


def _empty(con: duckdb.DuckDBPyConnection, name: str) -> pd.DataFrame:
    cur = con.cursor()
    try:
        cols = [
            r[0]
            for r in cur.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                "ORDER BY ordinal_position",
                [name],
            ).fetchall()
        ]
    finally:
        cur.close()
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in cols})


def import_file(
    con: duckdb.DuckDBPyConnection,
    path: str | Path,
    kind: str,
    *,
    mode: store.LoadMode = "replace",
    date_order: DateOrder | None = None,
    profile: Profile | None = None,
) -> tuple[Prepared, int | None]:
    """Read, map (with ``profile`` or automatically), validate and (when clean) load one file.

    Returns the prepared upload (with its report) and the new data version, or None when
    nothing was loaded. Raises ``IngestError`` when the file cannot be read at all.
    """
    raw = read_path(path)
    mapping = profile.apply(raw.columns) if profile is not None else None
    if profile is not None and date_order is None:
        date_order = profile.date_order  # type: ignore[assignment]
    prepared = prepare(raw, kind, mapping, date_order=date_order, con=con, mode=mode)
    if not prepared.ok:
        return prepared, None
    return prepared, load(con, prepared, mode=mode)
