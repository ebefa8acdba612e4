"""Widget values <-> URL query parameters, with raw (language-independent) values.

Why not ``bind="query-params"``: Streamlit 1.67 writes the *formatted* option to the URL, so
with translated labels a link made in Dutch ("Klantenservice") would not work in English. Here the
URL always holds the raw values (``?lang=nl&role_family=engineering,data``): the value is seeded
from the URL the first time a widget appears in a session, and the URL is rewritten from the
widget's value on every run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import streamlit as st

SEPARATOR = ","
NOTES_KEY = "_url_notes"  # what a link asked for that could not be used, shown once by app.py


def _note(key: str, given: str, used: str) -> None:
    """Remember that the link's ``key=given`` could not be used and ``used`` is shown instead
    (a shared link never changes meaning silently)."""
    notes = st.session_state.setdefault(NOTES_KEY, {})
    notes[key] = (given, used)


def take_notes() -> dict[str, tuple[str, str]]:
    """The notes gathered while seeding widgets from the URL (then forgotten)."""
    return st.session_state.pop(NOTES_KEY, {})


def unknown_page(requested: str | None, page_hash: str | None, known: set[str]) -> bool:
    """True when the URL asked for a page path that the app does not have (Streamlit then runs
    the default page without a word)."""
    return bool(requested) and not page_hash and requested not in known


def seed_choice(key: str, options: Sequence[str], default: str) -> None:
    """Before drawing a single-choice widget: take its value from the URL on first appearance."""
    if key in st.session_state:
        return
    raw = st.query_params.get(key)
    st.session_state[key] = raw if raw in options else default
    if raw is not None and raw not in options:
        _note(key, raw, default)


def seed_multi(key: str, options: Sequence[str]) -> None:
    if key in st.session_state:
        return
    raw = st.query_params.get(key)
    given = raw.split(SEPARATOR) if raw else []
    values = [v for v in given if v in options]
    st.session_state[key] = values
    dropped = [v for v in given if v not in options]
    if dropped:
        _note(key, SEPARATOR.join(dropped), SEPARATOR.join(values))


def seed_dates(key: str, first: dt.date, last: dt.date) -> None:
    """Seed a date range from the URL; a range kept from data loaded earlier is clamped into the
    current data's span (a date input with a value outside its bounds raises)."""
    stored = st.session_state.get(key)
    if stored is None:
        raw = st.query_params.get(key)
        used = parse_dates(raw, first, last)
        st.session_state[key] = used
        if raw and not _same_dates(raw, used):
            _note(key, raw, f"{used[0].isoformat()}..{used[1].isoformat()}")
        return
    values = tuple(stored) if isinstance(stored, tuple | list) else (stored,)
    if any(not isinstance(v, dt.date) or v < first or v > last for v in values):
        text = "..".join(v.isoformat() for v in values if isinstance(v, dt.date))
        st.session_state[key] = parse_dates(text if len(values) == 2 else None, first, last)


def _same_dates(raw: str, used: tuple[dt.date, dt.date]) -> bool:
    """True when the URL's range is the one used (an open end counts as the data's edge)."""
    start_text, _, end_text = raw.partition("..")
    try:
        start = dt.date.fromisoformat(start_text) if start_text else used[0]
        end = dt.date.fromisoformat(end_text) if end_text else used[1]
    except ValueError:
        return False
    return (start, end) == used


def parse_dates(raw: str | None, first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    """``"2025-01-01..2025-06-30"`` -> dates clipped to the data (an empty end is the data's
    edge: ``"..2025-06-30"``); a range that misses the data entirely, or anything unreadable ->
    the full span (not a one-day view of the first day). ``seed_dates`` notes any change."""
    if raw and ".." in raw:
        start_text, end_text = raw.split("..", 1)
        try:
            start = dt.date.fromisoformat(start_text) if start_text else first
            end = dt.date.fromisoformat(end_text) if end_text else last
        except ValueError:
            return first, last
        if start > end or end < first or start > last:
            return first, last
        return max(first, start), min(last, end)
    return first, last


def write(key: str, value: str | None) -> None:
    """Put ``value`` in the URL, or remove the parameter when it is None (the default)."""
    if value is None:
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get(key) != value:
        st.query_params[key] = value


def write_choice(key: str, value: str | None, default: str) -> None:
    write(key, None if value in (None, default) else value)


def write_multi(key: str, values: Sequence[str]) -> None:
    write(key, SEPARATOR.join(values) if values else None)


def write_dates(key: str, start: dt.date | None, end: dt.date | None) -> None:
    if start is None and end is None:
        write(key, None)
    else:
        write(key, f"{start or ''}..{end or ''}")


def seed_number(key: str, low: float, high: float, default: float) -> None:
    """Seed a number input from the URL on first appearance; out of range or unreadable -> the
    default, with a note (so a link with ``quality_w_perf_12m=7`` does not change meaning
    silently)."""
    if key in st.session_state:
        return
    raw = st.query_params.get(key)
    value = default
    if raw is not None:
        try:
            number = float(raw)
        except ValueError:
            number = None
        if number is not None and low <= number <= high:
            value = number
        else:
            _note(key, raw, f"{default:g}")
    st.session_state[key] = type(default)(value)


def write_number(key: str, value: float, default: float) -> None:
    write(key, None if value == default else f"{value:g}")
