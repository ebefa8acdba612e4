"""The benchmark behind docs/performance.md (``python -m analytics bench``): a tool, not engine.

Nothing in the app imports it; ``analytics.cli`` imports it lazily for the ``bench`` command. It
lives beside the engine because it times the engine's own functions on the engine's database.

Why a separate module and separate processes: peak memory (RSS) is a per-process high-water mark,
so every measurement (demo generation, the page analytics, a full page run, the CSV import and the
pandas baseline) runs in its own child process (``python -m analytics.bench TASK ...``) that
prints one JSON line with its timings and its own peak RSS. The parent only orchestrates, prints
the table and writes the JSON. Timings are wall-clock on whatever the machine is doing at the
time, so the JSON records the load average next to them.

"Cold" means a fresh process and connection running a page's analytics for the first time;
"warm" is the median of ``runs`` further runs on the same connection (what the app pays when
``st.cache_data`` misses, e.g. after a filter change, with DuckDB's buffers warm).

``--browser`` (``bench.browser``) measures what a person waits for instead: every page and tab
opened in headless Chromium, next to a floor (``floor_app.py``, a bare Streamlit page with the
same charts, metrics and tables) measured in the same run. It is imported lazily (Playwright).

The baseline is what an analyst would do without the app: the exported tables (Parquet) held in
pandas, the same headline, funnel, offer and quality numbers computed with ``groupby``.
"""

from __future__ import annotations

from analytics.bench.baseline import BASELINE_TABLES, baseline_metrics, export_tables
from analytics.bench.runner import IMPORT_ROWS, machine, run
from analytics.bench.summary import TARGETS_1M, TARGETS_10M, summarize, table
from analytics.bench.tasks import missing_pages, page_calls, peak_rss_mb

__all__ = [
    "BASELINE_TABLES",
    "IMPORT_ROWS",
    "TARGETS_10M",
    "TARGETS_1M",
    "baseline_metrics",
    "export_tables",
    "machine",
    "missing_pages",
    "page_calls",
    "peak_rss_mb",
    "run",
    "summarize",
    "table",
]
