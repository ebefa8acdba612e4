"""Tables leaving the app (CSV, Excel): spreadsheet formulas escaped, small groups suppressed.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a formula
by Excel and LibreOffice (CSV injection, OWASP). Text cells like that get a leading apostrophe;
numbers stay numbers, so a negative difference is still a number in the spreadsheet.
"""

from __future__ import annotations

import io

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def escape_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell (and column name) formula-escaped."""
    out = frame.copy()
    for col in out.columns:
        if not pd.api.types.is_numeric_dtype(out[col]) and not pd.api.types.is_bool_dtype(out[col]):
            out[col] = out[col].map(escape_formula)
    out.columns = [escape_formula(str(c)) for c in out.columns]
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a BOM (so Excel opens accents right), formulas escaped."""
    buffer = io.StringIO()
    escape_frame(frame).to_csv(buffer, index=False)
    return buffer.getvalue().encode("utf-8-sig")


def to_excel_bytes(frame: pd.DataFrame, sheet_name: str = "data") -> bytes:
    """An .xlsx workbook with one sheet, formulas escaped like the CSV (openpyxl)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        escape_frame(frame).to_excel(writer, sheet_name=sheet_name[:31], index=False)
    return buffer.getvalue()


def _sheet_name(name: str, used: set[str]) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in str(name)).strip("'") or "data"
    base, n = clean[:31], 2
    out = base
    while out.lower() in used:
        suffix = f" ({n})"
        out, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(out.lower())
    return out


def to_excel_workbook(tables: dict[str, pd.DataFrame]) -> bytes:
    """An .xlsx workbook with one sheet per table, formulas escaped like the CSV."""
    buffer = io.BytesIO()
    used: set[str] = set()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        if not tables:
            pd.DataFrame().to_excel(writer, sheet_name="data", index=False)
        for name, frame in tables.items():
            escape_frame(frame).to_excel(writer, sheet_name=_sheet_name(name, used), index=False)
    return buffer.getvalue()


def to_csv_zip(tables: dict[str, pd.DataFrame]) -> bytes:
    """A zip with one formula-escaped CSV per table (``name.csv``)."""
    import re
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, frame in tables.items():
            safe = re.sub(r"[^A-Za-z0-9_-]+", "_", str(name)).strip("_") or "table"
            zf.writestr(f"{safe}.csv", to_csv_bytes(frame))
    return buffer.getvalue()


def suppress_small(frame: pd.DataFrame, count_columns: list[str], threshold: int) -> pd.DataFrame:
    """Rows whose count in any of ``count_columns`` is below ``threshold`` are dropped (a table
    leaving the app never carries a small group, not even as a blank row)."""
    keep = pd.Series(True, index=frame.index)
    for col in count_columns:
        if col in frame:
            values = pd.to_numeric(frame[col], errors="coerce")
            keep &= ~(values < threshold).fillna(False)
    return frame[keep].reset_index(drop=True)
