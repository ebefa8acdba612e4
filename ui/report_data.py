"""Cached access to the slides of the presenter page and the exports made from them.

The deck is cached by data version, filters, language and adjustment (it holds small frames and
the plotly figures). The exports (a 5 MB HTML file, a deck) are made on request and kept in the
session only, so the cache never holds megabytes of bytes.
"""

from __future__ import annotations

import streamlit as st

from analytics import report
from analytics.domain import Filters
from analytics.report.slides import Deck, build_deck
from ui.data import cursor

EXPORTS = ("html", "pptx", "csv", "xlsx")
MIME = {
    "html": "text/html",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "csv": "application/zip",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXTENSION = {"html": "html", "pptx": "pptx", "csv": "zip", "xlsx": "xlsx"}


@st.cache_data(show_spinner=False, max_entries=16)
def deck(version: int, filters: Filters, lang: str, adjust_by: str | None = None) -> Deck:
    del version  # the cache key
    cur = cursor()
    try:
        return build_deck(cur, filters, lang, adjust_by=adjust_by)
    finally:
        cur.close()


def export_bytes(the_deck: Deck, kind: str) -> bytes:
    """One export of ``the_deck``: the HTML report, the PowerPoint deck, or the tables."""
    if kind in ("html", "pptx"):
        return report.render(the_deck, kind)
    if kind == "csv":
        return report.tables_csv_zip(the_deck)
    if kind == "xlsx":
        return report.tables_excel(the_deck)
    raise ValueError(f"unknown export {kind!r}")
