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


def seed_choice(key: str, options: Sequence[str], default: str) -> None:
    """Before drawing a single-choice widget: take its value from the URL on first appearance."""
    if key in st.session_state:
        return
    raw = st.query_params.get(key)
    st.session_state[key] = raw if raw in options else default


def seed_multi(key: str, options: Sequence[str]) -> None:
    if key in st.session_state:
        return
    raw = st.query_params.get(key)
    values = [v for v in (raw.split(SEPARATOR) if raw else []) if v in options]
    st.session_state[key] = values


def seed_dates(key: str, first: dt.date, last: dt.date) -> None:
    """Seed a date range from the URL; a range kept from data loaded earlier is clamped into the
    current data's span (a date input with a value outside its bounds raises)."""
    stored = st.session_state.get(key)
    if stored is None:
        st.session_state[key] = parse_dates(st.query_params.get(key), first, last)
        return
    values = tuple(stored) if isinstance(stored, tuple | list) else (stored,)
    if any(not isinstance(v, dt.date) or v < first or v > last for v in values):
        text = "..".join(v.isoformat() for v in values if isinstance(v, dt.date))
        st.session_state[key] = parse_dates(text if len(values) == 2 else None, first, last)


def parse_dates(raw: str | None, first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    """``"2025-01-01..2025-06-30"`` -> dates clipped to the data; anything else -> the full span."""
    if raw and ".." in raw:
        start_text, end_text = raw.split("..", 1)
        try:
            start = dt.date.fromisoformat(start_text)
            end = dt.date.fromisoformat(end_text)
        except ValueError:
            return first, last
        start, end = max(first, min(start, last)), min(last, max(end, first))
        if start <= end:
            return start, end
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
