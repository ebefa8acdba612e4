"""store.schema: ensure_schema is idempotent."""

from __future__ import annotations

from analytics import store


def test_schema_is_idempotent(con):
    store.ensure_schema(con)
    store.ensure_schema(con)
    tables = {
        r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    assert set(store.SCHEMA) <= tables
    assert store.dataset_info(con).data_version == 0
