"""What an import needs to know from the database, read (never written) on a cursor of its own:
the meta table, which applications exist and their status, which ids a table already holds.

Why a module of its own: validation must check foreign keys and append-mode duplicates against
the loaded data, and keeping those reads together keeps ``prepare`` about the file.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from analytics import store


def stored_meta(con: duckdb.DuckDBPyConnection | None) -> dict[str, str]:
    if con is None:
        return {}
    cur = con.cursor()
    try:
        return store.get_meta(cur)
    finally:
        cur.close()


def known_applications(con: duckdb.DuckDBPyConnection | None, ids: pd.Series) -> pd.DataFrame:
    """application_id and status of the given ids that exist in the database."""
    if con is None:
        return pd.DataFrame({"application_id": [], "status": []})
    cur = con.cursor()
    try:
        rows = cur.execute(
            "SELECT application_id, status FROM applications WHERE application_id = ANY(?)",
            [sorted({str(i) for i in ids.dropna()})],
        ).fetchall()
    finally:
        cur.close()
    return pd.DataFrame(rows, columns=["application_id", "status"])


def existing_ids(con: duckdb.DuckDBPyConnection, table: str, ids: pd.Series) -> set[str]:
    """The given application ids that ``table`` already holds (append mode duplicates)."""
    if table not in ("applications", "offers", "hires"):
        raise ValueError(table)
    cur = con.cursor()
    try:
        cur.register("_incoming_ids", pd.DataFrame({"id": pd.unique(ids.dropna()).astype(str)}))
        try:
            found = cur.execute(
                f'SELECT t.application_id FROM "{table}" AS t '
                "JOIN _incoming_ids AS i ON i.id = t.application_id"
            ).fetchall()
        finally:
            cur.unregister("_incoming_ids")
    finally:
        cur.close()
    return {r[0] for r in found}
