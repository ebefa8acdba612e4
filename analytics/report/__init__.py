"""Reports that leave the app: a self-contained HTML report, a PowerPoint deck and their tables.

Everything is built from the same slides as the presenter page, so every number in a deck can be
traced to a page of the app. ``python -m analytics report`` (``analytics.cli``) writes them from
the command line, e.g. for a scheduled weekly report.

- ``model``: the slide model (Deck, Slide, ChartData, Series);
- ``slides``: the slide builders, one per finding, from the analytics the pages call;
- ``html_doc`` / ``pptx_deck``: the renderers, ``render(deck, fmt)`` picks one;
- ``tables`` / ``export``: the deck's tables as CSV zip or Excel, privacy threshold applied;
- ``benchmarks``: published external reference values, never mixed into our statistics.
"""

from __future__ import annotations

from analytics.report.html_doc import to_html
from analytics.report.model import ChartData, Deck, Series, Slide
from analytics.report.pptx_deck import NEUTRAL_COLORS, to_pptx
from analytics.report.render import FORMATS, render
from analytics.report.slides import build_deck
from analytics.report.tables import deck_tables, tables_csv_zip, tables_excel

__all__ = [
    "FORMATS",
    "NEUTRAL_COLORS",
    "ChartData",
    "Deck",
    "Series",
    "Slide",
    "build_deck",
    "deck_tables",
    "render",
    "tables_csv_zip",
    "tables_excel",
    "to_html",
    "to_pptx",
]
