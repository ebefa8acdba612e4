"""Where the database is and how it is opened: paths from the environment, the process-wide
root connection (``open_database``), read-only serving of a published file, and hardening.

Why it works like this: DuckDB 2.0 allows one writing process per file and refuses concurrent
use of one connection, so the app keeps one root connection per process and callers take a
``cursor()`` each. A crash while the demo database is first built leaves no half-built file: it
is built under a temporary name and renamed into place.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import duckdb

from analytics.store.base import LOCKED, StoreError, log
from analytics.store.schema import ensure_schema

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DB_PATH = REPO_ROOT / "data" / "aivshi.duckdb"
DB_ENV_VAR = "AIVSHI_DB"
READ_ONLY_ENV_VAR = "AIVSHI_READ_ONLY"


def db_path_from_env() -> Path:
    """The database file: ``$AIVSHI_DB`` when set, else ``data/aivshi.duckdb`` in the repo."""
    override = os.environ.get(DB_ENV_VAR)
    return Path(override).expanduser() if override else DEFAULT_DB_PATH


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


def harden_remote(con: duckdb.DuckDBPyConnection, location: str) -> None:
    """Lock down a connection whose database is not a local file (``:memory:`` or MotherDuck).

    ``:memory:`` gets the same lockdown as a file, with no allowed directory. A MotherDuck
    connection needs the network for its own storage, so external access stays on, but the local
    file system is switched off: a query still cannot read this server's files
    (``read_text('/etc/passwd')``). Not verifiable offline against MotherDuck itself; the
    settings are DuckDB's own and are tested on a local connection.
    """
    if location.startswith(":memory:"):
        harden(con, [])
        return
    con.execute("SET disabled_filesystems = 'LocalFileSystem'")
    con.execute("SET lock_configuration = true")


def private_files() -> None:
    """Files this process creates from now on (database, WAL, spill files, published versions,
    the id key) are readable by their owner only (0600): candidate data are personal data, and
    the umask of a server account is usually 022 (readable by every local user)."""
    os.umask(0o077)


def connect(path: str | Path = ":memory:", *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open a connection with the project's settings and the schema in place.

    A failure says what to do in plain words; the location and the engine's message (which names
    the file and the process holding its lock) go to the server log only.
    """
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as e:
        log.warning("Could not open the database %s: %s", path, e)
        raise StoreError(LOCKED if "lock" in str(e).lower() else _CANNOT_OPEN) from e
    _configure(con)
    if not read_only:
        ensure_schema(con)
    return con


_CANNOT_OPEN = (
    "The database cannot be opened. Check the AIVSHI_DB setting (the server log names the "
    "location it tried) or ask the person who runs the server."
)


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
                log.warning("Read-only mode: the database %s does not exist", location)
                raise StoreError(
                    "The published database does not exist yet. In read-only mode "
                    f"({READ_ONLY_ENV_VAR}=1) the app only reads a published database: publish "
                    "one with 'python -m analytics publish SRC DEST' (the server log names the "
                    "location) or unset the variable."
                )
            con = connect(real, read_only=True)
            harden(con, [real.parent])
            return con
        con = connect(location, read_only=True)
        harden_remote(con, location)
        return con
    private_files()
    if not is_local_file(location):
        con = connect(location)
        if location.startswith(":memory:") and build_demo is not None:
            if not con.execute("SELECT count(*) FROM applications").fetchall()[0][0]:
                build_demo(con)
        harden_remote(con, location)
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
