"""The DuckDB schema: one idempotent DDL statement per table, the derived tables that make the
funnel pages fast, and their bookkeeping.

Why it works like this: DDL as constants with an idempotent ``ensure_schema`` (STYLE.md) means
opening an existing database is a no-op. Derived tables are rebuilt inside the load transaction
and stamped with the data version they describe, so a reader never uses stale ones.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Literal

import duckdb

from analytics.store.base import current_version, engine_error, transaction
from analytics.store.causal_patterns import CAUSAL_PATTERNS_SQL
from analytics.store.fairness_counts import FAIRNESS_COUNTS_SQL
from analytics.store.fairness_events import FAIRNESS_EVENTS_SQL
from analytics.store.funnel_timing import FUNNEL_FORMATS_SQL, FUNNEL_STAGE_DAYS_SQL
from analytics.store.idkey import drop_legacy_salt

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
    "causal_patterns": CAUSAL_PATTERNS_SQL,  # issue 22, after app_outcomes (it reads it)
    # Count cubes for the funnel page (issue 21): the rows above grouped by application month and
    # the filter dimensions, so a page run sums a table whose size is bounded by the dimensions'
    # values, not by the number of applications. ``applied_on`` holds the month's first day:
    # readers use them only for filters in whole months (what the sidebar sets), where
    # "applied_on between the bounds" selects the same applications as on the day-level rows.
    "funnel_ends": """
        CREATE OR REPLACE TABLE funnel_ends AS
        SELECT CAST(date_trunc('month', a.applied_on) AS DATE) AS applied_on, a.pipeline,
               a.status, a.role_family, a.seniority, a.region, a.source,
               s.max_order, s.last_result, count(*) AS n
        FROM applications AS a
        LEFT JOIN app_summary AS s USING (application_id)
        GROUP BY ALL""",
    "funnel_contact": """
        CREATE OR REPLACE TABLE funnel_contact AS
        SELECT CAST(date_trunc('month', a.applied_on) AS DATE) AS applied_on, a.status,
               a.role_family, a.seniority, a.region, a.source, a.first_human_step,
               count(*) AS applications,
               count(o.accepted) AS offers_decided,
               count(*) FILTER (WHERE o.accepted) AS accepted
        FROM applications AS a
        LEFT JOIN offers AS o ON o.application_id = a.application_id
        GROUP BY ALL""",
    # One row per application and withdrawal reason (an application counts once per reason).
    "funnel_withdrawals": """
        CREATE OR REPLACE TABLE funnel_withdrawals AS
        SELECT CAST(date_trunc('month', applied_on) AS DATE) AS applied_on, pipeline, status,
               role_family, seniority, region, source, reason, count(*) AS n
        FROM (
            SELECT DISTINCT application_id, pipeline, applied_on, status,
                   role_family, seniority, region, source,
                   coalesce(withdrawal_reason, '(missing)') AS reason
            FROM app_stage
            WHERE result = 'withdrawn'
        )
        GROUP BY ALL""",
    "fairness_events": FAIRNESS_EVENTS_SQL,  # issue 21: fairness and business-case counts
    # Issue 21 at 10M (helper i2): after fairness_events (they read it).
    "fairness_counts": FAIRNESS_COUNTS_SQL,
    "funnel_formats": FUNNEL_FORMATS_SQL,  # after app_stage (they read it)
    "funnel_stage_days": FUNNEL_STAGE_DAYS_SQL,
}


def refresh_derived(cur: duckdb.DuckDBPyConnection, version: int) -> None:
    """Rebuild the derived tables for ``version`` (call inside the load's transaction)."""
    for ddl in DERIVED_SQL.values():
        cur.execute(ddl)
    mark_derived(cur, version)


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
            refresh_derived(cur, current_version(cur))
    except duckdb.Error as e:
        raise engine_error("Rebuilding the summary tables failed", e) from e
    finally:
        cur.close()


def mark_derived(cur: duckdb.DuckDBPyConnection, version: int) -> None:
    # A table of its own, not a ``meta`` key: meta is data (copied and restored by undo, shown
    # in exports), this is bookkeeping of the derived tables. The version is also the table's
    # comment, so ``derived_tables`` reads it from the catalogue in the same query as the table
    # names (one query per check instead of two; issue 21). CREATE OR REPLACE drops the comment,
    # so a table without one (or copied elsewhere) is read the old way.
    version = int(version)
    cur.execute(
        f"CREATE OR REPLACE TABLE {DERIVED_INFO_TABLE} AS SELECT {version}::BIGINT AS version"
    )
    cur.execute(f"COMMENT ON TABLE {DERIVED_INFO_TABLE} IS '{version}'")


def derived_tables(cur: duckdb.DuckDBPyConnection, *extra: str) -> frozenset[str] | None:
    """The derived tables present (of ``DERIVED_SQL`` and ``extra``) when they describe the current
    data version, None when they are stale or were never built; one catalogue query, so a caller
    that needs several of them asks once."""
    row = cur.execute(
        f"""
        SELECT (SELECT value FROM meta WHERE key = 'data_version'),
               list(table_name),
               max(comment) FILTER (WHERE table_name = '{DERIVED_INFO_TABLE}')
        FROM duckdb_tables()
        WHERE schema_name = 'main' AND table_name = ANY(?)
        """,
        [sorted({DERIVED_INFO_TABLE, *DERIVED_SQL, *extra})],
    ).fetchall()[0]
    data_version, names, marked = row[0], set(row[1] or ()), row[2]
    if data_version is None or DERIVED_INFO_TABLE not in names:
        return None
    if marked is None:  # built before the comment, or copied: read the table itself
        marked = cur.execute(f"SELECT max(version) FROM {DERIVED_INFO_TABLE}").fetchall()[0][0]
    if marked is None or str(marked) != str(data_version):
        return None
    return frozenset(names - {DERIVED_INFO_TABLE})


def derived_fresh(cur: duckdb.DuckDBPyConnection, *needed: str) -> bool:
    """True when the derived tables describe the current data version (and, when named, the
    ``needed`` ones exist: a database built by an older version may lack a newer one)."""
    current = derived_tables(cur, *needed)
    return current is not None and set(needed) <= current


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table that is missing, in one transaction (idempotent). A database from
    before keyed hashing loses its in-database salt here (``idkey.drop_legacy_salt``)."""
    with transaction(con):
        for ddl in SCHEMA.values():
            con.execute(ddl)
        con.execute("INSERT INTO meta VALUES ('data_version', '0') ON CONFLICT (key) DO NOTHING")
        drop_legacy_salt(con)
