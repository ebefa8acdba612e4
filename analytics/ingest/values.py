"""Parsing one cell at a time: dates (ISO, day-first or month-first, epoch), numbers (decimal comma
or point, currency signs), yes/no words, stage keys and hashed identifiers.

Why a module of its own: every conversion returns None for a value it cannot read instead of
raising, so ``prepare`` can report the file, row and column of each bad value. Exports repeat
values a lot, so ``convert`` parses each distinct value once.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from analytics.ingest.fields import FALSE_WORDS, TRUE_WORDS

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


def parse_date(value: str, order: str) -> dt.date | None:
    """A calendar date from ISO, dd-mm-yyyy / mm-dd-yyyy (``order``) or epoch (s or ms) text."""
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


def norm_value(v: str) -> str:
    """'Offer_Declined ' -> 'offer declined' (for synonym look-ups)."""
    return re.sub(r"[\s_\-]+", " ", v.strip().lower())


def parse_number(value: str, decimal_comma: bool) -> float | None:
    s = re.sub(r"[\s€$£%]", "", value)
    if "," in s and "." in s:
        decimal_comma = s.rfind(",") > s.rfind(".")
    s = s.replace(".", "").replace(",", ".") if decimal_comma else s.replace(",", "")
    try:
        x = float(s)
    except ValueError:
        return None
    # float() reads "inf", "nan" and overflows "1e309" to inf: none of them is an amount, and a
    # salary of inf would load and poison every mean (issue 24).
    return x if math.isfinite(x) else None


# The DuckDB column types of the integer fields (analytics/store/schema.py; a test checks that
# they agree). A value beyond its column's type used to reach the load and fail there as
# "Current transaction is aborted" with no row or column; beyond int64 it was a pandas traceback.
# Checked while converting instead, so the report names the row, column and value.
INT_TYPE_RANGES: dict[str, tuple[int, int]] = {
    "TINYINT": (-(2**7), 2**7 - 1),
    "SMALLINT": (-(2**15), 2**15 - 1),
    "INTEGER": (-(2**31), 2**31 - 1),
    "BIGINT": (-(2**63), 2**63 - 1),
}
INT_FIELD_TYPES: dict[str, str] = {
    "first_human_step": "SMALLINT",
    "competing_offers": "SMALLINT",
    "ramp_days": "INTEGER",
}


def int_range(target: str) -> tuple[int, int]:
    """The smallest and largest value the column of integer field ``target`` can hold."""
    return INT_TYPE_RANGES[INT_FIELD_TYPES.get(target, "BIGINT")]


def out_of_range(values: np.ndarray, target: str) -> np.ndarray:
    """Positions of the (float, NaN = missing) ``values`` outside the column type of ``target``."""
    lo, hi = int_range(target)
    x = np.asarray(values, dtype="float64")
    # hi + 1 as the bound: 2**63 - 1 is not a float, 2**63 is (whole values only reach here).
    with np.errstate(invalid="ignore"):
        return np.flatnonzero(~np.isnan(x) & ((x < lo) | (x >= hi + 1)))


def looks_decimal_comma(values: Sequence[str]) -> bool:
    return any(re.fullmatch(r"-?\d+,(\d{1,2}|\d{4,})", v.strip()) for v in values)


def parse_bool(value: str) -> bool | None:
    """True/False from English and Dutch yes/no words; None when it is neither."""
    n = norm_value(value)
    return True if n in TRUE_WORDS else False if n in FALSE_WORDS else None


def norm_text(text: str) -> str:
    return re.sub(r"[^0-9a-z\u00c0-\u024f]+", " ", text.lower()).strip()


def stage_key(name: str) -> str:
    """'One-way video (HireVue)' -> 'one_way_video_hirevue'."""
    return re.sub(r"[^0-9a-z\u00c0-\u024f]+", "_", name.lower()).strip("_") or "stage"


def convert(
    values: pd.Series,
    func: Callable[[str], object],
    na: object = None,
    dtype: object = object,
) -> tuple[np.ndarray, np.ndarray]:
    """Apply ``func`` once per distinct value (exports repeat values a lot: a million rows hold a
    few thousand dates). Returns the converted values (``na`` where missing or not convertible)
    and the positions where a value was present but ``func`` returned None."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    parsed = [func(u) for u in uniques]
    bad_unique = np.array([p is None for p in parsed] + [False], dtype=bool)
    filled = np.array([na if p is None else p for p in parsed] + [na], dtype=dtype)
    return filled[codes], np.flatnonzero(bad_unique[codes])


def distinct(values: pd.Series) -> list[str]:
    return [v for v in pd.unique(values.dropna()) if v is not None]


def is_date_column(values: pd.Series) -> bool:
    """True when every (sampled distinct) value is a calendar date (ISO or dd-mm / mm-dd)."""
    sample = distinct(values)[:500]
    return bool(sample) and all(
        (_ISO.match(v) or _DMY.match(v))
        and (parse_date(v, "dmy") is not None or parse_date(v, "mdy") is not None)
        for v in sample
    )
