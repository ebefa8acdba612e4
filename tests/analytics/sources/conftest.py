"""A throwaway PostgreSQL cluster for the sync tests: initdb into a temporary folder, pg_ctl start
on a unix socket only (no TCP port, nothing reachable from outside), stopped at the end.

Debian's server refuses to run as root, so as root the cluster runs as the ``postgres`` system
user (``runuser``), which the postgresql package creates. The tests skip only when the server
binaries are missing outside CI; in CI (``CI=true``) a missing server fails, so the sync tests can
never silently not run there (``.ci/run`` installs the package).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

PG_PORT = 55_439  # the socket file's name; no TCP listener is opened


def _bindir() -> Path | None:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(candidate) / "initdb").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _as_server_user(args: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return args
    return ["runuser", "-u", "postgres", "--", *args]


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A libpq URL (no password: trust on the local socket) to a fresh cluster's database."""
    bindir = _bindir()
    if bindir is None:
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL server binaries are missing in CI: .ci/run must install them")
        pytest.skip("PostgreSQL server binaries not installed (apt-get install postgresql)")
    root = Path(tempfile.mkdtemp(prefix="aivshi-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, user="postgres")
    data = root / "data"
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    subprocess.run(
        _as_server_user([str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U",
                         "postgres", "-E", "UTF8", "--no-sync"]),
        check=True, capture_output=True, env=env,
    )  # fmt: skip
    options = f"-k {root} -c listen_addresses='' -p {PG_PORT} -c fsync=off"
    subprocess.run(
        _as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-o", options,
                         "-l", str(root / "server.log"), "-w", "start"]),
        check=True, capture_output=True, env=env,
    )  # fmt: skip
    try:
        yield f"postgresql://postgres@/postgres?host={root}&port={PG_PORT}"
    finally:
        subprocess.run(
            _as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True, env=env,
        )  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)
