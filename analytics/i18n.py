"""English and Dutch: every string the UI shows, and numbers and dates in the reader's language.

Strings live in one layout: ``locales/<lang>/<area>.json``, one file per page area (e.g.
``locales/nl/survey.json``; ``app.json`` for the shell, ``vocabulary.json`` for dimension values and
metric names, ``findings.json`` for the shared sentences), so a translator works on one area at a
time. The area files of a language are merged; a key may be defined once only, and both languages
hold the same files and keys (tests check both). ``t(key, lang, **values)`` formats one.
Numbers follow the language: ``84.2%`` / ``84,2%``; dates ``12 Mar 2025`` / ``12 mrt 2025``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from functools import cache
from pathlib import Path
from typing import Literal

from analytics.domain import PRIVACY_THRESHOLD

Lang = Literal["en", "nl"]
LANGUAGES: tuple[Lang, ...] = ("en", "nl")
LANGUAGE_NAMES = {"en": "English", "nl": "Nederlands"}
LOCALE_DIR = Path(__file__).parent / "locales"
MISSING = "—"

_MONTHS = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "nl": ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"),
}


@cache
def strings(lang: str) -> dict[str, str]:
    if lang not in LANGUAGES:
        raise ValueError(f"Unknown language {lang!r}; choose one of {LANGUAGES}")
    merged: dict[str, str] = {}
    for path in sorted((LOCALE_DIR / lang).glob("*.json")):
        with path.open(encoding="utf-8") as fh:
            part = json.load(fh)
        clash = sorted(set(part) & set(merged))
        if clash:
            raise ValueError(f"{path.name} defines keys already defined elsewhere: {clash[:5]}")
        merged.update(part)
    return merged


def t(key: str, lang: str = "en", **values: object) -> str:
    """The text for ``key`` in ``lang``, with ``{placeholders}`` filled from ``values``.

    A missing key falls back to English, then to the key itself, so a forgotten translation shows
    as readable English rather than an exception in front of a user (a test keeps both complete).
    """
    text = strings(lang).get(key) or strings("en").get(key) or key
    if "{k}" in text:  # the privacy threshold: one constant, never a literal 5 in a string
        values.setdefault("k", PRIVACY_THRESHOLD)
    if not values:
        return text
    # Templates say "p = {p}"; with fmt_p's "< 0.001" that would read "p = < 0.001".
    return text.format(**values).replace("= < ", "< ")


def label(kind: str, value: object, lang: str = "en") -> str:
    """A category value in words: ``label("pipeline", "human_first", "nl")`` -> "mens-eerst"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return t("value.missing", lang)
    key = f"{kind}.{value}"
    found = strings(lang).get(key) or strings("en").get(key)
    if found and "{k}" in found:
        found = found.replace("{k}", str(PRIVACY_THRESHOLD))
    return found if found else str(value).replace("_", " ")


def _number(x: float, digits: int, lang: str) -> str:
    text = f"{x:,.{digits}f}"
    if lang == "nl":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def fmt_num(x: float | int | None, lang: str = "en", digits: int = 0) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return MISSING
    return _number(float(x), digits, lang)


def fmt_pct(x: float | None, lang: str = "en", digits: int = 1) -> str:
    """A share (0..1) as a percentage: 0.842 -> "84.2%" (en) / "84,2%" (nl)."""
    if x is None or not math.isfinite(x):
        return MISSING
    return _number(100 * x, digits, lang) + "%"


def fmt_points(
    x: float | None, lang: str = "en", digits: int = 1, signed: bool = False, unit: bool = True
) -> str:
    """A difference of two shares in percentage points: 0.091 -> "9.1 points". ``unit=False``
    gives the number alone, for an interval's bounds after the estimate that names the unit
    ("-4.5 points, 95% CI -6.3 to -2.6")."""
    if x is None or not math.isfinite(x):
        return MISSING
    value = 100 * x
    text = _number(abs(value) if not signed else value, digits, lang)
    if signed and value > 0:
        text = "+" + text
    return t("unit.points", lang, value=text) if unit else text


def fmt_days(x: float | None, lang: str = "en", digits: int = 0, signed: bool = False) -> str:
    if x is None or not math.isfinite(x):
        return MISSING
    text = _number(abs(x) if not signed else x, digits, lang)
    if signed and x > 0:
        text = "+" + text
    return t("unit.days", lang, value=text)


def fmt_p(p: float | None, lang: str = "en") -> str:
    """p-values as journals print them: "< 0.001", else three decimals."""
    if p is None or not math.isfinite(p):
        return MISSING
    if p < 0.001:
        return "< " + _number(0.001, 3, lang)
    return _number(p, 3, lang)


def fmt_date(d: dt.date | None, lang: str = "en") -> str:
    if d is None:
        return MISSING
    return f"{d.day} {_MONTHS[lang][d.month - 1]} {d.year}"
