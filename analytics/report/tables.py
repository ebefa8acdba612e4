"""A deck's tables for download (CSV zip, Excel workbook), with the privacy threshold applied.

The same tables the slides show, so a number in a download can be traced to its slide; the
writers (formula escaping, sheet names) live in ``analytics.report.export``.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Collection

import numpy as np
import pandas as pd

from analytics import findings
from analytics.domain import PRIVACY_THRESHOLD
from analytics.i18n import MISSING, fmt_num, fmt_p, t
from analytics.report import benchmarks, export
from analytics.report.model import Deck

_COUNT_COLUMNS = ("n", "n Human-first", "n Automation-first")


def deck_tables(deck: Deck) -> dict[str, pd.DataFrame]:
    """Every slide's table plus an "about" table (title, data as of, filters, demo, sources).

    Tables come from the analytics' own table functions, which already blank groups below the
    privacy threshold; rows whose count column is below it are dropped as well."""
    lang = deck.lang
    about = [
        (t("report.title", lang), deck.subtitle()),
        ("filters", findings.filters_text(deck.filters, lang)),
    ]
    if deck.demo:
        about.append(("demo", t("finding.demo_note", lang)))
    for bm in benchmarks.BENCHMARKS.values():
        about.append((t("report.sources", lang), f"{bm.source} ({bm.year}), {bm.url}"))
    tables = {"about": pd.DataFrame(about, columns=["item", "value"])}
    for slide in deck.slides:
        if slide.table is None:
            continue
        counts = [c for c in slide.table.columns if str(c) == "n" or str(c).startswith("n ")]
        counts += [c for c in slide.table.columns if str(c) in _COUNT_COLUMNS]
        counts += [t("report.col.applicants", lang)]
        tables[slide.key] = export.suppress_small(slide.table, counts, PRIVACY_THRESHOLD)
    return tables


def tables_excel(deck: Deck) -> bytes:
    return export.to_excel_workbook(deck_tables(deck))


def tables_csv_zip(deck: Deck) -> bytes:
    return export.to_csv_zip(deck_tables(deck))


_NUMBER = re.compile(r"-?\d+(?:\.(\d+))?")
_INTERVAL = re.compile(r"^\s*[-−]?\d+(\.\d+)?\s*[–-]\s*[-−]?\d+(\.\d+)?\s*$")
_P_COLUMN = re.compile(r"^p\b|p-value|p-waarde|\bp \(", re.IGNORECASE)


def _cell(value: object, lang: str, *, p_column: bool, digits: int, text: bool = False) -> str:
    if value is None or value is pd.NA or value is pd.NaT:
        return MISSING
    if isinstance(value, bool | np.bool_):
        # "True" is Python, not a word a reader uses (and not Dutch)
        return t(f"report.table.{'yes' if value else 'no'}", lang)
    if text and isinstance(value, str):
        # user text (an answer, a label): shown as written, even "None" or "1.5"
        return value if value else MISSING
    if isinstance(value, numbers.Real):
        x = float(value)
        if not math.isfinite(x):
            return MISSING
        if p_column:
            return fmt_p(x, lang)
        # a count stored as a float (8102.00 beside the rates of its column) reads as a count
        return fmt_num(x, lang, 0 if x.is_integer() else digits)
    text = str(value)
    if text in ("nan", "None", "<NA>", ""):
        return MISSING
    if lang != "en" and _INTERVAL.match(text):
        # intervals pre-formatted as text ("-2.2 – 0.3") follow the language too
        return _NUMBER.sub(lambda m: fmt_num(float(m.group()), lang, len(m.group(1) or "")), text)
    return text


def display_table(
    frame: pd.DataFrame, lang: str, *, text_columns: Collection[str] = ()
) -> pd.DataFrame:
    """A table as the reader's language prints it, every cell a string: Dutch ``1.234,5``, English
    ``1,234.5``; counts without decimals; p-values as journals print them (``< 0.001``); an em
    dash for a missing value (never ``None`` or ``NaN``), "yes"/"no" for a flag. For screens and
    the HTML report only: CSV and Excel keep numbers as numbers (and their formula escaping).

    ``text_columns`` hold user text (survey answers and labels): kept exactly as written, since
    "None" or "1.5" can be a real answer (PITFALLS.md); only a missing cell becomes a dash."""
    # Built column by column into plain lists and made a frame once (issue 21): inserting
    # columns one at a time and coercing every column with pd.to_numeric cost ~10-20 ms a table
    # in pandas 3, on every page run, for tables of a few dozen cells.
    columns = []
    for position in range(frame.shape[1]):
        column = frame.columns[position]
        values = frame.iloc[:, position]
        p_column = bool(_P_COLUMN.search(str(column)))
        if isinstance(values.dtype, np.dtype) and values.dtype.kind == "f":
            columns.append(_float_cells(values.to_numpy(), lang, p_column=p_column))
            continue
        text = column in text_columns
        digits = _digits(values)
        columns.append(
            [_cell(v, lang, p_column=p_column, digits=digits, text=text) for v in values]
        )
    out = pd.DataFrame(dict(enumerate(columns)), index=frame.index)
    out.columns = frame.columns
    return out


def _digits(values: pd.Series) -> int:
    """Ratios (all below 10) keep two decimals, percentages and scores one."""
    if isinstance(values.dtype, pd.StringDtype):
        return 1  # no cell of a text column is a number (a missing one is a dash)
    numeric = pd.to_numeric(values, errors="coerce")
    finite = numeric[numeric.notna()].abs()
    return 2 if len(finite) and float(finite.max()) < 10 else 1


def _float_cells(values: np.ndarray, lang: str, *, p_column: bool) -> list[str]:
    """``_cell`` for every value of a float column, with its digits found once."""
    present = np.abs(values[~np.isnan(values)])
    digits = 2 if len(present) and float(present.max()) < 10 else 1
    cells = []
    for x in values.tolist():
        if not math.isfinite(x):
            cells.append(MISSING)
        elif p_column:
            cells.append(fmt_p(x, lang))
        else:
            cells.append(fmt_num(x, lang, 0 if x.is_integer() else digits))
    return cells


def interval_cell(low: str, high: str) -> str:
    """ "low – high" for a table cell, or one dash when the interval is missing (never "— – —")."""
    if low == MISSING or high == MISSING:
        return MISSING
    return f"{low} – {high}"


def value_cell(value: str, extra: str) -> str:
    """ "value (extra)" for a table cell (an interval, an n, a test name), or one dash when the
    value is missing (never "— (n = —)")."""
    if value == MISSING:
        return MISSING
    return f"{value} ({extra})" if extra and extra != MISSING else value
