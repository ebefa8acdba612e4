"""The measurements, each run in its own child process (``python -m analytics.bench TASK ...``).

Peak memory (RSS) is a per-process high-water mark, so every task runs alone in a fresh process
and prints one JSON line with its timings and its own peak RSS; ``runner`` starts them.
"Cold" is a fresh process and connection running a page's analytics for the first time; "warm"
the median of further runs on the same connection (what the app pays when ``st.cache_data``
misses, e.g. after a filter change, with DuckDB's buffers warm).
"""

from __future__ import annotations

import importlib
import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from analytics import store
from analytics.domain import Filters

REPO_ROOT = Path(__file__).resolve().parents[2]
APP = REPO_ROOT / "app.py"
PAGES_FOR_APPTEST = (
    "overview",
    "overview_adjusted",  # the Overview with "Adjust for: everything measured" (?adjust=all)
    "funnel",
    "offers",
    "quality",
    "survey",
    "fairness",
    "business_case",
)
OPTIONAL_PAGES = ("survey", "fairness", "business_case")


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
    from analytics.metrics import causal, change, funnel, offers, overview, quality
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
        # The Overview with "Adjust for: everything measured": the headline plus the adjusted
        # effect of every rate (issue 22), counts from the load-time ``causal_patterns`` table
        # (the scan it replaced, and the fallback, is measured by ``task_causal``).
        "overview_adjusted": [
            ("headline", lambda: overview.headline(cur, f, as_of=as_of, adjust_by=None)),
            (
                "causal",
                lambda: causal.adjusted_effects(cur, f, as_of, outcomes=causal.RATE_OUTCOMES),
            ),
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
        # issue 21: the Fairness page's first screen (every group column, career switchers)
        "fairness": _fairness_calls(cur, f, as_of),
    }


def _fairness_calls(cur: duckdb.DuckDBPyConnection, f: Filters, as_of: Any) -> list:
    from analytics.metrics import fairness

    # As the page: every group column's counts from one query (ui/cache.step_counts reads them
    # from the cached step_counts_by_column), then each column's impact ratios from its share.
    columns = tuple(fairness.available_columns(cur))
    counts: dict[str, Any] = {}

    def count_all() -> Any:
        counts.update(fairness.step_counts_by_column(cur, f, columns))
        return counts

    calls: list = [("available_columns", lambda: fairness.available_columns(cur))]
    calls.append(("step_counts_all_columns", count_all))
    calls += [(f"impact_{c}", lambda c=c: fairness.adverse_impact(counts[c])) for c in columns]
    quality = fairness.switcher_quality_counts
    calls.append(("switcher_quality", lambda: fairness.switcher_quality(quality(cur, f, as_of))))
    return calls


def missing_pages() -> list[str]:
    """Optional pages whose analytics module is not importable yet (reported, not failed)."""
    out = []
    for name in OPTIONAL_PAGES:
        try:
            importlib.import_module(f"analytics.metrics.{name}")
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
        totals, cpu = [], []
        for _ in range(runs):
            total = 0.0
            # CPU time of the process (every DuckDB thread included): on a machine shared with
            # other work, wall time stretches with the load average, CPU time much less so.
            cpu_started = time.process_time()
            for name, fn in calls:
                t = _time(fn)
                warm[name].append(t)
                total += t
            cpu.append(time.process_time() - cpu_started)
            totals.append(total)
        result["pages"][page] = {
            "cold_s": sum(cold.values()),
            "warm_s": _median(totals),
            "warm_cpu_s": _median(cpu),
            "calls": {n: {"cold_s": cold[n], "warm_s": _median(warm[n])} for n in cold},
        }
        cur.close()
        con.close()
    result["missing_pages"] = missing_pages()
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def _timed(fn: Callable[[], Any]) -> tuple[float, float]:
    """Wall and CPU seconds (CPU of the whole process, DuckDB's threads included)."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def _causal_case(
    db: str, as_of: Any, f: Filters, outcomes: tuple[str, ...], mode: str, runs: int
) -> dict[str, Any]:
    from analytics.metrics import causal
    from analytics.metrics.quality import DEFAULT_RAMP_TARGET

    con = store.connect(db, read_only=True)
    cur = con.cursor()
    derived = mode == "derived"

    def effects() -> Any:
        return causal.adjusted_effects(
            cur, f, as_of, ramp_target=DEFAULT_RAMP_TARGET, outcomes=outcomes, use_derived=derived
        )

    def counts() -> Any:
        return causal.pattern_frames(cur, f, as_of, DEFAULT_RAMP_TARGET, use_derived=derived)

    try:
        source = causal.pattern_source(cur, f, as_of, DEFAULT_RAMP_TARGET)
        cold_wall, cold_cpu = _timed(effects)
        warm = [_timed(effects) for _ in range(runs)]
        counted = [_timed(counts) for _ in range(runs)]
    finally:
        cur.close()
        con.close()
    return {
        "cold_s": cold_wall,
        "cold_cpu_s": cold_cpu,
        "warm_s": _median([w for w, _ in warm]),
        "warm_cpu_s": _median([c for _, c in warm]),
        "counts_warm_s": _median([w for w, _ in counted]),
        "counts_warm_cpu_s": _median([c for _, c in counted]),
        "from_table": derived and source.applications,
        "outcomes_from_table": derived and source.outcomes,
        "load_avg": list(os.getloadavg()),
    }


def task_causal(db: str, runs: int) -> dict[str, Any]:
    """The adjusted ("everything measured") effects, issue 22: the load-time pattern table
    (``derived``) against the scan of the applications (``scan``, the fallback and what the
    page did before), each cold (fresh connection, first call) and warm (median of ``runs``),
    wall and CPU, for the Overview's four rates, the Quality composite and a filtered view; the
    load average beside them (wall time on a shared machine stretches with it)."""
    from analytics.metrics import causal

    probe = store.connect(db, read_only=True)
    as_of = store.dataset_info(probe).as_of
    family = probe.execute(
        "SELECT role_family FROM applications WHERE role_family IS NOT NULL "
        "GROUP BY ALL ORDER BY count(*) DESC LIMIT 1"
    ).fetchall()
    first = probe.execute("SELECT min(applied_on) FROM applications").fetchall()[0][0]
    probe.close()
    views = {"all": Filters()}
    if family and first is not None:
        start = first.replace(day=1)
        start = start.replace(year=start.year + 1)  # a whole-months range: a year on
        views["filtered"] = Filters(role_family=(family[0][0],), date_from=start)
        # A mid-month start cannot be read from monthly patterns: the scan answers it.
        views["mid_month"] = Filters(role_family=(family[0][0],), date_from=start.replace(day=15))
    cases = {f"overview_{name}": (f, causal.RATE_OUTCOMES) for name, f in views.items()}
    cases["quality_composite"] = (Filters(), ("quality_composite",))
    out: dict[str, Any] = {"load_avg_start": list(os.getloadavg()), "cases": {}}
    for case, (f, outcomes) in cases.items():
        for mode in ("derived", "scan"):
            out["cases"][f"{case}/{mode}"] = _causal_case(db, as_of, f, outcomes, mode, runs)
    out["load_avg_end"] = list(os.getloadavg())
    out["peak_rss_mb"] = peak_rss_mb()
    return out


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
        if page == "overview_adjusted":  # issue 22's page budget: the adjusted answer, from the URL
            at.query_params["adjust"] = "all"
        # The first run opens the connection and draws the default page (the overview); other
        # pages are timed from the switch, after that first run.
        started = time.perf_counter()
        at.run()
        first = time.perf_counter() - started
        if not page.startswith("overview"):
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
    elif task == "causal":
        out = task_causal(args[0], int(args[1]))
    elif task == "import":
        out = task_import(args[0], args[1])
    elif task == "baseline":
        from analytics.bench.baseline import task_baseline

        out = task_baseline(json.loads(args[0]), args[1], int(args[2]))
    else:
        raise SystemExit(f"unknown bench task {task!r}")
    print(json.dumps(out))
    return 0
