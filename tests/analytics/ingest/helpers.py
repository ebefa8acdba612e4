"""What the ingest tests share: the sample files, a snapshot of every table, a sample import."""

from __future__ import annotations

from pathlib import Path

from analytics import ingest, store

SAMPLES = Path(__file__).resolve().parents[3] / "data" / "samples"


def snapshot(con) -> dict[str, list]:
    """Every data table, meta and the settings tables, sorted (version included)."""
    out = {}
    for name in (*store.DATA_TABLES, *store.SETTINGS_TABLES, "meta"):
        out[name] = sorted(map(str, con.execute(f'SELECT * FROM "{name}"').fetchall()))
    return out


def import_sample(con, name: str, kind: str, mode: str = "replace", **kw) -> ingest.Prepared:
    """Import a file of data/samples/ and insist that it loaded."""
    prepared, version = ingest.import_file(con, SAMPLES / name, kind, mode=mode, **kw)
    assert version is not None, prepared.report.to_text()
    return prepared
