"""Orchestration: build the demo, run every task in a child process, collect one result.

The parent only orchestrates; timings are wall-clock on whatever the machine is doing at the
time, so the result records the load average next to them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from analytics import store
from analytics.bench.baseline import BASELINE_TABLES, export_tables
from analytics.bench.summary import summarize
from analytics.bench.tasks import REPO_ROOT

IMPORT_ROWS = 1_000_000  # the import is measured on (at most) a 1M-row applications CSV


def _child(task: str, *args: str, timeout: float = 7200) -> dict[str, Any]:
    """Run one task in a fresh Python process; its last stdout line is its JSON result."""
    proc = subprocess.run(
        [sys.executable, "-m", "analytics.bench", task, *args],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=timeout,
        check=False,
    )
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        return {"error": (proc.stderr or proc.stdout)[-800:]}
    return json.loads(lines[-1])


def machine() -> dict[str, Any]:
    import streamlit

    mem_kb = 0
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    cpu_model = platform.processor() or "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu_model,
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "pandas": pd.__version__,
        "numpy": np.__version__,
        "streamlit": streamlit.__version__,
        "load_avg_start": list(os.getloadavg()),
    }


def run(
    applications: int,
    *,
    runs: int = 5,
    workdir: Path | None = None,
    page_runs: int = 3,
    with_import: bool = True,
    with_apptest: bool = True,
    reuse_db: Path | None = None,
    with_baseline: bool = True,
    browser: bool = False,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Build the demo at ``applications`` and measure everything; returns the JSON-able result.

    ``browser=True`` measures only what a person waits for in Chromium (``bench.browser``), with
    ``runs`` repeats, instead of the Python-side measurements.
    """
    own_tmp = None
    if workdir is None:
        own_tmp = tempfile.TemporaryDirectory(prefix="aivshi-bench-")
        workdir = Path(own_tmp.name)
    workdir.mkdir(parents=True, exist_ok=True)
    db = str(reuse_db) if reuse_db else str(workdir / "bench.duckdb")
    if not reuse_db:
        for leftover in (Path(db), Path(db + ".wal")):
            leftover.unlink(missing_ok=True)
    result: dict[str, Any] = {
        "applications": applications,
        "runs": runs,
        "started_utc": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
    }
    try:
        if reuse_db:
            result["demo"] = {"skipped": f"reused {reuse_db}"}
        else:
            log(f"demo: generating {applications:,} applications ...")
            result["demo"] = _child("demo", db, str(applications))
        con = store.connect(db, read_only=True)
        try:
            info = store.dataset_info(con)
            result["rows"] = {
                name: int(con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0])
                for name in BASELINE_TABLES
            }
        finally:
            con.close()
        result["db_mb"] = round(Path(db).stat().st_size / 2**20, 1)
        result["applications"] = applications = info.applications
        if browser:
            from analytics.bench.browser import BrowserUnavailableError, run_browser

            try:
                result["browser"] = run_browser(db, workdir, repeats=runs, log=log)
            except BrowserUnavailableError as e:
                result["browser"] = {"error": str(e)}
            except Exception as e:  # noqa: BLE001 - a failed run is reported in the table
                result["browser"] = {"error": f"{type(e).__name__}: {str(e)[-800:]}"}
            return _finish(result, None)
        log("analytics: cold and warm per page ...")
        result["analytics"] = _child("analytics", db, str(runs))
        if with_apptest:
            log("page runs through AppTest ...")
            result["apptest"] = _child("apptest", db, str(page_runs))
        if with_import:
            csv = workdir / "applications.csv"
            con = store.connect(db, read_only=True)
            try:
                con.execute(
                    f"COPY (SELECT * EXCLUDE (furthest_stage) FROM applications "
                    f"LIMIT {IMPORT_ROWS}) TO '{csv}' (HEADER)"
                )
            finally:
                con.close()
            log("import: applications CSV through the import path ...")
            result["import"] = _child("import", str(csv), str(workdir))
            csv.unlink(missing_ok=True)
        if not with_baseline:
            return _finish(result, None)
        log("baseline: pandas on the exported tables ...")
        paths = export_tables(db, workdir)
        result["baseline"] = _child(
            "baseline", json.dumps(paths), info.as_of.isoformat(), str(runs)
        )
        for p in paths.values():
            Path(p).unlink(missing_ok=True)
    finally:
        if own_tmp is not None:
            own_tmp.cleanup()
    return _finish(result, None)


def _finish(result: dict[str, Any], own_tmp: Any) -> dict[str, Any]:
    if own_tmp is not None:
        own_tmp.cleanup()
    result["machine"]["load_avg_end"] = list(os.getloadavg())
    result["summary"] = summarize(result)
    return result
