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
from analytics.i18n import t

Kind = Literal["applications", "stages", "offers", "hires"]
KINDS: tuple[Kind, ...] = ("applications", "stages", "offers", "hires")
DateOrder = Literal["dmy", "mdy"]

NA_MARKERS = ("", "NA", "N/A", "n/a", "NULL", "null", "#N/A", "nan", "NaN", "-")
SNIFF_BYTES = 64 * 1024
MAX_LISTED = 25  # problems listed per kind of problem; all are counted
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
        ),
        "gender": ("gender", "geslacht", "sex"),
        "age_band": ("age band", "age group", "leeftijdsgroep", "leeftijdscategorie"),
        "candidate_email": ("email", "e mail", "email address", "e mailadres", "emailadres"),
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
        ),
        "stage": ("stage", "to stage", "new stage", "fase", "stap", "naar fase", "step"),
        "entered_on": (
            "entered on",
            "changed at",
            "date",
            "timestamp",
            "entered at",
            "datum",
            "stage date",
            "moved at",
            "updated at",
        ),
        "exited_on": ("exited on", "exited at", "left stage at", "einddatum"),
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
        "perf_6m": ("perf 6m", "performance 6m", "performance 6 months", "beoordeling 6m"),
        "perf_12m": ("perf 12m", "performance 12m", "performance 12 months", "beoordeling 12m"),
        "manager_satisfaction": ("manager satisfaction", "tevredenheid manager"),
        "ramp_days": ("ramp days", "days to productivity", "inwerkdagen"),
        "left_on": ("left on", "termination date", "end date", "uit dienst", "einddatum"),
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
PSEUDO_FIELDS = {"first_step", "candidate_email"}

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


class IngestError(Exception):
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
    file_format: str = ""
    encoding: str | None = None
    delimiter: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problem_counts

    def add(self, problem: Problem) -> None:
        self.problem_counts[problem.code] = self.problem_counts.get(problem.code, 0) + 1
        if self.problem_counts[problem.code] <= MAX_LISTED:
            self.problems.append(problem)

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
        if self.problem_counts:
            lines.append(
                t("ingest.report.problems", lang)
                + " "
                + ", ".join(f"{k}: {v}" for k, v in self.problem_counts.items())
            )
            lines.extend("  - " + p.text(lang) for p in self.problems)
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
    """Every cell a stripped ``str`` or ``None``; NA markers become ``None``."""
    out = {}
    for col in frame.columns:
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
    try:
        if suffix in (".xlsx", ".xlsm"):
            frame = pd.read_excel(
                io.BytesIO(data), dtype=str, keep_default_na=False, na_values=list(NA_MARKERS)
            )
            raw = RawFile(name, _as_text(frame), "xlsx")
        elif suffix == ".parquet":
            raw = RawFile(name, _as_text(pd.read_parquet(io.BytesIO(data))), "parquet")
        elif suffix in (".csv", ".txt", ".tsv", ""):
            text, encoding = _decode(data)
            delimiter = sniff_delimiter(text[:SNIFF_BYTES])
            frame = pd.read_csv(
                io.StringIO(text),
                sep=delimiter,
                dtype=str,
                keep_default_na=False,
                na_values=list(NA_MARKERS),
                skip_blank_lines=True,
            )
            raw = RawFile(name, _as_text(frame), "csv", encoding, delimiter)
        else:
            raise IngestError(Problem("unsupported_format", name, value=suffix))
    except IngestError:
        raise
    except Exception as e:  # pandas/openpyxl/pyarrow errors: one message, no traceback
        raise IngestError(Problem("unreadable", name, detail=str(e).splitlines()[0][:200])) from e
    if raw.frame.empty:
        raise IngestError(Problem("empty_file", name))
    dupes = [c for c, n in Counter(raw.columns).items() if n > 1]
    if dupes:
        raise IngestError(Problem("duplicate_header", name, column=dupes[0]))
    return raw


def read_path(path: str | Path) -> RawFile:
    p = Path(path)
    try:
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


def is_identifier(column: str) -> bool:
    """True for direct identifiers (names, e-mail, phone, address ...), which are never stored."""
    norm = normalise_name(column)
    words = f" {norm} "
    if norm.endswith(" id") or norm in ("id",):
        return False
    return any(f" {w} " in words for w in IDENTIFIER_WORDS)


def suggest_mapping(columns: Sequence[str], kind: str) -> dict[str, str | None]:
    """Source column -> target field (or None), matched by name and English/Dutch aliases.

    Exact field names win over aliases; every field is used at most once. Identifier columns map
    to nothing, except an e-mail column, which maps to ``candidate_email`` (hashed, never stored).
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


def prepare(
    raw: RawFile,
    kind: str,
    mapping: Mapping[str, str | None] | None = None,
    *,
    date_order: DateOrder | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    mode: store.LoadMode = "replace",
    rules: Sequence[Mapping[str, object]] = PIPELINE_RULES,
) -> Prepared:
    """Validate and convert ``raw`` into store tables. Reads (never writes) ``con``.

    ``con`` is needed for foreign keys (stage, offer and hire rows must reference loaded
    applications), the stage catalogue and the hashing salt. Problems are collected in the report;
    when there are any, ``tables`` is empty and nothing may be loaded.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    mapping = dict(mapping) if mapping is not None else suggest_mapping(raw.columns, kind)
    report = QualityReport(
        file=raw.name,
        kind=kind,
        rows_read=len(raw.frame),
        file_format=raw.file_format,
        encoding=raw.encoding,
        delimiter=raw.delimiter,
    )
    fields = FIELDS[kind]
    by_field: dict[str, str] = {}
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
            continue
        if target in by_field:
            report.add(Problem("field_twice", raw.name, column=col, value=target))
            continue
        by_field[target] = col
    required = list(REQUIRED[kind])
    if kind == "applications" and "first_step" in by_field:
        pass
    elif kind == "applications":
        required.append("pipeline")
    for target in required:
        if target not in by_field:
            report.add(
                Problem(
                    f"missing_{'pipeline' if target == 'pipeline' else 'column'}",
                    raw.name,
                    column=target,
                    value=target,
                )
            )
    if report.problem_counts:
        return Prepared(kind, {}, report, {})

    frame = raw.frame
    rows = pd.Series(np.arange(len(frame)) + 2)  # spreadsheet row numbers (header = 1)
    out: dict[str, pd.Series] = {}

    # Dates: one order for the whole file, decided by the data (or by the caller).
    date_cols = [by_field[f] for f in by_field if f in DATE_FIELDS]
    orders = {detect_date_order(frame[c].tolist()) for c in date_cols} - {None}
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

    number_values = [
        v for f in by_field if f in NUMBER_FIELDS for v in frame[by_field[f]].dropna().tolist()
    ]
    decimal_comma = raw.delimiter == ";" or _looks_decimal_comma(number_values)
    report.decimal_comma = decimal_comma and bool(number_values)

    for target, col in by_field.items():
        values = frame[col]
        missing = values.isna()
        report.missing[target] = int(missing.sum())
        if target in required and target != "pipeline":
            for i in np.flatnonzero(missing.to_numpy()):
                report.add(Problem("missing_value", raw.name, int(rows[i]), col))
        if target in DATE_FIELDS:
            parsed = [None if v is None else _parse_date(v, order) for v in values]
            for i, (v, p) in enumerate(zip(values, parsed, strict=True)):
                if v is not None and p is None:
                    report.add(Problem("bad_date", raw.name, int(rows[i]), col, v))
            out[target] = pd.Series(pd.to_datetime(pd.Series(parsed, dtype=object)), name=target)
        elif target in NUMBER_FIELDS or target in INT_FIELDS:
            parsed = [None if v is None else parse_number(v, decimal_comma) for v in values]
            for i, (v, p) in enumerate(zip(values, parsed, strict=True)):
                bad = p is None or (target in INT_FIELDS and not float(p).is_integer())
                if v is not None and bad:
                    report.add(Problem("bad_number", raw.name, int(rows[i]), col, v))
            series = pd.Series([np.nan if p is None else p for p in parsed], dtype="float64")
            out[target] = series.round().astype("Int64") if target in INT_FIELDS else series
        elif target in BOOL_FIELDS:
            parsed = []
            for i, v in enumerate(values):
                n = None if v is None else _norm_value(v)
                val = True if n in TRUE_WORDS else False if n in FALSE_WORDS else None
                if v is not None and val is None:
                    report.add(Problem("bad_boolean", raw.name, int(rows[i]), col, v))
                parsed.append(val)
            out[target] = pd.Series(parsed, dtype="boolean")
        elif target in ("status", "result"):
            synonyms = STATUS_SYNONYMS if target == "status" else RESULT_SYNONYMS
            code = "bad_status" if target == "status" else "bad_result"
            parsed = []
            for i, v in enumerate(values):
                val = None if v is None else synonyms.get(_norm_value(v))
                if v is not None and val is None:
                    report.add(Problem(code, raw.name, int(rows[i]), col, v))
                parsed.append(val)
            out[target] = pd.Series(parsed, dtype=object)
        elif target == "pipeline":
            out[target] = pd.Series(
                [
                    None if v is None else PIPELINE_SYNONYMS.get(_norm_value(v), _stage_key(v))
                    for v in values
                ],
                dtype=object,
            )
        else:
            out[target] = pd.Series(list(values), dtype=object)

    key = out["application_id"]
    if kind != "stages":
        dup = key.duplicated(keep="first") & key.notna()
        for i in np.flatnonzero(dup.to_numpy()):
            report.add(
                Problem(
                    "duplicate_id", raw.name, int(rows[i]), by_field["application_id"], str(key[i])
                )
            )

    meta: dict[str, str] = {}
    existing_meta = _existing_meta(con)
    table = pd.DataFrame({k: v for k, v in out.items() if k not in PSEUDO_FIELDS})

    if kind == "applications":
        table = _finish_applications(
            raw, out, table, by_field, rows, report, rules, existing_meta, meta
        )
    else:
        known = _known_applications(con, key)
        unknown = key.notna() & ~key.isin(set(known["application_id"]))
        for i in np.flatnonzero(unknown.to_numpy()):
            report.add(
                Problem(
                    "unknown_application",
                    raw.name,
                    int(rows[i]),
                    by_field["application_id"],
                    str(key[i]),
                )
            )
        if kind == "stages" and report.ok:
            return _finish_stages(table, known, report, rules, con, mode, meta, existing_meta)

    if not report.ok:
        return Prepared(kind, {}, report, {})
    report.rows_loaded = len(table)
    _set_as_of(meta, existing_meta, table, replace=(kind == "applications" and mode == "replace"))
    return Prepared(kind, {kind: table}, report, meta)


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
        table["candidate_id"] = [
            None if v is None else _hash(v, salt) for v in table["candidate_id"]
        ]
        report.candidate_hashed = True
    elif "candidate_email" in out:
        table["candidate_id"] = [
            None if v is None else _hash(v.strip().lower(), salt) for v in out["candidate_email"]
        ]
        report.candidate_hashed = True
    if report.candidate_hashed:
        meta[SALT_KEY] = salt
    pipeline = (
        table["pipeline"] if "pipeline" in table else pd.Series([None] * len(table), dtype=object)
    )
    if "first_step" in out:
        tagged = 0
        filled = []
        first_human = []
        for i, (p, step) in enumerate(zip(pipeline, out["first_step"], strict=True)):
            rule = match_rule(step, rules)
            if p is None and rule is not None:
                p = rule["pipeline"]
                tagged += 1
            if p is None:
                report.add(
                    Problem(
                        "no_pipeline", raw.name, int(rows[i]), by_field["first_step"], step or ""
                    )
                )
            filled.append(p)
            first_human.append(
                1 if rule is not None and rule.get("touchpoint") == "human" else None
            )
        table["pipeline"] = pd.Series(filled, dtype=object)
        if "first_human_step" not in table:
            table["first_human_step"] = pd.array(first_human, dtype="Int16")
        report.pipeline_from_rules = tagged
        if tagged:
            meta[RULES_KEY] = json.dumps(list(rules), ensure_ascii=False)
    else:
        for i in np.flatnonzero(pipeline.isna().to_numpy()):
            report.add(Problem("missing_value", raw.name, int(rows[i]), by_field["pipeline"]))
    if "furthest_stage" in table:
        table["furthest_stage"] = [
            None if v is None else _stage_key(v) for v in table["furthest_stage"]
        ]
    return table


def _finish_stages(table, known, report, rules, con, mode, meta, existing_meta):
    table = table.copy()
    table["label"] = table["stage"]
    table["stage"] = [_stage_key(v) for v in table["stage"]]
    table["_row"] = np.arange(len(table))
    table = table.sort_values(["application_id", "entered_on", "_row"], kind="stable")
    # Stage order: the catalogue's when the stage is known, else by the median position of the
    # stage within applications (robust to files sorted any way), after the known stages.
    catalogue: dict[str, int] = {}
    if con is not None and mode == "append":
        cur = con.cursor()
        try:
            catalogue = dict(cur.execute("SELECT stage, stage_order FROM stages").fetchall())
        finally:
            cur.close()
    position = table.groupby("application_id").cumcount()
    median_pos = position.groupby(table["stage"]).median().sort_values(kind="stable")
    new = [s for s in median_pos.index if s not in catalogue]
    start = max(catalogue.values(), default=0)
    order = {**catalogue, **{s: start + i + 1 for i, s in enumerate(new)}}
    table["stage_order"] = table["stage"].map(order).astype("int16")
    # Exit date: the next stage's entry, when not given.
    nxt = table.groupby("application_id")["entered_on"].shift(-1)
    if "exited_on" in table:
        table["exited_on"] = table["exited_on"].fillna(nxt)
    else:
        table["exited_on"] = nxt
    last = ~table["application_id"].duplicated(keep="last")
    if "result" not in table:
        final = dict(zip(known["application_id"], known["status"], strict=True))
        final_result = {
            "hired": "advanced",
            "rejected": "rejected",
            "withdrawn": "withdrawn",
            "offer_declined": "withdrawn",
            "open": "pending",
        }
        table["result"] = [
            final_result.get(final.get(a, "open"), "pending") if is_last else "advanced"
            for a, is_last in zip(table["application_id"], last, strict=True)
        ]
        table.loc[last & table["result"].eq("pending"), "exited_on"] = pd.NaT
    if "touchpoint" not in table:
        source = table["format"] if "format" in table else table["label"]
        table["touchpoint"] = [
            (r or {}).get("touchpoint") for r in (match_rule(s, rules) for s in source)
        ]
    if "format" in table:
        table["format"] = [None if v is None else _stage_key(v) for v in table["format"]]
    labels = table.drop_duplicates("stage").set_index("stage")["label"]
    stages = pd.DataFrame(
        {
            "stage": new,
            "stage_order": [order[s] for s in new],
            "label_en": [labels[s] for s in new],
            "label_nl": [labels[s] for s in new],
        }
    )
    if mode == "replace":
        stages = pd.DataFrame(
            {
                "stage": list(order),
                "stage_order": list(order.values()),
                "label_en": [labels.get(s, s) for s in order],
                "label_nl": [labels.get(s, s) for s in order],
            }
        )
    stages["stage_order"] = stages["stage_order"].astype("int16")
    events = table.drop(columns=["label", "_row"]).reset_index(drop=True)
    report.rows_loaded = len(events)
    _set_as_of(meta, existing_meta, events, replace=False)
    return Prepared("stages", {"stages": stages, "stage_events": events}, report, meta)


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
            tables[name] = _empty(con, name)
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
    )


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
) -> tuple[Prepared, int | None]:
    """Read, map automatically, validate and (when clean) load one file.

    Returns the prepared upload (with its report) and the new data version, or None when
    nothing was loaded. Raises ``IngestError`` when the file cannot be read at all.
    """
    raw = read_path(path)
    prepared = prepare(raw, kind, date_order=date_order, con=con, mode=mode)
    if not prepared.ok:
        return prepared, None
    return prepared, load(con, prepared, mode=mode)
