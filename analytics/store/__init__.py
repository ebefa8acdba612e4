"""DuckDB storage: the schema, the process-wide connection, atomic loads and the data version.

Why this package exists: DuckDB 2.0 refuses concurrent use of one connection, allows one writing
process per file, and rolls a failed transaction back whole. So the app keeps one root connection
per process (``connection.open_database``), every caller works on its own ``cursor()``, and every
load runs in one ``BEGIN ... COMMIT`` that also bumps the data version used as the cache key
(``loads``). ``schema`` holds the DDL and the derived tables, ``publish`` hands a finished file to
read-only readers, ``base`` the error type and the transaction. This module re-exports the public
API, so ``from analytics import store; store.connect(...)`` works everywhere.
"""

from __future__ import annotations

from analytics.store.base import StoreError, current_version, get_meta, set_meta, transaction
from analytics.store.connection import (
    DB_ENV_VAR,
    DEFAULT_DB_PATH,
    READ_ONLY_ENV_VAR,
    REPO_ROOT,
    connect,
    db_location_from_env,
    db_path_from_env,
    file_stamp,
    harden,
    harden_remote,
    is_local_file,
    open_database,
    private_files,
    published_file,
    read_only_from_env,
)
from analytics.store.idkey import (
    ID_KEY_ENV_VAR,
    ID_KEY_FILE_ENV_VAR,
    KEY_CHECK_META,
    IdKey,
    id_key,
    key_file,
)
from analytics.store.loads import (
    can_undo,
    dataset_info,
    filter_options,
    load_table_batches,
    load_tables,
    undo_last_load,
)
from analytics.store.publish import publish
from analytics.store.schema import (
    DATA_TABLES,
    DERIVED_INFO_TABLE,
    DERIVED_SOURCES,
    DERIVED_SQL,
    PREV_PREFIX,
    QUESTION_KINDS,
    RULES_SUMMARY_KEY,
    SCHEMA,
    SETTINGS_TABLES,
    STAGE_RESULTS,
    STATUSES,
    TOUCHPOINTS,
    UNDO_KEY,
    LoadMode,
    derived_fresh,
    derived_tables,
    ensure_schema,
    mark_derived,
    memory_limit,
    rebuild_derived,
    refresh_derived,
)

__all__ = [
    "DATA_TABLES",
    "DB_ENV_VAR",
    "DEFAULT_DB_PATH",
    "DERIVED_INFO_TABLE",
    "DERIVED_SOURCES",
    "DERIVED_SQL",
    "ID_KEY_ENV_VAR",
    "ID_KEY_FILE_ENV_VAR",
    "KEY_CHECK_META",
    "PREV_PREFIX",
    "QUESTION_KINDS",
    "READ_ONLY_ENV_VAR",
    "REPO_ROOT",
    "RULES_SUMMARY_KEY",
    "SCHEMA",
    "SETTINGS_TABLES",
    "STAGE_RESULTS",
    "STATUSES",
    "TOUCHPOINTS",
    "UNDO_KEY",
    "IdKey",
    "LoadMode",
    "StoreError",
    "can_undo",
    "connect",
    "current_version",
    "dataset_info",
    "db_location_from_env",
    "db_path_from_env",
    "derived_fresh",
    "derived_tables",
    "ensure_schema",
    "file_stamp",
    "filter_options",
    "get_meta",
    "harden",
    "harden_remote",
    "private_files",
    "id_key",
    "is_local_file",
    "key_file",
    "load_table_batches",
    "load_tables",
    "mark_derived",
    "memory_limit",
    "open_database",
    "publish",
    "published_file",
    "read_only_from_env",
    "rebuild_derived",
    "refresh_derived",
    "set_meta",
    "transaction",
    "undo_last_load",
]
