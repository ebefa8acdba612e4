"""The numbers of one run in short: ratios to the baseline, which targets hold, and the
plain-text table pasted into docs/performance.md."""

from __future__ import annotations

from typing import Any

# The targets of issue 10 (2 cores), checked in the table.
TARGETS_1M = {"warm_s": 0.150, "cold_s": 1.0, "page_s": 1.5, "import_s": 10.0, "rss_mb": 1536}
# Issue 21: what a person waits for in the browser at 1M applications (2 cores, quiet machine).
TARGETS_BROWSER_1M = {"ratio": 1.5, "warm_s": 1.0, "cold_s": 2.0}
TARGETS_10M = {"warm_s": 1.0, "rss_mb": 3072, "speedup": 3.0, "memory_ratio": 1 / 3}


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
        if pages:
            checks["warm<=150ms"] = s["worst_warm_s"] <= t["warm_s"]
            checks["cold<=1s"] = s["worst_cold_s"] <= t["cold_s"]
        if page_runs:
            checks["page<=1.5s"] = s["worst_page_uncached_s"] <= t["page_s"]
        if result.get("import", {}).get("seconds"):
            checks["import<=10s"] = result["import"]["seconds"] <= t["import_s"]
        if s["app_peak_rss_mb"]:
            checks["rss<=1.5GB"] = s["app_peak_rss_mb"] <= t["rss_mb"]
    if n == 10_000_000:
        t = TARGETS_10M
        if pages:
            checks["warm<=1s"] = s["worst_warm_s"] <= t["warm_s"]
        if s["app_peak_rss_mb"]:
            checks["rss<=3GB"] = s["app_peak_rss_mb"] <= t["rss_mb"]
        if "speedup_vs_baseline" in s:
            checks[">=3x baseline"] = s["speedup_vs_baseline"] >= t["speedup"]
        if "memory_ratio_app_to_baseline" in s:
            checks["<=1/3 memory"] = s["memory_ratio_app_to_baseline"] <= t["memory_ratio"]
    browser = result.get("browser", {}).get("pages", {})
    if browser:
        s["worst_browser_warm_s"] = max(p["warm"]["complete_s"] for p in browser.values())
        s["worst_browser_cold_s"] = max(p["cold"]["complete_s"] for p in browser.values())
        s["worst_browser_ratio"] = max(p["ratio_warm"] for p in browser.values())
        if n == 1_000_000:
            t = TARGETS_BROWSER_1M
            checks["browser warm<=1.5x floor"] = s["worst_browser_ratio"] <= t["ratio"]
            checks["browser warm<=1s"] = s["worst_browser_warm_s"] <= t["warm_s"]
            checks["browser cold<=2s"] = s["worst_browser_cold_s"] <= t["cold_s"]
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
        lines.append(
            f"{'page analytics':<16}{'cold s':>9}{'warm s':>9}{'cpu s':>8}   slowest call (warm)"
        )
        for page, p in a["pages"].items():
            slow = max(p["calls"].items(), key=lambda kv: kv[1]["warm_s"])
            lines.append(
                f"{page:<16}{p['cold_s']:>9.3f}{p['warm_s']:>9.3f}"
                f"{p.get('warm_cpu_s', float('nan')):>8.3f}   "
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
    br = result.get("browser", {})
    if "pages" in br:
        from analytics.bench.browser import browser_table

        lines.append(browser_table(result))
    elif br:
        lines.append(f"browser: ERROR {br.get('error', '')[:300]}")
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
