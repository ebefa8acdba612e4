"""The benchmark behind the README's performance table (``python -m analytics bench``).

Why a separate module and separate processes: peak memory (RSS) is a per-process high-water mark,
so every measurement (demo generation, the page analytics, a full page run, the CSV import and the
pandas baseline) runs in its own child process (``python -m analytics.bench TASK ...``) that
prints one JSON line with its timings and its own peak RSS. The parent only orchestrates, prints
the table and writes the JSON. Timings are wall-clock on whatever the machine is doing at the
time, so the JSON records the load average next to them.

"Cold" means a fresh process and connection running a page's analytics for the first time;
"warm" is the median of ``runs`` further runs on the same connection (what the app pays when
``st.cache_data`` misses, e.g. after a filter change, with DuckDB's buffers warm).

The baseline is what an analyst would do without the app: the exported tables (Parquet) held in
pandas, the same headline, funnel, offer and quality numbers computed with ``groupby``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from analytics import store
from analytics.domain import Filters

REPO_ROOT = Path(__file__).resolve().parents[1]
APP = REPO_ROOT / "app.py"
IMPORT_ROWS = 1_000_000  # the import is measured on (at most) a 1M-row applications CSV
PAGES_FOR_APPTEST = (
    "overview",
    "funnel",
    "offers",
    "quality",
    "survey",
    "fairness",
    "business_case",
)
OPTIONAL_PAGES = ("survey", "fairness", "business_case")

# The targets of issue 10 (2 cores), checked in the table.
TARGETS_1M = {"warm_s": 0.150, "cold_s": 1.0, "page_s": 1.5, "import_s": 10.0, "rss_mb": 1536}
TARGETS_10M = {"warm_s": 1.0, "rss_mb": 3072, "speedup": 3.0, "memory_ratio": 1 / 3}


def peak_rss_mb() -> float:
    """This process's peak resident set size in MB (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _median(values: list[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


# --- what each page computes for its default view -------------------------------------------


def page_calls(cur: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, Callable[[], Any]]]]:
    """Per page, the analytics calls its default view makes (as the ``ui/*_data`` accessors do).

    Pages whose analytics module has not landed are left out (``missing_pages`` names them).
    """
    from analytics.metrics import change, funnel, offers, overview, quality
    from analytics.metrics.quality import DEFAULT_RAMP_TARGET

    info = store.dataset_info(cur)
    as_of = info.as_of
    f = Filters()
    setting = store.get_meta(cur).get("process_change")
    return {
        "overview": [
            ("dataset_info", lambda: store.dataset_info(cur)),
            ("filter_options", lambda: _filter_options(cur)),
            ("headline", lambda: overview.headline(cur, f, as_of=as_of, adjust_by=None)),
        ],
        "funnel": [
            ("funnel", lambda: funnel.funnel(cur, f, include_open=False, adjust_by=None)),
            ("withdrawal_reasons", lambda: funnel.withdrawal_reasons(cur, f)),
            ("first_human_contact", lambda: funnel.first_human_contact(cur, f)),
            ("touchpoint_formats", lambda: funnel.touchpoint_formats(cur, f)),
            ("stage_times", lambda: funnel.stage_times(cur, f)),
            ("time_to_offer", lambda: funnel.time_to_offer(cur, f, as_of)),
            ("breakdown", lambda: funnel.breakdown(cur, f, "role_family", target="offer")),
        ],
        "offers": [
            ("acceptance", lambda: offers.acceptance(cur, f)),
            ("decision_times", lambda: offers.decision_times(cur, f)),
            ("human_premium", lambda: offers.human_premium(cur, f)),
            ("by_comp_ratio", lambda: offers.acceptance_by_comp_ratio(cur, f)),
            ("by_competing", lambda: offers.acceptance_by_competing(cur, f)),
            ("decline_reasons", lambda: offers.decline_reasons(cur, f)),
        ],
        "quality": [
            (
                "quality",
                lambda: quality.quality(cur, f, as_of, ramp_target=DEFAULT_RAMP_TARGET),
            ),
            ("rating_counts", lambda: quality.rating_counts(cur, f, as_of)),
            ("retention", lambda: quality.retention(cur, f, as_of)),
            ("process_change", lambda: change.process_change(cur, f, as_of, setting)),
        ],
    }


def missing_pages() -> list[str]:
    """Optional pages whose analytics module is not importable yet (reported, not failed)."""
    out = []
    for name in OPTIONAL_PAGES:
        try:
            importlib.import_module(f"analytics.{name}")
        except ImportError:
            out.append(name)
    return out


def _filter_options(cur: duckdb.DuckDBPyConnection) -> Any:
    from analytics.store import filter_options

    return filter_options(cur)


def _time(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def task_analytics(db: str, runs: int) -> dict[str, Any]:
    """Cold and warm timings of every page's analytics on a read-only connection."""
    result: dict[str, Any] = {"pages": {}}
    for page in page_calls(store.connect(":memory:")):
        # Cold: a fresh connection per page, so no page profits from another's warm buffers.
        con = store.connect(db, read_only=True)
        cur = con.cursor()
        calls = page_calls(cur)[page]
        cold = {name: _time(fn) for name, fn in calls}
        warm: dict[str, list[float]] = {name: [] for name, _ in calls}
        totals = []
        for _ in range(runs):
            total = 0.0
            for name, fn in calls:
                t = _time(fn)
                warm[name].append(t)
                total += t
            totals.append(total)
        result["pages"][page] = {
            "cold_s": sum(cold.values()),
            "warm_s": _median(totals),
            "calls": {n: {"cold_s": cold[n], "warm_s": _median(warm[n])} for n in cold},
        }
        cur.close()
        con.close()
    result["missing_pages"] = missing_pages()
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def task_apptest(db: str, runs: int) -> dict[str, Any]:
    """Full page runs through AppTest: first run in a fresh process, then median of reruns.

    ``uncached`` clears ``st.cache_data`` before each rerun (a new filter combination);
    ``cached`` keeps it (a user switching back to a page).
    """
    os.environ[store.DB_ENV_VAR] = db
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    out: dict[str, Any] = {"pages": {}}
    for page in PAGES_FOR_APPTEST:
        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_file(str(APP), default_timeout=300)
        # The first run opens the connection and draws the default page (the overview); other
        # pages are timed from the switch, after that first run.
        started = time.perf_counter()
        at.run()
        first = time.perf_counter() - started
        if page != PAGES_FOR_APPTEST[0]:
            started = time.perf_counter()
            at.switch_page(str(REPO_ROOT / "pages" / f"{page}.py")).run()
            first = time.perf_counter() - started
        errors = [str(e.value)[:200] for e in at.exception]
        uncached, cached = [], []
        for _ in range(runs):
            st.cache_data.clear()
            started = time.perf_counter()
            at.run()
            uncached.append(time.perf_counter() - started)
        for _ in range(runs):
            started = time.perf_counter()
            at.run()
            cached.append(time.perf_counter() - started)
        out["pages"][page] = {
            "first_s": first,
            "uncached_s": _median(uncached),
            "cached_s": _median(cached),
            "errors": errors,
        }
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def task_demo(db: str, applications: int) -> dict[str, Any]:
    from analytics import demo

    started = time.perf_counter()
    con = store.connect(db)
    try:
        demo.build(con, applications)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return {"seconds": time.perf_counter() - started, "peak_rss_mb": peak_rss_mb()}


def task_import(csv: str, workdir: str) -> dict[str, Any]:
    """The CLI import path (read, prepare with checks, load) into an empty database."""
    from analytics import ingest

    target = Path(workdir) / "import.duckdb"
    target.unlink(missing_ok=True)
    started = time.perf_counter()
    raw = ingest.read_path(csv)
    con = store.connect(target)
    try:
        prepared = ingest.prepare(raw, "applications", None, con=con, mode="replace")
        if not prepared.ok:
            return {"error": prepared.report.to_text()[:500]}
        ingest.load(con, prepared, mode="replace")
        rows = con.execute("SELECT count(*) FROM applications").fetchall()[0][0]
    finally:
        con.close()
    seconds = time.perf_counter() - started
    target.unlink(missing_ok=True)
    return {"seconds": seconds, "rows": int(rows), "peak_rss_mb": peak_rss_mb()}


# --- the pandas baseline ---------------------------------------------------------------------

BASELINE_TABLES = ("applications", "stage_events", "offers", "hires")


def export_tables(db: str, folder: Path) -> dict[str, str]:
    """Export the tables an analyst would pull from the ATS (Parquet, one file per table)."""
    con = store.connect(db, read_only=True)
    paths = {}
    try:
        for name in BASELINE_TABLES:
            path = folder / f"{name}.parquet"
            con.execute(f"COPY {name} TO '{path}' (FORMAT parquet)")
            paths[name] = str(path)
    finally:
        con.close()
    return paths


def baseline_metrics(t: dict[str, pd.DataFrame], as_of: dt.date) -> dict[str, Any]:
    """The pages' main numbers the pandas way: per pipeline rates, funnel, offers, quality."""
    apps, events, offers, hires = (t[n] for n in BASELINE_TABLES)
    out: dict[str, Any] = {}
    decided = apps[apps.status != "open"]
    g = decided.groupby("pipeline")
    offered = decided.application_id.isin(offers.application_id)
    out["overview"] = pd.DataFrame(
        {
            "applications": apps.groupby("pipeline").size(),
            "decided": g.size(),
            "offer_rate": offered.groupby(decided.pipeline).mean(),
            "withdrawn": (decided.status == "withdrawn").groupby(decided.pipeline).mean(),
            "hired": (decided.status == "hired").groupby(decided.pipeline).mean(),
        }
    )
    ev = events.merge(apps[["application_id", "pipeline", "status"]], on="application_id")
    ev = ev[ev.status != "open"]
    reached = ev.groupby(["pipeline", "stage_order"]).application_id.nunique().unstack()
    out["funnel"] = reached
    out["withdrawal_reasons"] = (
        ev[ev.result == "withdrawn"].groupby(["pipeline", "withdrawal_reason"]).size()
    )
    ev_days = (ev.exited_on - ev.entered_on).dt.days
    out["stage_times"] = ev_days.groupby([ev.pipeline, ev.stage]).median()
    out["formats"] = ev.groupby(["pipeline", "format", "result"]).size()
    out["breakdown"] = offered.groupby([decided.pipeline, decided.role_family]).mean()
    of = offers.merge(apps[["application_id", "pipeline"]], on="application_id")
    dec = of[of.accepted.notna()]
    out["acceptance"] = dec.groupby("pipeline").accepted.mean()
    out["comp_ratio"] = dec.groupby(
        ["pipeline", pd.cut(dec.comp_ratio, 8)], observed=True
    ).accepted.mean()
    out["competing"] = dec.groupby(["pipeline", "competing_offers"]).accepted.mean()
    out["decline_reasons"] = (
        dec[~dec.accepted.astype(bool)].groupby(["pipeline", "decline_reason"]).size()
    )
    out["decision_days"] = (dec.decided_on - dec.offered_on).dt.days.groupby(dec.pipeline).median()
    h = hires.merge(apps[["application_id", "pipeline"]], on="application_id")
    end = h.left_on.fillna(pd.Timestamp(as_of))
    h = h.assign(tenure=(end - h.start_on).dt.days)
    out["quality"] = h.groupby("pipeline").agg(
        perf_12m=("perf_12m", "mean"),
        ramp=("ramp_days", lambda s: (s <= 90).mean()),
        manager=("manager_satisfaction", "mean"),
        retained=("tenure", lambda s: (s >= 365).mean()),
    )
    out["ratings"] = h.groupby(["pipeline", "perf_12m"]).size()
    hired = apps[apps.status == "hired"].merge(
        events[events.stage == "offer"][["application_id", "entered_on"]], on="application_id"
    )
    out["time_to_offer"] = (
        (hired.entered_on - hired.applied_on).dt.days.groupby(hired.pipeline).median()
    )
    return out


def task_baseline(paths: dict[str, str], as_of: str, runs: int) -> dict[str, Any]:
    started = time.perf_counter()
    tables = {name: pd.read_parquet(p) for name, p in paths.items()}
    for frame in tables.values():
        for col in frame.columns:
            if str(frame[col].dtype).startswith("datetime64") or col.endswith(("_on",)):
                frame[col] = pd.to_datetime(frame[col])
    load = time.perf_counter() - started
    day = dt.date.fromisoformat(as_of)
    times = [_time(lambda: baseline_metrics(tables, day)) for _ in range(max(1, runs))]
    return {
        "load_s": load,
        "first_s": times[0],
        "median_s": _median(times),
        "peak_rss_mb": peak_rss_mb(),
    }


# --- orchestration ---------------------------------------------------------------------------


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
    return {
        "cpus": os.cpu_count(),
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
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Build the demo at ``applications`` and measure everything; returns the JSON-able result."""
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


def summarize(result: dict[str, Any]) -> dict[str, Any]:
    """Ratios to the baseline and which targets hold (None when not measured)."""
    pages = result.get("analytics", {}).get("pages", {})
    warm_total = sum(p["warm_s"] for p in pages.values()) if pages else None
    base = result.get("baseline", {})
    s: dict[str, Any] = {"app_warm_total_s": warm_total}
    if warm_total and base.get("median_s"):
        s["speedup_vs_baseline"] = base["median_s"] / warm_total
        s["speedup_vs_baseline_incl_load"] = (base["median_s"] + base["load_s"]) / warm_total
    app_rss = result.get("analytics", {}).get("peak_rss_mb")
    if app_rss and base.get("peak_rss_mb"):
        s["memory_ratio_app_to_baseline"] = app_rss / base["peak_rss_mb"]
    n = result["applications"]
    checks: dict[str, bool | None] = {}
    if pages:
        worst_warm = max(p["warm_s"] for p in pages.values())
        worst_cold = max(p["cold_s"] for p in pages.values())
        s["worst_warm_s"], s["worst_cold_s"] = worst_warm, worst_cold
    page_runs = result.get("apptest", {}).get("pages", {})
    if page_runs:
        s["worst_page_uncached_s"] = max(p["uncached_s"] for p in page_runs.values())
        s["worst_page_first_s"] = max(p["first_s"] for p in page_runs.values())
    rss_values = [
        result.get(k, {}).get("peak_rss_mb") for k in ("analytics", "apptest") if result.get(k)
    ]
    s["app_peak_rss_mb"] = max((v for v in rss_values if v), default=None)
    if n == 1_000_000:
        t = TARGETS_1M
        checks["warm<=150ms"] = pages and s["worst_warm_s"] <= t["warm_s"]
        checks["cold<=1s"] = pages and s["worst_cold_s"] <= t["cold_s"]
        if page_runs:
            checks["page<=1.5s"] = s["worst_page_uncached_s"] <= t["page_s"]
        if result.get("import", {}).get("seconds"):
            checks["import<=10s"] = result["import"]["seconds"] <= t["import_s"]
        if s["app_peak_rss_mb"]:
            checks["rss<=1.5GB"] = s["app_peak_rss_mb"] <= t["rss_mb"]
    if n == 10_000_000:
        t = TARGETS_10M
        checks["warm<=1s"] = pages and s["worst_warm_s"] <= t["warm_s"]
        if s["app_peak_rss_mb"]:
            checks["rss<=3GB"] = s["app_peak_rss_mb"] <= t["rss_mb"]
        if "speedup_vs_baseline" in s:
            checks[">=3x baseline"] = s["speedup_vs_baseline"] >= t["speedup"]
        if "memory_ratio_app_to_baseline" in s:
            checks["<=1/3 memory"] = s["memory_ratio_app_to_baseline"] <= t["memory_ratio"]
    s["targets"] = checks
    return s


def table(result: dict[str, Any]) -> str:
    """A plain-text table of one run (also pasted into the README)."""
    m = result["machine"]
    lines = [
        f"applications: {result['applications']:,}  runs: {result['runs']}  "
        f"rows: {result.get('rows', {})}  db: {result.get('db_mb')} MB",
        f"machine: {m['cpus']} cores, {m['ram_gb']} GB RAM, Python {m['python']}, duckdb "
        f"{m['duckdb']}, pandas {m['pandas']}, streamlit {m['streamlit']}; load avg "
        f"{m['load_avg_start'][0]:.1f} at start, {m.get('load_avg_end', [0])[0]:.1f} at end",
    ]
    demo = result.get("demo", {})
    if "seconds" in demo:
        lines.append(
            f"demo generation: {demo['seconds']:.1f} s, peak RSS {demo['peak_rss_mb']:.0f} MB"
        )
    a = result.get("analytics", {})
    if "pages" in a:
        lines.append(f"{'page analytics':<16}{'cold s':>9}{'warm s':>9}   slowest call (warm)")
        for page, p in a["pages"].items():
            slow = max(p["calls"].items(), key=lambda kv: kv[1]["warm_s"])
            lines.append(
                f"{page:<16}{p['cold_s']:>9.3f}{p['warm_s']:>9.3f}   "
                f"{slow[0]} {slow[1]['warm_s']:.3f}"
            )
        lines.append(f"analytics process peak RSS: {a['peak_rss_mb']:.0f} MB")
        if a.get("missing_pages"):
            lines.append(f"not measured (analytics not landed): {', '.join(a['missing_pages'])}")
    elif a:
        lines.append(f"analytics: ERROR {a.get('error', '')[:300]}")
    p = result.get("apptest", {})
    if "pages" in p:
        lines.append(f"{'page run':<16}{'first s':>9}{'uncached':>9}{'cached':>9}")
        for page, r in p["pages"].items():
            err = f"  ERRORS: {r['errors']}" if r["errors"] else ""
            lines.append(
                f"{page:<16}{r['first_s']:>9.2f}{r['uncached_s']:>9.2f}{r['cached_s']:>9.2f}{err}"
            )
        lines.append(f"AppTest process peak RSS: {p['peak_rss_mb']:.0f} MB")
    elif p:
        lines.append(f"page runs: ERROR {p.get('error', '')[:300]}")
    imp = result.get("import", {})
    if "seconds" in imp:
        lines.append(
            f"import {imp['rows']:,}-row applications CSV: {imp['seconds']:.1f} s, "
            f"peak RSS {imp['peak_rss_mb']:.0f} MB"
        )
    elif imp:
        lines.append(f"import: ERROR {imp.get('error', '')[:300]}")
    b = result.get("baseline", {})
    if "median_s" in b:
        lines.append(
            f"pandas baseline: load {b['load_s']:.2f} s, metrics {b['median_s']:.3f} s (median), "
            f"peak RSS {b['peak_rss_mb']:.0f} MB"
        )
    elif b:
        lines.append(f"baseline: ERROR {b.get('error', '')[:300]}")
    s = result.get("summary", {})
    if s.get("speedup_vs_baseline"):
        lines.append(
            f"app (all pages, warm) {s['app_warm_total_s']:.3f} s vs baseline: "
            f"{s['speedup_vs_baseline']:.1f}x faster "
            f"({s['speedup_vs_baseline_incl_load']:.1f}x counting the baseline's load); "
            f"memory app/baseline {s.get('memory_ratio_app_to_baseline', float('nan')):.2f}"
        )
    if s.get("targets"):
        lines.append(
            "targets: " + ", ".join(f"{k} {'ok' if v else 'MISS'}" for k, v in s["targets"].items())
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """The child-process entry point: ``python -m analytics.bench TASK ARGS``."""
    argv = sys.argv[1:] if argv is None else argv
    task, args = argv[0], argv[1:]
    if task == "demo":
        out = task_demo(args[0], int(args[1]))
    elif task == "analytics":
        out = task_analytics(args[0], int(args[1]))
    elif task == "apptest":
        out = task_apptest(args[0], int(args[1]))
    elif task == "import":
        out = task_import(args[0], args[1])
    elif task == "baseline":
        out = task_baseline(json.loads(args[0]), args[1], int(args[2]))
    else:
        raise SystemExit(f"unknown bench task {task!r}")
    print(json.dumps(out))
    return 0


def cli(args: argparse.Namespace) -> int:
    """``python -m analytics bench``: run, print the table, write the JSON."""
    workdir = Path(args.workdir) if args.workdir else None
    result = run(
        args.applications,
        runs=args.runs,
        workdir=workdir,
        with_import=not args.no_import,
        with_apptest=not args.no_pages,
        reuse_db=Path(args.reuse_db) if args.reuse_db else None,
        with_baseline=not args.no_baseline,
        log=lambda s: print(s, file=sys.stderr, flush=True),
    )
    print(table(result))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, default=str))
        print(f"wrote {args.json}")
    return 0


def add_parser(sub: Any) -> None:
    p = sub.add_parser("bench", help="measure page analytics, page runs, import, memory vs pandas")
    p.add_argument("--applications", type=int, default=1_000_000)
    p.add_argument("--runs", type=int, default=5, help="warm runs per page (median)")
    p.add_argument("--json", help="write the full result as JSON to this file")
    p.add_argument("--workdir", help="where the temporary database goes (default: a temp dir)")
    p.add_argument("--no-import", action="store_true", help="skip the CSV import measurement")
    p.add_argument("--no-pages", action="store_true", help="skip the AppTest page runs")
    p.add_argument("--no-baseline", action="store_true", help="skip the pandas baseline")
    p.add_argument(
        "--reuse-db",
        help="measure an existing demo database (read only) instead of generating one",
    )


if __name__ == "__main__":
    raise SystemExit(main())
