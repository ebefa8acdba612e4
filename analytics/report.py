"""Reports that leave the app: a self-contained HTML report and a PowerPoint deck.

Both are built from the same slides as the presenter page (``analytics.slides``), so every number
in a deck can be traced to a page of the app. ``python -m analytics report`` writes them from the
command line (for a scheduled weekly report).
"""

from __future__ import annotations

import argparse
from typing import Any


def add_parser(sub: Any) -> None:
    p = sub.add_parser("report", help="write the findings as an HTML report or a PowerPoint deck")
    p.add_argument("--format", choices=("html", "pptx"), required=True)
    p.add_argument("--out", required=True, help="the file to write")
    p.add_argument("--lang", choices=("en", "nl"), default="en")
    p.add_argument("--db", help="database file (default: $AIVSHI_DB or data/aivshi.duckdb)")
    p.add_argument("--from", dest="date_from", help="first application date (YYYY-MM-DD)")
    p.add_argument("--to", dest="date_to", help="last application date (YYYY-MM-DD)")
    for dim in ("role-family", "seniority", "region", "source"):
        p.add_argument(f"--{dim}", action="append", default=[], help="repeat for several values")


def cli(args: argparse.Namespace) -> int:
    del args
    print("error: the report is not built yet", file=__import__("sys").stderr)
    return 1
