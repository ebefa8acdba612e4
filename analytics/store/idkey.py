"""The key that turns candidate ids (and e-mail addresses) into pseudonyms, kept out of the
database.

Why a keyed hash with the key elsewhere: a plain or salted SHA-256 whose salt sits in the same
file lets anyone with the file hash "C0".."C9999" or a list of e-mail addresses and re-identify
every row in under a second. HMAC-SHA-256 (RFC 2104; FIPS 198-1) with a 256-bit secret key that
is never written into the database (nor into a published copy) makes that impossible with the
file alone, while the same candidate still gets the same id on every load made with the same key.

Where the key comes from, first match wins:
1. the environment variable ``AIVSHI_ID_KEY`` (the key itself, at least 16 characters);
2. ``AIVSHI_ID_KEY`` at the top level of Streamlit's ``secrets.toml`` (the repository's, the
   working directory's or the user's ``.streamlit/secrets.toml``; Streamlit also exports
   top-level secrets as environment variables);
3. a key file: ``AIVSHI_ID_KEY_FILE`` when set, else ``<database file>.key`` next to the
   database, created on first use with mode 0600 (owner read/write only);
4. for an in-memory database without any of these, a random key for this process only (the
   data die with the process anyway).

Rotating the key means re-linking: ids hashed with the old key no longer match the new ones, so
replace all data after a rotation (appending is refused: the stored key check differs).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import os
import secrets
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from analytics.store.base import StoreError

ID_KEY_ENV_VAR = "AIVSHI_ID_KEY"
ID_KEY_FILE_ENV_VAR = "AIVSHI_ID_KEY_FILE"
KEY_CHECK_META = "id_key_check"  # meta key: a check value of the key the data were hashed with
LEGACY_SALT_KEY = "candidate_salt"  # meta key of the old in-database salt; removed on sight
MIN_KEY_CHARS = 16
HASH_CHARS = 20  # 80 bits of the HMAC: no collision in practice for millions of candidates
_KEY_FILE_SUFFIX = ".key"
_PROCESS_KEY = secrets.token_bytes(32)  # in-memory databases only


_BLOCK = 64  # SHA-256's block size in bytes (FIPS 180-4)


@functools.lru_cache(maxsize=4)
def _pads(secret: bytes) -> tuple[hashlib._Hash, hashlib._Hash]:
    """The SHA-256 states after absorbing K xor ipad and K xor opad (RFC 2104, section 2: a key
    longer than the block is hashed first, then the key is zero-padded to the block size).

    HMAC(K, m) = H((K xor opad) || H((K xor ipad) || m)); both keyed prefixes are exactly one
    block, so their states are computed once per key and copied per value. Two plain
    ``hashlib`` copies cost about half of ``hmac.HMAC.copy`` (measured on 587,856 ids:
    1.46 vs 2.57 CPU s), and the result is the standard HMAC (checked against ``hmac.new`` in
    the tests)."""
    key = hashlib.sha256(secret).digest() if len(secret) > _BLOCK else secret
    key = key.ljust(_BLOCK, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))
    return inner, outer


@dataclass(frozen=True)
class IdKey:
    """A secret key and where it came from (``source``: environment, secrets, file or
    process). ``secret`` is left out of ``repr`` so it never lands in a log or a message."""

    secret: bytes = field(repr=False)
    source: str

    def hash(self, value: str) -> str:
        """HMAC-SHA-256 of ``value`` under the key (RFC 2104), as hex, truncated.

        The keyed inner and outer states are prepared once per key and copied per value
        (``_pads``): the same digest as ``hmac.new(secret, value, sha256)``, which matters for
        the hundreds of thousands of distinct candidates of a large import
        (docs/performance.md). For many values at once use :meth:`hash_many`."""
        return self.hash_many([value])[0]

    def hash_many(self, values: Iterable[str]) -> list[str]:
        """:meth:`hash` of every value, in order: one loop with the copies bound once (the
        import hashes each distinct candidate id through this)."""
        inner, outer = _pads(self.secret)
        new_inner, new_outer = inner.copy, outer.copy
        out = []
        for value in values:
            h = new_inner()
            h.update(value.encode("utf-8"))
            o = new_outer()
            o.update(h.digest())
            out.append(o.hexdigest()[:HASH_CHARS])
        return out

    @property
    def check(self) -> str:
        """A value stored with the data to notice a different key on the next load. It reveals
        nothing a stored candidate hash does not already: both are HMACs under the key."""
        return hmac.new(self.secret, b"aivshi id key check", hashlib.sha256).hexdigest()[:16]


def database_file(con: duckdb.DuckDBPyConnection | None) -> Path | None:
    """The file of ``con``'s database, or None (in memory, a connection string, no connection)."""
    if con is None:
        return None
    cur = con.cursor()
    try:
        rows = cur.execute(
            "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
        ).fetchall()
    finally:
        cur.close()
    path = rows[0][0] if rows else None
    if not path or str(path).startswith((":memory:", "md:", "motherduck:")) or "://" in path:
        return None
    return Path(path)


def key_file(database: Path | None) -> Path | None:
    """Where the key file is (``AIVSHI_ID_KEY_FILE``, else next to the database file)."""
    override = os.environ.get(ID_KEY_FILE_ENV_VAR)
    if override:
        return Path(override).expanduser()
    if database is None:
        return None
    return database.with_name(database.name + _KEY_FILE_SUFFIX)


def id_key(con: duckdb.DuckDBPyConnection | None = None) -> IdKey:
    """The key for ``con``'s database (see the module docstring for the order). Raises
    ``StoreError`` for a key that is too short or a key file that cannot be read or made."""
    from_env = os.environ.get(ID_KEY_ENV_VAR)
    if from_env:
        return IdKey(_checked(from_env, ID_KEY_ENV_VAR), "environment")
    from_secrets = _from_secrets()
    if from_secrets:
        return IdKey(_checked(from_secrets, "secrets.toml"), "secrets")
    path = key_file(database_file(con))
    if path is None:
        return IdKey(_PROCESS_KEY, "process")
    return IdKey(_read_or_create(path), f"file:{path}")


def _checked(text: str, where: str) -> bytes:
    if len(text.strip()) < MIN_KEY_CHARS:
        raise StoreError(
            f"The key for candidate ids in {where} is shorter than {MIN_KEY_CHARS} characters. "
            'Use a long random value, e.g. the output of: python -c "import secrets; '
            'print(secrets.token_hex(32))"'
        )
    return text.strip().encode("utf-8")


def _secrets_files() -> list[Path]:
    repo = Path(__file__).resolve().parents[2]
    return [
        repo / ".streamlit" / "secrets.toml",
        Path.cwd() / ".streamlit" / "secrets.toml",
        Path.home() / ".streamlit" / "secrets.toml",
    ]


def _from_secrets() -> str | None:
    for path in _secrets_files():
        with contextlib.suppress(OSError, tomllib.TOMLDecodeError):
            value = tomllib.loads(path.read_text(encoding="utf-8")).get(ID_KEY_ENV_VAR)
            if isinstance(value, str) and value:
                return value
    return None


def _read_or_create(path: Path) -> bytes:
    """The key file's key; a new random 256-bit key (hex) when the file does not exist yet,
    created with O_EXCL and mode 0600 so two processes never write two different keys."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            text = path.read_text(encoding="ascii").strip()
        else:
            text = secrets.token_hex(32)
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(text + "\n")
                handle.flush()
                os.fsync(handle.fileno())
    except (OSError, UnicodeDecodeError) as e:
        raise StoreError(
            f"Cannot read or create the key file for candidate ids ({path}): {e}. Set "
            f"{ID_KEY_ENV_VAR} or point {ID_KEY_FILE_ENV_VAR} to a writable place."
        ) from e
    return _checked(text, str(path))


def drop_legacy_salt(cur: duckdb.DuckDBPyConnection) -> bool:
    """Remove the old in-database salt (and its undo copy). True when there was one.

    Old candidate ids stay as they are: without the salt they cannot be recomputed from a
    guessed id any more, and new loads hash with the key (so old and new rows of the same
    candidate are not linked until all data are replaced)."""
    had = cur.execute("SELECT count(*) FROM meta WHERE key = ?", [LEGACY_SALT_KEY]).fetchall()[0][0]
    cur.execute("DELETE FROM meta WHERE key = ?", [LEGACY_SALT_KEY])
    prev = cur.execute(
        "SELECT count(*) FROM duckdb_tables() "
        "WHERE schema_name = 'main' AND table_name = 'prev_meta'"
    ).fetchall()[0][0]
    if prev:
        cur.execute("DELETE FROM prev_meta WHERE key = ?", [LEGACY_SALT_KEY])
    return bool(had)
