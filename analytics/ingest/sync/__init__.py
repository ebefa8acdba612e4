"""Reading ATS data where it already lives: warehouse-synced schemas (Fivetran's Greenhouse and
Lever connectors), from a folder of Parquet/CSV files or a PostgreSQL schema.

    result = sync(con, "exports/greenhouse/", "greenhouse-fivetran")
    result = sync(con, "postgresql://analyst@warehouse/ats", "lever-fivetran", schema="lever")
    print(result.to_text("nl"))

``shapes`` lists the tables and columns read, ``sources`` reads them (text, into a scratch
DuckDB), ``mapping`` turns them into applications, stage moves and offers (SQL), ``run``
validates them like an upload and loads them in one transaction (undo works as for uploads).
"""

from __future__ import annotations

from analytics.ingest.sync.run import SYNC_KEY, URL_ENV_VAR, SyncResult, read_source, sync
from analytics.ingest.sync.shapes import SHAPES, Shape, TableSpec
from analytics.ingest.sync.sources import MAX_ROWS, SyncError, check_url, safe_label

__all__ = [
    "MAX_ROWS",
    "SHAPES",
    "SYNC_KEY",
    "URL_ENV_VAR",
    "Shape",
    "SyncError",
    "SyncResult",
    "TableSpec",
    "check_url",
    "read_source",
    "safe_label",
    "sync",
]
