"""A deck's tables for download (CSV zip, Excel workbook), with the privacy threshold applied.

The same tables the slides show, so a number in a download can be traced to its slide; the
writers (formula escaping, sheet names) live in ``analytics.report.export``.
"""

from __future__ import annotations

import pandas as pd

from analytics import findings
from analytics.domain import PRIVACY_THRESHOLD
from analytics.i18n import t
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
