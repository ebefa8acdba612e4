"""Reading survey exports: bytes -> a table of text answers and what the layout says about it.

Why a module of its own: survey tools export in their own shapes (Qualtrics puts question texts
in row 2 and import ids in row 3, SurveyMonkey puts checkbox options in row 2, SPSS carries value
labels and user-missing codes), and hostile files must end in a message naming the row and
column, never a traceback. This module only reads and shapes; ``survey_detect`` decides what each
column is. Decoding and delimiter sniffing are the ATS import's (``ingest.reading``).
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analytics.domain import AivshiError
from analytics.i18n import t
from analytics.ingest import reading
from analytics.ingest.mapping import normalise_name
from analytics.ingest.reading import decode_upload, encoding_warning, sniff_delimiter
from analytics.ingest.report import IngestError

SNIFF_BYTES = 64 * 1024
# The same limits as the ATS import (and the upload widget's server.maxUploadSize).
MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_CELL_CHARS = 100_000
# Questions per survey. 8,192 or more killed the whole server process (DuckDB died with SIGFPE
# in a one-column-per-question pivot, issue 18); the pivot is pandas now, but every page draws
# per question and the review table lists them all. 2,000 is more than any real questionnaire
# (a long Qualtrics export has a few hundred columns); a larger file is refused with a message.
MAX_QUESTIONS = 2_000
# Columns per file: the questions plus identifiers and tool metadata (Qualtrics adds ~20).
MAX_COLUMNS = MAX_QUESTIONS + 200


@dataclass(frozen=True)
class SurveyError(AivshiError):
    """A survey file or review that cannot be stored; ``text(lang)`` says what and where."""

    code: str
    file: str
    row: int | None = None
    column: str | None = None
    detail: str = ""

    def text(self, lang: str = "en") -> str:
        where = t("survey_import.where.file", lang, file=self.file)
        if self.row is not None:
            where += ", " + t("survey_import.where.row", lang, row=self.row)
        if self.column is not None:
            where += ", " + t("survey_import.where.column", lang, column=self.column)
        return f"{where}: {t(f'survey_import.problem.{self.code}', lang, detail=self.detail)}"

    def __str__(self) -> str:
        return self.text("en")


@dataclass
class SurveyTable:
    """A survey export read and shaped: answers as text, one column per source column."""

    name: str
    layout: str  # csv | xlsx | sav | qualtrics | surveymonkey | google_forms
    frame: pd.DataFrame
    first_row: int  # the file row of the first respondent (1-based, as in a spreadsheet)
    texts: dict[str, str] = field(default_factory=dict)  # column -> question text
    sm_options: dict[str, str] = field(default_factory=dict)  # SurveyMonkey checkbox options
    sav_meta: Any = None  # pyreadstat metadata of an SPSS file
    encoding: str | None = None
    delimiter: str | None = None
    # A decoding fallback, with the row and column of the first byte that was not UTF-8.
    encoding_warning: SurveyError | None = None


def read_table(data: bytes, filename: str) -> SurveyTable:
    """Read a survey export by its suffix. Raises ``SurveyError``."""
    name = Path(filename).name
    suffix = Path(filename).suffix.lower()
    if not data:
        raise SurveyError("empty_file", name)
    if len(data) > MAX_FILE_BYTES:
        raise SurveyError("too_large", name, detail=megabytes(len(data)))
    _check_size_before_reading(data, name, suffix)
    if suffix == ".sav":
        frame, sav_meta = _read_sav(data, name)
        table = SurveyTable(name, "sav", frame, 2, sav_meta=sav_meta)
    elif suffix in (".xlsx", ".xlsm"):
        try:
            sheet = pd.read_excel(io.BytesIO(data), dtype=object, header=None)
        except Exception as e:
            raise SurveyError("unreadable", name, detail=str(e).splitlines()[0][:200]) from e
        rows = [["" if clean(v) is None else str(clean(v)) for v in r] for r in sheet.values]
        table = _shape(rows, _layout(rows), name)
        table.layout = "xlsx" if table.layout == "csv" else table.layout
    elif suffix in (".csv", ".txt", ".tsv", ""):
        rows, encoding, delimiter, warning = _rows_from_csv(data, name)
        table = _shape(rows, _layout(rows), name)
        table.encoding, table.delimiter = encoding, delimiter
        if warning is not None:
            table.encoding_warning = SurveyError(
                warning.code, name, row=warning.row, column=warning.column,
                detail=f"{warning.value}, {warning.detail}",
            )  # fmt: skip
    else:
        raise SurveyError("unsupported_format", name, detail=suffix)
    if table.frame.empty:
        raise SurveyError("no_rows", name)
    return table


def _check_size_before_reading(data: bytes, name: str, suffix: str) -> None:
    """The ATS import's limits on rows and decompressed size (``reading``), before anything is
    converted; for SPSS, rows and columns from the file's metadata."""
    if suffix == ".sav":
        rows, columns = _sav_shape(data)
        if rows is not None and rows > reading.MAX_ROWS:
            raise SurveyError("too_many_rows", name, detail=f"{rows:,} / {reading.MAX_ROWS:,}")
        if columns is not None and columns > MAX_COLUMNS:
            raise too_many_questions(name, columns)
        return
    try:
        reading.check_rows_before_reading(data, name, suffix)
    except IngestError as e:
        p = e.problem
        if p.code == "too_many_rows":
            detail = f"{int(p.value or 0):,} / {int(p.detail):,}"
            raise SurveyError("too_many_rows", name, detail=detail) from e
        raise SurveyError("too_large", name, detail=f"{p.value} / {p.detail} MB") from e


def too_many_questions(name: str, n: int, *, row: int | None = None) -> SurveyError:
    return SurveyError("too_many_questions", name, row=row, detail=f"{n:,} / {MAX_QUESTIONS:,}")


def _sav_shape(data: bytes) -> tuple[int | None, int | None]:
    """Rows and columns of an SPSS file from its header (None when unknown or unreadable)."""
    import pyreadstat

    with tempfile.NamedTemporaryFile(suffix=".sav") as tmp:
        tmp.write(data)
        tmp.flush()
        try:
            _, meta = pyreadstat.read_sav(tmp.name, metadataonly=True)
        except Exception:  # noqa: BLE001 - the full read below gives the message
            return None, None
    rows = meta.number_rows if meta.number_rows is not None and meta.number_rows >= 0 else None
    return rows, meta.number_columns


def megabytes(size: int) -> str:
    mb = 1024 * 1024
    return f"{size / mb:.0f} MB / {MAX_FILE_BYTES // mb} MB"


def isna(v: object) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v))


def clean(v: object) -> str | None:
    """A cell as stripped text (whole floats without '.0'), or None when empty."""
    if isna(v):
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    s = str(v).strip()
    return s or None


def _rows_from_csv(data: bytes, name: str) -> tuple[list[list[str]], str, str, SurveyError | None]:
    if b"\x00" in data[:SNIFF_BYTES] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SurveyError("binary_file", name)
    decoded = decode_upload(data)
    text, encoding = decoded.text.lstrip("\ufeff"), decoded.encoding
    if not text.strip():
        raise SurveyError("empty_file", name)
    if "\x00" in text:
        raise SurveyError("binary_file", name)
    delimiter = sniff_delimiter(text[:SNIFF_BYTES])
    header = next(csv.reader(io.StringIO(text[:SNIFF_BYTES]), delimiter=delimiter), [])
    if len(header) > MAX_COLUMNS:  # refused before ~n x rows cells are parsed
        raise too_many_questions(name, len(header), row=1)
    warning = encoding_warning(data, decoded, name, delimiter, [h.strip() for h in header])
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    rows: list[list[str]] = []
    start = 1  # the line where the record being read began
    try:
        for r in reader:
            if r:
                rows.append(r)
            start = reader.line_num + 1
    except csv.Error as e:
        if "field larger than field limit" in str(e):
            raise SurveyError("cell_too_large", name, row=start, detail=str(MAX_CELL_CHARS)) from e
        if "unexpected end of data" in str(e):  # a quote opened and never closed
            raise SurveyError("unclosed_quote", name, row=start) from e
        raise SurveyError("unreadable", name, row=start, detail=str(e)) from e
    return rows, encoding, delimiter, warning


def _frame(header: list[str], body: list[list[str]], name: str, first_row: int) -> pd.DataFrame:
    header = [h.strip() for h in header]
    width = len(header)
    if width > MAX_COLUMNS:  # Excel and SurveyMonkey layouts (CSV is checked while reading)
        raise too_many_questions(name, width, row=first_row - 1)
    if width < 2 or all(not h for h in header):
        raise SurveyError("no_header", name, row=first_row - 1)
    for i, row in enumerate(body):
        if len(row) != width:
            raise SurveyError("ragged", name, row=first_row + i, detail=f"{len(row)} / {width}")
    dupes = [h for h, n in Counter(header).items() if n > 1 and h]
    if dupes:
        raise SurveyError("duplicate_header", name, column=dupes[0])
    frame = pd.DataFrame(body, columns=range(width), dtype=object)
    frame = frame.map(clean) if len(frame) else frame
    keep = []
    for i, h in enumerate(header):
        if h:
            keep.append(i)
        elif frame[i].notna().any():  # answers under no question: say so, do not invent a name
            named = [x for x in header if x]
            if len(named) == 1:  # a title above the header (merged cells in Excel)
                raise SurveyError("title_row", name, row=first_row - 1, detail=named[0])
            raise SurveyError("empty_header", name, row=first_row - 1, detail=str(i + 1))
    frame = frame[keep]
    frame.columns = [header[i] for i in keep]
    for col in frame.columns:
        lengths = frame[col].map(lambda v: len(v) if isinstance(v, str) else 0)
        if len(lengths) and lengths.max() > MAX_CELL_CHARS:
            row = first_row + int(lengths.to_numpy().argmax())
            raise SurveyError(
                "cell_too_large", name, row=row, column=col, detail=str(MAX_CELL_CHARS)
            )
    return frame


def _layout(rows: list[list[str]]) -> str:
    if len(rows) >= 3 and any(c.strip().startswith('{"ImportId"') for c in rows[2]):
        return "qualtrics"
    if len(rows) >= 2 and any(c.strip() in ("Response", "Open-Ended Response") for c in rows[1]):
        return "surveymonkey"
    if rows and normalise_name(rows[0][0]) in ("timestamp", "tijdstempel"):
        return "google_forms"
    return "csv"


def _shape(rows: list[list[str]], layout: str, name: str) -> SurveyTable:
    """Header, question texts and the first data row for each layout."""
    if not rows:
        raise SurveyError("empty_file", name)
    header = [h.strip() for h in rows[0]]
    if layout == "qualtrics":
        if len(rows[1]) != len(header):
            raise SurveyError("bad_header_rows", name, row=2, detail="qualtrics")
        texts = {h: rows[1][i].strip() for i, h in enumerate(header)}
        return SurveyTable(name, layout, _frame(header, rows[3:], name, 4), 4, texts)
    if layout == "surveymonkey":
        return _shape_surveymonkey(rows, header, name)
    return SurveyTable(name, layout, _frame(header, rows[1:], name, 2), 2)


def _shape_surveymonkey(rows: list[list[str]], header: list[str], name: str) -> SurveyTable:
    """Row 2 holds 'Response' or a checkbox option per column; a question's text spans the
    columns after it until the next one."""
    sub = rows[1]
    if len(sub) != len(header):
        raise SurveyError("bad_header_rows", name, row=2, detail="surveymonkey")
    texts: dict[str, str] = {}
    options: dict[str, str] = {}
    current = ""
    fixed = []
    for i, h in enumerate(header):
        if h:
            current = h
        s = sub[i].strip()
        col = current if s in ("", "Response", "Open-Ended Response") else f"{current} | {s}"
        if s not in ("", "Response", "Open-Ended Response"):
            options[col] = s
        texts[col] = current
        fixed.append(col)
    if not header[0]:
        raise SurveyError("no_header", name, row=1)
    return SurveyTable(name, "surveymonkey", _frame(fixed, rows[2:], name, 3), 3, texts, options)


def _read_sav(data: bytes, name: str):
    import pyreadstat

    with tempfile.NamedTemporaryFile(suffix=".sav") as tmp:
        tmp.write(data)
        tmp.flush()
        try:
            frame, meta = pyreadstat.read_sav(tmp.name, user_missing=True)
        except Exception as e:  # pyreadstat.ReadstatError and friends
            raise SurveyError("bad_sav", name, detail=str(e).splitlines()[0][:200]) from e
    for col, ranges in (meta.missing_ranges or {}).items():  # user-missing codes -> missing
        if col in frame.columns and pd.api.types.is_numeric_dtype(frame[col]):
            x = frame[col]
            hit = np.zeros(len(frame), dtype=bool)
            for r in ranges:
                hit |= (x >= r["lo"]).to_numpy() & (x <= r["hi"]).to_numpy()
            frame[col] = x.where(~hit)
    return frame, meta
