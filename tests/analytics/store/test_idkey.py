"""Candidate ids are keyed hashes whose key never lives in the database, and a published copy
holds only what readers need. Regression tests for issue 18 ("Candidate ids are SHA-256 of a salt
stored in the same file", "publish hands the salt and prev_* tables to every replica")."""

from __future__ import annotations

import hashlib
import hmac
import os
import stat

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics import ingest, store
from analytics.store import idkey

N_CANDIDATES = 10_000


@pytest.fixture(autouse=True)
def _no_outside_key(monkeypatch, tmp_path):
    """No key from the environment or a user's secrets.toml leaks into these tests."""
    monkeypatch.delenv(store.ID_KEY_ENV_VAR, raising=False)
    monkeypatch.delenv(store.ID_KEY_FILE_ENV_VAR, raising=False)
    monkeypatch.setattr(idkey, "_secrets_files", lambda: [tmp_path / "no-secrets.toml"])


def _applications_csv(n: int = 400, *, offset: int = 0) -> bytes:
    lines = ["Application ID,Candidate ID,Applied,Status,Pipeline"]
    for i in range(n):
        cand = (i * 7919 + offset) % N_CANDIDATES  # spread over C0..C9999
        lines.append(f"A{offset + i},C{cand},2025-03-{1 + i % 28:02d},rejected,human_first")
    return ("\n".join(lines) + "\n").encode()


def _import(con, data: bytes, mode: str = "replace") -> ingest.Prepared:
    prepared = ingest.prepare(
        ingest.read_upload(data, "apps.csv"), "applications", con=con, mode=mode
    )
    if prepared.ok:
        ingest.load(con, prepared, mode=mode)
    return prepared


def _every_string(con) -> set[str]:
    """Every text value in every table of the file: what an attacker with the file has."""
    out: set[str] = set()
    tables = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'"
    ).fetchall()
    for (name,) in tables:
        for row in con.execute(f'SELECT * FROM "{name}"').fetchall():
            out.update(str(v) for v in row if v is not None)
    return out


def test_with_the_database_file_alone_ids_cannot_be_recomputed(tmp_path):
    db = tmp_path / "aivshi.duckdb"
    con = store.connect(db)
    _import(con, _applications_csv())
    _import(con, _applications_csv(offset=5000), mode="append")  # keeps prev_* copies too
    stored = {r[0] for r in con.execute("SELECT candidate_id FROM applications").fetchall()}
    key = store.id_key(con)
    con.close()
    assert key.source == f"file:{db}.key"

    attacker = duckdb.connect(str(db), read_only=True)
    strings = _every_string(attacker)
    attacker.close()
    guesses = [f"C{i}" for i in range(N_CANDIDATES)]
    # Every other string of the file long enough to be a salt or a key (the old salt was 32
    # characters in meta), tried as a salt (the old scheme) and as an HMAC key: no stored id.
    secrets = sorted(s for s in strings if len(s) >= 8 and s not in stored)
    assert secrets  # the attack has material: meta values, dates, the key check
    for guess in guesses:
        assert hashlib.sha256(guess.encode()).hexdigest()[:20] not in stored
    for secret in secrets:
        for guess in guesses[:1000]:
            assert hashlib.sha256(f"{secret}:{guess}".encode()).hexdigest()[:20] not in stored
            mac = hmac.new(secret.encode(), guess.encode(), hashlib.sha256).hexdigest()[:20]
            assert mac not in stored
    # With the key (kept outside the file) the same guesses do re-link every row.
    assert stored <= {key.hash(g) for g in guesses}
    # The key is not in the file's bytes, in hex or raw.
    raw = db.read_bytes()
    assert key.secret not in raw and bytes.fromhex(key.secret.decode()) not in raw


def test_the_key_file_is_private_and_stable(tmp_path):
    db = tmp_path / "data" / "x.duckdb"
    db.parent.mkdir()
    con = store.connect(db)
    first = store.id_key(con)
    con.close()
    key_path = store.key_file(db)
    assert key_path == db.with_name("x.duckdb.key") and key_path.is_file()
    assert stat.S_IMODE(os.stat(key_path).st_mode) == 0o600
    con = store.connect(db)
    assert store.id_key(con).secret == first.secret  # re-read, not re-made
    con.close()
    assert "secret" not in repr(first) or first.secret.decode() not in repr(first)


def test_environment_and_key_file_setting_win(tmp_path, monkeypatch):
    con = store.connect(tmp_path / "db.duckdb")
    monkeypatch.setenv(store.ID_KEY_FILE_ENV_VAR, str(tmp_path / "keys" / "ids.key"))
    assert store.id_key(con).source == f"file:{tmp_path / 'keys' / 'ids.key'}"
    monkeypatch.setenv(store.ID_KEY_ENV_VAR, "a-long-enough-secret-for-tests")
    key = store.id_key(con)
    assert key.source == "environment"
    assert key.hash("C1") == hmac.new(key.secret, b"C1", hashlib.sha256).hexdigest()[:20]
    monkeypatch.setenv(store.ID_KEY_ENV_VAR, "short")
    with pytest.raises(store.StoreError, match="shorter than 16"):
        store.id_key(con)
    con.close()
    assert not (tmp_path / "db.duckdb.key").exists()  # never made when a key was configured


def test_secrets_toml_key_is_used(tmp_path, monkeypatch):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('AIVSHI_ID_KEY = "from-secrets-toml-0123456789"\n', encoding="utf-8")
    monkeypatch.setattr(idkey, "_secrets_files", lambda: [secrets])
    key = store.id_key(None)
    assert key.source == "secrets" and key.secret == b"from-secrets-toml-0123456789"


def test_appending_with_another_key_is_refused(tmp_path, monkeypatch):
    con = store.connect(tmp_path / "db.duckdb")
    _import(con, _applications_csv())
    monkeypatch.setenv(store.ID_KEY_ENV_VAR, "a-different-key-than-the-file-one")
    prepared = _import(con, _applications_csv(offset=5000), mode="append")
    assert [p.code for p in prepared.report.problems] == ["id_key_changed"]
    assert "AIVSHI_ID_KEY" in prepared.report.problems[0].message("en")
    assert "AIVSHI_ID_KEY" in prepared.report.problems[0].message("nl")
    assert _import(con, _applications_csv(offset=5000)).ok  # replacing re-links: allowed
    con.close()


def test_an_old_salt_is_removed_on_open_and_appending_warns(tmp_path):
    db = tmp_path / "old.duckdb"
    con = store.connect(db)
    _import(con, _applications_csv())
    # What a database from before keyed hashing held: the salt in meta and its undo copy.
    con.execute("UPDATE meta SET value = 'x' WHERE key = 'data_version'")
    con.execute("DELETE FROM meta WHERE key = ?", [store.KEY_CHECK_META])
    con.execute("INSERT INTO meta VALUES ('candidate_salt', '0123456789abcdef0123456789abcdef')")
    con.execute("CREATE OR REPLACE TABLE prev_meta AS SELECT * FROM meta")
    con.execute("UPDATE meta SET value = '1' WHERE key = 'data_version'")
    con.close()
    con = store.connect(db)
    for table in ("meta", "prev_meta"):
        keys = {r[0] for r in con.execute(f"SELECT key FROM {table}").fetchall()}
        assert "candidate_salt" not in keys
    prepared = _import(con, _applications_csv(offset=5000), mode="append")
    assert prepared.ok and [w.code for w in prepared.report.warnings][-1:] == ["old_salt"]
    con.close()


def test_published_copy_has_only_what_readers_need(tmp_path):
    src = tmp_path / "loader.duckdb"
    con = store.connect(src)
    _import(con, _applications_csv())
    _import(con, _applications_csv(offset=5000), mode="append")
    ingest.save_profile(con, "ats", "applications", {"Application ID": "application_id"})
    key = store.id_key(con)
    counts = {
        t: con.execute(f'SELECT count(*) FROM "{t}"').fetchall()[0][0] for t in store.DATA_TABLES
    }
    assert con.execute("SELECT count(*) FROM prev_applications").fetchall()[0][0] > 0
    con.close()
    published = store.publish(src, tmp_path / "live.duckdb")
    reader = store.connect(published, read_only=True)
    tables = {
        r[0]
        for r in reader.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'"
        ).fetchall()
    }
    assert not {t for t in tables if t.startswith(store.PREV_PREFIX)}
    assert set(store.DERIVED_SQL) <= tables
    meta = store.get_meta(reader)
    assert not {store.UNDO_KEY, "candidate_salt"} & set(meta)
    assert meta[store.KEY_CHECK_META] == key.check  # a loader copying the file needs it
    for t in ("load_log", "mapping_profiles"):
        assert reader.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] == 0
    for t, n in counts.items():
        assert reader.execute(f'SELECT count(*) FROM "{t}"').fetchall()[0][0] == n
    assert store.derived_fresh(reader)
    assert store.dataset_info(reader).applications == counts["applications"]
    reader.close()
    raw = published.read_bytes()
    assert key.secret not in raw


# --- the batch hash the import uses (issue 21) -----------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    secret=st.binary(min_size=16, max_size=200),
    values=st.lists(st.text(max_size=40), max_size=20),
)
def test_batch_hash_is_rfc2104_hmac_sha256(secret: bytes, values: list[str]) -> None:
    """``IdKey.hash_many`` builds HMAC from prepared SHA-256 states (RFC 2104 by hand, keys longer
    than the 64-byte block hashed first): it must equal the standard library's ``hmac.new`` for
    every key length and value, and ``hash`` must equal it one value at a time."""
    from analytics.store.idkey import HASH_CHARS, IdKey

    key = IdKey(secret=secret, source="test")
    expected = [
        hmac.new(secret, v.encode("utf-8"), hashlib.sha256).hexdigest()[:HASH_CHARS] for v in values
    ]
    assert key.hash_many(values) == expected
    assert [key.hash(v) for v in values] == expected


def test_rfc4231_test_case_2() -> None:
    """RFC 4231 section 4.3 (HMAC-SHA-256, key "Jefe"): the published digest, truncated."""
    from analytics.store.idkey import HASH_CHARS, IdKey

    key = IdKey(secret=b"Jefe", source="test")
    published = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    assert key.hash("what do ya want for nothing?") == published[:HASH_CHARS]
