"""Reading a synced schema into a scratch DuckDB, from a folder of files or from PostgreSQL.

Why it works like this: the mapping (``mapping.py``) is SQL over the connector's own tables, so
both sources end in the same place, an in-memory DuckDB with one table per synced table, every
column as text (CSV has no types, Parquet and Postgres have theirs; text is what all three agree
on, and the mapping casts explicitly). Only the columns ``shapes`` lists are read: names, e-mail
addresses and other direct identifiers in the synced schema are never fetched.

PostgreSQL goes through psycopg 3 (libpq), never DuckDB's postgres extension (it would download
at run time). Credentials come from libpq's environment (``PGPASSWORD``, ``~/.pgpass``,
``PGUSER`` ...) or are passed in by the caller (Streamlit secrets); a password written in the
URL is refused, so it never lands in shell history, logs or the load log. All tables are read in
one read-only REPEATABLE READ transaction: a connector writing at the same time cannot hand us
half of its sync.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq

from analytics.domain import AivshiError
from analytics.i18n import t
from analytics.ingest.mapping import is_identifier
from analytics.ingest.sync.shapes import Shape, TableSpec

# A bound on what one sync reads per table, so a wrong schema (a log table, an events firehose)
# fails with a message instead of filling the memory.
MAX_ROWS = 5_000_000
_FETCH_ROWS = 50_000
_SCHEMA_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]{0,62}$")


class SyncError(AivshiError):
    """A source that cannot be synced; ``text(lang)`` says what is wrong and what to do."""

    def __init__(self, code: str, **values: object):
        self.code = code
        self.values = values
        super().__init__(self.text("en"))

    def text(self, lang: str = "en") -> str:
        return t(f"sync.error.{self.code}", lang, **self.values)


@dataclass
class SourceTables:
    """The synced tables in a scratch DuckDB (``con``), with what was read and left out."""

    con: duckdb.DuckDBPyConnection
    label: str  # where they came from, without credentials
    rows: dict[str, int] = field(default_factory=dict)
    missing_tables: list[str] = field(default_factory=list)  # optional tables not in the source
    identifiers_not_read: list[str] = field(default_factory=list)  # "table.column"


def _scratch() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    # Timestamps with an offset are converted to UTC before they become dates.
    con.execute("SET TimeZone = 'UTC'")
    return con


def _store_table(
    con: duckdb.DuckDBPyConnection, spec: TableSpec, frame: pd.DataFrame, where: str
) -> int:
    """The frame as a text table named after ``spec``; optional columns it lacks become NULL."""
    frame = frame.rename(columns=lambda c: str(c).lower())
    missing = [c for c in spec.required if c not in frame.columns]
    if missing:
        raise SyncError("no_column", table=spec.name, column=", ".join(missing), where=where)
    if len(frame) > MAX_ROWS:
        raise SyncError("too_many_rows", table=spec.name, n=len(frame), limit=MAX_ROWS)
    present = [c for c in spec.columns if c in frame.columns]
    # DuckDB casts to text (fast, vectorised); a column the source lacks becomes NULL.
    columns = ", ".join(
        f'CAST("{c}" AS VARCHAR) AS "{c}"' if c in present else f'NULL::VARCHAR AS "{c}"'
        for c in spec.columns
    )
    con.register("_incoming", frame[present].reset_index(drop=True))
    try:
        con.execute(f'CREATE OR REPLACE TABLE "{spec.name}" AS SELECT {columns} FROM _incoming')
    finally:
        con.unregister("_incoming")
    return len(frame)


# Tables about a person; elsewhere "name" is a job's, a stage's or an office's name.
_PERSONAL_TABLES = ("application", "opportunity", "candidate", "offer")


def _identifiers(table: str, columns: Iterable[str], spec: TableSpec) -> list[str]:
    """Identifier columns of a personal table that the sync leaves unread (for the report)."""
    if table not in _PERSONAL_TABLES:
        return []
    return [f"{table}.{c}" for c in columns if c.lower() not in spec.columns and is_identifier(c)]


# ---------------------------------------------------------------------------------------------
# A folder of files


def _table_files(folder: Path, name: str) -> list[Path]:
    """``name.parquet`` / ``name.csv`` (any case), or a folder ``name/`` of such parts."""
    found = []
    for p in sorted(folder.iterdir()):
        stem = p.name.lower()
        if p.is_file() and stem in (f"{name}.parquet", f"{name}.csv"):
            found.append(p)
        elif p.is_dir() and stem == name:
            found += sorted(
                q for q in p.iterdir() if q.is_file() and q.suffix.lower() in (".parquet", ".csv")
            )
    return found


def _read_file(path: Path, spec: TableSpec) -> tuple[pd.DataFrame, list[str]]:
    """One file's wanted columns (and all its column names)."""
    if path.suffix.lower() == ".parquet":
        names = pq.read_schema(path).names
        wanted = [c for c in names if c.lower() in spec.columns]
        return pq.read_table(path, columns=wanted).to_pandas(), names
    header = pd.read_csv(path, nrows=0, dtype=str).columns
    names = [str(c) for c in header]
    frame = pd.read_csv(
        path,
        dtype=str,
        usecols=lambda c: str(c).lower() in spec.columns,
        keep_default_na=False,
        na_values=[""],
    )
    return frame, names


def read_folder(folder: str | Path, shape: Shape) -> SourceTables:
    """The shape's tables from ``folder`` (Parquet or CSV files named after the tables)."""
    root = Path(folder)
    if not root.is_dir():
        raise SyncError("no_folder", path=str(root))
    out = SourceTables(_scratch(), label=f"{shape.key}: {root}")
    try:
        for spec in shape.tables:
            files = _table_files(root, spec.name)
            if not files:
                if spec.needed:
                    raise SyncError("no_table", table=spec.name, where=str(root))
                out.missing_tables.append(spec.name)
                continue
            parts = []
            for path in files:
                try:
                    frame, names = _read_file(path, spec)
                except SyncError:
                    raise
                except Exception as e:  # noqa: BLE001 - pyarrow/pandas raise many kinds
                    raise SyncError("read_failed", where=str(path), detail=str(e)[:200]) from e
                out.identifiers_not_read += _identifiers(spec.name, names, spec)
                parts.append(frame.rename(columns=lambda c: str(c).lower()))
            frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
            out.rows[spec.name] = _store_table(out.con, spec, frame, str(files[0]))
        out.identifiers_not_read = sorted(set(out.identifiers_not_read))
    except BaseException:
        out.con.close()
        raise
    return out


# ---------------------------------------------------------------------------------------------
# PostgreSQL


def _driver():  # noqa: ANN202 - the psycopg module
    """psycopg, imported when needed (only a Postgres sync needs the driver)."""
    try:
        import psycopg
    except ImportError as e:
        raise SyncError("no_driver") from e
    return psycopg


def conninfo_parts(url: str) -> dict[str, str]:
    """libpq's reading of a connection URL or key=value string (raises SyncError when bad)."""
    psycopg = _driver()

    try:
        return dict(psycopg.conninfo.conninfo_to_dict(url))
    except psycopg.ProgrammingError as e:
        raise SyncError("bad_url", detail=str(e)[:200]) from e


def safe_label(url: str) -> str:
    """host/port/database of a connection URL, without user name or password (for messages and
    the load log)."""
    parts = conninfo_parts(url)
    host = parts.get("host", "") or "localhost"
    port = f":{parts['port']}" if parts.get("port") else ""
    return f"postgresql://{host}{port}/{parts.get('dbname', '')}"


def check_url(url: str) -> None:
    """Refuse a password in a --from URL: it belongs in the environment (PGPASSWORD, ~/.pgpass)
    or in Streamlit secrets, not in shell history or the load log."""
    if "password" in conninfo_parts(url):
        raise SyncError("password_in_url")


def read_postgres(
    url: str,
    shape: Shape,
    *,
    schema: str | None = None,
    password: str | None = None,
    connect_timeout: int = 10,
) -> SourceTables:
    """The shape's tables from PostgreSQL schema ``schema`` (default: the shape's connector name,
    e.g. ``greenhouse``). ``password`` (from Streamlit secrets) is used for this connection only."""
    psycopg = _driver()
    from psycopg import sql

    schema = schema or shape.key.split("-")[0]
    if not _SCHEMA_NAME.match(schema):
        raise SyncError("bad_schema", schema=schema)
    label = f"{shape.key}: {safe_label(url)} schema {schema}"
    extra: dict[str, object] = {"connect_timeout": connect_timeout}
    if password:
        extra["password"] = password
    try:
        conn = psycopg.connect(url, **extra)
    except psycopg.Error as e:
        # libpq's message names host and user, never the password.
        raise SyncError("connect_failed", where=safe_label(url), detail=str(e).strip()[:300]) from e
    out = SourceTables(_scratch(), label=label)
    try:
        with conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            conn.execute("SET LOCAL TIME ZONE 'UTC'")
            found = _pg_columns(conn, schema)
            if not found:
                raise SyncError("no_schema", schema=schema, where=safe_label(url))
            for spec in shape.tables:
                names = found.get(spec.name)
                if names is None:
                    if spec.needed:
                        raise SyncError("no_table", table=spec.name, where=f"schema {schema}")
                    out.missing_tables.append(spec.name)
                    continue
                out.identifiers_not_read += _identifiers(spec.name, names, spec)
                wanted = [c for c in names if c in spec.columns]
                missing = [c for c in spec.required if c not in wanted]
                if missing:
                    raise SyncError(
                        "no_column",
                        table=spec.name,
                        column=", ".join(missing),
                        where=f"schema {schema}",
                    )
                # Identifiers quoted by psycopg; every value as text (see the module docstring).
                query = sql.SQL("SELECT {cols} FROM {table}").format(
                    cols=sql.SQL(", ").join(
                        sql.SQL("{c}::text").format(c=sql.Identifier(c)) for c in wanted
                    ),
                    table=sql.Identifier(schema, spec.name),
                )
                frame = _pg_fetch(conn, query, wanted, spec.name)
                out.rows[spec.name] = _store_table(out.con, spec, frame, f"schema {schema}")
        out.identifiers_not_read = sorted(set(out.identifiers_not_read))
    except psycopg.Error as e:
        out.con.close()
        raise SyncError("query_failed", where=label, detail=str(e).strip()[:300]) from e
    except BaseException:
        out.con.close()
        raise
    finally:
        conn.close()
    return out


def _pg_columns(conn: object, schema: str) -> dict[str, list[str]]:
    rows = conn.execute(  # type: ignore[attr-defined]
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = %s ORDER BY table_name, ordinal_position",
        [schema],
    ).fetchall()
    found: dict[str, list[str]] = {}
    for table, column in rows:
        found.setdefault(str(table).lower(), []).append(str(column).lower())
    return found


def _pg_fetch(conn: object, query: object, columns: list[str], table: str) -> pd.DataFrame:
    """Rows in chunks, refused past MAX_ROWS before they fill the memory."""
    parts: list[pd.DataFrame] = []
    n = 0
    with conn.cursor() as cur:  # type: ignore[attr-defined]
        cur.execute(query)
        while rows := cur.fetchmany(_FETCH_ROWS):
            n += len(rows)
            if n > MAX_ROWS:
                raise SyncError("too_many_rows", table=table, n=f"> {MAX_ROWS}", limit=MAX_ROWS)
            parts.append(pd.DataFrame(rows, columns=columns, dtype=object))
    if not parts:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})
    return pd.concat(parts, ignore_index=True)
