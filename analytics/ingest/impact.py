"""What a destructive action will remove, counted before the reader confirms it.

Why: "Replace" used to be the default for every kind of file, and loading an applications file
silently removed the demo's applications and its survey; "Restore the demo data" replaced loaded
data in one click. The Data page now says what will be lost, in numbers, and asks once. The
counts come from here (SQL stays in analytics).
"""

from __future__ import annotations

import duckdb

# What each load replaces (ingest.load: replacing applications empties what hangs off them).
REPLACED: dict[str, tuple[str, ...]] = {
    "applications": ("applications", "stage_events", "offers", "hires", "surveys"),
    "stages": ("stage_events",),
    "offers": ("offers",),
    "hires": ("hires",),
    "demo": ("applications", "stage_events", "offers", "hires", "surveys"),
}


def loss(con: duckdb.DuckDBPyConnection, kind: str, mode: str = "replace") -> dict[str, int]:
    """Rows that loading ``kind`` with ``mode`` (or restoring the demo, ``kind="demo"``) will
    remove, per table; only tables that hold rows. Appending removes nothing."""
    if mode != "replace":
        return {}
    cur = con.cursor()
    try:
        counts = {
            name: int(cur.execute(f'SELECT count(*) FROM "{name}"').fetchall()[0][0])
            for name in REPLACED[kind]
        }
    finally:
        cur.close()
    return {name: n for name, n in counts.items() if n}


def survey_size(con: duckdb.DuckDBPyConnection, survey_id: str) -> tuple[int, int]:
    """(respondents, answers) of one survey: what deleting it removes."""
    cur = con.cursor()
    try:
        respondents = cur.execute(
            "SELECT count(*) FROM survey_respondents WHERE survey_id = ?", [survey_id]
        ).fetchall()[0][0]
        answers = cur.execute(
            "SELECT count(*) FROM survey_answers WHERE survey_id = ?", [survey_id]
        ).fetchall()[0][0]
    finally:
        cur.close()
    return int(respondents), int(answers)
