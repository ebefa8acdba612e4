"""Reading ATS exports: bytes or a path -> a table of text (``RawFile``).

Why it works like this (see PITFALLS.md): DuckDB's CSV sniffer guesses silently (decimal comma,
encodings, ambiguous dates, ragged rows), so user files are decoded in Python, the delimiter is
sniffed from a bounded sample, and every cell is read as text (``keep_default_na=False`` with an
explicit list of missing-value markers). Conversion happens later (``values``, ``prepare``), value
by value, so every failure can name the file, row and column. Limits on file and cell size keep a
hostile upload from pinning the server. The survey import reuses ``decode`` and
``sniff_delimiter``.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import threading
import zipfile
from collections import Counter, OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.ingest.report import IngestError, Problem

NA_MARKERS = ("", "NA", "N/A", "n/a", "NULL", "null", "#N/A", "nan", "NaN", "-")
SNIFF_BYTES = 64 * 1024
# The largest file the import reads: the same limit as the upload widget (server.maxUploadSize in
# .streamlit/config.toml), so the command line refuses what the app would refuse.
MAX_FILE_BYTES = 200 * 1024 * 1024
# No ATS field needs more than this; a longer cell is a broken export (an unclosed quote that
# swallowed the rest of the file, a pasted document), refused rather than stored.
MAX_CELL_CHARS = 100_000
# Rows per file. A compressed format can hold far more rows than its size suggests (a 150 KB
# Parquet file of one repeated value held 10 million rows and took 4 GB and 45 s to refuse), so
# the row count is checked from the file's own metadata BEFORE anything is converted. 5 million
# applications is more than any ATS export we know of; larger histories load in parts ("Append").
MAX_ROWS = 5_000_000
# Excel is read cell by cell (openpyxl): about 10 s per 100,000 rows of a few columns on a small
# server, in the process that serves everyone. Larger exports load as CSV or Parquet.
MAX_XLSX_ROWS = 250_000
# Decompressed size of an .xlsx's worksheets or of a Parquet file's data (zip bombs).
MAX_DECOMPRESSED_BYTES = 1024 * 1024 * 1024


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
    # Things worth a look that do not stop the import (a decoding fallback): shown as warnings
    # in the quality report.
    warnings: list[Problem] = field(default_factory=list)

    @property
    def columns(self) -> list[str]:
        return [str(c) for c in self.frame.columns]


@dataclass(frozen=True)
class Decoded:
    """An upload's text, the encoding it was read with, and where it first stopped being UTF-8.

    ``bad_offset`` is the byte offset of the first byte that is not UTF-8 (None for a clean
    file). ``replaced``: the rest of the file is UTF-8, so the text is UTF-8 with that byte (and
    any other bad one) replaced by U+FFFD, not the whole file re-read in another encoding."""

    text: str
    encoding: str
    bad_offset: int | None = None
    replaced: bool = False

    def bad_byte(self, data: bytes) -> str:
        return "" if self.bad_offset is None else f"0x{data[self.bad_offset]:02X}"


# Any character outside ASCII that is not the replacement character: proof that the file holds
# real UTF-8 (a cp1252 or latin-1 file's accents are never valid UTF-8 sequences in practice).
_UTF8_EVIDENCE = re.compile("[^\x00-\x7f\ufffd]")


def decode_upload(data: bytes) -> Decoded:
    """Text of an upload: BOMs first, then UTF-8; a file that is not UTF-8 falls back visibly.

    Before, one invalid byte after thousands of clean UTF-8 rows silently re-read the whole file
    as cp1252 (every accent of the clean rows became mojibake, issue 24). Now: a file with real
    UTF-8 in it stays UTF-8 and only the bad bytes are replaced; a file without any (an Excel
    "CSV" in Windows-1252 or latin-1) is read as cp1252 (latin-1 when cp1252 cannot). Either way
    ``bad_offset`` lets the reader warn with the row of the first bad byte."""
    if data.startswith(b"\xef\xbb\xbf"):
        body = data[3:]
        try:
            return Decoded(body.decode("utf-8"), "utf-8-sig")
        except UnicodeDecodeError as e:
            text = body.decode("utf-8", errors="replace")
            return Decoded(text, "utf-8-sig", bad_offset=e.start + 3, replaced=True)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Decoded(data.decode("utf-16"), "utf-16")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as e:
        first_bad = e.start
    replaced = data.decode("utf-8", errors="replace")
    if _UTF8_EVIDENCE.search(replaced):
        return Decoded(replaced, "utf-8", bad_offset=first_bad, replaced=True)
    try:
        return Decoded(data.decode("cp1252"), "cp1252", bad_offset=first_bad)
    except UnicodeDecodeError:
        return Decoded(data.decode("latin-1"), "latin-1", bad_offset=first_bad)


def decode(data: bytes) -> tuple[str, str]:
    """Text and encoding of an upload (``decode_upload`` without the place of the first bad
    byte)."""
    d = decode_upload(data)
    return d.text, d.encoding


def bad_byte_place(data: bytes, offset: int, delimiter: str) -> tuple[int, int]:
    """(line, 0-based field) of the byte at ``offset`` in a delimited file. The line is the
    spreadsheet row unless a quoted cell before it spans lines."""
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    prefix = data[start:offset].decode("latin-1")  # every byte one character: positions hold
    try:
        field_index = len(next(csv.reader([prefix], delimiter=delimiter), [""])) - 1
    except csv.Error:
        field_index = prefix.count(delimiter)
    return line, max(field_index, 0) if prefix else 0


def encoding_warning(
    data: bytes, decoded: Decoded, name: str, delimiter: str, header: list[str] | None
) -> Problem | None:
    """The warning for a file that was not clean UTF-8: the first bad byte's row and column."""
    if decoded.bad_offset is None:
        return None
    line, index = bad_byte_place(data, decoded.bad_offset, delimiter)
    column = header[index] if header is not None and index < len(header) else None
    code = "encoding_replaced" if decoded.replaced else "encoding_fallback"
    value = decoded.bad_byte(data)
    return Problem(code, name, row=line, column=column or None, value=value,
                   detail=decoded.encoding)  # fmt: skip


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


# The last few uploads read, by content. Streamlit reruns the Data page on every click, and the
# page used to read and convert the whole upload each time (seconds for a large file, in the
# one process that serves everyone, issue 18). Keyed by the SHA-256 of the bytes and the file
# name (the suffix picks the reader and the name is in every message); a handful of entries so
# two or three people importing at once do not evict each other, few enough to bound memory.
_READ_CACHE_SIZE = 4
_read_cache: OrderedDict[tuple[str, str, tuple[int, ...]], RawFile] = OrderedDict()
_read_lock = threading.Lock()


def read_upload(data: bytes, filename: str) -> RawFile:
    """Read CSV/TSV/TXT, Excel .xlsx or Parquet bytes as text. Raises ``IngestError``.

    The same bytes under the same name are read once: later calls return the same ``RawFile``
    (callers treat it as read-only; nothing in the import changes it). A refusal is not cached:
    it is cheap, as every limit is checked before converting."""
    key = (hashlib.sha256(data).hexdigest(), filename, read_limits())
    with _read_lock:
        if key in _read_cache:
            _read_cache.move_to_end(key)
            return _read_cache[key]
    raw = _read_upload(data, filename)
    with _read_lock:
        _read_cache[key] = raw
        while len(_read_cache) > _READ_CACHE_SIZE:
            _read_cache.popitem(last=False)
    return raw


def read_limits() -> tuple[int, ...]:
    """The limits a read was checked against (part of the cache key: a file read under other
    limits is read again)."""
    return (MAX_FILE_BYTES, MAX_ROWS, MAX_XLSX_ROWS, MAX_DECOMPRESSED_BYTES, MAX_CELL_CHARS)


def clear_read_cache() -> None:
    """Forget every cached upload (tests; an operator freeing memory)."""
    with _read_lock:
        _read_cache.clear()


def _read_upload(data: bytes, filename: str) -> RawFile:
    name = Path(filename).name
    if not data:
        raise IngestError(Problem("empty_file", name))
    if len(data) > MAX_FILE_BYTES:
        raise IngestError(_too_large(name, len(data)))
    suffix = Path(filename).suffix.lower()
    check_rows_before_reading(data, name, suffix)
    raw, header = _read_any(data, name, suffix)
    if header is not None:
        raw.frame = _named_columns(raw.frame, header, name)
    if raw.frame.empty:
        raise IngestError(Problem("empty_file", name))
    dupes = [c for c, n in Counter(raw.columns).items() if n > 1]
    if dupes:
        raise IngestError(Problem("duplicate_header", name, column=dupes[0]))
    _skip_empty_rows(raw)
    _check_cell_sizes(raw)
    return raw


def _read_any(data: bytes, name: str, suffix: str) -> tuple[RawFile, list[str] | None]:
    """The file by its suffix, and its header row as written (None when pandas' names stand).
    Every reader error becomes one ``IngestError`` message, never a traceback."""
    try:
        if suffix in (".xlsx", ".xlsm"):
            return _read_excel(data, name)
        if suffix == ".parquet":
            return RawFile(name, _parquet_as_text(data), "parquet"), None
        if suffix in (".csv", ".txt", ".tsv", ""):
            return _read_csv(data, name)
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


def _too_many_rows(name: str, rows: int, limit: int) -> IngestError:
    return IngestError(Problem("too_many_rows", name, value=str(rows), detail=str(limit)))


def check_rows_before_reading(data: bytes, name: str, suffix: str) -> None:
    """Refuse a file whose rows or decompressed size exceed the limits, from its metadata or a
    byte scan, before pandas converts a single cell. Unreadable metadata is left to the reader
    (which reports it as unreadable)."""
    if suffix == ".parquet":
        try:
            import pyarrow.parquet as pq

            meta = pq.ParquetFile(io.BytesIO(data)).metadata
        except Exception:  # noqa: BLE001 - the reader below gives the message
            return
        if meta.num_rows > MAX_ROWS:
            raise _too_many_rows(name, meta.num_rows, MAX_ROWS)
        size = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
        if size > MAX_DECOMPRESSED_BYTES:
            raise IngestError(_too_large(name, size, MAX_DECOMPRESSED_BYTES))
    elif suffix in (".xlsx", ".xlsm"):
        _check_xlsx(data, name)
    else:
        # A CSV has at most one row per line break: counting them is a memchr over the bytes.
        lines = data.count(b"\n")
        if lines > MAX_ROWS + 1:
            raise _too_many_rows(name, lines, MAX_ROWS)


_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")


def _check_xlsx(data: bytes, name: str) -> None:
    """Rows of the first worksheet counted in its decompressed XML, streamed (a sheet's
    ``<dimension>`` can be missing or wrong), and the worksheets' decompressed size."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        sheets = sorted(
            (i for i in zf.infolist() if i.filename.startswith("xl/worksheets/sheet")),
            key=lambda i: (len(i.filename), i.filename),
        )
    except zipfile.BadZipFile:
        return  # not an xlsx: the reader reports it
    size = sum(i.file_size for i in sheets)
    if size > MAX_DECOMPRESSED_BYTES:
        raise IngestError(_too_large(name, size, MAX_DECOMPRESSED_BYTES))
    if not sheets:
        return
    rows, tail = 0, b""
    with zf.open(sheets[0]) as stream:
        while chunk := stream.read(1 << 20):
            buf = tail + chunk
            rows += len(_ROW_TAG.findall(buf))
            # Keep the last few bytes so a tag split between chunks is counted once: the tail
            # cannot hold a whole tag counted already, as a tag is at least 5 bytes long.
            tail = buf[-4:]
            if rows > MAX_XLSX_ROWS + 1:
                raise _too_many_rows(name, rows, MAX_XLSX_ROWS)


def _parquet_as_text(data: bytes) -> pd.DataFrame:
    """Parquet columns as text, converted column by column in Arrow (not cell by cell in
    Python); dates and times keep the ISO form the Python path gives (``isoformat``)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    table = pq.read_table(io.BytesIO(data))
    out: dict[str, pd.Series] = {}
    for name, column in zip(table.column_names, table.columns, strict=True):
        if pa.types.is_temporal(column.type) or pa.types.is_nested(column.type):
            out[name] = _as_text(pd.DataFrame({name: column.to_pandas()}))[str(name).strip()]
            continue
        text = pc.utf8_trim_whitespace(pc.cast(column, pa.string()))
        series = text.to_pandas(types_mapper=lambda _t: pd.StringDtype())
        out[name] = series
    return _as_text(pd.DataFrame(out))


def _read_excel(data: bytes, name: str) -> tuple[RawFile, list[str]]:
    sheet = pd.read_excel(
        io.BytesIO(data),
        dtype=str,
        header=None,
        keep_default_na=False,
        na_values=list(NA_MARKERS),
    )
    if sheet.empty:
        raise IngestError(Problem("empty_file", name))
    # The header row as written: pandas would rename duplicates.
    header = ["" if pd.isna(h) else str(h).strip() for h in sheet.iloc[0]]
    frame = sheet.iloc[1:].reset_index(drop=True)
    frame.columns = [str(i) for i in range(len(header))]
    return RawFile(name, _as_text(frame), "xlsx"), header


def _read_csv(data: bytes, name: str) -> tuple[RawFile, list[str] | None]:
    if b"\x00" in data[:SNIFF_BYTES] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IngestError(Problem("binary_file", name))
    decoded = decode_upload(data)
    text, encoding = decoded.text, decoded.encoding
    if "\x00" in text:  # NUL after the sniffed start: not a text export either
        raise IngestError(Problem("binary_file", name))
    if not text or text.isspace():  # not ``text.strip()``: that copies the whole file
        raise IngestError(Problem("empty_file", name))
    delimiter = sniff_delimiter(text[:SNIFF_BYTES])
    # The header from the lines of the text, one at a time: ``io.StringIO(text)`` copied the whole
    # file (four bytes a character) to read its first line.
    header: list[str] | None = [
        h.strip() for h in next(csv.reader(_lines(text), delimiter=delimiter))
    ]
    warning = encoding_warning(data, decoded, name, delimiter, header)
    frame = _arrow_csv(data, decoded, delimiter, header)
    ragged: list[tuple[int, int]] = []
    if frame is None:  # not the common case: the reader below, line by line
        frame, ragged, header = _python_csv(text, delimiter, header)
    raw = RawFile(name, frame, "csv", encoding, delimiter, ragged)
    raw.warnings = [warning] if warning is not None else []
    return raw, header


def _python_csv(
    text: str, delimiter: str, header: list[str]
) -> tuple[pd.DataFrame, list[tuple[int, int]], list[str] | None]:
    """The general CSV reader (pandas' C parser, the csv module for ragged lines): the frame
    (``_as_text``), the ragged lines and the header (None when pandas saw another one)."""
    width = len(header)
    ragged, rows = _ragged_lines(text, delimiter)
    if rows is not None:  # some lines have too many or too few fields
        frame = pd.DataFrame([(r + [""] * width)[:width] for r in rows[1:]], dtype="str")
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
    names: list[str] | None = header
    if frame.shape[1] == width:
        frame.columns = [str(i) for i in range(width)]
    else:  # pandas saw another header (quoted newlines): keep its names
        names = None
    return _as_text(frame), ragged, names


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` with their endings, as ``io.StringIO(text)`` yields them (split on
    "\n" only), without copying the text first."""
    start, end = 0, len(text)
    while start < end:
        stop = text.find("\n", start)
        if stop < 0:
            yield text[start:]
            return
        yield text[start : stop + 1]
        start = stop + 1


# Blocks pyarrow parses at a time: a row must fit in one (a longer one makes pyarrow fail, and
# the file goes to the general reader, which refuses cells above MAX_CELL_CHARS anyway).
_ARROW_BLOCK_BYTES = 8 * 1024 * 1024
_SENTINEL = "\x02end\x03"  # see _arrow_csv; control characters no export writes in a cell


def _arrow_csv(
    data: bytes, decoded: Decoded, delimiter: str, header: list[str]
) -> pd.DataFrame | None:
    """The frame ``_python_csv`` gives, parsed by pyarrow's CSV reader on the bytes, or None
    when this file needs the general reader.

    Why: the general reader (pandas' C parser with ``dtype=str``, then the conversion to Arrow
    strings, and a per-line count of delimiters for ragged lines) took about 6 CPU seconds for
    a million rows, two thirds of the import's reading (issue 21); pyarrow parses the same bytes
    into Arrow strings in about one, on every core. It is used only where it gives exactly the
    same cells (``tests/analytics/ingest/test_reading_arrow.py`` compares both on crafted and
    generated files): clean UTF-8 (other encodings and replaced bytes go the general way), every
    line with the header's number of fields (pyarrow refuses a ragged line: the general reader
    then reports each one), and a header row that pyarrow reads as ``csv`` does. Empty lines are
    skipped by both; quoted fields may hold delimiters, doubled quotes and line breaks."""
    width = len(header)
    if decoded.encoding not in ("utf-8", "utf-8-sig") or decoded.bad_offset is not None:
        return None
    if width < 2:  # a leading empty line, or one column: pandas skips lines of spaces there
        return None
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):  # a lone CR: pandas' own rules
        return None
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv

    # pyarrow takes a quote left open at the end of the file as closed there; pandas refuses the
    # file. A last row of a marker in every field tells them apart: it is a row of its own only
    # when every quote before it was closed (else it is part of the open cell).
    sentinel = delimiter.join([_SENTINEL] * width).encode()
    body = (data[3:] if decoded.encoding == "utf-8-sig" else data) + b"\n" + sentinel + b"\n"
    names = [f"f{i}" for i in range(width)]
    try:
        table = pcsv.read_csv(
            pa.py_buffer(body),
            read_options=pcsv.ReadOptions(
                column_names=names, block_size=_ARROW_BLOCK_BYTES, use_threads=True
            ),
            parse_options=pcsv.ParseOptions(
                delimiter=delimiter,
                quote_char='"',
                double_quote=True,
                escape_char=False,
                newlines_in_values=b'"' in data,
                ignore_empty_lines=True,
            ),
            convert_options=pcsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                null_values=[],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except Exception:  # noqa: BLE001 - any file pyarrow cannot read goes the general way
        return None
    if table.num_columns != width or table.num_rows < 2:
        return None
    first = [table.column(i)[0].as_py() for i in range(width)]
    if [h.strip() for h in first] != header:  # pyarrow read the first row another way
        return None
    if any(table.column(i)[-1].as_py() != _SENTINEL for i in range(width)):
        return None  # a quote left open: the general reader refuses the file
    table = table.slice(0, table.num_rows - 1)
    markers = pa.array(NA_MARKERS, pa.string())
    missing = pa.scalar(None, pa.string())
    out: dict[str, pd.Series] = {}
    for i in range(width):
        # What ``_as_text`` does on the general reader's frame, in Arrow: the same
        # ``utf8_trim_whitespace`` that pandas' ``str.strip`` calls, then the markers.
        column = pc.utf8_trim_whitespace(table.column(i).slice(1))
        column = pc.if_else(pc.is_in(column, value_set=markers), missing, column)
        out[str(i)] = pd.Series(pd.array(column, dtype=_STR), copy=False)
    return pd.DataFrame(out, copy=False)


# pandas' default text dtype (``dtype=str`` in ``read_csv``): Arrow-backed, missing = NaN.
_STR = pd.StringDtype("pyarrow", na_value=np.nan)


def _skip_empty_rows(raw: RawFile) -> None:
    """Leave out rows with no value at all, keeping every other row's spreadsheet number."""
    empty = raw.frame.isna().all(axis=1).to_numpy()
    rows = np.arange(len(raw.frame)) + 2  # spreadsheet rows, header = row 1
    if empty.any():
        raw.skipped_empty = rows[empty].tolist()
        raw.frame = raw.frame[~empty].reset_index(drop=True)
        rows = rows[~empty]
        if raw.frame.empty:
            raise IngestError(Problem("empty_file", raw.name))
    raw.row_numbers = rows


def _too_large(name: str, size: int, limit: int = MAX_FILE_BYTES) -> Problem:
    mb = 1024 * 1024
    return Problem("too_large", name, value=f"{size / mb:.0f} MB", detail=f"{limit // mb}")


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
        if _bytes_at_most(values, MAX_CELL_CHARS):
            continue  # a character is at least one byte: no cell can be too long
        lengths = values.astype("str").str.len().where(values.notna(), 0)
        if len(lengths) and int(lengths.max()) > MAX_CELL_CHARS:
            i = int(lengths.to_numpy().argmax())
            row = int(raw.row_numbers[i]) if raw.row_numbers is not None else None
            raise IngestError(
                Problem("cell_too_large", raw.name, row=row, column=col, detail=str(MAX_CELL_CHARS))
            )


def _bytes_at_most(values: pd.Series, limit: int) -> bool:
    """True when an Arrow-backed text column holds no cell over ``limit`` bytes (UTF-8), read
    from the array's offsets (counting characters scans every byte: issue 21)."""
    array = values.array
    if not isinstance(array, pd.arrays.ArrowStringArray):
        return False
    import pyarrow as pa
    import pyarrow.compute as pc

    longest = pc.max(pc.binary_length(pa.array(array))).as_py()
    return longest is None or longest <= limit


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
