"""DuckDB storage: the schema, the process-wide connection, atomic loads and the data version.

Why this module exists: DuckDB 2.0 refuses concurrent use of one connection, allows one writing
process per file, and rolls a failed transaction back whole. So the app keeps one root connection
per process (see ``open_database``), every caller works on its own ``cursor()``, and every load
runs in one ``BEGIN ... COMMIT`` that also bumps the data version used as the cache key. A crash in
the middle of a load therefore leaves the previous data, and a crash while the demo database is
being built leaves no half-built file (it is built under a temporary name and renamed).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Literal

import duckdb
import pandas as pd

from analytics.domain import DIMENSIONS, AivshiError, DatasetInfo, FilterOptions

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DB_PATH = REPO_ROOT / "data" / "aivshi.duckdb"
DB_ENV_VAR = "AIVSHI_DB"

STATUSES = ("hired", "rejected", "withdrawn", "offer_declined", "open")
STAGE_RESULTS = ("advanced", "rejected", "withdrawn", "pending")
TOUCHPOINTS = ("human", "automated")
QUESTION_KINDS = ("likert", "binary", "nps", "single", "multi", "numeric", "text")

# One statement per table so that ``ensure_schema`` can run them one by one; every statement is
# idempotent (IF NOT EXISTS), so opening an existing database is a no-op.
SCHEMA: dict[str, str] = {
    "applications": """
        CREATE TABLE IF NOT EXISTS applications (
            application_id VARCHAR PRIMARY KEY,
            candidate_id VARCHAR,
            requisition_id VARCHAR,
            applied_on DATE NOT NULL,
            role_family VARCHAR,
            seniority VARCHAR,
            region VARCHAR,
            source VARCHAR,
            pipeline VARCHAR NOT NULL,
            first_human_step SMALLINT,
            career_switcher BOOLEAN,
            status VARCHAR NOT NULL,
            furthest_stage VARCHAR,
            gender VARCHAR,
            age_band VARCHAR
        )""",
    "stages": """
        CREATE TABLE IF NOT EXISTS stages (
            stage VARCHAR PRIMARY KEY,
            stage_order SMALLINT NOT NULL,
            label_en VARCHAR NOT NULL,
            label_nl VARCHAR NOT NULL
        )""",
    "stage_events": """
        CREATE TABLE IF NOT EXISTS stage_events (
            application_id VARCHAR NOT NULL,
            stage VARCHAR NOT NULL,
            stage_order SMALLINT NOT NULL,
            entered_on DATE NOT NULL,
            exited_on DATE,
            result VARCHAR NOT NULL,
            touchpoint VARCHAR,
            format VARCHAR,
            withdrawal_reason VARCHAR
        )""",
    "offers": """
        CREATE TABLE IF NOT EXISTS offers (
            application_id VARCHAR PRIMARY KEY,
            offered_on DATE NOT NULL,
            decided_on DATE,
            accepted BOOLEAN,
            base_salary DOUBLE,
            comp_ratio DOUBLE,
            competing_offers SMALLINT,
            decline_reason VARCHAR
        )""",
    "hires": """
        CREATE TABLE IF NOT EXISTS hires (
            application_id VARCHAR PRIMARY KEY,
            start_on DATE NOT NULL,
            perf_6m DOUBLE,
            perf_12m DOUBLE,
            manager_satisfaction DOUBLE,
            ramp_days INTEGER,
            left_on DATE,
            exit_type VARCHAR
        )""",
    "surveys": """
        CREATE TABLE IF NOT EXISTS surveys (
            survey_id VARCHAR PRIMARY KEY,
            name VARCHAR NOT NULL,
            source_file VARCHAR,
            created_at TIMESTAMP,
            n_respondents INTEGER
        )""",
    "survey_questions": """
        CREATE TABLE IF NOT EXISTS survey_questions (
            survey_id VARCHAR NOT NULL,
            question_id VARCHAR NOT NULL,
            position SMALLINT NOT NULL,
            text VARCHAR NOT NULL,
            kind VARCHAR NOT NULL,
            scale SMALLINT,
            labels VARCHAR[],
            PRIMARY KEY (survey_id, question_id)
        )""",
    "survey_respondents": """
        CREATE TABLE IF NOT EXISTS survey_respondents (
            survey_id VARCHAR NOT NULL,
            respondent_id VARCHAR NOT NULL,
            application_id VARCHAR,
            pipeline VARCHAR,
            weight DOUBLE,
            PRIMARY KEY (survey_id, respondent_id)
        )""",
    "survey_answers": """
        CREATE TABLE IF NOT EXISTS survey_answers (
            survey_id VARCHAR NOT NULL,
            respondent_id VARCHAR NOT NULL,
            question_id VARCHAR NOT NULL,
            value_num DOUBLE,
            value_text VARCHAR
        )""",
    "meta": """
        CREATE TABLE IF NOT EXISTS meta (
            key VARCHAR PRIMARY KEY,
            value VARCHAR
        )""",
    # Settings, not data: kept across loads and undo (see SETTINGS_TABLES).
    "mapping_profiles": """
        CREATE TABLE IF NOT EXISTS mapping_profiles (
            name VARCHAR PRIMARY KEY,
            kind VARCHAR NOT NULL,
            mapping VARCHAR NOT NULL,
            date_order VARCHAR,
            saved_at TIMESTAMP NOT NULL
        )""",
    "pipeline_rules": """
        CREATE TABLE IF NOT EXISTS pipeline_rules (
            position INTEGER PRIMARY KEY,
            pattern VARCHAR NOT NULL,
            pipeline VARCHAR NOT NULL
        )""",
    "load_log": """
        CREATE TABLE IF NOT EXISTS load_log (
            data_version INTEGER NOT NULL,
            loaded_at TIMESTAMP NOT NULL,
            table_name VARCHAR NOT NULL,
            mode VARCHAR NOT NULL,
            row_count BIGINT NOT NULL,
            source VARCHAR
        )""",
}

SETTINGS_TABLES = ("mapping_profiles", "pipeline_rules")
DATA_TABLES = tuple(name for name in SCHEMA if name not in ("meta", "load_log", *SETTINGS_TABLES))
PREV_PREFIX = "prev_"  # copies of every data table and meta taken by a load, for ``undo_last_load``
UNDO_KEY = "undo_version"  # the data version that ``undo_last_load`` can undo
RULES_SUMMARY_KEY = "pipeline_rules_summary"  # set by an import that tagged pipelines by rules
LoadMode = Literal["replace", "append"]


# Derived tables, rebuilt inside the load transaction whenever applications, stage_events or
# stages change (and by undo), so the funnel queries read them instead of deduplicating and joining
# stage_events on every page run (measured with ``python -m analytics bench``: the funnel page's
# analytics at 1M applications went from ~2.4 s to well under a second). They are not in SCHEMA:
# not data to load, copy for undo or export. ``DERIVED_INFO_TABLE`` says which data version
# they describe; readers use them only when it equals the current data version (``derived_fresh``)
# and otherwise fall back to computing the same rows on the fly.
DERIVED_INFO_TABLE = "derived_info"  # one row: the data version the derived tables describe
DERIVED_SOURCES = ("applications", "stage_events", "stages", "offers", "hires")
DERIVED_SQL: dict[str, str] = {
    # The latest event per application and stage (re-entries: latest entered_on), with the
    # application's attributes, so filters apply without a join. Sorted for cheap grouping.
    "app_stage": """
        CREATE OR REPLACE TABLE app_stage AS
        SELECT e.application_id, e.stage, e.stage_order, e.entered_on, e.exited_on, e.result,
               e.touchpoint, e.format, e.withdrawal_reason,
               a.pipeline, a.applied_on, a.status, a.first_human_step,
               a.role_family, a.seniority, a.region, a.source
        FROM stage_events AS e
        JOIN applications AS a USING (application_id)
        QUALIFY row_number() OVER (
            PARTITION BY e.application_id, e.stage
            ORDER BY e.entered_on DESC, e.exited_on DESC NULLS FIRST
        ) = 1
        ORDER BY a.applied_on, e.application_id, e.stage_order""",
    # One row per application with events: its furthest stage and the result there.
    "app_summary": """
        CREATE OR REPLACE TABLE app_summary AS
        SELECT application_id,
               any_value(pipeline) AS pipeline,
               any_value(applied_on) AS applied_on,
               any_value(status) AS status,
               any_value(first_human_step) AS first_human_step,
               any_value(role_family) AS role_family,
               any_value(seniority) AS seniority,
               any_value(region) AS region,
               any_value(source) AS source,
               max(stage_order) AS max_order,
               arg_max(result, (stage_order, entered_on)) AS last_result
        FROM app_stage
        GROUP BY application_id
        ORDER BY applied_on""",
    # Which stages each pipeline's applications ever entered (a pipeline's own funnel).
    "pipeline_stages": """
        CREATE OR REPLACE TABLE pipeline_stages AS
        SELECT DISTINCT pipeline, stage FROM app_stage""",
    # Applications with an offer or a hire, with every offer and hire column: the Overview's
    # offer, time-to-hire and retention counts scan these (a few per cent of the applications)
    # instead of joining every application. Offers and quality of hire can do the same
    # (``FROM app_outcomes AS a WHERE a.has_hire AND <filters on a>``).
    "app_outcomes": """
        CREATE OR REPLACE TABLE app_outcomes AS
        SELECT a.application_id, a.pipeline, a.applied_on, a.status,
               a.role_family, a.seniority, a.region, a.source,
               a.first_human_step, a.career_switcher, a.gender, a.age_band,
               o.offered_on, o.decided_on, o.accepted, o.base_salary, o.comp_ratio,
               o.competing_offers, o.decline_reason,
               h.start_on, h.perf_6m, h.perf_12m, h.manager_satisfaction, h.ramp_days,
               h.left_on, h.exit_type,
               o.application_id IS NOT NULL AS has_offer,
               h.application_id IS NOT NULL AS has_hire
        FROM applications AS a
        LEFT JOIN offers AS o ON o.application_id = a.application_id
        LEFT JOIN hires AS h ON h.application_id = a.application_id
        WHERE o.application_id IS NOT NULL OR h.application_id IS NOT NULL
        ORDER BY a.applied_on""",
    # Every stage seen in stage_events with its lowest order (stages missing from the catalogue).
    "event_stages": """
        CREATE OR REPLACE TABLE event_stages AS
        SELECT stage, min(stage_order) AS stage_order FROM stage_events GROUP BY stage""",
}


def refresh_derived(cur: duckdb.DuckDBPyConnection, version: int) -> None:
    """Rebuild the derived tables for ``version`` (call inside the load's transaction)."""
    for ddl in DERIVED_SQL.values():
        cur.execute(ddl)
    _mark_derived(cur, version)


@contextlib.contextmanager
def memory_limit(con: duckdb.DuckDBPyConnection, limit: str | None) -> Iterator[None]:
    """Run a block with DuckDB's ``memory_limit`` set to ``limit`` (e.g. "1GB"), then put the
    previous value back. DuckDB spills sorts, joins and aggregates to disk above the limit, so a
    big build stays small in RAM. A database whose configuration is locked keeps its setting."""
    if not limit:
        yield
        return
    try:
        previous = con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
        con.execute(f"SET memory_limit = '{_checked_size(limit)}'")
    except duckdb.Error:
        yield
        return
    try:
        yield
    finally:
        with contextlib.suppress(duckdb.Error):
            con.execute(f"SET memory_limit = '{_checked_size(previous)}'")


def _checked_size(value: str) -> str:
    """A memory size such as '1GB' or '1.5 GiB' (validated: it is put into SQL text)."""
    text = str(value).strip()
    if not re.fullmatch(r"[0-9]+(\.[0-9]+)?\s*[KMGT]?i?B", text, flags=re.IGNORECASE):
        raise ValueError(f"not a memory size: {value!r} (use e.g. '1GB')")
    return text


def rebuild_derived(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild the derived tables for the current data version, in their own transaction."""
    cur = con.cursor()
    try:
        with transaction(cur):
            refresh_derived(cur, _current_version(cur))
    except duckdb.Error as e:
        raise StoreError(f"Rebuilding the summary tables failed: {e}") from e
    finally:
        cur.close()


def _mark_derived(cur: duckdb.DuckDBPyConnection, version: int) -> None:
    # A table of its own, not a ``meta`` key: meta is data (copied and restored by undo, shown
    # in exports), this is bookkeeping of the derived tables.
    cur.execute(
        f"CREATE OR REPLACE TABLE {DERIVED_INFO_TABLE} AS SELECT {int(version)}::BIGINT AS version"
    )


def derived_fresh(cur: duckdb.DuckDBPyConnection, *needed: str) -> bool:
    """True when the derived tables describe the current data version (and, when named, the
    ``needed`` ones exist: a database built by an older version may lack a newer one)."""
    wanted = {DERIVED_INFO_TABLE, *needed}
    present = cur.execute(
        "SELECT count(DISTINCT table_name) FROM duckdb_tables() "
        "WHERE schema_name = 'main' AND table_name = ANY(?)",
        [sorted(wanted)],
    ).fetchall()[0][0]
    if present != len(wanted):
        return False
    row = cur.execute(
        f"""
        SELECT (SELECT value FROM meta WHERE key = 'data_version'),
               (SELECT max(version) FROM {DERIVED_INFO_TABLE})
        """
    ).fetchall()[0]
    return row[0] is not None and row[1] is not None and str(row[1]) == str(row[0])


class StoreError(AivshiError):
    """A database problem described for a person: what failed and what to do."""


def db_path_from_env() -> Path:
    """The database file: ``$AIVSHI_DB`` when set, else ``data/aivshi.duckdb`` in the repo."""
    override = os.environ.get(DB_ENV_VAR)
    return Path(override).expanduser() if override else DEFAULT_DB_PATH


READ_ONLY_ENV_VAR = "AIVSHI_READ_ONLY"


def db_location_from_env() -> str:
    """The database location exactly as given: ``$AIVSHI_DB`` (a file path, ``:memory:``, or a
    MotherDuck ``md:...`` string, passed to DuckDB unchanged) or ``data/aivshi.duckdb``."""
    override = os.environ.get(DB_ENV_VAR)
    if not override:
        return str(DEFAULT_DB_PATH)
    return str(Path(override).expanduser()) if is_local_file(override) else override


def is_local_file(location: str | Path) -> bool:
    """True for a database file on this machine; False for ``:memory:`` and connection strings
    such as ``md:db`` / ``motherduck:db`` or URLs, which must not be turned into paths."""
    text = str(location)
    if text == ":memory:" or text.startswith(":memory:"):
        return False
    return not (text.startswith(("md:", "motherduck:")) or "://" in text)


def read_only_from_env() -> bool:
    """``AIVSHI_READ_ONLY=1`` (or true/yes): serve a published database file read-only."""
    return os.environ.get(READ_ONLY_ENV_VAR, "").strip().lower() in ("1", "true", "yes", "on")


def published_file(location: str | Path) -> Path:
    """The file a (possibly symlinked) published location points at right now."""
    return Path(os.path.realpath(location))


def file_stamp(location: str | Path) -> tuple[str, int, int, int] | None:
    """What identifies the current version of a published file (its real path, inode, size and
    mtime); one ``stat`` call, cheap enough for every script run. None when it is missing."""
    real = published_file(location)
    try:
        st = real.stat()
    except OSError:
        return None
    return (str(real), st.st_ino, st.st_size, st.st_mtime_ns)


def publish(source: str | Path, dest: str | Path, *, keep: int = 3) -> Path:
    """Publish a finished database file to readers by atomic rename.

    The source (built by the loader, e.g. ``python -m analytics import ... --db copy.duckdb``,
    closed) is copied next to ``dest`` as a versioned file ``<dest>.v<N>``, and ``dest`` is then
    switched to it by renaming a new symlink over it (``os.replace``: readers see the old or the
    new version, never a half-written file). Readers open the symlink's target, so every version
    has its own path: DuckDB caches open databases by path, and a new path is what lets a reader
    process open the new version while pages still running finish on the old one. The newest
    ``keep`` versions are kept (a reader that still has an older one open keeps reading it: on
    Linux a deleted file lives until closed). Returns the versioned file.
    """
    src, target = Path(source), Path(dest)
    if not src.is_file():
        raise StoreError(f"Cannot publish {src}: no such database file.")
    if Path(str(src) + ".wal").exists():
        raise StoreError(
            f"Cannot publish {src}: it has a write-ahead log ({src}.wal), so it is still open or "
            "was not closed cleanly. Close the loader (or open and close it once) and try again."
        )
    try:
        con = duckdb.connect(str(src), read_only=True)
        con.execute("SELECT count(*) FROM meta").fetchall()
        con.close()
    except duckdb.Error as e:
        raise StoreError(
            f"Cannot publish {src}: it is not a readable AI vs HI database ({e})."
        ) from e
    target.parent.mkdir(parents=True, exist_ok=True)
    existing = sorted(
        target.parent.glob(f"{target.name}.v*"), key=lambda p: _version_number(p, target)
    )
    number = (_version_number(existing[-1], target) + 1) if existing else 1
    versioned = target.with_name(f"{target.name}.v{number}")
    tmp = versioned.with_name(versioned.name + ".part")
    shutil.copyfile(src, tmp)
    _bump_published_version(tmp, target)
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, versioned)
    link = target.with_name(f".{target.name}.link{os.getpid()}")
    link.unlink(missing_ok=True)
    link.symlink_to(versioned.name)
    os.replace(link, target)
    for old in [*existing, versioned][:-keep] if keep > 0 else []:
        old.unlink(missing_ok=True)
    return versioned


def _bump_published_version(copy: Path, target: Path) -> None:
    """Give the copy a data version above the one readers have now, so their caches (keyed by
    the data version) never mistake the new file for the old one."""
    previous = 0
    if published_file(target).exists():
        with contextlib.suppress(duckdb.Error):
            old = duckdb.connect(str(published_file(target)), read_only=True)
            try:
                previous = _current_version(old)
            finally:
                old.close()
    con = duckdb.connect(str(copy))
    try:
        own = _current_version(con)
        if own <= previous:
            fresh = derived_fresh(con)
            with transaction(con):
                _set_meta(con, "data_version", str(previous + 1))
                if fresh:
                    _mark_derived(con, previous + 1)
        con.execute("CHECKPOINT")
    finally:
        con.close()


def _set_meta(cur: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    cur.execute(
        "INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = ?",
        [key, value, value],
    )


def _version_number(path: Path, target: Path) -> int:
    suffix = path.name[len(target.name) + 2 :]
    return int(suffix) if suffix.isdigit() else -1


def _configure(con: duckdb.DuckDBPyConnection) -> None:
    # Extensions other than the built-in ones try to download and fail offline (PITFALLS.md).
    # Set only when not set yet: a second connection to a file this process already opened
    # shares its database, whose configuration ``harden`` may have locked.
    for name in ("autoinstall_known_extensions", "autoload_known_extensions"):
        if con.execute("SELECT current_setting(?)", [name]).fetchall()[0][0] is not False:
            con.execute(f"SET {name} = false")


def harden(con: duckdb.DuckDBPyConnection, allowed: list[str | Path] | None = None) -> None:
    """Lock the connection's file access down to ``allowed`` directories, for the app process.

    The app reads uploads as bytes in Python and never asks DuckDB to touch another file, so a
    query (a bug, or an injected string) cannot read ``/etc/passwd`` with ``read_csv``, write with
    ``COPY``, ``ATTACH`` another database or load an extension. The database file itself, its WAL
    and its spill directory (``<db>.tmp``) stay usable. Each setting is its own ``SET``, in this
    order (passing them together to ``connect(config=...)`` raises; PITFALLS.md), and the last
    one locks the configuration so that nothing can switch access back on.
    """
    dirs = sorted({str(Path(d).resolve()) for d in (allowed or [])})
    con.execute("SET allowed_directories = ?", [dirs])
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table that is missing, in one transaction (idempotent)."""
    with transaction(con):
        for ddl in SCHEMA.values():
            con.execute(ddl)
        con.execute("INSERT INTO meta VALUES ('data_version', '0') ON CONFLICT (key) DO NOTHING")


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """``BEGIN`` ... ``COMMIT``, or ``ROLLBACK`` and re-raise on any error."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def connect(path: str | Path = ":memory:", *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open a connection with the project's settings and the schema in place."""
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as e:
        raise StoreError(
            f"Could not open the database {path}: {e}. If another program (or another copy of the "
            "app) has it open, close that first; or point AIVSHI_DB to another file."
        ) from e
    _configure(con)
    if not read_only:
        ensure_schema(con)
    return con


def _remove_stale_builds(target: Path) -> None:
    """Delete half-built demo files (``<db>.tmp<pid>``, its WAL) left by a process that died
    during a first start; files of a process that still runs are left alone."""
    for leftover in target.parent.glob(f"{target.name}.tmp*"):
        pid = leftover.name[len(target.name) + 4 :].removesuffix(".wal")
        if not pid.isdigit() or leftover.is_dir():
            continue  # DuckDB's own spill directory is "<db>.tmp"
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            leftover.unlink(missing_ok=True)
        except OSError:
            continue  # alive, owned by someone else


def open_database(
    path: str | Path | None = None,
    *,
    build_demo: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
    read_only: bool = False,
) -> duckdb.DuckDBPyConnection:
    """The app's root connection. When the file does not exist yet, build it first.

    ``build_demo`` fills a fresh database (the demo generator). It runs against a temporary file
    that is renamed into place only when complete, so a crash during the first start never leaves
    a half-built database behind.

    ``path`` may also be ``:memory:`` (the demo is built into it) or a connection string such as
    MotherDuck's ``md:db``, passed to DuckDB unchanged. ``read_only=True`` opens a published file
    read-only (the file a symlink points at; see ``publish``), never builds and never writes.
    """
    location = str(path) if path is not None else db_location_from_env()
    if read_only:
        if is_local_file(location):
            real = published_file(location)
            if not real.exists():
                raise StoreError(
                    f"The database {location} does not exist. In read-only mode "
                    f"({READ_ONLY_ENV_VAR}=1) the app only reads a published database: publish "
                    "one with 'python -m analytics publish SRC DEST' or unset the variable."
                )
            con = connect(real, read_only=True)
            harden(con, [real.parent])
            return con
        return connect(location, read_only=True)
    if not is_local_file(location):
        con = connect(location)
        if location.startswith(":memory:") and build_demo is not None:
            if not con.execute("SELECT count(*) FROM applications").fetchall()[0][0]:
                build_demo(con)
        return con
    target = Path(location)
    if not target.exists() and build_demo is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f"{target.name}.tmp{os.getpid()}")
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            leftover.unlink(missing_ok=True)
        _remove_stale_builds(target)
        con = connect(tmp)
        try:
            build_demo(con)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(tmp, target)
    con = connect(target)
    if str(target) != ":memory:":
        harden(con, [target.resolve().parent])
    return con


def load_tables(
    con: duckdb.DuckDBPyConnection,
    tables: Mapping[str, pd.DataFrame],
    *,
    mode: LoadMode = "replace",
    source: str = "",
    meta: Mapping[str, str] | None = None,
    keep_previous: bool = False,
    derived: bool = True,
) -> int:
    """Replace or append whole tables in one transaction and bump the data version.

    Columns are matched by name (``INSERT ... BY NAME``); columns missing from a frame stay NULL.
    Either every table is loaded or none is: any error rolls back and is re-raised as
    ``StoreError``. Returns the new data version.

    ``keep_previous=True`` first copies every data table and ``meta`` into ``prev_*`` tables (in
    the same transaction), so that ``undo_last_load`` can restore them exactly until the next load.
    A load without it forgets the copy (undo then refers to nothing).
    """
    return load_table_batches(
        con,
        [tables],
        mode=mode,
        source=source,
        meta=meta,
        keep_previous=keep_previous,
        derived=derived,
    )


def load_table_batches(
    con: duckdb.DuckDBPyConnection,
    batches: Iterable[Mapping[str, pd.DataFrame]],
    *,
    mode: LoadMode = "replace",
    source: str = "",
    meta: Mapping[str, str] | None = None,
    keep_previous: bool = False,
    derived: bool = True,
) -> int:
    """``load_tables`` for data that arrive in batches (one transaction, one data version).

    A table is replaced (``mode="replace"``) by the first batch that holds it; later batches
    append to it. ``batches`` may be a generator, so only one batch need be in memory at a time.
    ``derived=False`` skips rebuilding the derived tables (readers then compute on the fly) for a
    caller that loads more and calls ``rebuild_derived`` once at the end.
    """
    if mode not in ("replace", "append"):
        raise ValueError(f"mode must be 'replace' or 'append', not {mode!r}")
    rows: dict[str, int] = {}  # rows loaded per table
    cur = con.cursor()
    try:
        with transaction(cur):
            version = _current_version(cur) + 1
            # A load of other tables (a survey) keeps the derived tables valid: carry them forward.
            derived_fresh_before = derived_fresh(cur)
            now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
            _drop_previous(cur)
            if keep_previous:
                for name in (*DATA_TABLES, "meta"):
                    cur.execute(f'CREATE TABLE "{PREV_PREFIX}{name}" AS SELECT * FROM "{name}"')
            for tables in batches:
                unknown = [name for name in tables if name not in DATA_TABLES]
                if unknown:
                    raise ValueError(
                        f"Unknown table(s) {unknown}; known tables are {list(DATA_TABLES)}"
                    )
                for name, frame in tables.items():
                    if mode == "replace" and name not in rows:
                        cur.execute(f'DELETE FROM "{name}"')
                    cur.register("_incoming", frame)
                    try:
                        cur.execute(f'INSERT INTO "{name}" BY NAME SELECT * FROM _incoming')
                    finally:
                        cur.unregister("_incoming")
                    rows[name] = rows.get(name, 0) + len(frame)
            for name, n in rows.items():
                cur.execute(
                    "INSERT INTO load_log VALUES (?, ?, ?, ?, ?, ?)",
                    [version, now, name, mode, n, source],
                )
            settings = {"data_version": str(version), **(meta or {})}
            cur.execute("DELETE FROM meta WHERE key = ?", [UNDO_KEY])
            if keep_previous:
                settings[UNDO_KEY] = str(version)
            for key, value in settings.items():
                cur.execute(
                    "INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = ?",
                    [key, value, value],
                )
            if not derived:
                pass
            elif derived_fresh_before and not any(name in DERIVED_SOURCES for name in rows):
                _mark_derived(cur, version)
            else:
                refresh_derived(cur, version)
    except duckdb.Error as e:
        raise StoreError(f"Loading {', '.join(rows)} failed and nothing was changed: {e}") from e
    finally:
        cur.close()
    return version


def _drop_previous(cur: duckdb.DuckDBPyConnection) -> None:
    for name in (*DATA_TABLES, "meta"):
        cur.execute(f'DROP TABLE IF EXISTS "{PREV_PREFIX}{name}"')


def can_undo(cur: duckdb.DuckDBPyConnection) -> bool:
    """True when the last change was a load that kept the previous data."""
    meta = get_meta(cur)
    return meta.get(UNDO_KEY) is not None and meta.get(UNDO_KEY) == meta.get("data_version")


def undo_last_load(con: duckdb.DuckDBPyConnection) -> int:
    """Put back the data (every data table and ``meta``) as it was before the last load.

    One transaction; the data version is bumped (not restored) so cached results refresh; the copy
    is dropped, so a second undo is refused. Raises ``StoreError`` when there is nothing to undo.
    Returns the new data version.
    """
    cur = con.cursor()
    try:
        if not can_undo(cur):
            raise StoreError(
                "There is no load to undo: undo works once, right after a load made on the Data "
                "page or with 'python -m analytics import' (a later load or demo rebuild replaces "
                "the saved copy)."
            )
        with transaction(cur):
            version = _current_version(cur) + 1
            now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
            for name in (*DATA_TABLES, "meta"):
                cur.execute(f'DELETE FROM "{name}"')
                cur.execute(f'INSERT INTO "{name}" SELECT * FROM "{PREV_PREFIX}{name}"')
                if name != "meta":
                    n = cur.execute(f'SELECT count(*) FROM "{name}"').fetchall()[0][0]
                    cur.execute(
                        "INSERT INTO load_log VALUES (?, ?, ?, 'undo', ?, 'undo last load')",
                        [version, now, name, n],
                    )
            cur.execute("DELETE FROM meta WHERE key IN ('data_version', ?)", [UNDO_KEY])
            cur.execute("INSERT INTO meta VALUES ('data_version', ?)", [str(version)])
            _drop_previous(cur)
            refresh_derived(cur, version)
    except duckdb.Error as e:
        raise StoreError(f"Undoing the last load failed and nothing was changed: {e}") from e
    finally:
        cur.close()
    return version


def _current_version(cur: duckdb.DuckDBPyConnection) -> int:
    row = cur.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchall()
    return int(row[0][0]) if row else 0


def get_meta(cur: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(cur.execute("SELECT key, value FROM meta").fetchall())


def dataset_info(cur: duckdb.DuckDBPyConnection) -> DatasetInfo:
    """Data version, as-of date (for censoring), demo flag and the number of applications."""
    meta = get_meta(cur)
    n_apps = cur.execute("SELECT count(*) FROM applications").fetchall()[0][0]
    if "as_of" in meta:
        as_of = dt.date.fromisoformat(meta["as_of"])
    else:
        # Real uploads without an explicit as-of date: the latest date seen in the data.
        latest = cur.execute(
            """
            SELECT greatest(
                (SELECT max(applied_on) FROM applications),
                (SELECT max(coalesce(exited_on, entered_on)) FROM stage_events),
                (SELECT max(coalesce(decided_on, offered_on)) FROM offers),
                (SELECT max(coalesce(left_on, start_on)) FROM hires)
            )
            """
        ).fetchall()[0][0]
        as_of = latest or dt.date.today()
    return DatasetInfo(
        data_version=int(meta.get("data_version", "0")),
        as_of=as_of,
        is_demo=meta.get("is_demo") == "true",
        applications=int(n_apps),
        pipeline_rules=meta.get(RULES_SUMMARY_KEY) or None,
        undo_available=meta.get(UNDO_KEY) is not None
        and meta.get(UNDO_KEY) == meta.get("data_version"),
    )


def filter_options(cur: duckdb.DuckDBPyConnection) -> FilterOptions:
    first, last = cur.execute(
        "SELECT min(applied_on), max(applied_on) FROM applications"
    ).fetchall()[0]
    values: dict[str, tuple[str, ...]] = {}
    for dim in DIMENSIONS:
        rows = cur.execute(
            f"SELECT DISTINCT {dim} FROM applications WHERE {dim} IS NOT NULL ORDER BY 1"
        ).fetchall()
        values[dim] = tuple(str(r[0]) for r in rows)
    return FilterOptions(first_date=first, last_date=last, values=values)
