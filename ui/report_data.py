"""The presenter page's exports, made from the cached deck (``ui.cache.deck``) on request.

The exports (a 5 MB HTML file, a deck) are kept in the session only, so the cache never holds
megabytes of bytes.
"""

from __future__ import annotations

from analytics import report
from analytics.report.slides import Deck

EXPORTS = ("html", "pptx", "csv", "xlsx")
MIME = {
    "html": "text/html",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "csv": "application/zip",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXTENSION = {"html": "html", "pptx": "pptx", "csv": "zip", "xlsx": "xlsx"}


def export_bytes(the_deck: Deck, kind: str) -> bytes:
    """One export of ``the_deck``: the HTML report, the PowerPoint deck, or the tables."""
    if kind in ("html", "pptx"):
        return report.render(the_deck, kind)
    if kind == "csv":
        return report.tables_csv_zip(the_deck)
    if kind == "xlsx":
        return report.tables_excel(the_deck)
    raise ValueError(f"unknown export {kind!r}")
